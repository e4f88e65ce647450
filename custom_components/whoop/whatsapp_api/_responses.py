"""Turn a Graph API HTTP response (status and text) into a JSON object or the right exception."""

from collections.abc import Callable, Mapping
from http import HTTPStatus
import json

from ._json import JSONObject
from .exceptions import (
    ERROR_TEXT_MAX_LENGTH,
    WhatsAppError,
    WhatsAppResponseError,
    WhatsAppTemporaryError,
    error_class_for,
)


def decode_response(
    status: int,
    text: str,
    redact: Callable[[str], str],
    error_overrides: Mapping[int, type[WhatsAppError]] | None = None,
) -> JSONObject:
    """Return the JSON object of a successful response, or raise the error it describes.

    Graph answers ``text/javascript`` as often as ``application/json``, so the body is decoded
    whatever its content type says.

    Args:
        status: The HTTP status.
        text: The body.
        redact: Removes secrets from text that ends up in an exception message.
        error_overrides: Exception classes by code that differ on this endpoint.

    Raises:
        WhatsAppError: The subclass matching the Graph error code; WhatsAppTemporaryError for a 5xx
            without a Graph error body; WhatsAppResponseError for a body that is not understood.
    """
    try:
        body: object = json.loads(text)
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, Mapping) else None
    if isinstance(error, Mapping):
        raise error_from_graph(status, error, redact, error_overrides)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        msg = f"The Graph API failed with HTTP {status}"
        raise WhatsAppTemporaryError(msg, http_status=status)
    if status >= HTTPStatus.BAD_REQUEST:
        msg = f"The Graph API answered HTTP {status} without an error description"
        raise WhatsAppResponseError(msg, http_status=status)
    if not isinstance(body, Mapping):
        msg = "The Graph API answered with a body that is not a JSON object"
        raise WhatsAppResponseError(msg, http_status=status)
    return body


def error_from_graph(
    status: int | None,
    error: Mapping[str, object],
    redact: Callable[[str], str],
    overrides: Mapping[int, type[WhatsAppError]] | None = None,
) -> WhatsAppError:
    """Build the exception for a Graph error object, choosing its class by ``code``.

    Also reads the error objects of status webhooks, which have a ``title`` and no HTTP status.
    """
    code = _int_or_none(error.get("code"))
    if code is None:
        return WhatsAppResponseError(
            "The Graph API answered with an error without a code", http_status=status
        )

    def text(value: object) -> str | None:
        if not isinstance(value, str) or not value:
            return None
        return redact(value)[:ERROR_TEXT_MAX_LENGTH]

    error_data = error.get("error_data")
    details = error_data.get("details") if isinstance(error_data, Mapping) else None
    is_transient = error.get("is_transient")
    is_transient = is_transient if isinstance(is_transient, bool) else None
    error_class = error_class_for(code, overrides, is_transient=is_transient)
    return error_class(
        text(error.get("message"))
        or text(error.get("title"))
        or f"Graph API error {code}",
        code=code,
        subcode=_int_or_none(error.get("error_subcode")),
        details=text(details),
        fbtrace_id=text(error.get("fbtrace_id")),
        http_status=status,
        is_transient=is_transient,
        user_title=text(error.get("error_user_title")),
        user_message=text(error.get("error_user_msg")),
    )


def _int_or_none(value: object) -> int | None:
    # Some Meta front ends send codes as strings ("131056").
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None

"""One request to the Graph API: authorised, bounded in time, secrets redacted from errors."""

from collections.abc import Mapping, Sequence
import logging
from typing import Final

import aiohttp

from ._json import JSONObject
from ._responses import decode_response
from .const import MAX_RESPONSE_BYTES
from .exceptions import WhatsAppConnectionError, WhatsAppError, WhatsAppResponseError

_LOGGER = logging.getLogger(__name__)

_REDACTED: Final = "[redacted]"


class GraphTransport:
    """Sends requests to one Graph API version with one access token."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        access_token: str,
        *,
        base_url: str,
        request_timeout: float,
    ) -> None:
        """Send through ``session`` to ``base_url`` (the version included)."""
        self._session = session
        self.access_token = access_token
        self.base_url = base_url
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Mapping[str, object] | None = None,
        data: aiohttp.FormData | None = None,
        authenticated: bool = True,
        secrets: Sequence[str] = (),
        error_overrides: Mapping[int, type[WhatsAppError]] | None = None,
    ) -> JSONObject:
        """Send one request and return its JSON object, or raise the matching WhatsAppError."""
        hidden = (self.access_token, *secrets)

        def redact(text: str) -> str:
            for secret in hidden:
                if secret:
                    text = text.replace(secret, _REDACTED)
            return text

        headers = (
            {"Authorization": f"Bearer {self.access_token}"} if authenticated else {}
        )
        # The path is logged and put into errors without the query, which may hold secrets.
        description = f"{method} /{path}"
        try:
            async with self._session.request(
                method,
                f"{self.base_url}/{path}",
                params=params,
                json=json,
                data=data,
                headers=headers,
                timeout=self._timeout,
            ) as response:
                status = response.status
                body = await _read_at_most(response, MAX_RESPONSE_BYTES)
                text = None if body is None else body.decode("utf-8", "replace")
        except TimeoutError as err:
            msg = f"Timeout waiting for the Graph API ({description})"
            raise WhatsAppConnectionError(msg) from err
        except aiohttp.ClientError as err:
            msg = f"Cannot reach the Graph API ({description}): {type(err).__name__}"
            raise WhatsAppConnectionError(msg) from err
        _LOGGER.debug("%s: HTTP %s", description, status)
        if text is None:
            limit = MAX_RESPONSE_BYTES // 1_048_576
            msg = f"The Graph API answered {description} with more than {limit} MiB"
            raise WhatsAppResponseError(msg, http_status=status)
        return decode_response(status, text, redact, error_overrides)


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """Return the body, or ``None`` as soon as it is known to be longer than ``limit`` bytes."""
    if response.content_length is not None and response.content_length > limit:
        return None
    body = bytearray()
    async for chunk in response.content.iter_chunked(65_536):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)

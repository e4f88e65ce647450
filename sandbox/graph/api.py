"""The Graph API endpoints the WhatsApp client uses, answered from the GraphSandbox's state."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Final

from aiohttp import BodyPartReader, web

from .constants import APP_ID, APP_SECRET, SCOPE_MESSAGING, TOKEN_TYPE_SYSTEM_USER
from .errors import GraphError
from .models import RawFailure
from .recipients import digits_of
from .request_log import GraphRequest
from .state import GraphSandbox
from .validation import parse_message

GRAPH_KEY: Final = web.AppKey("graph", GraphSandbox)

_VERSION: Final = r"{version:v\d+\.\d+}"
_PHONE_NUMBER_FIELDS: Final = {
    "id",
    "display_phone_number",
    "verified_name",
    "quality_rating",
    "code_verification_status",
    "platform_type",
    "throughput",
}
_DEFAULT_PHONE_NUMBER_FIELDS: Final = (
    "verified_name",
    "code_verification_status",
    "display_phone_number",
    "quality_rating",
    "platform_type",
    "throughput",
    "id",
)
_SUPPORTED_MEDIA: Final = {
    "audio/aac": 16, "audio/amr": 16, "audio/mpeg": 16, "audio/mp4": 16, "audio/ogg": 16,
    "image/jpeg": 5, "image/png": 5, "image/webp": 0.5,
    "video/mp4": 16, "video/3gpp": 16,
    "text/plain": 100, "application/pdf": 100, "application/msword": 100,
    "application/vnd.ms-excel": 100, "application/vnd.ms-powerpoint": 100,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": 100,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": 100,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": 100,
}  # fmt: skip
"""The MIME types Meta accepts, with their size limits in megabytes."""
_MEGABYTE: Final = 1024 * 1024
_MAX_UPLOAD_BYTES: Final = int(max(_SUPPORTED_MEDIA.values()) * _MEGABYTE) + _MEGABYTE
"""The largest body worth reading: the biggest file allowed plus room for the other fields."""
_FIELD_MAX_BYTES: Final = 1024
_TEMPLATE_PAGE_MAX: Final = 1000
_CHUNK_BYTES: Final = 64 * 1024

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_api_routes(app: web.Application) -> None:
    """Register the Graph endpoints (under any ``vNN.0`` version prefix)."""
    app.router.add_get(
        f"/{_VERSION}/debug_token", _endpoint("debug_token", _debug_token)
    )
    app.router.add_get(
        f"/{_VERSION}/oauth/access_token", _endpoint("access_token", _access_token)
    )
    app.router.add_post(
        f"/{_VERSION}/{{phone_number_id}}/messages", _endpoint("messages", _messages)
    )
    app.router.add_post(
        f"/{_VERSION}/{{phone_number_id}}/media", _endpoint("media", _media)
    )
    app.router.add_get(
        f"/{_VERSION}/{{business_account_id}}/message_templates",
        _endpoint("message_templates", _message_templates),
    )
    app.router.add_get(
        f"/{_VERSION}/{{phone_number_id}}", _endpoint("phone_number", _phone_number)
    )


def _endpoint(name: str, handler: Handler) -> Handler:
    """Wrap a handler: bare failures first, then Graph errors turned into Meta's error bodies."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        graph = request.app[GRAPH_KEY]
        response = await answer(graph, request)
        graph.requests.append(
            GraphRequest(name, request.method, request.path, response.status)
        )
        return response

    async def answer(graph: GraphSandbox, request: web.Request) -> web.StreamResponse:
        raw = graph.take_raw_failure(name)
        if raw is not None:
            return await _raw_response(raw)
        try:
            return await handler(request)
        except GraphError as error:
            return error.to_response()

    return wrapped


async def _raw_response(failure: RawFailure) -> web.Response:
    if failure.delay:
        await asyncio.sleep(failure.delay)
    return web.Response(
        status=failure.status, text=failure.body, content_type=failure.content_type
    )


def _bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() in {"bearer", "oauth"} and token.strip():
        return token.strip()
    return request.query.get("access_token")


async def _messages(request: web.Request) -> web.Response:
    graph = request.app[GRAPH_KEY]
    try:
        payload: object = await request.json()
    except ValueError:
        payload = None
    to = payload.get("to") if isinstance(payload, dict) else None
    try:
        recipient = digits_of(to) if isinstance(to, str) else None
    except ValueError:
        recipient = None
    graph.raise_injected_failure("messages", recipient)
    token = graph.authenticate(_bearer_token(request))
    number = graph.phone_number_for(
        request.match_info["phone_number_id"],
        token,
        scope=SCOPE_MESSAGING,
        method="POST",
    )
    if isinstance(payload, dict) and "status" in payload:
        return _mark_as_read(graph, payload)
    content = parse_message(payload, graph.templates, graph.uploads)
    message = graph.deliver(number, content)
    body: dict[str, object] = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": message.wa_id}],
        "messages": [{"id": message.message_id}],
    }
    if message.type == "template":
        body["messages"] = [{"id": message.message_id, "message_status": "accepted"}]
    return web.json_response(body)


def _mark_as_read(graph: GraphSandbox, payload: dict[str, object]) -> web.Response:
    """``{"status": "read", "message_id": ...}``: the business read an inbound message."""
    if payload.get("messaging_product") != "whatsapp":
        raise GraphError(
            100, message="(#100) The parameter messaging_product is required."
        )
    if payload.get("status") != "read":
        raise GraphError(100, details="Param status must be read.")
    message_id = payload.get("message_id")
    if not isinstance(message_id, str) or not message_id.startswith("wamid."):
        raise GraphError(
            131009, details="Param message_id must be the wamid of a received message."
        )
    graph.mark_as_read(message_id)
    return web.json_response({"success": True})


async def _media(request: web.Request) -> web.Response:
    graph = request.app[GRAPH_KEY]
    graph.raise_injected_failure("media")
    token = graph.authenticate(_bearer_token(request))
    graph.phone_number_for(
        request.match_info["phone_number_id"],
        token,
        scope=SCOPE_MESSAGING,
        method="POST",
    )
    if not request.content_type.startswith("multipart/"):
        raise GraphError(100, details="Upload media as multipart/form-data.")
    fields, file = await _read_upload_form(request)
    if fields.get("messaging_product") != "whatsapp":
        raise GraphError(
            100, message="(#100) The parameter messaging_product is required."
        )
    if file is None:
        raise GraphError(131008, details="The parameter file is required.")
    filename, part_type, data = file
    mime_type = fields.get("type") or part_type
    limit = _SUPPORTED_MEDIA.get(mime_type)
    if limit is None:
        raise GraphError(
            131053, details=f"Unsupported file type {mime_type or '(none)'}."
        )
    if len(data) > limit * _MEGABYTE:
        raise _too_large(mime_type)
    upload = graph.store_upload(filename, mime_type, data)
    return web.json_response({"id": upload.media_id})


async def _read_upload_form(
    request: web.Request,
) -> tuple[dict[str, str], tuple[str, str, bytes] | None]:
    """Return the form's text fields and its file (name, part type, bytes), read bounded."""
    if (request.content_length or 0) > _MAX_UPLOAD_BYTES:
        raise _too_large(None)
    fields: dict[str, str] = {}
    file: tuple[str, str, bytes] | None = None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue  # nested multipart: Meta ignores it too
        if part.name == "file":
            part_type = part.headers.get("Content-Type", "")
            # The type field usually comes first; if not, the part's own type bounds the read.
            mime_type = fields.get("type") or part_type
            file = (
                part.filename or "file",
                part_type,
                await _read_bounded(
                    part, _limit_bytes(mime_type), partial(_too_large, mime_type)
                ),
            )
        elif part.name:
            raw = await _read_bounded(
                part, _FIELD_MAX_BYTES, partial(_too_long, part.name)
            )
            fields[part.name] = raw.decode(errors="replace")
    return fields, file


def _limit_bytes(mime_type: str) -> int:
    """The most bytes worth reading for a file of ``mime_type`` (unknown: the largest limit)."""
    megabytes = _SUPPORTED_MEDIA.get(mime_type, max(_SUPPORTED_MEDIA.values()))
    return int(megabytes * _MEGABYTE)


def _too_long(name: str) -> GraphError:
    return GraphError(100, details=f"Param {name} is too long.")


def _too_large(mime_type: str | None) -> GraphError:
    limit = _SUPPORTED_MEDIA.get(mime_type or "")
    allowed = (
        f"Files of type {mime_type} may be at most {limit:g} MB."
        if limit is not None
        else f"Files may be at most {max(_SUPPORTED_MEDIA.values()):g} MB."
    )
    return GraphError(131053, details=f"Media file size too big. {allowed}")


async def _read_bounded(
    part: BodyPartReader, limit: int, too_large: Callable[[], GraphError]
) -> bytes:
    """Read a part in chunks, refusing it (without reading the rest) once it passes ``limit``."""
    data = bytearray()
    while chunk := await part.read_chunk(_CHUNK_BYTES):
        data.extend(chunk)
        if len(data) > limit:
            raise too_large()
    return bytes(data)


async def _phone_number(request: web.Request) -> web.Response:
    graph = request.app[GRAPH_KEY]
    graph.raise_injected_failure("phone_number")
    token = graph.authenticate(_bearer_token(request))
    number = graph.phone_number_for(
        request.match_info["phone_number_id"], token, scope=None, method="GET"
    )
    requested = request.query.get("fields")
    fields = (
        [field.strip() for field in requested.split(",") if field.strip()]
        if requested
        else list(_DEFAULT_PHONE_NUMBER_FIELDS)
    )
    unknown = [field for field in fields if field not in _PHONE_NUMBER_FIELDS]
    if unknown:
        raise GraphError(
            100,
            message=f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type (WhatsAppBusinessPhoneNumber)",
        )
    values: dict[str, object] = {
        "id": number.phone_number_id,
        "display_phone_number": number.display_phone_number,
        "verified_name": number.verified_name,
        "quality_rating": number.quality_rating,
        "code_verification_status": "VERIFIED",
        "platform_type": "CLOUD_API" if number.registered else "NOT_APPLICABLE",
        "throughput": {"level": "STANDARD"},
    }
    body = {field: values[field] for field in fields}
    body["id"] = number.phone_number_id
    return web.json_response(body)


async def _message_templates(request: web.Request) -> web.Response:
    """Meta's template listing: every language and status, paged by an ``after`` cursor."""
    graph = request.app[GRAPH_KEY]
    graph.raise_injected_failure("message_templates")
    token = graph.authenticate(_bearer_token(request))
    templates = graph.templates_of(request.match_info["business_account_id"], token)
    try:
        limit = min(max(int(request.query.get("limit", "25")), 1), _TEMPLATE_PAGE_MAX)
        start = int(request.query.get("after", "0"))
    except ValueError:
        raise GraphError(100, message="(#100) Invalid limit or cursor") from None
    page = templates[start : start + limit]
    body: dict[str, object] = {
        "data": [
            template.to_graph(str(1_000_000 + index))
            for index, template in enumerate(page, start)
        ],
        "paging": {"cursors": {"before": str(start), "after": str(start + len(page))}},
    }
    if start + limit < len(templates):
        body["paging"] = {
            "cursors": {"before": str(start), "after": str(start + limit)},
            "next": str(request.url.update_query(after=str(start + limit))),
        }
    return web.json_response(body)


async def _debug_token(request: web.Request) -> web.Response:
    graph = request.app[GRAPH_KEY]
    graph.raise_injected_failure("debug_token")
    graph.authenticate(_bearer_token(request))
    input_token = request.query.get("input_token")
    if not input_token:
        raise GraphError(100, message="(#100) The parameter input_token is required")
    return web.json_response({"data": graph.describe_token(input_token)})


async def _access_token(request: web.Request) -> web.Response:
    graph = request.app[GRAPH_KEY]
    graph.raise_injected_failure("access_token")
    query = request.query
    if not query.get("client_id"):
        raise GraphError(101, message="Missing client_id parameter.")
    if query["client_id"] != APP_ID:
        raise GraphError(101)
    # Meta really answers a wrong secret with code 1 ("unknown error").
    if query.get("client_secret") != APP_SECRET:
        raise GraphError(1, message="Error validating client secret.")
    match query.get("grant_type"):
        case "fb_exchange_token":
            return _exchange(graph, query)
        case "client_credentials":
            return web.json_response(
                {"access_token": graph.issue_app_token(), "token_type": "bearer"}
            )
        case other:
            raise GraphError(100, details=f"Unsupported grant_type {other!r}.")


def _exchange(graph: GraphSandbox, query: Mapping[str, str]) -> web.Response:
    current = query.get("fb_exchange_token")
    if not current:
        raise GraphError(
            100, message="(#100) The parameter fb_exchange_token is required"
        )
    record = graph.authenticate(current)
    if (
        record.token_type == TOKEN_TYPE_SYSTEM_USER
        and query.get("set_token_expires_in_60_days") != "true"
    ):
        raise GraphError(
            100,
            details="A system user token is refreshed with set_token_expires_in_60_days=true.",
        )
    token, lifetime = graph.exchange_token(current)
    return web.json_response(
        {"access_token": token, "token_type": "bearer", "expires_in": lifetime}
    )

"""Admin endpoints of the Graph sandbox (under ``/graph/_sandbox/``), all JSON but the page."""

from collections.abc import Mapping
from datetime import datetime
import json
from typing import Final

from aiohttp import web

from .api import GRAPH_KEY
from .messages_page import render_messages_page
from .state import GraphSandbox

_PREFIX: Final = "/_sandbox"


def add_admin_routes(app: web.Application) -> None:
    """Register the admin endpoints."""
    router = app.router
    router.add_get(f"{_PREFIX}/messages", _messages)
    router.add_get(f"{_PREFIX}/messages.json", _messages_json)
    router.add_delete(f"{_PREFIX}/messages", _clear_messages)
    router.add_get(f"{_PREFIX}/uploads", _uploads)
    router.add_get(f"{_PREFIX}/templates", _templates)
    router.add_post(f"{_PREFIX}/templates", _add_template)
    router.add_post(f"{_PREFIX}/tokens", _add_token)
    router.add_post(f"{_PREFIX}/tokens/revoke", _revoke_token)
    router.add_get(f"{_PREFIX}/windows", _windows)
    router.add_post(f"{_PREFIX}/windows", _open_window)
    router.add_post(f"{_PREFIX}/windows/close", _close_window)
    router.add_post(f"{_PREFIX}/failures", _fail_next)
    router.add_post(f"{_PREFIX}/failures/raw", _fail_next_raw)
    router.add_delete(f"{_PREFIX}/failures", _clear_failures)
    router.add_get(f"{_PREFIX}/settings", _settings)
    router.add_patch(f"{_PREFIX}/settings", _change_settings)


class AdminRequestError(web.HTTPBadRequest):
    """A bad admin request: 400 with ``{"error": reason}``."""

    def __init__(self, reason: str) -> None:
        """Describe what is wrong with the request."""
        super().__init__(
            text=json.dumps({"error": reason}), content_type="application/json"
        )


async def _body(request: web.Request) -> Mapping[str, object]:
    try:
        body: object = await request.json()
    except ValueError:
        msg = "The body must be JSON"
        raise AdminRequestError(msg) from None
    if not isinstance(body, Mapping):
        msg = "The body must be a JSON object"
        raise AdminRequestError(msg)
    return body


def _str(body: Mapping[str, object], key: str, default: str | None = None) -> str:
    value = body.get(key, default)
    if not isinstance(value, str) or not value:
        msg = f"{key} must be a non-empty string"
        raise AdminRequestError(msg)
    return value


def _optional_str(body: Mapping[str, object], key: str) -> str | None:
    return None if body.get(key) is None else _str(body, key)


def _int(body: Mapping[str, object], key: str, default: int | None = None) -> int:
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        msg = f"{key} must be an integer"
        raise AdminRequestError(msg)
    return value


def _optional_int(body: Mapping[str, object], key: str) -> int | None:
    return None if body.get(key) is None else _int(body, key)


def _number(body: Mapping[str, object], key: str, default: float) -> float:
    value = body.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        msg = f"{key} must be a number of seconds, not negative"
        raise AdminRequestError(msg)
    return float(value)


def _str_list(body: Mapping[str, object], key: str) -> list[str]:
    value = body.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        msg = f"{key} must be a list of strings"
        raise AdminRequestError(msg)
    return [str(item) for item in value]


def _datetime(body: Mapping[str, object], key: str) -> datetime | None:
    value = _optional_str(body, key)
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        msg = f"{key} must be an ISO 8601 date and time"
        raise AdminRequestError(msg) from None
    if when.tzinfo is None:
        msg = f"{key} needs a time zone, e.g. 2026-11-20T12:00:00+00:00"
        raise AdminRequestError(msg)
    return when


def _ok(data: object = None, *, status: int = 200) -> web.Response:
    return web.json_response({"ok": True} if data is None else data, status=status)


def _graph(request: web.Request) -> GraphSandbox:
    return request.app[GRAPH_KEY]


async def _messages(request: web.Request) -> web.Response:
    """The messages page; JSON with ``?format=json`` or ``Accept: application/json``."""
    wants_json = request.query.get("format") == "json" or (
        "application/json" in request.headers.get("Accept", "")
        and "text/html" not in request.headers.get("Accept", "")
    )
    if wants_json:
        return await _messages_json(request)
    return web.Response(
        text=render_messages_page(_graph(request)), content_type="text/html"
    )


async def _messages_json(request: web.Request) -> web.Response:
    """The received messages, newest first."""
    messages = reversed(_graph(request).messages)
    return web.json_response({"messages": [message.to_json() for message in messages]})


async def _clear_messages(request: web.Request) -> web.Response:
    _graph(request).messages.clear()
    return _ok()


async def _uploads(request: web.Request) -> web.Response:
    uploads = _graph(request).uploads.values()
    return web.json_response({"uploads": [upload.to_json() for upload in uploads]})


async def _templates(request: web.Request) -> web.Response:
    templates = _graph(request).templates.values()
    return web.json_response(
        {"templates": [template.to_json() for template in templates]}
    )


async def _add_template(request: web.Request) -> web.Response:
    body = await _body(request)
    template = _graph(request).add_template(
        _str(body, "name"),
        _str(body, "language", "en_US"),
        body=_str(body, "body"),
        header=_optional_str(body, "header"),
        category=_str(body, "category", "UTILITY"),
        status=_str(body, "status", "APPROVED"),
    )
    return _ok(template.to_json(), status=201)


async def _add_token(request: web.Request) -> web.Response:
    body = await _body(request)
    graph = _graph(request)
    options: dict[str, list[str]] = {
        key: _str_list(body, key)
        for key in ("scopes", "phone_number_ids")
        if key in body
    }
    record = graph.add_token(
        _str(body, "token"),
        expires_at=_datetime(body, "expires_at"),
        token_type=_str(body, "token_type", "SYSTEM_USER"),
        **options,
    )
    return _ok(
        {"token_type": record.token_type, "scopes": list(record.scopes)}, status=201
    )


async def _revoke_token(request: web.Request) -> web.Response:
    token = _str(await _body(request), "token")
    try:
        _graph(request).revoke_token(token)
    except KeyError:
        raise web.HTTPNotFound(
            text=json.dumps({"error": "unknown token"}), content_type="application/json"
        ) from None
    return _ok()


async def _windows(request: web.Request) -> web.Response:
    windows = _graph(request).windows()
    return web.json_response(
        {phone: closes.isoformat() for phone, closes in windows.items()}
    )


async def _open_window(request: web.Request) -> web.Response:
    body = await _body(request)
    graph = _graph(request)
    phone = _str(body, "phone")
    try:
        graph.open_window(phone, _datetime(body, "at"))
    except ValueError as err:
        raise AdminRequestError(str(err)) from None
    return _ok({"phone": phone, "closes_at": str(graph.window_expires_at(phone))})


async def _close_window(request: web.Request) -> web.Response:
    try:
        _graph(request).close_window(_str(await _body(request), "phone"))
    except ValueError as err:
        raise AdminRequestError(str(err)) from None
    return _ok()


async def _fail_next(request: web.Request) -> web.Response:
    body = await _body(request)
    try:
        _graph(request).fail_next(
            _int(body, "code"),
            subcode=_optional_int(body, "subcode"),
            count=_int(body, "count", 1),
            recipient=_optional_str(body, "recipient"),
            details=_optional_str(body, "details"),
            message=_optional_str(body, "message"),
            endpoint=_str(body, "endpoint", "messages"),
        )
    except ValueError as err:
        raise AdminRequestError(str(err)) from None
    return _ok(status=201)


async def _fail_next_raw(request: web.Request) -> web.Response:
    body = await _body(request)
    raw_body = body.get("body", "")
    if not isinstance(raw_body, str):
        msg = "body must be a string"
        raise AdminRequestError(msg)
    try:
        _graph(request).fail_next_raw(
            _int(body, "status"),
            body=raw_body,
            content_type=_str(body, "content_type", "text/plain"),
            count=_int(body, "count", 1),
            delay=_number(body, "delay", 0.0),
            endpoint=_str(body, "endpoint", "*"),
        )
    except ValueError as err:
        raise AdminRequestError(str(err)) from None
    return _ok(status=201)


async def _clear_failures(request: web.Request) -> web.Response:
    _graph(request).clear_failures()
    return _ok()


def _settings_json(graph: GraphSandbox) -> dict[str, object]:
    return {
        "pair_interval": graph.pair_interval,
        "allow_list": None if graph.allow_list is None else sorted(graph.allow_list),
        "unregistered_numbers": sorted(graph.unregistered_numbers),
    }


async def _settings(request: web.Request) -> web.Response:
    return web.json_response(_settings_json(_graph(request)))


async def _change_settings(request: web.Request) -> web.Response:
    """Change ``pair_interval``, ``allow_list`` (a list, or null for none) or ``unregistered_numbers``."""
    body = await _body(request)
    graph = _graph(request)
    if "pair_interval" in body:
        graph.pair_interval = _number(body, "pair_interval", 0.0)
    if "allow_list" in body:
        graph.allow_list = (
            None if body["allow_list"] is None else set(_str_list(body, "allow_list"))
        )
    if "unregistered_numbers" in body:
        graph.unregistered_numbers = set(_str_list(body, "unregistered_numbers"))
    return web.json_response(_settings_json(graph))

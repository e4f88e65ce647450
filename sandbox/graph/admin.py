"""Admin endpoints of the Graph sandbox (under ``/graph/_sandbox/``), all JSON but the page.

Webhooks and people (bodies are JSON objects; errors are 400 or 404 with ``{"error": reason}``):

- ``POST webhooks/subscribe`` ``{"callback_url", "verify_token", "app_secret"?, "phone_number_id"?}``
  performs Meta's handshake (GET with ``hub.mode``, ``hub.verify_token``, ``hub.challenge``; the
  callback must answer 200 with the challenge): 201 with the subscription, or 400 saying why.
  ``app_secret`` defaults to the sandbox app's secret, ``phone_number_id`` to the sandbox number.
- ``GET webhooks``: subscriptions and every webhook queued, with state and attempts.
- ``DELETE webhooks?phone_number_id=``: unsubscribe. ``POST webhooks/deliver``: post what is due.
- ``POST webhooks/replay`` ``{"delivery_id"}``: post a past webhook once more (a duplicate).
- ``POST inbound``: a person writes; ``{"from", "text", "name"?}``, ``{"type": "image", "from",
  "media_id"?, "caption"?, "name"?}`` or ``{"type": "tap", "message_id", "button", "name"?}``
  (``button``: the reply button's id or the quick reply's payload, else its title). ``GET inbound``:
  what people sent, newest first, and ``marked_read``.
- ``POST read`` ``{"message_id"}`` or ``{"phone"}``: the recipient reads (a ``read`` status webhook).
- ``GET``/``PATCH settings``: ``window_mode`` (``sync``/``async``), ``sent_delay``,
  ``delivered_delay``, ``out_of_order``, ``retry_delay``, ``max_attempts``, ``duplicate``,
  ``auto_deliver``, ``delivery_interval``, besides ``pair_interval``, ``allow_list`` and
  ``unregistered_numbers``.
- The page's forms post to ``messages/reply``, ``messages/image``, ``messages/tap`` and
  ``messages/read`` (form-encoded) and are answered with 303 back to ``messages``.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
import json
from typing import Final

from aiohttp import web

from .api import GRAPH_KEY
from .constants import APP_SECRET, PHONE_NUMBER_ID
from .messages_page import render_messages_page
from .models import InboundMessage
from .outbox import MAX_ATTEMPTS_LIMIT
from .state import GraphSandbox, check_window_mode
from .webhooks import SubscriptionError

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
    router.add_get(f"{_PREFIX}/webhooks", _webhooks)
    router.add_post(f"{_PREFIX}/webhooks/subscribe", _subscribe)
    router.add_delete(f"{_PREFIX}/webhooks", _unsubscribe)
    router.add_post(f"{_PREFIX}/webhooks/deliver", _deliver_webhooks)
    router.add_post(f"{_PREFIX}/webhooks/replay", _replay_webhook)
    router.add_get(f"{_PREFIX}/inbound", _inbound)
    router.add_post(f"{_PREFIX}/inbound", _receive)
    router.add_post(f"{_PREFIX}/read", _read)
    router.add_post(f"{_PREFIX}/messages/reply", _page_reply)
    router.add_post(f"{_PREFIX}/messages/image", _page_image)
    router.add_post(f"{_PREFIX}/messages/tap", _page_tap)
    router.add_post(f"{_PREFIX}/messages/read", _page_read)


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


def _bool(body: Mapping[str, object], key: str) -> bool:
    value = body.get(key)
    if not isinstance(value, bool):
        msg = f"{key} must be true or false"
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
    """The received messages, newest first, each with its status; and those that failed later."""
    graph = _graph(request)
    return web.json_response(
        {
            "messages": [
                message.to_json() | {"status": graph.status_of(message.message_id)}
                for message in reversed(graph.messages)
            ],
            "failed_messages": [
                message.to_json() | {"status": graph.status_of(message.message_id)}
                for message in reversed(graph.failed_messages)
            ],
        }
    )


async def _clear_messages(request: web.Request) -> web.Response:
    """Forget every conversation: sent, failed and inbound messages, statuses, reads."""
    _graph(request).clear_conversations()
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
        buttons=_str_list(body, "buttons") if "buttons" in body else (),
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
        "window_mode": graph.window_mode,
        "sent_delay": graph.sent_delay,
        "delivered_delay": graph.delivered_delay,
        "out_of_order": graph.out_of_order,
        **graph.webhooks.settings(),
    }


async def _settings(request: web.Request) -> web.Response:
    return web.json_response(_settings_json(_graph(request)))


async def _change_settings(request: web.Request) -> web.Response:
    """Change any of the settings ``GET`` lists; the others stay as they are."""
    body = await _body(request)
    graph = _graph(request)
    targets = _setting_targets(graph)
    unknown = set(body) - set(targets)
    if unknown:
        msg = f"Unknown settings: {sorted(unknown)}"
        raise AdminRequestError(msg)
    # Check everything before changing anything: a bad request changes nothing.
    values = {key: targets[key][1](body, key) for key in body}
    for key, value in values.items():
        setattr(targets[key][0], key, value)
    return web.json_response(_settings_json(graph))


type _Check = Callable[[Mapping[str, object], str], object]


def _setting_targets(graph: GraphSandbox) -> dict[str, tuple[object, _Check]]:
    """Each setting: the object holding it and the check of its new value."""
    return {
        "pair_interval": (graph, _seconds),
        "allow_list": (graph, _optional_phone_set),
        "unregistered_numbers": (graph, _phone_set),
        "window_mode": (graph, _window_mode),
        "sent_delay": (graph, _seconds),
        "delivered_delay": (graph, _seconds),
        "out_of_order": (graph, _bool),
        "retry_delay": (graph.webhooks, _seconds),
        "max_attempts": (graph.webhooks, _attempts),
        "duplicate": (graph.webhooks, _bool),
        "auto_deliver": (graph.webhooks, _bool),
        "delivery_interval": (graph.webhooks, _interval),
    }


_MIN_DELIVERY_INTERVAL = 0.01


def _seconds(body: Mapping[str, object], key: str) -> float:
    return _number(body, key, 0.0)


def _interval(body: Mapping[str, object], key: str) -> float:
    interval = _number(body, key, 0.0)
    if interval < _MIN_DELIVERY_INTERVAL:
        msg = f"{key} must be at least {_MIN_DELIVERY_INTERVAL} seconds"
        raise AdminRequestError(msg)
    return interval


def _attempts(body: Mapping[str, object], key: str) -> int:
    attempts = _int(body, key)
    if not 1 <= attempts <= MAX_ATTEMPTS_LIMIT:
        msg = f"{key} must be between 1 and {MAX_ATTEMPTS_LIMIT}"
        raise AdminRequestError(msg)
    return attempts


def _window_mode(body: Mapping[str, object], key: str) -> str:
    try:
        return check_window_mode(_str(body, key))
    except ValueError as err:
        raise AdminRequestError(str(err)) from None


def _phone_set(body: Mapping[str, object], key: str) -> set[str]:
    return set(_str_list(body, key))


def _optional_phone_set(body: Mapping[str, object], key: str) -> set[str] | None:
    return None if body[key] is None else _phone_set(body, key)


# Webhooks ---------------------------------------------------------------------------------


async def _webhooks(request: web.Request) -> web.Response:
    """Subscriptions and every webhook queued so far, with their attempts."""
    return web.json_response(_graph(request).webhooks.to_json())


async def _subscribe(request: web.Request) -> web.Response:
    """``{"callback_url", "verify_token", "app_secret"?, "phone_number_id"?}``: Meta's handshake."""
    body = await _body(request)
    graph = _graph(request)
    phone_number_id = _str(body, "phone_number_id", PHONE_NUMBER_ID)
    if phone_number_id not in graph.phone_numbers:
        msg = f"Unknown phone number id {phone_number_id!r}"
        raise AdminRequestError(msg)
    callback_url = _str(body, "callback_url")
    if not callback_url.startswith(("http://", "https://")):
        msg = "callback_url must be an http(s) URL"
        raise AdminRequestError(msg)
    try:
        subscription = await graph.webhooks.subscribe(
            callback_url,
            _str(body, "verify_token"),
            app_secret=_str(body, "app_secret", APP_SECRET),
            phone_number_id=phone_number_id,
        )
    except SubscriptionError as err:
        raise AdminRequestError(str(err)) from None
    return _ok(subscription.to_json(), status=201)


async def _unsubscribe(request: web.Request) -> web.Response:
    """``?phone_number_id=`` (default the sandbox number): stop its webhooks."""
    phone_number_id = request.query.get("phone_number_id", PHONE_NUMBER_ID)
    _graph(request).webhooks.unsubscribe(phone_number_id)
    return _ok()


async def _deliver_webhooks(request: web.Request) -> web.Response:
    """Post the webhooks due now (whether ``auto_deliver`` is on or not)."""
    return web.json_response(
        {"attempted": await _graph(request).webhooks.deliver_due()}
    )


async def _replay_webhook(request: web.Request) -> web.Response:
    """``{"delivery_id"}``: queue that webhook once more, due now (a duplicate)."""
    delivery_id = _int(await _body(request), "delivery_id")
    try:
        copy = _graph(request).webhooks.replay(delivery_id)
    except KeyError:
        msg = "unknown delivery_id"
        raise _not_found(msg) from None
    return _ok(copy.to_json(), status=201)


# People writing to the business -----------------------------------------------------------


async def _inbound(request: web.Request) -> web.Response:
    """What people sent, newest first, and the ids the business marked as read."""
    graph = _graph(request)
    return web.json_response(
        {
            "inbound": [message.to_json() for message in reversed(graph.inbound)],
            "marked_read": graph.marked_read,
        }
    )


async def _receive(request: web.Request) -> web.Response:
    """A person writes: ``{"type": "text" | "image" | "tap", ...}`` (see ``_receive_from``)."""
    message = _receive_from(_graph(request), await _body(request))
    return _ok(message.to_json(), status=201)


def _receive_from(graph: GraphSandbox, body: Mapping[str, object]) -> InboundMessage:
    """Text: ``from``, ``text``; image: ``from``, ``media_id``?, ``caption``?; tap: ``message_id``, ``button``.

    Each takes ``name`` (the profile name) too.
    """
    name = _optional_str(body, "name")
    kind = _str(body, "type", "text")
    try:
        match kind:
            case "text":
                return graph.receive_text(
                    _str(body, "from"), _str(body, "text"), name=name
                )
            case "image":
                return graph.receive_image(
                    _str(body, "from"),
                    media_id=_optional_str(body, "media_id"),
                    caption=_optional_str(body, "caption"),
                    name=name,
                )
            case "tap":
                return graph.tap(
                    _str(body, "message_id"), _str(body, "button"), name=name
                )
            case _:
                msg = "type must be text, image or tap"
                raise AdminRequestError(msg)
    except KeyError as err:
        msg = f"unknown id {err}"
        raise _not_found(msg) from None
    except ValueError as err:
        raise AdminRequestError(str(err)) from None


async def _read(request: web.Request) -> web.Response:
    """The recipient reads: ``{"message_id"}`` one message, or ``{"phone"}`` all theirs."""
    body = await _body(request)
    graph = _graph(request)
    try:
        if "message_id" in body:
            read = [graph.read(_str(body, "message_id"))]
        else:
            read = graph.read_all(_str(body, "phone"))
    except KeyError:
        msg = "unknown message_id"
        raise _not_found(msg) from None
    except ValueError as err:
        raise AdminRequestError(str(err)) from None
    return _ok({"read": [message.message_id for message in read]})


def _not_found(reason: str) -> web.HTTPNotFound:
    return web.HTTPNotFound(
        text=json.dumps({"error": reason}), content_type="application/json"
    )


# The messages page's forms: plain form posts, answered with a redirect back to the page --------


_FORM_MAX_FIELDS = 8


async def _form(request: web.Request) -> dict[str, str]:
    data = await request.post()
    if len(data) > _FORM_MAX_FIELDS:
        msg = "Too many form fields"
        raise AdminRequestError(msg)
    return {
        key: value for key, value in data.items() if isinstance(value, str) and value
    }


def _back_to_page(request: web.Request, anchor: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(
        request.url.with_path(request.path.rsplit("/", 1)[0]).with_fragment(anchor)
    )


async def _page_reply(request: web.Request) -> web.Response:
    """Form ``from``, ``text``, ``name``?: the person writes."""
    form = await _form(request)
    message = _receive_from(_graph(request), {**form, "type": "text"})
    raise _back_to_page(request, f"conversation-{message.wa_id}")


async def _page_image(request: web.Request) -> web.Response:
    """Form ``from``, ``caption``?: the person sends a photo."""
    form = await _form(request)
    message = _receive_from(_graph(request), {**form, "type": "image"})
    raise _back_to_page(request, f"conversation-{message.wa_id}")


async def _page_tap(request: web.Request) -> web.Response:
    """Form ``message_id``, ``button``: the person taps a button."""
    form = await _form(request)
    message = _receive_from(_graph(request), {**form, "type": "tap"})
    raise _back_to_page(request, f"conversation-{message.wa_id}")


async def _page_read(request: web.Request) -> web.Response:
    """Form ``message_id``: the person reads the message."""
    form = await _form(request)
    try:
        message = _graph(request).read(form.get("message_id", ""))
    except KeyError:
        msg = "unknown message_id"
        raise _not_found(msg) from None
    raise _back_to_page(request, f"conversation-{message.wa_id}")

"""What happens around every WHOOP API request: the request log, armed faults and rate limits."""

import asyncio
import contextlib
import json
import logging
import math
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .faults import (
    DEFAULT_OVERSIZE_BYTES,
    MAX_DELAY_SECONDS,
    MAX_HOLD_SECONDS,
    Fault,
    FaultKind,
)
from .rate_limit import rate_limit_headers
from .request_log import LoggedRequest, append_bounded
from .whoop_sandbox import WhoopSandbox

_LOGGER = logging.getLogger(__name__)

LOGGED_PREFIXES = ("/developer/", "/oauth/")
FAULTABLE_PREFIXES = ("/developer/", "/oauth/oauth2/token")
RATE_LIMITED_PREFIX = "/developer/"
DATA_PREFIX = "/developer/v2/"
NO_ANSWER_STATUS: Final = 499
"""Logged for a request the sandbox never answered (a ``hang`` fault), as nginx logs it."""
_HOLD_POLL_SECONDS: Final = 0.05
ABSURD_RESET: Final = 10**15
_IDS: Final = frozenset({"id", "user_id", "cycle_id", "sleep_id"})


def whoop_middleware(whoop: WhoopSandbox) -> Middleware:
    """Return the middleware that logs, faults and rate-limits the WHOOP API (nothing else)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(LOGGED_PREFIXES):
            return await handler(request)
        form_fields: tuple[str, ...] = ()
        scope: str | None = None
        status = 500
        user_id = _bearer_user_id(whoop, request)
        try:
            form_fields, scope = await _form_summary(request)
            response = await _answer(whoop, request, handler)
            status = response.status
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            resource = request.match_info.route.resource
            route = resource.canonical if resource is not None else request.path
            append_bounded(
                whoop.requests,
                LoggedRequest(
                    request.method,
                    request.path,
                    route,
                    status,
                    whoop.clock.now(),
                    form_fields=form_fields,
                    scope=scope,
                    user_id=user_id,
                ),
            )
        return response

    return middleware


def _bearer_user_id(whoop: WhoopSandbox, request: web.Request) -> int | None:
    """Return the member whose valid access token the request carries, if any."""
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer":
        return None
    token = whoop.tokens.authenticate(value.strip())
    return None if token is None else token.user_id


async def _form_summary(request: web.Request) -> tuple[tuple[str, ...], str | None]:
    """Return the names of a posted form's fields and its ``scope`` (never other values)."""
    if request.method != "POST" or request.content_type not in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        return (), None
    try:
        form = (
            await request.post()
        )  # aiohttp caps the body and keeps it for the handler
    except ValueError:
        return (), None
    scope = form.get("scope")
    return tuple(dict.fromkeys(form)), scope if isinstance(scope, str) else None


async def _answer(
    whoop: WhoopSandbox, request: web.Request, handler: Handler
) -> web.StreamResponse:
    fault = (
        whoop.faults.take(request.path)
        if request.path.startswith(FAULTABLE_PREFIXES)
        else None
    )
    if fault is not None:
        _LOGGER.info(
            "Fault %s on %s %s", fault.kind.value, request.method, request.path
        )
        if fault.kind is FaultKind.SLOW:
            await asyncio.sleep(_seconds(fault, "delay", 2.0, MAX_DELAY_SECONDS))
        else:
            immediate = _immediate_fault_response(whoop, fault)
            if immediate is not None:
                return immediate
    response = await _rate_limited(whoop, request, handler)
    if fault is None:
        return response
    return await _spoil(request, response, fault)


async def _spoil(
    request: web.Request, response: web.StreamResponse, fault: Fault
) -> web.StreamResponse:
    """Apply a fault that acts on the real answer: hold it back, or damage its body."""
    if fault.kind is FaultKind.ANSWER_LATE:
        # The work (e.g. a refresh's rotation) is done; only the answer is late.
        await asyncio.sleep(_seconds(fault, "delay", 5.0, MAX_DELAY_SECONDS))
    elif fault.kind is FaultKind.HANG:
        await _hold_open(
            request, _seconds(fault, "hold", MAX_HOLD_SECONDS, MAX_HOLD_SECONDS)
        )
        return web.Response(status=NO_ANSWER_STATUS)
    elif (
        isinstance(response, web.Response)
        and isinstance(response.body, bytes)
        and response.content_type == "application/json"
    ):
        if fault.kind is FaultKind.MALFORMED_JSON:
            response.body = response.body[: max(1, len(response.body) // 2)]
        elif fault.kind is FaultKind.MISSING_FIELDS:
            response.body = _drop_fields(response.body, fault)
        elif fault.kind is FaultKind.OUT_OF_RANGE and response.status == 200:
            response.body = out_of_range_body(response.body, fault)
        elif fault.kind is FaultKind.OVERSIZE_BODY:
            return await _oversize(request, response.body, fault)
    return response


async def _oversize(
    request: web.Request, body: bytes, fault: Fault
) -> web.StreamResponse:
    """Send ``body`` padded with whitespace to the fault's size, in one piece or as a stream."""
    size = int(_number(fault, "size", DEFAULT_OVERSIZE_BYTES))
    padding = max(0, size - len(body))
    if not fault.params.get("chunked"):
        return web.Response(body=body + b" " * padding, content_type="application/json")
    stream = web.StreamResponse(headers={"Content-Type": "application/json"})
    stream.enable_chunked_encoding()
    await stream.prepare(request)
    await stream.write(body)
    chunk = b" " * 65_536
    with contextlib.suppress(ConnectionError):
        for _ in range(padding // len(chunk)):
            await stream.write(chunk)
        await stream.write(chunk[: padding % len(chunk)])
        await stream.write_eof()
    return stream


async def _hold_open(request: web.Request, seconds: float) -> None:
    """Wait until the client hangs up or ``seconds`` pass, then close the connection unanswered."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        await asyncio.sleep(_HOLD_POLL_SECONDS)
    if request.transport is not None:
        request.transport.close()


def _immediate_fault_response(whoop: WhoopSandbox, fault: Fault) -> web.Response | None:
    """Return the answer of a fault that replaces the real one, or None to answer normally."""
    if fault.kind is FaultKind.RATE_LIMIT:
        reset_seconds = int(_seconds(fault, "reset_seconds", 60, 86_400))
        headers = rate_limit_headers(
            0, reset_seconds, day_window=fault.params.get("window") == "day"
        )
        form = fault.params.get("reset_form", "seconds")
        if form == "epoch":
            epoch = math.ceil(whoop.clock.now().timestamp()) + reset_seconds
            headers["X-RateLimit-Reset"] = str(epoch)
        elif form == "absurd":
            headers["X-RateLimit-Reset"] = str(ABSURD_RESET)
        return web.Response(status=429, text="Too Many Requests", headers=headers)
    if fault.kind in {FaultKind.SERVER_ERROR, FaultKind.TOKEN_SERVER_ERROR}:
        status = int(_number(fault, "status", 500))
        return web.Response(status=status, text=f"Sandbox fault: HTTP {status}")
    if fault.kind is FaultKind.DEACTIVATED_USER:
        return deactivated_user_response()
    return None


def deactivated_user_response() -> web.Response:
    """Return WHOOP's answer for a member whose membership is inactive."""
    return web.json_response({"error": "deactivated_user"}, status=403)


async def _rate_limited(
    whoop: WhoopSandbox, request: web.Request, handler: Handler
) -> web.StreamResponse:
    if not request.path.startswith(RATE_LIMITED_PREFIX):
        return await handler(request)
    decision = whoop.rate_limiter.check(whoop.clock.now())
    if not decision.allowed:
        return web.Response(
            status=429, text="Too Many Requests", headers=decision.headers()
        )
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers.update(decision.headers())
        raise
    response.headers.update(decision.headers())
    return response


def _drop_fields(body: bytes, fault: Fault) -> bytes:
    """Drop the named fields (default: the first key of each object) from a JSON body."""
    document = json.loads(body)
    names = fault.params.get("fields")
    wanted = (
        {str(name) for name in names}
        if isinstance(names, list | tuple | set | frozenset)
        else None
    )
    if isinstance(document, dict) and isinstance(document.get("records"), list):
        targets = document["records"]
    else:
        targets = [document]
    for target in targets:
        if isinstance(target, dict) and target:
            for name in wanted if wanted is not None else [next(iter(target))]:
                target.pop(name, None)
    return json.dumps(document).encode()


def out_of_range_body(body: bytes, fault: Fault) -> bytes:
    """Write absurd raw JSON numbers (or NaN-like strings) into the fault's fields of ``body``."""
    document = json.loads(body)
    names = fault.params.get("fields")
    wanted = {str(name) for name in names} if isinstance(names, list | tuple) else None
    kind = str(fault.params.get("value", "huge_integer"))
    literals: list[str] = []

    def replace(node: object) -> object:
        if isinstance(node, list):
            return [replace(item) for item in node]
        if not isinstance(node, dict):
            return node
        result: dict[str, object] = {}
        for key, value in node.items():
            hit = (
                (key in wanted)
                if wanted is not None
                else (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and key not in _IDS
                )
            )
            if hit and not isinstance(value, dict | list):
                # A placeholder string, swapped for the raw literal after encoding.
                literals.append(_out_of_range_literal(kind, value))
                result[key] = f"\x00sandbox-literal-{len(literals) - 1}\x00"
            else:
                result[key] = replace(value)
        return result

    text = json.dumps(replace(document))
    for index, literal in enumerate(literals):
        text = text.replace(json.dumps(f"\x00sandbox-literal-{index}\x00"), literal)
    return text.encode()


def _out_of_range_literal(kind: str, value: object) -> str:
    if kind == "negative":
        if isinstance(value, int | float) and not isinstance(value, bool) and value:
            return json.dumps(-abs(value))
        return "-1"
    return {
        "max_float": "1e308",
        "overflow_float": "1e999",
        "nan_string": '"NaN"',
        "infinity_string": '"Infinity"',
    }.get(kind, "1" + "0" * 400)


def _seconds(fault: Fault, name: str, default: float, cap: float) -> float:
    """Return the fault's ``name`` parameter in seconds, within 0 and ``cap``."""
    return min(cap, max(0.0, _number(fault, name, default)))


def _number(fault: Fault, name: str, default: float) -> float:
    value = fault.params.get(name, default)
    try:
        number = float(value) if isinstance(value, int | float | str) else default
    except ValueError:
        return default
    return number if math.isfinite(number) else default

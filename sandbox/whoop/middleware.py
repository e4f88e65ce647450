"""What happens around every WHOOP API request: the request log, armed faults and rate limits."""

import asyncio
import json
import logging

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .faults import Fault, FaultKind
from .rate_limit import rate_limit_headers
from .request_log import LoggedRequest
from .whoop_sandbox import WhoopSandbox

_LOGGER = logging.getLogger(__name__)

LOGGED_PREFIXES = ("/developer/", "/oauth/")
FAULTABLE_PREFIXES = ("/developer/", "/oauth/oauth2/token")
RATE_LIMITED_PREFIX = "/developer/"


def whoop_middleware(whoop: WhoopSandbox) -> Middleware:
    """Return the middleware that logs, faults and rate-limits the WHOOP API (nothing else)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(LOGGED_PREFIXES):
            return await handler(request)
        status = 500
        try:
            response = await _answer(whoop, request, handler)
            status = response.status
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            resource = request.match_info.route.resource
            route = resource.canonical if resource is not None else request.path
            whoop.requests.append(
                LoggedRequest(
                    request.method, request.path, route, status, whoop.clock.now()
                )
            )
        return response

    return middleware


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
            await asyncio.sleep(_number(fault, "delay", 2.0))
        else:
            immediate = _immediate_fault_response(fault)
            if immediate is not None:
                return immediate
    response = await _rate_limited(whoop, request, handler)
    if (
        fault is not None
        and isinstance(response, web.Response)
        and isinstance(response.body, bytes)
        and response.content_type == "application/json"
    ):
        if fault.kind is FaultKind.MALFORMED_JSON:
            response.body = response.body[: max(1, len(response.body) // 2)]
        elif fault.kind is FaultKind.MISSING_FIELDS:
            response.body = _drop_fields(response.body, fault)
    return response


def _immediate_fault_response(fault: Fault) -> web.Response | None:
    """Return the answer of a fault that replaces the real one, or None to answer normally."""
    if fault.kind is FaultKind.RATE_LIMIT:
        reset_seconds = int(_number(fault, "reset_seconds", 60))
        return web.Response(
            status=429,
            text="Too Many Requests",
            headers=rate_limit_headers(0, reset_seconds),
        )
    if fault.kind in {FaultKind.SERVER_ERROR, FaultKind.TOKEN_SERVER_ERROR}:
        status = int(_number(fault, "status", 500))
        return web.Response(status=status, text=f"Sandbox fault: HTTP {status}")
    return None


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


def _number(fault: Fault, name: str, default: float) -> float:
    value = fault.params.get(name, default)
    return float(value) if isinstance(value, int | float | str) else default

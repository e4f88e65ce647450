"""The WHOOP part's admin API under ``/_sandbox/`` (JSON): time, faults, members, tokens, logs, webhooks."""

from datetime import date, datetime, timedelta
import json

from aiohttp import web

from .constants import ACCESS_TOKEN_LIFETIME_SECONDS, ALL_SCOPES
from .records import format_timestamp
from .whoop_sandbox import UnknownMemberError, WhoopSandbox

ADMIN = "/_sandbox"
_ADVANCE_UNITS = ("seconds", "minutes", "hours", "days")


def _bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(
        text=json.dumps({"error": message}), content_type="application/json"
    )


async def _json_body(request: web.Request) -> dict[str, object]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        msg = "The body must be JSON"
        raise _bad_request(msg) from None
    if not isinstance(body, dict):
        msg = "The body must be a JSON object"
        raise _bad_request(msg)
    return body


class AdminRoutes:
    """Handlers of ``/_sandbox/...``."""

    def __init__(self, whoop: WhoopSandbox) -> None:
        """Administer ``whoop``."""
        self._whoop = whoop

    def routes(self) -> list[web.RouteDef]:
        """Return the route table."""
        return [
            web.get(f"{ADMIN}/time", self.get_time),
            web.post(f"{ADMIN}/time", self.set_time),
            web.post(f"{ADMIN}/time/advance", self.advance_time),
            web.get(f"{ADMIN}/faults", self.get_faults),
            web.post(f"{ADMIN}/faults", self.add_fault),
            web.delete(f"{ADMIN}/faults", self.clear_faults),
            web.get(f"{ADMIN}/members", self.get_members),
            web.post(f"{ADMIN}/members/{{user_id}}/revoke", self.revoke),
            web.post(f"{ADMIN}/members/{{user_id}}/tokens", self.issue_tokens),
            web.post(f"{ADMIN}/members/{{user_id}}/deactivate", self.deactivate),
            web.delete(f"{ADMIN}/members/{{user_id}}/deactivate", self.reactivate),
            web.post(f"{ADMIN}/members/{{user_id}}/not-worn", self.mark_not_worn),
            web.delete(f"{ADMIN}/members/{{user_id}}/not-worn", self.clear_not_worn),
            web.delete(f"{ADMIN}/workouts/{{workout_id}}", self.delete_workout),
            web.get(f"{ADMIN}/requests", self.get_requests),
            web.delete(f"{ADMIN}/requests", self.reset_requests),
            web.get(f"{ADMIN}/webhook", self.get_webhook),
            web.put(f"{ADMIN}/webhook", self.set_webhook),
            web.post(f"{ADMIN}/webhook/deliver", self.deliver_webhooks),
        ]

    def _time_body(self) -> dict[str, object]:
        clock = self._whoop.clock
        return {"now": format_timestamp(clock.now()), "fixed": clock.is_fixed}

    async def get_time(self, _request: web.Request) -> web.Response:
        """``GET /_sandbox/time``: ``{"now": ..., "fixed": bool}``."""
        return web.json_response(self._time_body())

    async def set_time(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/time`` ``{"now": "2026-11-21T07:00:00Z"}``."""
        raw = (await _json_body(request)).get("now")
        try:
            when = datetime.fromisoformat(str(raw))
        except ValueError:
            msg = "now must be an ISO 8601 date-time"
            raise _bad_request(msg) from None
        self._whoop.clock.set(when)
        return web.json_response(self._time_body())

    async def advance_time(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/time/advance`` ``{"hours": 2, "minutes": 30}`` (seconds/minutes/hours/days)."""
        body = await _json_body(request)
        amounts = {unit: body.get(unit, 0) for unit in _ADVANCE_UNITS}
        if not all(isinstance(amount, int | float) for amount in amounts.values()):
            msg = "seconds, minutes, hours and days must be numbers"
            raise _bad_request(msg)
        self._whoop.clock.advance(
            timedelta(**{unit: float(str(amount)) for unit, amount in amounts.items()})
        )
        return web.json_response(self._time_body())

    async def get_faults(self, _request: web.Request) -> web.Response:
        """``GET /_sandbox/faults``: the armed faults."""
        return web.json_response(
            {"faults": [fault.as_json() for fault in self._whoop.faults.armed]}
        )

    async def add_fault(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/faults`` ``{"kind": "server_error", "path": "/developer/v2/cycle", "count": 2, "status": 503}``."""
        body = await _json_body(request)
        kind, path, count = (
            body.pop("kind", None),
            body.pop("path", ""),
            body.pop("count", 1),
        )
        if (
            not isinstance(kind, str)
            or not isinstance(path, str)
            or not isinstance(count, int)
        ):
            msg = "kind and path must be strings, count an integer"
            raise _bad_request(msg)
        try:
            fault = self._whoop.faults.add(kind, path=path, count=count, **body)
        except ValueError as error:
            raise _bad_request(str(error)) from None
        return web.json_response(fault.as_json(), status=201)

    async def clear_faults(self, _request: web.Request) -> web.Response:
        """``DELETE /_sandbox/faults``."""
        self._whoop.faults.clear()
        return web.Response(status=204)

    async def get_members(self, _request: web.Request) -> web.Response:
        """``GET /_sandbox/members``: profiles, time zones and straps."""
        return web.json_response(
            {
                "members": [
                    {
                        **member.profile_json(),
                        "timezone_offset": member.timezone_offset,
                        "has_spo2_and_skin_temp": member.has_spo2_and_skin_temp,
                        "revoked": self._whoop.tokens.is_revoked(member.user_id),
                        "deactivated": member.user_id in self._whoop.deactivated,
                    }
                    for member in self._whoop.members.values()
                ]
            }
        )

    def _user_id(self, request: web.Request) -> int:
        try:
            user_id = int(request.match_info["user_id"])
            self._whoop.member(user_id)
        except ValueError, UnknownMemberError:
            body = json.dumps({"error": "No such member"})
            raise web.HTTPNotFound(text=body, content_type="application/json") from None
        return user_id

    async def revoke(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/members/{user_id}/revoke``."""
        self._whoop.revoke(self._user_id(request))
        return web.Response(status=204)

    async def deactivate(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/members/{user_id}/deactivate``: data calls answer 403 ``deactivated_user``."""
        self._whoop.set_deactivated(self._user_id(request))
        return web.Response(status=204)

    async def reactivate(self, request: web.Request) -> web.Response:
        """``DELETE /_sandbox/members/{user_id}/deactivate``: the membership is active again."""
        self._whoop.set_deactivated(self._user_id(request), deactivated=False)
        return web.Response(status=204)

    async def issue_tokens(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/members/{user_id}/tokens`` ``{"scopes": [...], "expires_in": 3600}``."""
        user_id = self._user_id(request)
        body = await _json_body(request)
        scopes = body.get("scopes", list(ALL_SCOPES))
        expires_in = body.get("expires_in", ACCESS_TOKEN_LIFETIME_SECONDS)
        if not isinstance(scopes, list) or not isinstance(expires_in, int):
            msg = "scopes must be a list, expires_in an integer"
            raise _bad_request(msg)
        return web.json_response(
            self._whoop.issue_tokens(
                user_id, [str(scope) for scope in scopes], expires_in
            )
        )

    async def _day(self, request: web.Request) -> date:
        raw = (await _json_body(request)).get("date")
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            msg = "date must be YYYY-MM-DD (the member's local date of the morning)"
            raise _bad_request(msg) from None

    async def mark_not_worn(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/members/{user_id}/not-worn`` ``{"date": "2026-11-19"}``."""
        user_id = self._user_id(request)
        self._whoop.mark_not_worn(user_id, await self._day(request))
        return web.Response(status=204)

    async def clear_not_worn(self, request: web.Request) -> web.Response:
        """``DELETE /_sandbox/members/{user_id}/not-worn`` ``{"date": "2026-11-19"}``."""
        user_id = self._user_id(request)
        self._whoop.clear_not_worn(user_id, await self._day(request))
        return web.Response(status=204)

    async def delete_workout(self, request: web.Request) -> web.Response:
        """``DELETE /_sandbox/workouts/{workout_id}``."""
        try:
            self._whoop.delete_workout(request.match_info["workout_id"])
        except ValueError:
            msg = "workout_id must be a UUID"
            raise _bad_request(msg) from None
        return web.Response(status=204)

    async def get_requests(self, _request: web.Request) -> web.Response:
        """``GET /_sandbox/requests``: the log and the counts by route."""
        return web.json_response(
            {
                "requests": [logged.as_json() for logged in self._whoop.requests],
                "counts": dict(self._whoop.request_counts()),
            }
        )

    async def reset_requests(self, _request: web.Request) -> web.Response:
        """``DELETE /_sandbox/requests``."""
        self._whoop.reset_log()
        return web.Response(status=204)

    async def get_webhook(self, _request: web.Request) -> web.Response:
        """``GET /_sandbox/webhook``: the URL and past deliveries."""
        return web.json_response(
            {
                "url": self._whoop.webhook_url,
                "deliveries": [
                    delivery.as_json() for delivery in self._whoop.webhook_deliveries
                ],
            }
        )

    async def set_webhook(self, request: web.Request) -> web.Response:
        """``PUT /_sandbox/webhook`` ``{"url": "http://..."}`` (null to stop)."""
        url = (await _json_body(request)).get("url")
        if url is not None and not isinstance(url, str):
            msg = "url must be a string or null"
            raise _bad_request(msg)
        self._whoop.webhook_url = url
        return await self.get_webhook(request)

    async def deliver_webhooks(self, _request: web.Request) -> web.Response:
        """``POST /_sandbox/webhook/deliver``: ``{"delivered": n}``."""
        return web.json_response({"delivered": await self._whoop.deliver_webhooks()})

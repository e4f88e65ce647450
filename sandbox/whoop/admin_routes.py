"""The WHOOP part's admin API under ``/_sandbox/`` (JSON): time, faults, members, tokens, logs, webhooks."""

from datetime import UTC, date, datetime, timedelta
import json

from aiohttp import web

from .constants import ACCESS_TOKEN_LIFETIME_SECONDS, ALL_SCOPES
from .records import format_timestamp
from .webhooks import SignatureMode, WebhookEvent, timestamp_header
from .whoop_sandbox import UnknownMemberError, WhoopSandbox

ADMIN = "/_sandbox"
_ADVANCE_UNITS = ("seconds", "minutes", "hours", "days")
MAX_CLOCK_JUMP = timedelta(days=5 * 365)
"""The admin API moves the clock at most this far at once: days are generated up to "now"."""
MAX_TOKEN_LIFETIME_SECONDS = 10 * 365 * 86_400


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
            web.post(f"{ADMIN}/webhook/send", self.send_webhook),
            web.post(f"{ADMIN}/webhook/replay", self.replay_webhook),
            web.post(f"{ADMIN}/webhook/oversize", self.send_oversize_webhook),
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
        now = self._whoop.clock.now()
        when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        if abs(when - now) > MAX_CLOCK_JUMP:
            msg = "now must be within five years of the sandbox's current time"
            raise _bad_request(msg)
        self._whoop.clock.set(when)
        return web.json_response(self._time_body())

    async def advance_time(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/time/advance`` ``{"hours": 2, "minutes": 30}`` (seconds/minutes/hours/days)."""
        body = await _json_body(request)
        amounts = {unit: body.get(unit, 0) for unit in _ADVANCE_UNITS}
        if not all(isinstance(amount, int | float) for amount in amounts.values()):
            msg = "seconds, minutes, hours and days must be numbers"
            raise _bad_request(msg)
        try:
            delta = timedelta(
                **{unit: float(str(amount)) for unit, amount in amounts.items()}
            )
        except OverflowError, ValueError:
            delta = MAX_CLOCK_JUMP * 2
        if abs(delta) > MAX_CLOCK_JUMP:
            msg = "the clock moves at most five years at once"
            raise _bad_request(msg)
        self._whoop.clock.advance(delta)
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
        if (
            not isinstance(scopes, list)
            or len(scopes) > len(ALL_SCOPES)
            or not isinstance(expires_in, int)
            or abs(expires_in) > MAX_TOKEN_LIFETIME_SECONDS
        ):
            msg = "scopes must be a list of scopes, expires_in an integer of seconds (up to ten years)"
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
                "pending_retries": [
                    retry.as_json() for retry in self._whoop.webhook_retries
                ],
                "answer_within_seconds": self._whoop.webhook_answer_within,
            }
        )

    async def set_webhook(self, request: web.Request) -> web.Response:
        """``PUT /_sandbox/webhook`` ``{"url": "http://...", "answer_within_seconds": 1}`` (url null to stop)."""
        body = await _json_body(request)
        url = body.get("url")
        if url is not None and not isinstance(url, str):
            msg = "url must be a string or null"
            raise _bad_request(msg)
        within = body.get("answer_within_seconds", self._whoop.webhook_answer_within)
        if not isinstance(within, int | float) or not 0.05 <= within <= 30:
            msg = "answer_within_seconds must be a number from 0.05 to 30"
            raise _bad_request(msg)
        self._whoop.webhook_url = url
        self._whoop.webhook_answer_within = float(within)
        return await self.get_webhook(request)

    async def deliver_webhooks(self, _request: web.Request) -> web.Response:
        """``POST /_sandbox/webhook/deliver``: ``{"delivered": n}``, due retries included."""
        return web.json_response({"delivered": await self._whoop.deliver_webhooks()})

    async def send_webhook(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/webhook/send``: one hand-made delivery, answered with its record.

        Body: ``user_id`` (int), ``id`` and ``type`` (strings), optional ``trace_id``,
        ``timestamp`` (the raw header text) or ``timestamp_offset_seconds`` (from the clock's
        now), and ``signature`` (``valid``, ``forged``, ``garbage`` or ``missing``).
        """
        body = await _json_body(request)
        user_id, record_id, kind = (
            body.get("user_id"),
            body.get("id", ""),
            body.get("type", "sleep.updated"),
        )
        trace_id, timestamp = body.get("trace_id"), body.get("timestamp")
        offset = body.get("timestamp_offset_seconds")
        signature = body.get("signature", SignatureMode.VALID.value)
        texts = (record_id, kind, trace_id or "", timestamp or "", signature)
        if (
            not isinstance(user_id, int)
            or not all(isinstance(text, str) and len(text) <= 200 for text in texts)
            or (offset is not None and not isinstance(offset, int | float))
        ):
            msg = "user_id must be an integer, id/type/trace_id/timestamp/signature short strings"
            raise _bad_request(msg)
        if offset is not None:
            if not abs(offset) <= 10 * 365 * 86_400:
                msg = "timestamp_offset_seconds must be within ten years"
                raise _bad_request(msg)
            moved = self._whoop.clock.now() + timedelta(seconds=offset)
            timestamp = timestamp_header(moved)
        try:
            delivery = await self._whoop.send_webhook(
                WebhookEvent(user_id=user_id, id=str(record_id), type=str(kind)),
                trace_id=str(trace_id) if trace_id else None,
                timestamp=None if timestamp is None else str(timestamp),
                signature=str(signature),
            )
        except ValueError as error:
            raise _bad_request(str(error)) from None
        return web.json_response(delivery.as_json(), status=201)

    async def replay_webhook(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/webhook/replay`` ``{"index": -1}``: a past delivery again, byte for byte."""
        index = (await _json_body(request)).get("index", -1)
        if not isinstance(index, int):
            msg = "index must be an integer (negative counts from the newest)"
            raise _bad_request(msg)
        try:
            delivery = await self._whoop.replay_webhook(index)
        except ValueError as error:
            raise _bad_request(str(error)) from None
        return web.json_response(delivery.as_json(), status=201)

    async def send_oversize_webhook(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/webhook/oversize`` ``{"megabytes": 20, "signed": false}``: a streamed huge body."""
        body = await _json_body(request)
        megabytes, signed = body.get("megabytes", 20), body.get("signed", False)
        if not isinstance(megabytes, int | float) or not isinstance(signed, bool):
            msg = "megabytes must be a number, signed a boolean"
            raise _bad_request(msg)
        try:
            delivery = await self._whoop.send_oversize_webhook(megabytes, signed=signed)
        except ValueError as error:
            raise _bad_request(str(error)) from None
        return web.json_response(delivery.as_json(), status=201)

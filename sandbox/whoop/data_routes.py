"""WHOOP's v2 data endpoints: profile, body, cycles, recoveries, sleeps and workouts."""

from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from aiohttp import web

from .constants import (
    SCOPE_BODY,
    SCOPE_CYCLES,
    SCOPE_PROFILE,
    SCOPE_RECOVERY,
    SCOPE_SLEEP,
    SCOPE_WORKOUT,
)
from .pagination import PageQueryError, paginate, parse_page_query
from .records import Cycle, MemberRecords, Recovery, Sleep, Workout
from .tokens import AccessToken
from .whoop_sandbox import WhoopSandbox

BASE = "/developer/v2"


def _error(status: type[web.HTTPError], message: str) -> web.HTTPError:
    return status(text=f'{{"error": "{message}"}}', content_type="application/json")


class DataRoutes:
    """Handlers of ``/developer/v2/...``; each checks the bearer token and its scope."""

    def __init__(self, whoop: WhoopSandbox) -> None:
        """Serve the data of ``whoop``."""
        self._whoop = whoop

    def routes(self) -> list[web.RouteDef]:
        """Return the route table (path parameters are all named ``id``, as the request log counts them)."""
        return [
            web.get(f"{BASE}/user/profile/basic", self.profile),
            web.get(f"{BASE}/user/measurement/body", self.body),
            web.delete(f"{BASE}/user/access", self.revoke_access),
            web.get(f"{BASE}/cycle", self.cycles),
            web.get(f"{BASE}/cycle/{{id}}", self.cycle),
            web.get(f"{BASE}/cycle/{{id}}/recovery", self.cycle_recovery),
            web.get(f"{BASE}/cycle/{{id}}/sleep", self.cycle_sleep),
            web.get(f"{BASE}/recovery", self.recoveries),
            web.get(f"{BASE}/activity/sleep", self.sleeps),
            web.get(f"{BASE}/activity/sleep/{{id}}", self.sleep),
            web.get(f"{BASE}/activity/workout", self.workouts),
            web.get(f"{BASE}/activity/workout/{{id}}", self.workout),
        ]

    def _authorize(self, request: web.Request, scope: str | None) -> AccessToken:
        """Return the request's valid token, which must carry ``scope``.

        Raises:
            web.HTTPUnauthorized: no bearer token, an unknown, expired or revoked one, or a
                token without ``scope`` (WHOOP answers all of these with 401).
            web.HTTPForbidden: the member's membership is inactive (``deactivated_user``).
        """
        kind, _, value = request.headers.get("Authorization", "").partition(" ")
        token = (
            self._whoop.tokens.authenticate(value.strip())
            if kind.lower() == "bearer"
            else None
        )
        if token is None:
            raise _error(web.HTTPUnauthorized, "Authorization was not valid")
        if scope is not None and scope not in token.scopes:
            raise _error(
                web.HTTPUnauthorized, f"The access token lacks the {scope} scope"
            )
        if scope is not None and token.user_id in self._whoop.deactivated:
            raise _error(web.HTTPForbidden, "deactivated_user")
        return token

    def _records(self, request: web.Request, scope: str) -> MemberRecords:
        return self._whoop.records(self._authorize(request, scope).user_id)

    def _page[RecordT: (Cycle, Sleep, Recovery, Workout)](
        self,
        request: web.Request,
        records: Sequence[RecordT],
        span: Callable[[RecordT], tuple[datetime, datetime | None]],
    ) -> web.Response:
        try:
            query = parse_page_query(request.query)
        except PageQueryError as error:
            raise _error(web.HTTPBadRequest, str(error)) from None
        now = self._whoop.clock.now()
        return web.json_response(
            paginate(records, span, query, now, lambda record: record.to_json())
        )

    async def profile(self, request: web.Request) -> web.Response:
        """``GET /v2/user/profile/basic``."""
        token = self._authorize(request, SCOPE_PROFILE)
        return web.json_response(self._whoop.member(token.user_id).profile_json())

    async def body(self, request: web.Request) -> web.Response:
        """``GET /v2/user/measurement/body``."""
        token = self._authorize(request, SCOPE_BODY)
        return web.json_response(self._whoop.member(token.user_id).body_json())

    async def revoke_access(self, request: web.Request) -> web.Response:
        """``DELETE /v2/user/access``: the member withdraws the app's access (204)."""
        token = self._authorize(request, None)
        self._whoop.revoke(token.user_id)
        return web.Response(status=204)

    async def cycles(self, request: web.Request) -> web.Response:
        """``GET /v2/cycle``."""
        records = self._records(request, SCOPE_CYCLES)
        return self._page(
            request, records.cycles, lambda cycle: (cycle.start, cycle.end)
        )

    async def cycle(self, request: web.Request) -> web.Response:
        """``GET /v2/cycle/{cycleId}``."""
        records = self._records(request, SCOPE_CYCLES)
        return web.json_response(_find_cycle(records, request).to_json())

    async def cycle_recovery(self, request: web.Request) -> web.Response:
        """``GET /v2/cycle/{cycleId}/recovery``: 404 when the cycle has no recovery."""
        records = self._records(request, SCOPE_RECOVERY)
        cycle = _find_cycle(records, request)
        for recovery in records.recoveries:
            if recovery.cycle_id == cycle.id:
                return web.json_response(recovery.to_json())
        raise _error(web.HTTPNotFound, "No recovery for this cycle")

    async def cycle_sleep(self, request: web.Request) -> web.Response:
        """``GET /v2/cycle/{cycleId}/sleep``: the sleep that started the cycle."""
        records = self._records(request, SCOPE_SLEEP)
        cycle = _find_cycle(records, request)
        for sleep in records.sleeps:
            if sleep.cycle_id == cycle.id and not sleep.nap:
                return web.json_response(sleep.to_json())
        raise _error(web.HTTPNotFound, "No sleep for this cycle")

    async def recoveries(self, request: web.Request) -> web.Response:
        """``GET /v2/recovery``: newest sleep first, filtered by the sleep's time span."""
        records = self._records(request, SCOPE_RECOVERY)
        sleeps = {sleep.id: sleep for sleep in records.sleeps}

        def span(recovery: Recovery) -> tuple[datetime, datetime | None]:
            sleep = sleeps[recovery.sleep_id]
            return sleep.start, sleep.end

        return self._page(request, records.recoveries, span)

    async def sleeps(self, request: web.Request) -> web.Response:
        """``GET /v2/activity/sleep``: naps included."""
        records = self._records(request, SCOPE_SLEEP)
        return self._page(
            request, records.sleeps, lambda sleep: (sleep.start, sleep.end)
        )

    async def sleep(self, request: web.Request) -> web.Response:
        """``GET /v2/activity/sleep/{sleepId}``."""
        records = self._records(request, SCOPE_SLEEP)
        wanted = _uuid_id(request)
        for sleep in records.sleeps:
            if sleep.id == wanted:
                return web.json_response(sleep.to_json())
        raise _error(web.HTTPNotFound, "No such sleep")

    async def workouts(self, request: web.Request) -> web.Response:
        """``GET /v2/activity/workout``."""
        records = self._records(request, SCOPE_WORKOUT)
        return self._page(
            request, records.workouts, lambda workout: (workout.start, workout.end)
        )

    async def workout(self, request: web.Request) -> web.Response:
        """``GET /v2/activity/workout/{workoutId}``."""
        records = self._records(request, SCOPE_WORKOUT)
        wanted = _uuid_id(request)
        for workout in records.workouts:
            if workout.id == wanted:
                return web.json_response(workout.to_json())
        raise _error(web.HTTPNotFound, "No such workout")


def _find_cycle(records: MemberRecords, request: web.Request) -> Cycle:
    try:
        wanted = int(request.match_info["id"])
    except ValueError:
        raise _error(web.HTTPBadRequest, "cycleId must be an integer") from None
    for cycle in records.cycles:
        if cycle.id == wanted:
            return cycle
    raise _error(web.HTTPNotFound, "No such cycle")


def _uuid_id(request: web.Request) -> UUID:
    try:
        return UUID(request.match_info["id"])
    except ValueError:
        raise _error(web.HTTPBadRequest, "The id must be a UUID") from None

"""Which member each WHOOP request was for, which the sandbox's own request log does not record.

An aiohttp middleware put in front of the sandbox: a data call belongs to the owner of its bearer
token, a token refresh to the owner of the access token it hands out.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
import json

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from sandbox.whoop import LoggedRequest, WhoopSandbox

DATA_PREFIX = "/developer/"
TOKEN_PATH = "/oauth/oauth2/token"  # noqa: S105 - a URL path, not a secret
TOKEN_ROUTE = f"POST {TOKEN_PATH}"


@dataclass(frozen=True, slots=True)
class MemberRequest:
    """One answered WHOOP request and the member it was for (None: nobody could be told)."""

    user_id: int | None
    method: str
    route: str
    status: int
    at: datetime

    @property
    def key(self) -> str:
        """The counting key, e.g. ``"GET /developer/v2/cycle"``, as the sandbox's log counts."""
        return f"{self.method} {self.route}"

    @property
    def is_token_call(self) -> bool:
        """Whether the request went to the token endpoint rather than the data API."""
        return self.route == TOKEN_PATH


class RequestLedger:
    """Every WHOOP API and token request the sandbox answered, attributed to a member."""

    def __init__(self, whoop: WhoopSandbox) -> None:
        """Attribute requests with the token store of ``whoop``."""
        self._whoop = whoop
        self.requests: list[MemberRequest] = []
        # Access token → member, kept after the token expires or rotates so that a 401 answered
        # to a stale token still counts for the member who sent it.
        self._owners: dict[str, int] = {}

    def middleware(self) -> Middleware:
        """Return the middleware to put first (outermost) on the sandbox's application."""

        @web.middleware
        async def attribute(
            request: web.Request, handler: Handler
        ) -> web.StreamResponse:
            if not request.path.startswith(DATA_PREFIX) and request.path != TOKEN_PATH:
                return await handler(request)
            user_id = self._bearer_owner(request)
            response: web.StreamResponse | None = None
            status = HTTPStatus.INTERNAL_SERVER_ERROR.value
            try:
                response = await handler(request)
                status = response.status
            except web.HTTPException as error:
                status = error.status
                raise
            finally:
                if user_id is None and response is not None:
                    user_id = self._issued_token_owner(response)
                self._log(request, user_id, status)
            return response

        return attribute

    def counts(self, start: datetime, end: datetime) -> dict[int | None, Counter[str]]:
        """Count requests from ``start`` (inclusive) to ``end`` (exclusive), per member and route."""
        counted: dict[int | None, Counter[str]] = {}
        for request in self.requests:
            if start <= request.at < end:
                counted.setdefault(request.user_id, Counter())[request.key] += 1
        return counted

    def disagreement(
        self, sandbox_log: Iterable[LoggedRequest], start: datetime, end: datetime
    ) -> Counter[str]:
        """Return by how much the sandbox's own request log and this ledger differ, per route.

        Empty when every request the sandbox answered in the window was seen here too.
        """
        theirs = Counter(r.key for r in sandbox_log if start <= r.at < end)
        ours = Counter(r.key for r in self.requests if start <= r.at < end)
        return (theirs - ours) + (ours - theirs)

    def failures(self, start: datetime, end: datetime) -> Counter[tuple[str, int]]:
        """Count answers other than 2xx in the window, by route and status."""
        return Counter(
            (request.key, request.status)
            for request in self.requests
            if start <= request.at < end and not 200 <= request.status < 300  # noqa: PLR2004 - HTTP success range
        )

    def busiest_minute(self, start: datetime, end: datetime) -> int:
        """Return the most data requests (all members) in one clock minute: WHOOP allows 100."""
        per_minute = Counter(
            request.at.replace(second=0, microsecond=0)
            for request in self.requests
            if start <= request.at < end and not request.is_token_call
        )
        return max(per_minute.values(), default=0)

    def _log(self, request: web.Request, user_id: int | None, status: int) -> None:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else request.path
        self.requests.append(
            MemberRequest(
                user_id, request.method, route, status, self._whoop.clock.now()
            )
        )

    def _bearer_owner(self, request: web.Request) -> int | None:
        kind, _, token = request.headers.get("Authorization", "").partition(" ")
        if kind.lower() != "bearer" or not token:
            return None
        return self._owner(token.strip())

    def _issued_token_owner(self, response: web.StreamResponse) -> int | None:
        body = response.body if isinstance(response, web.Response) else None
        if not isinstance(body, bytes):
            return None
        try:
            answer = json.loads(body)
        except ValueError:
            return None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        return self._owner(token) if isinstance(token, str) else None

    def _owner(self, access_token: str) -> int | None:
        owner = self._owners.get(access_token)
        if owner is None:
            granted = self._whoop.tokens.authenticate(access_token)
            if granted is not None:
                owner = self._owners[access_token] = granted.user_id
        return owner

"""Fixtures for the WHOOP API client tests.

The sandbox plays WHOOP for the normal paths and the faults it can inject. For HTTP details
it cannot produce (403, an HTTP-date ``Retry-After``, odd ``next_token`` values, a refused
connection), ``scripted_whoop`` is a tiny server on 127.0.0.1 that answers each request
with the next response a test queued.
"""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
import json
import time

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.whoop.whoop_api import TokenProvider, WhoopClient, _fields
from sandbox.app import Sandbox

JOHN_USER_ID = 10129
JANE_USER_ID = 20247


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    """What the scripted server saw of one request."""

    method: str
    raw_path: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class ScriptedResponse:
    """One queued answer: a status, headers and a JSON or raw body."""

    status: int = 200
    json_body: object = None
    raw_body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


class ScriptedWhoop:
    """An HTTP server answering every path with the next queued response, in order."""

    def __init__(self) -> None:
        """Start with nothing queued; ``url`` is set once the server listens."""
        self.url = ""
        self.requests: list[ReceivedRequest] = []
        self._queue: list[ScriptedResponse] = []
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:.*}", self._answer)

    def queue(
        self,
        json_body: object = None,
        *,
        status: int = 200,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Queue the answer to a future request."""
        self._queue.append(ScriptedResponse(status, json_body, raw_body, headers or {}))

    def queue_page(self, records: list[object], cursor: str | None = None) -> None:
        """Queue a collection page whose ``next_token`` is ``cursor`` (absent if None)."""
        page: dict[str, object] = {"records": records}
        if cursor is not None:
            page["next_token"] = cursor
        self.queue(page)

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            ReceivedRequest(
                method=request.method,
                raw_path=request.raw_path.split("?", 1)[0],
                path=request.path,
                query=dict(request.query),
                headers=dict(request.headers),
            )
        )
        if not self._queue:
            return web.Response(status=599, text="nothing queued for this request")
        scripted = self._queue.pop(0)
        body = scripted.raw_body
        if body is None and scripted.json_body is not None:
            body = json.dumps(scripted.json_body).encode()
        return web.Response(
            status=scripted.status,
            body=body,
            headers=scripted.headers,
            content_type="application/json" if body is not None else None,
        )


class TokenCounter:
    """A token provider that hands out a new token on every call and counts the calls."""

    def __init__(self) -> None:
        """Start with no call made."""
        self.calls = 0

    async def __call__(self) -> str:
        """Return ``access-token-<n>`` for the n-th call."""
        self.calls += 1
        return f"access-token-{self.calls}"


@pytest.fixture(autouse=True)
def forget_implausible_warnings() -> None:
    """Each test starts with no field warned about (the warning is once a process)."""
    _fields._WARNED_FIELDS.clear()


@pytest.fixture
async def http_session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """An aiohttp session, closed after the test; sockets (to 127.0.0.1 only) allowed."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def scripted_whoop(socket_enabled: None) -> AsyncIterator[ScriptedWhoop]:
    """The scripted server, listening on 127.0.0.1 for the length of the test."""
    scripted = ScriptedWhoop()
    server = TestServer(scripted.app, host="127.0.0.1")
    await server.start_server()
    scripted.url = str(server.make_url("")).rstrip("/")
    yield scripted
    await server.close()


@pytest.fixture
def token_counter() -> TokenCounter:
    """A token provider counting its calls."""
    return TokenCounter()


@pytest.fixture
def scripted_client(
    http_session: aiohttp.ClientSession,
    scripted_whoop: ScriptedWhoop,
    token_counter: TokenCounter,
) -> WhoopClient:
    """A client of the scripted server."""
    return WhoopClient(http_session, token_counter, base_url=scripted_whoop.url)


@pytest.fixture
async def whoop_sandbox(socket_enabled: None, sandbox: Sandbox) -> Sandbox:
    """The sandbox, with sockets to 127.0.0.1 allowed before it starts listening."""
    return sandbox


def sandbox_token_provider(whoop_sandbox: Sandbox, user_id: int) -> TokenProvider:
    """Return a token provider handing out one access token issued for ``user_id``."""
    token = str(whoop_sandbox.whoop.issue_tokens(user_id)["access_token"])

    async def provide() -> str:
        return token

    return provide


@pytest.fixture
def sandbox_client(
    http_session: aiohttp.ClientSession, whoop_sandbox: Sandbox
) -> WhoopClient:
    """A client of the sandbox, signed in as John Smith (10129, WHOOP 4.0)."""
    return WhoopClient(
        http_session,
        sandbox_token_provider(whoop_sandbox, JOHN_USER_ID),
        base_url=whoop_sandbox.url,
    )


@pytest.fixture
def far_east_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run with the machine's local time 14 hours ahead of UTC."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()

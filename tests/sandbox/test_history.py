"""Two years of history, served with WHOOP's paging, quickly."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
import time
from typing import Any

import aiohttp
import pytest

from sandbox.app import Sandbox, create_sandbox
from sandbox.clock import SandboxClock
from sandbox.fixtures import SANDBOX_START, serve_sandbox
from sandbox.whoop import JANE, JOHN, WhoopSandbox
from sandbox.whoop.rate_limit import RateLimiter

from .conftest import JANE_ID, JOHN_ID, bearer

API = "/developer/v2"
COLLECTIONS = {
    "cycles": f"{API}/cycle",
    "recoveries": f"{API}/recovery",
    "sleeps": f"{API}/activity/sleep",
    "workouts": f"{API}/activity/workout",
}


def long_token(sandbox: Sandbox, user_id: int = JOHN_ID) -> str:
    return str(
        sandbox.whoop.issue_tokens(user_id, expires_in=30 * 86_400)["access_token"]
    )


async def page(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str, **params: str
) -> dict[str, Any]:
    async with http.get(
        sandbox.url + path, headers=bearer(token), params=params
    ) as response:
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body


async def page_through(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str, **params: str
) -> tuple[list[Any], int]:
    """Return every record and the number of pages it took."""
    records: list[Any] = []
    pages = 0
    while True:
        # Two years take more pages than WHOOP's 100 a minute allow; this is about paging.
        sandbox.whoop.rate_limiter = RateLimiter()
        body = await page(http, sandbox, path, token, limit="25", **params)
        pages += 1
        assert len(body["records"]) <= 25
        records.extend(body["records"])
        if not body.get("next_token"):
            return records, pages
        params["nextToken"] = body["next_token"]


def start_of(record: dict[str, Any], sandbox: Sandbox) -> datetime:
    if "start" in record:
        return datetime.fromisoformat(record["start"])
    sleep = next(
        sleep
        for sleep in sandbox.whoop.records(record["user_id"]).sleeps
        if str(sleep.id) == record["sleep_id"]
    )
    return sleep.start


async def test_two_years_page_through_quickly_newest_first_each_once(
    deep_sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = long_token(deep_sandbox)
    truth = deep_sandbox.whoop.records(JOHN_ID)
    started = time.monotonic()
    for kind, path in COLLECTIONS.items():
        records, pages = await page_through(http, deep_sandbox, path, token)
        expected = [record.to_json() for record in getattr(truth, kind)]
        assert records == expected, kind
        assert pages == -(-len(expected) // 25)
        starts = [start_of(record, deep_sandbox) for record in records]
        assert starts == sorted(starts, reverse=True)
    assert time.monotonic() - started < 20  # about 120 pages; well under a second here
    assert len(truth.cycles) == 730
    assert truth.cycles[-1].start < SANDBOX_START - timedelta(days=729)
    assert len(truth.sleeps) > 800  # naps included
    assert len(truth.workouts) > 600


async def test_paging_with_a_running_clock_stays_fast(
    http: aiohttp.ClientSession, socket_enabled: None
) -> None:
    # A clock that follows the wall clock asks for a new "now" on every request.
    served = create_sandbox(SandboxClock())
    async with serve_sandbox(served):
        token = long_token(served)
        started = time.monotonic()
        records, pages = await page_through(http, served, COLLECTIONS["cycles"], token)
        elapsed = time.monotonic() - started
    assert len(records) >= 730
    assert pages == -(-len(records) // 25)
    assert elapsed < 10


async def test_start_inclusive_end_exclusive_deep_in_the_past(
    deep_sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = long_token(deep_sandbox)
    cycles = deep_sandbox.whoop.records(JOHN_ID).cycles
    year_ago = cycles[365]
    start = year_ago.start.isoformat()
    body = await page(
        http,
        deep_sandbox,
        COLLECTIONS["cycles"],
        token,
        start=start,
        end=cycles[360].start.isoformat(),
        limit="25",
    )
    ids = [record["id"] for record in body["records"]]
    # start is inclusive; end is exclusive (the cycle starting at end is out), newest first.
    assert ids == [cycle.id for cycle in cycles[361:366]]
    assert "next_token" not in body
    workouts_then = await page(
        http,
        deep_sandbox,
        COLLECTIONS["workouts"],
        token,
        start=(year_ago.start - timedelta(days=20)).isoformat(),
        end=year_ago.start.isoformat(),
        limit="3",
    )
    assert len(workouts_then["records"]) == 3
    assert workouts_then["next_token"]
    for record in workouts_then["records"]:
        assert datetime.fromisoformat(record["start"]) < year_ago.start


@pytest.mark.parametrize("limit", ["0", "26"])
async def test_limit_stays_within_25(
    deep_sandbox: Sandbox, http: aiohttp.ClientSession, limit: str
) -> None:
    async with http.get(
        deep_sandbox.url + COLLECTIONS["cycles"],
        headers=bearer(long_token(deep_sandbox)),
        params={"limit": limit},
    ) as response:
        assert response.status == 400


def test_recent_days_do_not_depend_on_the_history_length() -> None:
    short = WhoopSandbox(SandboxClock(SANDBOX_START), history_days=60)
    deep = WhoopSandbox(SandboxClock(SANDBOX_START))
    cutoff = SANDBOX_START - timedelta(days=50)
    for user_id in (JOHN_ID, JANE_ID):
        for kind in COLLECTIONS:
            recent_short = [
                record.to_json()
                for record in getattr(short.records(user_id), kind)
                if record.created_at > cutoff
            ]
            recent_deep = [
                record.to_json()
                for record in getattr(deep.records(user_id), kind)
                if record.created_at > cutoff
            ]
            assert recent_short == recent_deep
            assert recent_short


@pytest.fixture
async def short_john(socket_enabled: None) -> AsyncIterator[Sandbox]:
    served = create_sandbox(SandboxClock(SANDBOX_START))
    served.whoop = WhoopSandbox(
        served.clock, members=[replace(JOHN, history_days=10), JANE]
    )
    async with serve_sandbox(served):
        yield served


async def test_history_days_per_member(
    short_john: Sandbox, http: aiohttp.ClientSession
) -> None:
    john, _ = await page_through(
        http, short_john, COLLECTIONS["cycles"], long_token(short_john)
    )
    jane, _ = await page_through(
        http, short_john, COLLECTIONS["cycles"], long_token(short_john, JANE_ID)
    )
    assert len(john) == 10
    assert len(jane) == 731  # Jane (UTC+1) is up already: today's cycle runs


def test_history_days_are_bounded() -> None:
    with pytest.raises(ValueError, match="history_days"):
        WhoopSandbox(SandboxClock(SANDBOX_START), history_days=100_000)
    with pytest.raises(ValueError, match="history_days"):
        WhoopSandbox(
            SandboxClock(SANDBOX_START), members=[replace(JOHN, history_days=-1)]
        )

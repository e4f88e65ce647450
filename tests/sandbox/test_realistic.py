"""The realistic member profile: unruly wake times, workouts any time, naps, lags, no strap."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
import itertools
from statistics import pstdev
from typing import Any

import aiohttp
import pytest

from sandbox.app import Sandbox, create_sandbox
from sandbox.clock import SandboxClock
from sandbox.fixtures import SANDBOX_START, serve_sandbox
from sandbox.whoop import JOHN, REALISTIC_MEMBERS, WhoopSandbox
from sandbox.whoop.rate_limit import RateLimiter

from .conftest import JOHN_ID, bearer

API = "/developer/v2"
DAYS = 120
JOHN_OFFSET = timedelta(hours=-5)


@pytest.fixture
async def realistic(socket_enabled: None) -> AsyncIterator[Sandbox]:
    served = create_sandbox(SandboxClock(SANDBOX_START), history_days=0)
    served.whoop = WhoopSandbox(
        served.clock, members=REALISTIC_MEMBERS, history_days=DAYS
    )
    async with serve_sandbox(served):
        yield served


def token_for(sandbox: Sandbox) -> str:
    return str(
        sandbox.whoop.issue_tokens(JOHN_ID, expires_in=30 * 86_400)["access_token"]
    )


async def get(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str, **params: str
) -> tuple[int, Any]:
    sandbox.whoop.rate_limiter = RateLimiter()  # the clock stands still between pages
    async with http.get(
        sandbox.url + path, headers=bearer(token), params=params
    ) as response:
        return response.status, await response.json()


async def every(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str
) -> list[Any]:
    records: list[Any] = []
    params = {"limit": "25"}
    while True:
        status, body = await get(http, sandbox, path, token, **params)
        assert status == 200
        records.extend(body["records"])
        if not body.get("next_token"):
            return records
        params["nextToken"] = body["next_token"]


def local(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp).astimezone(UTC) + JOHN_OFFSET


def minutes_of_day(when: datetime) -> int:
    return when.hour * 60 + when.minute


async def test_wake_times_wander_and_weekends_are_later(
    realistic: Sandbox, http: aiohttp.ClientSession
) -> None:
    sleeps = await every(http, realistic, f"{API}/activity/sleep", token_for(realistic))
    nights = sorted(
        (local(sleep["end"]) for sleep in sleeps if not sleep["nap"]), reverse=True
    )
    wakes = [minutes_of_day(wake) for wake in nights]
    assert pstdev(wakes) > 40
    assert max(wakes) - min(wakes) > 180
    jumps = [abs(a - b) for a, b in itertools.pairwise(wakes)]
    assert sum(jump >= 60 for jump in jumps) > len(jumps) // 5
    weekend = [minutes_of_day(w) for w in nights if w.weekday() >= 5]
    weekday = [minutes_of_day(w) for w in nights if w.weekday() < 5]
    assert sum(weekend) / len(weekend) > sum(weekday) / len(weekday) + 45
    naps = [sleep for sleep in sleeps if sleep["nap"]]
    assert DAYS * 0.1 < len(naps) < DAYS * 0.4
    for nap in naps:
        assert 12 <= local(nap["start"]).hour < 18


async def test_workouts_at_any_time_of_day_and_never_during_a_nap(
    realistic: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = token_for(realistic)
    workouts = await every(http, realistic, f"{API}/activity/workout", token)
    hours = {local(workout["start"]).hour for workout in workouts}
    assert len(hours) >= 10
    assert min(hours) <= 8
    assert max(hours) >= 19
    sleeps = await every(http, realistic, f"{API}/activity/sleep", token)
    spans = [(sleep["start"], sleep["end"]) for sleep in sleeps]
    for workout in workouts:
        assert local(workout["end"]).hour < 22
        for start, end in spans:
            assert workout["end"] <= start or workout["start"] >= end


async def test_some_nights_without_the_strap(
    realistic: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = token_for(realistic)
    cycles = await every(http, realistic, f"{API}/cycle", token)
    recoveries = await every(http, realistic, f"{API}/recovery", token)
    with_recovery = {recovery["cycle_id"] for recovery in recoveries}
    bare = [cycle for cycle in cycles if cycle["id"] not in with_recovery]
    assert 0.02 * DAYS <= len(bare) <= 0.15 * DAYS
    status, _ = await get(http, realistic, f"{API}/cycle/{bare[0]['id']}/sleep", token)
    assert status == 404
    status, _ = await get(
        http, realistic, f"{API}/cycle/{bare[0]['id']}/recovery", token
    )
    assert status == 404


def upcoming_day(sandbox: Sandbox, wanted: str) -> date:
    """Return the next local date after the start whose plan has ``wanted`` (workouts/naps)."""
    day = SANDBOX_START.date()
    while not getattr(sandbox.whoop.plan(JOHN_ID, day), wanted):
        day += timedelta(days=1)
    return day


async def newest_cycle(
    http: aiohttp.ClientSession, sandbox: Sandbox, token: str
) -> dict[str, Any]:
    status, body = await get(http, sandbox, f"{API}/cycle", token, limit="1")
    assert status == 200
    cycle: dict[str, Any] = body["records"][0]
    return cycle


async def test_strain_stands_still_asleep_and_climbs_during_a_workout(
    realistic: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = token_for(realistic)
    plan = realistic.whoop.plan(JOHN_ID, upcoming_day(realistic, "workouts"))
    clock = realistic.clock
    clock.set(plan.night.detected_at + timedelta(minutes=1))
    just_up = await newest_cycle(http, realistic, token)
    assert just_up["id"] == plan.cycle_id
    assert just_up["score"]["strain"] < 0.5  # asleep until a few minutes ago
    workout = plan.workouts[0]
    clock.set(workout.start)
    before = (await newest_cycle(http, realistic, token))["score"]["strain"]
    clock.set(workout.start + (workout.end - workout.start) / 2)
    halfway = (await newest_cycle(http, realistic, token))["score"]["strain"]
    clock.set(workout.end)
    after = (await newest_cycle(http, realistic, token))["score"]["strain"]
    assert before < halfway < after
    assert after - before > 1.0


async def test_strain_barely_moves_during_a_nap(
    realistic: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = token_for(realistic)
    day = upcoming_day(realistic, "naps")
    plan = realistic.whoop.plan(JOHN_ID, day)
    nap = plan.naps[0]
    realistic.clock.set(nap.start)
    before = (await newest_cycle(http, realistic, token))["score"]["strain"]
    realistic.clock.set(nap.end)
    after = (await newest_cycle(http, realistic, token))["score"]["strain"]
    assert after - before < 0.05


async def test_records_are_scored_some_minutes_after_they_end(
    realistic: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = token_for(realistic)
    plan = realistic.whoop.plan(JOHN_ID, upcoming_day(realistic, "workouts"))
    workout = plan.workouts[0]
    assert timedelta(minutes=5) <= workout.scored_at - workout.end
    assert workout.scored_at - workout.end <= timedelta(minutes=27)
    assert timedelta(minutes=4) <= plan.night.scored_at - plan.night.end
    assert plan.night.scored_at - plan.night.end <= timedelta(minutes=14)
    path = f"{API}/activity/workout/{workout.id}"
    realistic.clock.set(workout.end + timedelta(minutes=1))
    assert (await get(http, realistic, path, token))[0] == 404
    realistic.clock.set(workout.detected_at)
    status, body = await get(http, realistic, path, token)
    assert (status, body["score_state"]) == (200, "PENDING_SCORE")
    realistic.clock.set(workout.scored_at)
    _, body = await get(http, realistic, path, token)
    assert body["score_state"] in {"SCORED", "UNSCORABLE"}


def test_the_usual_profile_is_not_realistic() -> None:
    assert not JOHN.realistic
    assert all(member.realistic for member in REALISTIC_MEMBERS)
    assert [member.user_id for member in REALISTIC_MEMBERS] == [10129, 20247]

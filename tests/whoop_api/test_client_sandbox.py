"""The client against the sandbox over real HTTP: every endpoint, paging, faults, costs."""

from collections import Counter
from datetime import timedelta
import uuid

import aiohttp
import pytest

from custom_components.whoop.whoop_api import (
    BodyMeasurement,
    Cycle,
    Profile,
    Recovery,
    ScoreState,
    Sleep,
    WhoopAuthenticationError,
    WhoopClient,
    WhoopConnectionError,
    WhoopNotFoundError,
    WhoopRateLimitError,
    WhoopResponseError,
    Workout,
)
from sandbox.app import Sandbox

from .conftest import JANE_USER_ID, JOHN_USER_ID, sandbox_token_provider

CYCLES = "GET /developer/v2/cycle"
RECOVERIES = "GET /developer/v2/recovery"
SLEEPS = "GET /developer/v2/activity/sleep"
WORKOUTS = "GET /developer/v2/activity/workout"
BODY = "GET /developer/v2/user/measurement/body"


def truth(
    whoop_sandbox: Sandbox, user_id: int = JOHN_USER_ID
) -> dict[str, list[object]]:
    """What the sandbox holds for a member right now, parsed by the models."""
    records = whoop_sandbox.whoop.records(user_id)
    return {
        "cycles": [Cycle.from_api(cycle.to_json()) for cycle in records.cycles],
        "recoveries": [Recovery.from_api(rec.to_json()) for rec in records.recoveries],
        "sleeps": [Sleep.from_api(sleep.to_json()) for sleep in records.sleeps],
        "workouts": [Workout.from_api(work.to_json()) for work in records.workouts],
    }


def client_for(
    http_session: aiohttp.ClientSession,
    whoop_sandbox: Sandbox,
    user_id: int,
    request_timeout: float = 20.0,
) -> WhoopClient:
    """Return a client of the sandbox signed in as ``user_id``."""
    return WhoopClient(
        http_session,
        sandbox_token_provider(whoop_sandbox, user_id),
        base_url=whoop_sandbox.url,
        request_timeout=request_timeout,
    )


async def test_profile_and_body(
    sandbox_client: WhoopClient,
    http_session: aiohttp.ClientSession,
    whoop_sandbox: Sandbox,
) -> None:
    jane = client_for(http_session, whoop_sandbox, JANE_USER_ID)

    assert await sandbox_client.get_profile() == Profile(
        user_id=10129, email="jsmith123@whoop.com", first_name="John", last_name="Smith"
    )
    assert await sandbox_client.get_body_measurement() == BodyMeasurement(
        height_meter=1.8288, weight_kilogram=90.7185, max_heart_rate=200
    )
    assert (await jane.get_profile()).user_id == JANE_USER_ID


@pytest.mark.parametrize(
    ("method", "kind", "route"),
    [
        ("get_cycles", "cycles", CYCLES),
        ("get_recoveries", "recoveries", RECOVERIES),
        ("get_sleeps", "sleeps", SLEEPS),
        ("get_workouts", "workouts", WORKOUTS),
    ],
)
async def test_collections_follow_every_page(
    sandbox_client: WhoopClient,
    whoop_sandbox: Sandbox,
    method: str,
    kind: str,
    route: str,
) -> None:
    expected = truth(whoop_sandbox)[kind]
    assert len(expected) > 50  # the sandbox's 60 days: 3 pages of 25

    records = await getattr(sandbox_client, method)()

    assert records == expected
    assert whoop_sandbox.whoop.request_counts() == Counter({route: 3})


async def test_small_pages_and_the_page_cap(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    expected = truth(whoop_sandbox)["cycles"]

    first_ten = await sandbox_client.get_cycles(limit=5, max_pages=2)

    assert first_ten == expected[:10]
    assert whoop_sandbox.whoop.request_counts() == Counter({CYCLES: 2})


async def test_start_and_end_bound_the_collection(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    now = whoop_sandbox.clock.now()
    start, end = now - timedelta(days=10), now - timedelta(days=3)

    workouts = await sandbox_client.get_workouts(start=start, end=end)

    assert workouts
    assert len(workouts) < len(truth(whoop_sandbox)["workouts"])
    assert all(start <= workout.start < end for workout in workouts)


async def test_records_by_id_match_the_collections(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    records = truth(whoop_sandbox)
    cycle = records["cycles"][1]
    sleep = records["sleeps"][3]
    workout = records["workouts"][0]
    assert isinstance(cycle, Cycle)
    assert isinstance(sleep, Sleep)
    assert isinstance(workout, Workout)

    assert await sandbox_client.get_cycle(cycle.id) == cycle
    assert await sandbox_client.get_sleep(sleep.id) == sleep
    assert await sandbox_client.get_workout(workout.id) == workout
    cycle_sleep = await sandbox_client.get_cycle_sleep(cycle.id)
    cycle_recovery = await sandbox_client.get_cycle_recovery(cycle.id)

    assert cycle_sleep.cycle_id == cycle.id
    assert not cycle_sleep.nap
    assert cycle_sleep in records["sleeps"]
    assert cycle_recovery is not None
    assert cycle_recovery.cycle_id == cycle.id
    assert cycle_recovery.sleep_id == cycle_sleep.id
    assert cycle_recovery in records["recoveries"]


async def test_unknown_ids_are_not_found(sandbox_client: WhoopClient) -> None:
    with pytest.raises(WhoopNotFoundError):
        await sandbox_client.get_cycle(1)
    with pytest.raises(WhoopNotFoundError):
        await sandbox_client.get_sleep(str(uuid.uuid4()))
    with pytest.raises(WhoopNotFoundError):
        await sandbox_client.get_workout(str(uuid.uuid4()))
    with pytest.raises(WhoopNotFoundError):
        await sandbox_client.get_cycle_sleep(1)


async def test_cycle_without_recovery_gives_none(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    member = whoop_sandbox.whoop.member(JOHN_USER_ID)
    today = whoop_sandbox.clock.now().astimezone(member.tzinfo).date()
    whoop_sandbox.whoop.mark_not_worn(JOHN_USER_ID, today - timedelta(days=5))
    records = whoop_sandbox.whoop.records(JOHN_USER_ID)
    without_recovery = {cycle.id for cycle in records.cycles} - {
        recovery.cycle_id for recovery in records.recoveries
    }
    assert len(without_recovery) == 1

    assert await sandbox_client.get_cycle_recovery(without_recovery.pop()) is None
    assert whoop_sandbox.whoop.request_counts() == Counter(
        {"GET /developer/v2/cycle/{id}/recovery": 1}
    )


async def test_latest_helpers_and_their_cost(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    records = truth(whoop_sandbox)

    recovery = await sandbox_client.get_latest_recovery()
    workout = await sandbox_client.get_latest_workout()

    assert recovery == records["recoveries"][0]
    assert workout == records["workouts"][0]
    # One request each.
    assert whoop_sandbox.whoop.request_counts() == Counter({RECOVERIES: 1, WORKOUTS: 1})


async def test_one_refresh_of_everything_the_integration_shows_costs_five_requests(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    # What the coordinators ask for: the last two cycles, the newest recovery, recent
    # sleeps (last night and the latest nap among them), the newest workout, the body.
    cycles = await sandbox_client.get_cycles(limit=2, max_pages=1)
    await sandbox_client.get_latest_recovery()
    sleeps = await sandbox_client.get_sleeps(limit=10, max_pages=1)
    await sandbox_client.get_latest_workout()
    await sandbox_client.get_body_measurement()

    assert cycles[0].is_current
    assert any(not sleep.nap for sleep in sleeps)
    counts = whoop_sandbox.whoop.request_counts()
    assert counts == Counter(
        {CYCLES: 1, RECOVERIES: 1, SLEEPS: 1, WORKOUTS: 1, BODY: 1}
    )
    assert counts.total() == 5


async def test_a_nap_after_last_night_comes_first(
    http_session: aiohttp.ClientSession, whoop_sandbox: Sandbox
) -> None:
    newest_nap = next(
        sleep for sleep in whoop_sandbox.whoop.records(JOHN_USER_ID).sleeps if sleep.nap
    )
    whoop_sandbox.clock.set(newest_nap.end + timedelta(hours=2))
    client = client_for(http_session, whoop_sandbox, JOHN_USER_ID)
    sleeps = truth(whoop_sandbox)["sleeps"]

    nap, night = await client.get_sleeps(limit=2, max_pages=1)

    assert (nap.nap, night.nap) == (True, False)
    assert [nap, night] == sleeps[:2]
    assert whoop_sandbox.whoop.request_counts() == Counter({SLEEPS: 1})


async def test_whoop_3_recovery_has_no_spo2_nor_skin_temperature(
    http_session: aiohttp.ClientSession, whoop_sandbox: Sandbox
) -> None:
    jane = client_for(http_session, whoop_sandbox, JANE_USER_ID)

    recovery = await jane.get_latest_recovery()

    assert recovery is not None
    assert recovery.score_state is ScoreState.SCORED
    assert recovery.score is not None
    assert recovery.score.spo2_percentage is None
    assert recovery.score.skin_temp_celsius is None


async def test_rate_limit_headers(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    await sandbox_client.get_profile()
    first = sandbox_client.rate_limit_remaining
    await sandbox_client.get_profile()

    assert sandbox_client.rate_limit_limit == 100
    assert first is not None
    assert sandbox_client.rate_limit_remaining == first - 1


async def test_rate_limit_fault(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    whoop_sandbox.whoop.faults.add(
        "rate_limit", path="/developer/v2/cycle", reset_seconds=42
    )

    with pytest.raises(WhoopRateLimitError) as caught:
        await sandbox_client.get_cycles(limit=1, max_pages=1)

    assert caught.value.retry_after == 42.0
    assert await sandbox_client.get_cycles(limit=1, max_pages=1)  # the fault is spent


@pytest.mark.parametrize("status", [500, 503])
async def test_server_error_fault(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox, status: int
) -> None:
    whoop_sandbox.whoop.faults.add("server_error", status=status)

    with pytest.raises(WhoopConnectionError) as caught:
        await sandbox_client.get_latest_workout()

    assert caught.value.status == status


async def test_slow_fault_times_out(
    http_session: aiohttp.ClientSession, whoop_sandbox: Sandbox
) -> None:
    client = client_for(http_session, whoop_sandbox, JOHN_USER_ID, request_timeout=0.3)
    whoop_sandbox.whoop.faults.add("slow", delay=2)

    with pytest.raises(WhoopConnectionError, match="timed out"):
        await client.get_latest_recovery()


async def test_malformed_json_fault(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    whoop_sandbox.whoop.faults.add(
        "malformed_json", path="/developer/v2/activity/sleep"
    )

    with pytest.raises(WhoopResponseError, match="not valid JSON"):
        await sandbox_client.get_sleeps()


@pytest.mark.parametrize("chunked", [False, True])
async def test_an_oversize_answer_is_refused_unread(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox, chunked: bool
) -> None:
    # Valid JSON, but 8 MiB: refused by its Content-Length, or once 4 MiB have streamed in.
    whoop_sandbox.whoop.faults.add(
        "oversize_body", path="/developer/v2/activity/sleep", chunked=chunked
    )

    with pytest.raises(WhoopResponseError, match="more than 4 MiB"):
        await sandbox_client.get_sleeps()
    # The next answer is read as usual.
    assert await sandbox_client.get_sleeps()


@pytest.mark.parametrize(
    ("path", "call"),
    [
        ("/developer/v2/user/profile/basic", "get_profile"),
        ("/developer/v2/cycle", "get_cycles"),
        ("/developer/v2/activity/workout", "get_workouts"),
    ],
)
async def test_missing_fields_fault(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox, path: str, call: str
) -> None:
    whoop_sandbox.whoop.faults.add("missing_fields", path=path)

    with pytest.raises(WhoopResponseError, match="is missing"):
        await getattr(sandbox_client, call)()


async def test_revoked_grant_is_an_authentication_error(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    whoop_sandbox.whoop.revoke(JOHN_USER_ID)

    with pytest.raises(WhoopAuthenticationError) as caught:
        await sandbox_client.get_profile()

    assert caught.value.status == 401


async def test_revoke_access_ends_the_grant(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    await sandbox_client.revoke_access()

    with pytest.raises(WhoopAuthenticationError):
        await sandbox_client.get_latest_workout()
    assert whoop_sandbox.whoop.request_counts()["DELETE /developer/v2/user/access"] == 1


async def test_missing_scope_is_an_authentication_error(
    http_session: aiohttp.ClientSession, whoop_sandbox: Sandbox
) -> None:
    token = whoop_sandbox.whoop.issue_tokens(JOHN_USER_ID, scopes=["read:profile"])

    async def provide() -> str:
        return str(token["access_token"])

    client = WhoopClient(http_session, provide, base_url=whoop_sandbox.url)

    assert (await client.get_profile()).user_id == JOHN_USER_ID
    with pytest.raises(WhoopAuthenticationError):
        await client.get_latest_workout()

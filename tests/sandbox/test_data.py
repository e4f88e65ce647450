"""WHOOP's v2 data endpoints: shapes, scopes, paging, ids and how the data moves with the clock."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from sandbox.app import Sandbox, create_sandbox
from sandbox.clock import SandboxClock
from sandbox.fixtures import SANDBOX_START

from .conftest import JANE_ID, JOHN_ID, bearer

API = "/developer/v2"
COLLECTIONS = [
    f"{API}/cycle",
    f"{API}/recovery",
    f"{API}/activity/sleep",
    f"{API}/activity/workout",
]


async def get(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str, **params: str
) -> dict[str, Any]:
    async with http.get(
        sandbox.url + path, headers=bearer(token), params=params
    ) as response:
        assert response.status == 200, await response.text()
        document: dict[str, Any] = await response.json()
        return document


async def status_of(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str, **params: str
) -> int:
    async with http.get(
        sandbox.url + path, headers=bearer(token), params=params
    ) as response:
        return response.status


async def get_all(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str, **params: str
) -> list[Any]:
    records: list[Any] = []
    while True:
        page = await get(http, sandbox, path, token, limit="25", **params)
        records.extend(page["records"])
        if not page.get("next_token"):
            return records
        params["nextToken"] = page["next_token"]


def parse(timestamp: str) -> datetime:
    assert timestamp.endswith("Z")
    assert len(timestamp) == len("2022-04-24T11:25:44.774Z")
    return datetime.fromisoformat(timestamp)


async def test_profile_and_body(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    assert await get(http, sandbox, f"{API}/user/profile/basic", john_token) == {
        "user_id": 10129,
        "email": "jsmith123@whoop.com",
        "first_name": "John",
        "last_name": "Smith",
    }
    assert await get(http, sandbox, f"{API}/user/measurement/body", john_token) == {
        "height_meter": 1.8288,
        "weight_kilogram": 90.7185,
        "max_heart_rate": 200,
    }


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        (f"{API}/user/profile/basic", "read:profile"),
        (f"{API}/user/measurement/body", "read:body_measurement"),
        (f"{API}/cycle", "read:cycles"),
        (f"{API}/recovery", "read:recovery"),
        (f"{API}/activity/sleep", "read:sleep"),
        (f"{API}/activity/workout", "read:workout"),
    ],
)
async def test_each_endpoint_needs_its_scope(
    sandbox: Sandbox, http: aiohttp.ClientSession, path: str, scope: str
) -> None:
    with_scope = str(sandbox.whoop.issue_tokens(JOHN_ID, [scope])["access_token"])
    others = [
        other
        for other in [
            "read:profile",
            "read:body_measurement",
            "read:cycles",
            "read:recovery",
            "read:sleep",
            "read:workout",
            "offline",
        ]
        if other != scope
    ]
    without = str(sandbox.whoop.issue_tokens(JOHN_ID, others)["access_token"])
    assert await status_of(http, sandbox, path, with_scope) == 200
    assert await status_of(http, sandbox, path, without) == 401


async def test_cycle_shapes_and_the_running_cycle(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    cycles = (await get(http, sandbox, f"{API}/cycle", john_token))["records"]
    assert len(cycles) == 10
    current, previous = cycles[0], cycles[1]
    assert "end" not in current
    assert list(previous) == [
        "id",
        "user_id",
        "created_at",
        "updated_at",
        "start",
        "end",
        "timezone_offset",
        "score_state",
        "score",
    ]
    assert previous["end"] == current["start"]
    assert isinstance(current["id"], int)
    assert current["timezone_offset"] == "-05:00"
    assert set(current["score"]) == {
        "strain",
        "kilojoule",
        "average_heart_rate",
        "max_heart_rate",
    }
    for cycle in cycles:
        assert parse(cycle["start"]) < SANDBOX_START
        assert 0 <= cycle["score"]["strain"] <= 21
    by_id = await get(http, sandbox, f"{API}/cycle/{previous['id']}", john_token)
    assert by_id == previous


async def test_running_cycle_strain_and_energy_grow(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = str(sandbox.whoop.issue_tokens(JANE_ID, expires_in=86_400)["access_token"])
    first = (await get(http, sandbox, f"{API}/cycle", token, limit="1"))["records"][0]
    sandbox.clock.advance(timedelta(hours=4))
    later = (await get(http, sandbox, f"{API}/cycle", token, limit="1"))["records"][0]
    assert later["id"] == first["id"]
    assert later["score"]["strain"] > first["score"]["strain"]
    assert later["score"]["kilojoule"] > first["score"]["kilojoule"]
    assert parse(later["updated_at"]) > parse(first["updated_at"])


async def test_sleep_and_recovery_of_a_cycle(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    cycle = (await get(http, sandbox, f"{API}/cycle", john_token, limit="2"))[
        "records"
    ][1]
    sleep = await get(http, sandbox, f"{API}/cycle/{cycle['id']}/sleep", john_token)
    recovery = await get(
        http, sandbox, f"{API}/cycle/{cycle['id']}/recovery", john_token
    )
    assert sleep["cycle_id"] == cycle["id"] == recovery["cycle_id"]
    assert sleep["start"] == cycle["start"]
    assert sleep["nap"] is False
    assert recovery["sleep_id"] == sleep["id"]
    assert (
        await get(http, sandbox, f"{API}/activity/sleep/{sleep['id']}", john_token)
        == sleep
    )
    assert list(recovery) == [
        "cycle_id",
        "sleep_id",
        "user_id",
        "created_at",
        "updated_at",
        "score_state",
        "score",
    ]
    assert set(recovery["score"]) == {
        "user_calibrating",
        "recovery_score",
        "resting_heart_rate",
        "hrv_rmssd_milli",
        "spo2_percentage",
        "skin_temp_celsius",
    }


async def test_whoop_3_member_has_no_spo2_or_skin_temperature(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = str(sandbox.whoop.issue_tokens(JANE_ID)["access_token"])
    recoveries = await get_all(http, sandbox, f"{API}/recovery", token)
    scored = [
        recovery for recovery in recoveries if recovery["score_state"] == "SCORED"
    ]
    assert scored
    for recovery in scored:
        assert "spo2_percentage" not in recovery["score"]
        assert "skin_temp_celsius" not in recovery["score"]
    cycles = (await get(http, sandbox, f"{API}/cycle", token))["records"]
    assert cycles[0]["timezone_offset"] == "+01:00"


async def test_unknown_and_malformed_ids(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    jane = str(sandbox.whoop.issue_tokens(JANE_ID)["access_token"])
    jane_cycle = (await get(http, sandbox, f"{API}/cycle", jane, limit="1"))["records"][
        0
    ]["id"]
    assert (
        await status_of(http, sandbox, f"{API}/cycle/{jane_cycle}", john_token) == 404
    )
    assert await status_of(http, sandbox, f"{API}/cycle/1", john_token) == 404
    assert await status_of(http, sandbox, f"{API}/cycle/abc", john_token) == 400
    assert await status_of(http, sandbox, f"{API}/cycle/1/sleep", john_token) == 404
    assert await status_of(http, sandbox, f"{API}/cycle/1/recovery", john_token) == 404
    unknown = "ecfc6a15-4661-442f-a9a4-f160dd7afae8"
    assert (
        await status_of(http, sandbox, f"{API}/activity/sleep/{unknown}", john_token)
        == 404
    )
    assert (
        await status_of(http, sandbox, f"{API}/activity/workout/{unknown}", john_token)
        == 404
    )
    assert (
        await status_of(http, sandbox, f"{API}/activity/workout/123", john_token) == 400
    )


async def test_morning_sleep_and_recovery_appear_as_the_clock_advances(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    john_token = str(
        sandbox.whoop.issue_tokens(JOHN_ID, expires_in=86_400)["access_token"]
    )
    # At 12:00Z (07:00 in John's -05:00) he is still asleep: the running cycle is yesterday's.
    running = (await get(http, sandbox, f"{API}/cycle", john_token, limit="1"))[
        "records"
    ][0]
    assert (
        await status_of(
            http, sandbox, f"{API}/cycle/{running['id']}/recovery", john_token
        )
        == 200
    )
    newest_sleep = (
        await get(http, sandbox, f"{API}/activity/sleep", john_token, limit="1")
    )["records"][0]
    plan = sandbox.whoop.plan(JOHN_ID, date(2026, 11, 20)).night
    assert plan.detected_at > SANDBOX_START

    sandbox.clock.set(plan.detected_at)
    pending = (
        await get(http, sandbox, f"{API}/activity/sleep", john_token, limit="1")
    )["records"][0]
    assert pending["id"] != newest_sleep["id"]
    assert pending["score_state"] == "PENDING_SCORE"
    assert "score" not in pending
    cycles = (await get(http, sandbox, f"{API}/cycle", john_token, limit="2"))[
        "records"
    ]
    assert cycles[1]["id"] == running["id"]
    assert cycles[1]["end"] == pending["start"] == cycles[0]["start"]
    assert "end" not in cycles[0]
    assert (
        await status_of(
            http, sandbox, f"{API}/cycle/{cycles[0]['id']}/recovery", john_token
        )
        == 404
    )

    sandbox.clock.set(plan.scored_at)
    scored = await get(
        http, sandbox, f"{API}/activity/sleep/{pending['id']}", john_token
    )
    assert scored["score_state"] == "SCORED"
    recovery = await get(
        http, sandbox, f"{API}/cycle/{cycles[0]['id']}/recovery", john_token
    )
    assert recovery["sleep_id"] == pending["id"]
    assert recovery["score_state"] == "SCORED"
    assert 1 <= recovery["score"]["recovery_score"] <= 99


async def test_not_worn_night_has_a_cycle_but_no_sleep_or_recovery(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = str(sandbox.whoop.issue_tokens(JANE_ID)["access_token"])
    sandbox.whoop.mark_not_worn(JANE_ID, date(2026, 11, 20))
    cycle = (await get(http, sandbox, f"{API}/cycle", token, limit="1"))["records"][0]
    assert "end" not in cycle
    assert (
        await status_of(http, sandbox, f"{API}/cycle/{cycle['id']}/sleep", token) == 404
    )
    assert (
        await status_of(http, sandbox, f"{API}/cycle/{cycle['id']}/recovery", token)
        == 404
    )
    newest = (await get(http, sandbox, f"{API}/recovery", token, limit="1"))["records"][
        0
    ]
    assert newest["cycle_id"] != cycle["id"]
    nights = [
        s
        for s in (await get(http, sandbox, f"{API}/activity/sleep", token))["records"]
        if not s["nap"]
    ]
    assert nights[0]["cycle_id"] != cycle["id"]
    sandbox.whoop.clear_not_worn(JANE_ID, date(2026, 11, 20))
    assert (
        await status_of(http, sandbox, f"{API}/cycle/{cycle['id']}/recovery", token)
        == 200
    )


async def test_limit_defaults_to_10_and_is_capped_at_25(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    for path in COLLECTIONS:
        assert len((await get(http, sandbox, path, john_token))["records"]) == 10
        assert (
            len((await get(http, sandbox, path, john_token, limit="25"))["records"])
            == 25
        )
        assert await status_of(http, sandbox, path, john_token, limit="26") == 400
        assert await status_of(http, sandbox, path, john_token, limit="0") == 400
        assert await status_of(http, sandbox, path, john_token, limit="ten") == 400


async def test_next_token_walks_every_record_once_newest_first(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    for path in COLLECTIONS:
        records = await get_all(http, sandbox, path, john_token)
        keys = [record.get("id", record.get("sleep_id")) for record in records]
        assert len(keys) == len(set(keys)) > 25
    cycles = await get_all(http, sandbox, f"{API}/cycle", john_token)
    starts = [parse(cycle["start"]) for cycle in cycles]
    assert starts == sorted(starts, reverse=True)
    assert len(cycles) == 60  # 60 days of history; John is not up yet today


async def test_start_is_inclusive_and_end_exclusive(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    cycles = (await get(http, sandbox, f"{API}/cycle", john_token, limit="5"))[
        "records"
    ]
    # end is exclusive: a cycle starting exactly at `end` is left out.
    page = await get(http, sandbox, f"{API}/cycle", john_token, end=cycles[1]["start"])
    assert page["records"][0]["id"] == cycles[2]["id"]
    # start is inclusive: a cycle starting exactly at `start` is in, one ending exactly there is not.
    page = await get(
        http, sandbox, f"{API}/cycle", john_token, start=cycles[3]["start"]
    )
    assert [cycle["id"] for cycle in page["records"]] == [
        cycle["id"] for cycle in cycles[:4]
    ]
    assert "next_token" not in page
    # A cycle still going on at `start` overlaps the range.
    during = parse(cycles[3]["start"]) + timedelta(hours=1)
    page = await get(
        http, sandbox, f"{API}/cycle", john_token, start=during.isoformat()
    )
    assert [cycle["id"] for cycle in page["records"]] == [
        cycle["id"] for cycle in cycles[:4]
    ]
    window = await get(
        http,
        sandbox,
        f"{API}/cycle",
        john_token,
        start=cycles[3]["start"],
        end=cycles[1]["start"],
    )
    assert [cycle["id"] for cycle in window["records"]] == [
        cycles[2]["id"],
        cycles[3]["id"],
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"start": "yesterday"},
        {"end": "2026-13-01"},
        {"nextToken": "%%%"},
        {"nextToken": "bm90LWEtbnVtYmVy"},
    ],
)
async def test_malformed_paging_parameters_are_400(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    john_token: str,
    params: dict[str, str],
) -> None:
    assert await status_of(http, sandbox, f"{API}/cycle", john_token, **params) == 400


async def test_naps_are_in_the_sleep_collection(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sleeps = await get_all(http, sandbox, f"{API}/activity/sleep", john_token)
    naps = [sleep for sleep in sleeps if sleep["nap"]]
    assert naps
    for nap in naps:
        duration = parse(nap["end"]) - parse(nap["start"])
        assert timedelta(minutes=20) <= duration <= timedelta(minutes=60)


def local(timestamp: str, offset_hours: int) -> datetime:
    return parse(timestamp).astimezone(UTC) + timedelta(hours=offset_hours)


async def test_generated_history_is_realistic(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sleeps = await get_all(http, sandbox, f"{API}/activity/sleep", john_token)
    nights = [sleep for sleep in sleeps if not sleep["nap"]]
    assert len(nights) == 60
    for night in nights:
        onset, wake = local(night["start"], -5), local(night["end"], -5)
        assert onset.hour in {22, 23, 0}
        assert not (onset.hour == 22 and onset.minute < 30)
        assert not (onset.hour == 0 and onset.minute > 30)
        assert 6 <= wake.hour < 8
        if night["score_state"] != "SCORED":
            assert night["score_state"] == "UNSCORABLE"
            assert "score" not in night
            continue
        stages = night["score"]["stage_summary"]
        assert stages["total_in_bed_time_milli"] == (
            stages["total_awake_time_milli"]
            + stages["total_no_data_time_milli"]
            + stages["total_light_sleep_time_milli"]
            + stages["total_slow_wave_sleep_time_milli"]
            + stages["total_rem_sleep_time_milli"]
        )
        assert stages["total_in_bed_time_milli"] == (
            parse(night["end"]) - parse(night["start"])
        ) // timedelta(milliseconds=1)
        assert 1 <= stages["sleep_cycle_count"] <= 7
        assert night["score"]["sleep_needed"]["need_from_recent_nap_milli"] <= 0
        assert 0 < night["score"]["sleep_performance_percentage"] <= 100
    assert any(night["score_state"] == "UNSCORABLE" for night in nights)

    workouts = await get_all(http, sandbox, f"{API}/activity/workout", john_token)
    sports = {workout["sport_name"] for workout in workouts}
    assert {"running", "cycling"} <= sports
    for workout in workouts:
        if workout["score_state"] != "SCORED":
            continue
        zones = workout["score"]["zone_durations"]
        duration = (parse(workout["end"]) - parse(workout["start"])) // timedelta(
            milliseconds=1
        )
        assert sum(zones.values()) == duration
        assert ("distance_meter" in workout["score"]) == (
            workout["sport_name"] in {"running", "cycling", "walking"}
        )

    recoveries = await get_all(http, sandbox, f"{API}/recovery", john_token)
    calibrating = [
        recovery
        for recovery in recoveries
        if recovery.get("score", {}).get("user_calibrating")
    ]
    assert len(calibrating) == 4
    assert all(
        recovery["score"]["spo2_percentage"]
        for recovery in recoveries
        if recovery["score_state"] == "SCORED"
    )


async def test_same_seed_same_data_other_seed_other_data() -> None:
    def newest(seed: int) -> tuple[int, str]:
        whoop = create_sandbox(SandboxClock(SANDBOX_START), seed=seed).whoop
        records = whoop.records(JOHN_ID)
        return records.cycles[0].id, str(records.sleeps[0].id)

    assert newest(7) == newest(7)
    assert newest(7)[1] != newest(8)[1]


async def test_workout_by_id_and_pending_workouts(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = str(
        sandbox.whoop.issue_tokens(JOHN_ID, expires_in=7 * 86_400)["access_token"]
    )
    newest = (await get(http, sandbox, f"{API}/activity/workout", token, limit="1"))[
        "records"
    ][0]
    assert (
        await get(http, sandbox, f"{API}/activity/workout/{newest['id']}", token)
        == newest
    )
    upcoming = next(
        workout
        for day in range(3)
        for workout in sandbox.whoop.plan(
            JOHN_ID, date(2026, 11, 20) + timedelta(days=day)
        ).workouts
        if workout.detected_at > SANDBOX_START
    )
    sandbox.clock.set(upcoming.detected_at)
    pending = await get(http, sandbox, f"{API}/activity/workout/{upcoming.id}", token)
    assert pending["score_state"] == "PENDING_SCORE"
    assert "score" not in pending
    sandbox.clock.set(upcoming.scored_at)
    scored = await get(http, sandbox, f"{API}/activity/workout/{upcoming.id}", token)
    assert scored["score_state"] in {"SCORED", "UNSCORABLE"}
    assert parse(scored["updated_at"]) > parse(pending["updated_at"])


def test_graph_part_is_mounted_under_graph(sandbox: Sandbox) -> None:
    assert sandbox.graph_url == f"{sandbox.url}/graph"
    assert sandbox.graph.clock is sandbox.clock

"""History import: the member's history in the sensors' own long-term statistics.

Paced, resumable, idempotent, and patient with WHOOP's rate limit.
"""

import asyncio
from datetime import timedelta
from itertools import pairwise
import logging
import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import EnergyConverter
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.whoop.whoop.history.pacing import REQUEST_SPACING
from custom_components.whoop.whoop.history.statistics import settled_before
from sandbox.app import Sandbox
from sandbox.whoop import JANE, JOHN
from tests.integration.conftest import SetUpEntry

from .history_helpers import (
    drive_import,
    hour_of,
    hourly_rows,
    import_status,
    member_records,
    row_start,
    wait_until,
)

RECOVERY_SCORE = "sensor.john_smith_recovery"
TOTAL_SLEEP = "sensor.john_smith_total_sleep"
DAY_ENERGY = "sensor.john_smith_day_energy"
WORKOUT_STRAIN = "sensor.john_smith_workout_strain"
PAGED_ROUTES = (
    "GET /developer/v2/activity/sleep",
    "GET /developer/v2/recovery",
    "GET /developer/v2/cycle",
    "GET /developer/v2/activity/workout",
)


def _history_requests(sandbox: Sandbox) -> int:
    counts = sandbox.whoop.request_counts()
    return sum(counts[route] for route in PAGED_ROUTES)


def _import_requests(hass: HomeAssistant) -> int:
    """The requests the import counts (kept across restarts)."""
    state = hass.states.get("sensor.john_smith_history_import")
    assert state is not None
    return int(state.attributes["requests"])


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Any, enable_custom_integrations: None
) -> None:
    """The recorder first (it must start before Home Assistant), then custom integrations."""


@pytest.fixture
def history_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture the import's summary line."""
    caplog.set_level(logging.INFO, logger="custom_components.whoop.whoop.history")
    return caplog


async def test_setup_imports_the_members_history_into_the_sensors_statistics(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    history_logs: pytest.LogCaptureFixture,
) -> None:
    await set_up_entry()
    assert import_status(hass) in ("importing", "waiting")  # setup did not wait for it
    await drive_import(hass)

    progress = hass.states.get("sensor.john_smith_history_import")
    assert progress is not None
    assert progress.state == "100"
    assert progress.attributes["status"] == "complete"
    cycles, sleeps, recoveries, workouts = member_records(sandbox)
    nights = {s.id: s for s in sleeps if not s.nap}
    cutoff = settled_before(progress.last_updated)

    # Recovery: one row per scored recovery, at the hour its night ended, the score as mean.
    expected = {
        hour_of(nights[r.sleep_id].end): r.score.recovery_score
        for r in recoveries
        if r.score is not None and hour_of(nights[r.sleep_id].end) < cutoff
    }
    rows = await hourly_rows(hass, RECOVERY_SCORE, {"mean", "min", "max"})
    assert len(rows) == len(expected) > 50
    assert {row_start(r): r["mean"] for r in rows} == pytest.approx(expected)

    # Sleep: in the sensor's unit (hours), naps left out.
    expected = {
        hour_of(s.end): s.score.total_sleep_time_milli / 3_600_000
        for s in nights.values()
        if s.score is not None and s.score.total_sleep_time_milli is not None
    }
    rows = await hourly_rows(hass, TOTAL_SLEEP, {"mean"})
    assert {row_start(r): r["mean"] for r in rows} == pytest.approx(expected)

    # Day energy: a sum whose hourly change is each finished cycle's energy, in kcal.
    ended = sorted((c for c in cycles if c.end and c.score), key=lambda c: c.start)
    rows = await hourly_rows(hass, DAY_ENERGY, {"sum", "state"})
    assert len(rows) == len(ended)
    to_kcal = EnergyConverter.converter_factory("kJ", "kcal")
    changes = [b["sum"] - a["sum"] for a, b in pairwise(rows)]
    assert changes == pytest.approx([to_kcal(c.score.kilojoule) for c in ended[1:]])
    assert rows[-1]["sum"] == pytest.approx(0)  # the live sum continues from here
    middle = ended[-1].start + (ended[-1].end - ended[-1].start) / 2
    assert row_start(rows[-1]) == hour_of(middle)

    # Workouts: strain at the hour each ended.
    rows = await hourly_rows(hass, WORKOUT_STRAIN, {"max"})
    assert {row_start(r) for r in rows} == {
        hour_of(w.end) for w in workouts if w.score is not None
    }

    # 60 days of four families: 25 records a request.
    assert _history_requests(sandbox) <= 4 + 4 * (60 // 25 + 1) + 1
    assert "WHOOP history import complete" in history_logs.text
    assert str(sleeps[0].score.total_sleep_time_milli) not in history_logs.text


async def test_a_second_import_writes_no_duplicate_rows(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    hass_storage: dict[str, Any],
) -> None:
    entry = await set_up_entry()
    await drive_import(hass)
    first = {
        entity_id: await hourly_rows(hass, entity_id, {"mean", "sum"})
        for entity_id in (RECOVERY_SCORE, TOTAL_SLEEP, DAY_ENERGY)
    }

    # Forget the cursor, as if the integration were installed again: all pages once more.
    await hass.config_entries.async_unload(entry.entry_id)
    hass_storage.pop(f"whoop.history.{entry.entry_id}")
    sandbox.whoop.reset_log()
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await drive_import(hass)

    assert _history_requests(sandbox) > 4
    for entity_id, rows in first.items():
        again = await hourly_rows(hass, entity_id, {"mean", "sum"})
        assert [row_start(r) for r in again] == [row_start(r) for r in rows]
        for before, after in zip(rows, again, strict=True):
            for key in ("mean", "sum"):
                assert after.get(key) == pytest.approx(before.get(key))


async def test_a_restart_halfway_resumes_where_the_import_stopped(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    for _ in range(4):
        async_fire_time_changed(hass, dt_util.utcnow() + REQUEST_SPACING)
        await _real_moment(hass)
    await wait_until(hass, lambda: _history_requests(sandbox) >= 2)
    halfway = _history_requests(sandbox)
    assert 2 <= halfway < 10
    assert import_status(hass) == "importing"

    await hass.config_entries.async_unload(entry.entry_id)  # the cursor is written
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await drive_import(hass)

    # Two setups' first refreshes, the pages once, and one catch-up page per family started.
    uninterrupted = 4 * (60 // 25 + 1)
    assert _history_requests(sandbox) <= 2 * 4 + uninterrupted + 4
    _, sleeps, recoveries, _ = member_records(sandbox)
    nights = {s.id: s for s in sleeps if not s.nap}
    rows = await hourly_rows(hass, RECOVERY_SCORE, {"mean"})
    assert {row_start(r) for r in rows} == {
        hour_of(nights[r.sleep_id].end) for r in recoveries if r.score is not None
    }


async def _real_moment(hass: HomeAssistant) -> None:
    await asyncio.sleep(0.05)
    await hass.async_block_till_done()


async def test_a_429_mid_import_pauses_it_as_long_as_whoop_says(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    await set_up_entry()
    sleep_route = "GET /developer/v2/activity/sleep"
    sandbox.whoop.faults.add(
        "rate_limit", path="/developer/v2/activity/sleep", reset_seconds=120
    )
    async_fire_time_changed(hass, dt_util.utcnow() + REQUEST_SPACING)
    await wait_until(hass, lambda: import_status(hass) == "rate_limited")
    asked = sandbox.whoop.request_counts()[sleep_route]

    # A minute on: still waiting, no request sent.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=60))
    await _real_moment(hass)
    assert sandbox.whoop.request_counts()[sleep_route] == asked
    assert import_status(hass) == "rate_limited"

    # WHOOP's two minutes later the import goes on and completes.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=121))
    await wait_until(
        hass, lambda: sandbox.whoop.request_counts()[sleep_route] == asked + 1
    )
    await drive_import(hass)
    assert import_status(hass) == "complete"
    _, sleeps, _, _ = member_records(sandbox)
    rows = await hourly_rows(hass, TOTAL_SLEEP, {"mean"})
    assert len(rows) == sum(1 for s in sleeps if not s.nap and s.score is not None)


async def test_a_household_shares_one_pace(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    await set_up_entry()
    await set_up_entry(user_id=JANE.user_id, title="Jane Doe")
    both = (
        "sensor.john_smith_history_import",
        "sensor.jane_doe_history_import",
    )
    steps = await drive_import(hass, entity_ids=both)
    # Twelve pages each, one request a spacing for both together.
    assert steps >= 2 * 12 - 2
    for entity_id in both:
        assert import_status(hass, entity_id) == "complete"


async def test_records_scored_while_home_assistant_was_off_are_caught_up(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    await drive_import(hass)
    requests_before = _import_requests(hass)
    await hass.config_entries.async_unload(entry.entry_id)

    # Three days pass with Home Assistant off: three nights are scored meanwhile.
    sandbox.whoop.clock.advance(timedelta(days=3))
    sandbox.whoop.reset_log()
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await drive_import(hass)

    _, sleeps, recoveries, _ = member_records(sandbox)
    nights = {s.id: s for s in sleeps if not s.nap}
    rows = await hourly_rows(hass, RECOVERY_SCORE, {"mean"})
    assert {row_start(r) for r in rows} == {
        hour_of(nights[r.sleep_id].end) for r in recoveries if r.score is not None
    }
    # One catch-up page per family, not the whole history again.
    assert _import_requests(hass) == requests_before + 4


async def test_whoop_failing_mid_import_backs_off_then_completes(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    await set_up_entry()
    sandbox.whoop.faults.add(
        "server_error", path="/developer/v2/activity/sleep", count=2, status=503
    )
    await drive_import(hass, step=timedelta(minutes=11), steps=50)
    assert import_status(hass) == "complete"
    _, sleeps, _, _ = member_records(sandbox)
    rows = await hourly_rows(hass, TOTAL_SLEEP, {"mean"})
    assert len(rows) == sum(1 for s in sleeps if not s.nap and s.score is not None)


async def test_a_revoked_grant_stops_the_import_until_the_next_setup(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await set_up_entry()
    sandbox.whoop.revoke(JOHN.user_id)
    await drive_import(hass)
    assert import_status(hass) == "failed"
    assert "WHOOP history import stopped until the next restart" in caplog.text

    # Stopped, not retrying: an hour of timers later it still has not started again.
    requests_when_stopped = _import_requests(hass)
    for minutes in range(1, 7):
        async_fire_time_changed(
            hass, dt_util.utcnow() + timedelta(minutes=10 * minutes)
        )
        await _real_moment(hass)
    assert import_status(hass) == "failed"
    assert _import_requests(hass) == requests_when_stopped

    # The member signs in again: the next setup imports the history to the end.
    token = sandbox.whoop.issue_tokens(JOHN.user_id)
    token["expires_at"] = time.time() + 3600
    hass.config_entries.async_update_entry(entry, data={**entry.data, "token": token})
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await drive_import(hass)
    assert import_status(hass) == "complete"
    assert _import_requests(hass) > requests_when_stopped


async def test_a_damaged_store_starts_the_import_over(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    hass_storage: dict[str, Any],
) -> None:
    entry = await set_up_entry()
    await drive_import(hass)
    await hass.config_entries.async_unload(entry.entry_id)
    stored = hass_storage[f"whoop.history.{entry.entry_id}"]["data"]
    stored["cursors"]["sleep"] = {"oldest": "yesterday", "complete": "yes", "tops": []}
    stored["cursors"]["workout"] = "garbage"
    stored["records"] = [{"uid": "x"}, "garbage", *stored["records"][:3]]
    stored["counts"] = {"records": -1, "requests": True}

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await drive_import(hass)
    assert import_status(hass) == "complete"
    _, sleeps, _, _ = member_records(sandbox)
    rows = await hourly_rows(hass, TOTAL_SLEEP, {"mean"})
    assert len(rows) == sum(1 for s in sleeps if not s.nap and s.score is not None)


async def test_a_unit_the_user_chose_is_the_unit_of_the_imported_rows(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    registry = er.async_get(hass)
    entry_in_registry = registry.async_get_or_create(
        "sensor",
        "whoop",
        f"{JOHN.user_id}_total_sleep",
        suggested_object_id="john_smith_total_sleep",
    )
    registry.async_update_entity_options(
        entry_in_registry.entity_id, "sensor", {"unit_of_measurement": "min"}
    )
    await set_up_entry()
    state = hass.states.get(TOTAL_SLEEP)
    assert state is not None
    assert state.attributes["unit_of_measurement"] == "min"
    await drive_import(hass)

    _, sleeps, _, _ = member_records(sandbox)
    expected = {
        hour_of(s.end): s.score.total_sleep_time_milli / 60_000
        for s in sleeps
        if not s.nap and s.score is not None
    }
    rows = await hourly_rows(hass, TOTAL_SLEEP, {"mean"})
    assert {row_start(r): r["mean"] for r in rows} == pytest.approx(expected)


async def test_removing_the_account_forgets_its_history_store(
    hass: HomeAssistant, set_up_entry: SetUpEntry, hass_storage: dict[str, Any]
) -> None:
    entry = await set_up_entry()
    await drive_import(hass)
    await hass.config_entries.async_unload(entry.entry_id)
    assert f"whoop.history.{entry.entry_id}" in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert f"whoop.history.{entry.entry_id}" not in hass_storage

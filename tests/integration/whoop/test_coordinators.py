"""WHOOP outages make entities unavailable (never stale), 429 waits as told; cadence: test_cadence.py."""

from datetime import UTC, datetime, timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from sandbox.app import Sandbox
from sandbox.whoop import JOHN
from tests.integration.conftest import SetUpEntry, async_let_every_coordinator_look

RECOVERY = "sensor.john_smith_recovery"


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


@pytest.mark.parametrize(
    ("fault", "params"),
    [
        ("server_error", {"status": 500}),
        ("server_error", {"status": 503}),
        ("malformed_json", {}),
        ("missing_fields", {}),
        ("server_error", {"status": 418}),
    ],
)
async def test_a_failing_update_makes_entities_unavailable_then_recovers(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
    fault: str,
    params: dict[str, object],
) -> None:
    entry = await set_up_entry()
    coordinator = entry.runtime_data.recovery
    shown = _state(hass, RECOVERY)

    sandbox.whoop.faults.add(fault, path="/developer/v2/recovery", count=2, **params)
    await coordinator.async_refresh()
    await coordinator.async_refresh()
    assert _state(hass, RECOVERY) == STATE_UNAVAILABLE
    assert caplog.text.count("Error fetching WHOOP recovery") == 1  # logged once

    await coordinator.async_refresh()
    assert _state(hass, RECOVERY) == shown
    assert "Fetching WHOOP recovery (John Smith) data recovered" in caplog.text
    assert "sandbox-client-secret" not in caplog.text


async def test_a_rate_limit_waits_as_long_as_whoop_says(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    await set_up_entry()
    sandbox.whoop.faults.add(
        "rate_limit", path="/developer/v2/cycle", reset_seconds=1800
    )
    sandbox.whoop.reset_log()
    start = dt_util.utcnow()

    async_fire_time_changed(hass, start + timedelta(minutes=13))  # the next strain poll
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sandbox.whoop.request_counts()["GET /developer/v2/cycle"] == 1
    assert _state(hass, "sensor.john_smith_day_strain") == STATE_UNAVAILABLE
    # The usual interval passes again: no request, WHOOP asked for 30 minutes (timers run from
    # the failed poll, which the real clock puts at the start).
    async_fire_time_changed(hass, start + timedelta(minutes=26))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sandbox.whoop.request_counts()["GET /developer/v2/cycle"] == 1
    async_fire_time_changed(hass, start + timedelta(minutes=31))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sandbox.whoop.request_counts()["GET /developer/v2/cycle"] == 2
    assert _state(hass, "sensor.john_smith_day_strain") != STATE_UNAVAILABLE


@pytest.mark.parametrize("chunked", [False, True])
async def test_an_oversize_answer_is_refused_and_the_sign_in_kept(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
    chunked: bool,
) -> None:
    entry = await set_up_entry()
    sandbox.whoop.faults.add(
        "oversize_body", path="/developer/v2/cycle", chunked=chunked
    )
    start = dt_util.utcnow()

    async_fire_time_changed(hass, start + timedelta(minutes=13))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _state(hass, "sensor.john_smith_day_strain") == STATE_UNAVAILABLE
    assert "more than 4 MiB" in caplog.text
    # One error line, no traceback (Home Assistant adds one at debug level only).
    assert not [
        r for r in caplog.records if r.levelno >= logging.WARNING and r.exc_info
    ]
    assert not list(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))

    async_fire_time_changed(hass, start + timedelta(minutes=26))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _state(hass, "sensor.john_smith_day_strain") != STATE_UNAVAILABLE


async def test_slow_answers_within_the_timeout_are_fine(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    await set_up_entry()
    sandbox.whoop.faults.add("slow", path="/developer/v2/recovery", delay=0.3)
    sandbox.whoop.reset_log()
    await async_let_every_coordinator_look(hass)
    assert not sandbox.whoop.faults.armed  # the slow answer was the one shown
    assert sandbox.whoop.request_counts()["GET /developer/v2/recovery"] >= 1
    assert _state(hass, RECOVERY) != STATE_UNAVAILABLE


async def test_a_new_cycle_fetches_recovery_at_once(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(datetime(2026, 11, 20, 12, 50, tzinfo=UTC))
    sandbox.clock.follow(dt_util.utcnow)
    entry = await set_up_entry()
    strain = entry.runtime_data.strain
    freezer.move_to(datetime(2026, 11, 20, 13, 7, tzinfo=UTC))
    sandbox.whoop.reset_log()

    await (
        strain.async_refresh()
    )  # sees the new cycle WHOOP created on detecting the night
    await hass.async_block_till_done(wait_background_tasks=True)

    counts = sandbox.whoop.request_counts()
    assert counts["GET /developer/v2/recovery"] == 1
    recovery = sandbox.whoop.records(JOHN.user_id).recoveries[0]
    assert recovery.score is not None
    assert float(_state(hass, RECOVERY)) == pytest.approx(recovery.score.recovery_score)

"""A 429 whose X-RateLimit-Reset is an epoch time or absurd never stops polling for long.

The client bounds the wait (an hour at most, unless the daily window is spent); the coordinator
waits that long and no longer, then the entity comes back.
"""

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from sandbox.app import Sandbox
from tests.integration.conftest import SetUpEntry

CYCLES = "GET /developer/v2/cycle"
STRAIN = "sensor.john_smith_day_strain"


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def _at(hass: HomeAssistant, start: datetime, minutes: int) -> None:
    async_fire_time_changed(hass, start + timedelta(minutes=minutes))
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize(
    ("reset_form", "reset_seconds", "retried_after_minutes"),
    [
        # The Unix time of the reset: half an hour from now on WHOOP's clock.
        ("epoch", 1800, 30),
        # 10**15: read as milliseconds, thousands of years away; capped at an hour.
        ("absurd", 60, 60),
    ],
)
async def test_a_rate_limit_with_an_odd_reset_waits_at_most_an_hour(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    reset_form: str,
    reset_seconds: int,
    retried_after_minutes: int,
) -> None:
    sandbox.clock.follow(dt_util.utcnow)
    await set_up_entry()
    shown = _state(hass, STRAIN)
    sandbox.whoop.faults.add(
        "rate_limit",
        path="/developer/v2/cycle",
        reset_form=reset_form,
        reset_seconds=reset_seconds,
    )
    sandbox.whoop.reset_log()
    start = dt_util.utcnow()

    await _at(hass, start, 13)  # the strain poll meets the 429
    assert _state(hass, STRAIN) == STATE_UNAVAILABLE
    assert sandbox.whoop.request_counts()[CYCLES] == 1

    # Not at the usual 12 minutes: WHOOP asked to wait (timers run from the failed poll, which
    # the real clock puts at the start).
    await _at(hass, start, retried_after_minutes - 2)
    assert sandbox.whoop.request_counts()[CYCLES] == 1

    await _at(hass, start, retried_after_minutes + 1)
    assert sandbox.whoop.request_counts()[CYCLES] == 2
    # Back, and still today's strain (which grows as the sandbox's clock runs).
    assert float(_state(hass, STRAIN)) == pytest.approx(float(shown), abs=0.1)


async def _walk(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, until: datetime
) -> None:
    """Move time (Home Assistant's and the sandbox's) minute by minute, running what is due."""
    while (now := dt_util.utcnow()) < until:
        freezer.move_to(min(now + timedelta(minutes=1), until))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_spent_daily_budget_waits_until_the_next_utc_midnight(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The household spent WHOOP's 10,000 a day: no request before the budget comes back.

    WHOOP names the daily limit first in X-RateLimit-Limit; its reset (here a whole day, as a
    client may be told) is capped at the next UTC midnight, when the daily window starts again,
    and not at the hour that bounds a minute's limit.
    """
    start = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
    freezer.move_to(start)
    sandbox.clock.follow(dt_util.utcnow)
    await set_up_entry()
    sandbox.whoop.faults.add(
        "rate_limit", path="/developer/v2/cycle", window="day", reset_seconds=86_400
    )
    sandbox.whoop.reset_log()

    await _walk(hass, freezer, start + timedelta(minutes=30))
    [refused] = [r for r in sandbox.whoop.requests if r.path == "/developer/v2/cycle"]
    assert refused.status == 429
    assert _state(hass, STRAIN) == STATE_UNAVAILABLE

    midnight = datetime(2026, 11, 21, tzinfo=UTC)
    await _walk(hass, freezer, midnight - timedelta(minutes=1))
    # Not after an hour: the daily budget would still be spent.
    assert sandbox.whoop.request_counts().get(CYCLES, 0) == 1
    await _walk(hass, freezer, midnight + timedelta(minutes=5))
    assert sandbox.whoop.request_counts()[CYCLES] >= 2
    assert _state(hass, STRAIN) != STATE_UNAVAILABLE

"""Body measurements are fetched twice a day, counted at the sandbox over a simulated day."""

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from sandbox.app import Sandbox
from sandbox.fixtures import SANDBOX_START
from tests.integration.conftest import SetUpEntry

BODY = "GET /developer/v2/user/measurement/body"


async def test_body_measurements_are_fetched_twice_a_day(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(SANDBOX_START)
    sandbox.clock.follow(dt_util.utcnow)
    await set_up_entry()
    sandbox.whoop.reset_log()

    # A day, a minute at a time (every other family polls as it would).
    for _ in range(24 * 60):
        freezer.tick(timedelta(minutes=1))
        async_fire_time_changed(hass, dt_util.utcnow())
        await hass.async_block_till_done(wait_background_tasks=True)
        await asyncio.sleep(0)

    assert sandbox.whoop.request_counts()[BODY] == 2
    state = hass.states.get("sensor.john_smith_weight")
    assert state is not None
    assert state.state not in ("unavailable", "unknown")

"""The history import's pace: at most 20 requests a minute for all members together."""

from datetime import timedelta
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from sandbox.app import Sandbox
from sandbox.fixtures import SANDBOX_START
from sandbox.whoop import JANE
from tests.integration.conftest import SetUpEntry

PROGRESS = ("sensor.john_smith_history_import", "sensor.jane_doe_history_import")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Any, enable_custom_integrations: None
) -> None:
    """The recorder first (it must start before Home Assistant), then custom integrations."""


def _import_requests(hass: HomeAssistant) -> int:
    """The requests both History import sensors report."""
    total = 0
    for entity_id in PROGRESS:
        state = hass.states.get(entity_id)
        assert state is not None
        total += int(state.attributes["requests"])
    return total


async def _settle(hass: HomeAssistant) -> None:
    """Let the sandbox answer what was sent (real HTTP), a bounded while of real time.

    The freezer stops the event loop's clock too, so the wait is a real sleep in a thread.
    """
    for _ in range(10):
        await hass.async_add_executor_job(time.sleep, 0.01)
        await hass.async_block_till_done()


async def test_a_household_imports_at_most_20_requests_a_minute(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(SANDBOX_START)
    sandbox.clock.follow(dt_util.utcnow)
    await set_up_entry()
    await set_up_entry(user_id=JANE.user_id, title="Jane Doe")
    await _settle(hass)
    before = _import_requests(hass)

    # Just under a minute, a second at a time: every request that falls due goes out.
    for _ in range(59):
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass, dt_util.utcnow())
        await _settle(hass)
    in_a_minute = _import_requests(hass) - before

    # Both members' imports together, far from done (two months each): the pace is the limit.
    assert 10 <= in_a_minute <= 20
    for entity_id in PROGRESS:
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.attributes["status"] in ("importing", "waiting")

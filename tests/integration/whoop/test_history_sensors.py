"""Nap sensors beside last night's sleep, and the day recovery and sleep values belong to."""

from datetime import date

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from sandbox.app import Sandbox
from sandbox.whoop import JOHN
from tests.integration.conftest import SetUpEntry

from .history_helpers import member_records


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def test_the_latest_nap_has_its_own_sensors_and_never_replaces_the_night(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    await set_up_entry()
    _, sleeps, _, _ = member_records(sandbox)
    night = next(s for s in sleeps if not s.nap)
    nap = next(s for s in sleeps if s.nap)
    assert nap.start > night.end or nap.end < night.start  # a separate record

    minutes = (nap.end - nap.start).total_seconds() / 60
    assert float(_state(hass, "sensor.john_smith_nap_duration")) == pytest.approx(
        minutes
    )
    for entity_id, expected in (
        ("sensor.john_smith_nap_start", nap.start),
        ("sensor.john_smith_nap_end", nap.end),
        ("sensor.john_smith_sleep_start", night.start),
    ):
        # Timestamp sensors show whole seconds.
        shown = dt_util.parse_datetime(_state(hass, entity_id))
        assert shown == expected.replace(microsecond=0)


async def test_after_a_night_without_the_strap_the_dates_say_yesterday(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    today = sandbox.whoop.clock.now().astimezone(JOHN.tzinfo).date()
    sandbox.whoop.mark_not_worn(JOHN.user_id, today)
    await set_up_entry()
    _, sleeps, recoveries, _ = member_records(sandbox)
    night = next(s for s in sleeps if not s.nap)

    recovery_date = date.fromisoformat(_state(hass, "sensor.john_smith_recovery_date"))
    sleep_date = date.fromisoformat(_state(hass, "sensor.john_smith_sleep_date"))
    assert sleep_date == dt_util.as_local(night.end).date()
    assert recovery_date == dt_util.as_local(recoveries[0].created_at).date()
    assert recovery_date < dt_util.as_local(sandbox.whoop.clock.now()).date()
    assert sleep_date < dt_util.as_local(sandbox.whoop.clock.now()).date()

"""Event entities fire once per newly scored recovery, sleep or workout."""

from datetime import UTC, datetime

from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, State, callback
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import (
    mock_restore_cache_with_extra_data,
)

from sandbox.app import Sandbox
from sandbox.whoop import JOHN
from tests.integration.conftest import (
    EntryFactory,
    SetUpEntry,
    async_let_every_coordinator_look,
)

BEFORE_WAKING = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
NIGHT_SCORED = datetime(2026, 11, 20, 13, 10, tzinfo=UTC)
# John's yoga ends at 00:12Z on 21 November and is scored at 00:18Z.
AFTER_YOGA = datetime(2026, 11, 21, 0, 30, tzinfo=UTC)


def _record_events(hass: HomeAssistant, entity_id: str) -> list[State]:
    fired: list[State] = []

    @callback
    def _changed(event: Event) -> None:
        if (state := event.data["new_state"]) is not None:
            fired.append(state)

    async_track_state_change_event(hass, entity_id, _changed)
    return fired


def _restore_last_event(hass: HomeAssistant, fired_at: str, record_id: str) -> None:
    """What Home Assistant restores of the recovery event entity after a restart."""
    attributes = {"record_id": record_id}
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(
                    "event.john_smith_recovery",
                    fired_at,
                    {"event_type": "recovery_scored", **attributes},
                ),
                {
                    "last_event_type": "recovery_scored",
                    "last_event_attributes": attributes,
                },
            )
        ],
    )


async def test_todays_recovery_and_sleep_fire_once(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.clock.set(BEFORE_WAKING)
    entry = await set_up_entry()
    recovery_events = _record_events(hass, "event.john_smith_recovery")
    sleep_events = _record_events(hass, "event.john_smith_sleep")
    sleep_end_when_recovery_fired: list[str] = []

    @callback
    def _look_at_sleep(event: Event) -> None:
        sleep_end = hass.states.get("sensor.john_smith_sleep_end")
        assert sleep_end is not None
        sleep_end_when_recovery_fired.append(sleep_end.state)

    async_track_state_change_event(hass, "event.john_smith_recovery", _look_at_sleep)
    state = hass.states.get("event.john_smith_recovery")
    assert state is not None
    # Yesterday's recovery is history, not news: no event fires for it, but the new entity shows
    # when it was scored and its values rather than "Unknown".
    assert state.state != STATE_UNKNOWN
    shown = datetime.fromisoformat(state.state)
    assert datetime(2026, 11, 19, tzinfo=UTC) < shown < BEFORE_WAKING
    assert state.attributes["event_type"] == "recovery_scored"
    assert state.attributes["recovery_score"] is not None
    assert state.attributes["record_id"]

    sandbox.clock.set(NIGHT_SCORED)
    coordinators = entry.runtime_data
    await coordinators.recovery.async_refresh()  # pulls last night's sleep first
    await coordinators.recovery.async_refresh()
    await coordinators.sleep.async_refresh()
    await hass.async_block_till_done()

    assert len(recovery_events) == 1
    attributes = recovery_events[0].attributes
    assert attributes["event_type"] == "recovery_scored"
    recovery = sandbox.whoop.records(JOHN.user_id).recoveries[0]
    assert recovery.score is not None
    assert attributes["recovery_score"] == recovery.score.recovery_score
    assert attributes["recovery_zone"] in {"green", "yellow", "red"}
    assert attributes["record_id"] == str(recovery.cycle_id)
    assert [s.attributes["event_type"] for s in sleep_events] == ["sleep_scored"]
    # Whoever reacts to the recovery already sees last night's sleep.
    assert sleep_end_when_recovery_fired == ["2026-11-20T12:57:43+00:00"]
    assert sleep_events[0].attributes["total_sleep_hours"] > 5


async def test_a_new_workout_fires(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.clock.set(NIGHT_SCORED)
    await set_up_entry()
    workout_events = _record_events(hass, "event.john_smith_workout")
    sandbox.clock.set(AFTER_YOGA)
    await async_let_every_coordinator_look(hass)
    assert len(workout_events) == 1
    assert workout_events[0].attributes["sport"] == "yoga"
    assert workout_events[0].attributes["strain"] > 0


async def test_a_recovery_scored_while_home_assistant_was_down_fires_at_start(
    hass: HomeAssistant,
    sandbox: Sandbox,
    credentials: None,
    whoop_entry: EntryFactory,
) -> None:
    # The entity last fired yesterday morning; today's recovery arrived while HA was off.
    _restore_last_event(hass, "2026-11-19T13:00:00.000+00:00", "55502514")
    sandbox.clock.set(NIGHT_SCORED)
    entry = whoop_entry()
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    state = hass.states.get("event.john_smith_recovery")
    assert state is not None
    assert state.attributes["record_id"] == "55502515"
    assert state.state != "2026-11-19T13:00:00.000+00:00"


async def test_nothing_new_means_no_event_after_a_restart(
    hass: HomeAssistant,
    sandbox: Sandbox,
    credentials: None,
    whoop_entry: EntryFactory,
) -> None:
    _restore_last_event(hass, "2026-11-20T13:07:00.000+00:00", "55502515")
    sandbox.clock.set(NIGHT_SCORED)
    entry = whoop_entry()
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get("event.john_smith_recovery")
    assert state is not None
    assert state.state == "2026-11-20T13:07:00.000+00:00"

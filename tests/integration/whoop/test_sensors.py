"""What the member sees: every entity's state, unknown for unscored records, naps kept apart."""

from datetime import UTC, date, datetime

from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.whoop.whoop.sensors import recovery_zone, sport_in_words
from sandbox.app import Sandbox
from sandbox.whoop import ALL_SCOPES, JANE, JOHN
from tests.integration.conftest import SetUpEntry
from tests.integration.entity_snapshot import entity_snapshot

# John (UTC-5) wakes at 12:57Z on 20 November; WHOOP detects the night at 13:01Z and scores it
# at 13:06Z.
NIGHT_ENDED_UNSCORED = datetime(2026, 11, 20, 13, 3, tzinfo=UTC)
NIGHT_SCORED = datetime(2026, 11, 20, 13, 10, tzinfo=UTC)
# Jane (UTC+1): her night to 21 November is unscorable; she napped on 20 November.
JANE_AFTER_NAP = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
JANE_UNSCORABLE_NIGHT = datetime(2026, 11, 21, 5, 30, tzinfo=UTC)


async def test_every_entity(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    sandbox.clock.set(NIGHT_SCORED)
    entry = await set_up_entry()
    # As a member would: enable the detail entities, then reload.
    for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id):
        if entity.disabled_by is not None:
            entity_registry.async_update_entity(entity.entity_id, disabled_by=None)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entity_snapshot(hass, entry.entry_id) == snapshot


async def test_main_sensors_are_enabled_and_details_are_not(
    hass: HomeAssistant, set_up_entry: SetUpEntry, entity_registry: er.EntityRegistry
) -> None:
    entry = await set_up_entry()
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    disabled = {e.translation_key for e in entities if e.disabled_by is not None}
    assert "recovery_score" not in disabled
    assert "total_sleep" not in disabled
    # The sleep stages are the most asked for: enabled from the start.
    assert not {"light_sleep", "deep_sleep", "rem_sleep", "awake_time"} & disabled
    assert {"workout_zone_3", "sleep_consistency"} <= disabled


async def test_the_last_workout_names_its_sport_in_words(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.clock.set(NIGHT_SCORED)
    await set_up_entry()
    sports = {w.sport_name for w in sandbox.whoop.records(JOHN.user_id).workouts}
    state = hass.states.get("sensor.john_smith_last_workout")
    assert state is not None
    assert state.state in {sport.replace("-", " ").capitalize() for sport in sports}
    assert "-" not in state.state
    assert state.state[0].isupper()


async def test_values_and_units_a_member_expects(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.clock.set(NIGHT_SCORED)
    await set_up_entry()
    recovery = sandbox.whoop.records(JOHN.user_id).recoveries[0]
    assert recovery.score is not None
    state = hass.states.get("sensor.john_smith_recovery")
    assert state is not None
    assert float(state.state) == pytest.approx(recovery.score.recovery_score)
    assert state.attributes["unit_of_measurement"] == "%"
    total_sleep = hass.states.get("sensor.john_smith_total_sleep")
    assert total_sleep is not None
    assert total_sleep.attributes["unit_of_measurement"] == "h"
    assert 5 < float(total_sleep.state) < 10
    energy = hass.states.get("sensor.john_smith_day_energy")
    assert energy is not None
    assert energy.attributes["unit_of_measurement"] == "kcal"
    sleep_end = hass.states.get("sensor.john_smith_sleep_end")
    assert sleep_end is not None
    assert sleep_end.state == "2026-11-20T12:57:43+00:00"


async def test_a_night_not_yet_scored_keeps_the_last_scored_values_not_zero(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.clock.set(NIGHT_ENDED_UNSCORED)
    await set_up_entry()
    # Last night's sleep exists but is PENDING_SCORE: its scores are unknown, never 0.
    performance = hass.states.get("sensor.john_smith_sleep_performance")
    assert performance is not None
    assert performance.state == STATE_UNKNOWN
    sleep_end = hass.states.get("sensor.john_smith_sleep_end")
    assert sleep_end is not None
    assert sleep_end.state == "2026-11-20T12:57:43+00:00"


async def test_an_unscorable_night_shows_unknown(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.clock.set(JANE_UNSCORABLE_NIGHT)
    await set_up_entry(user_id=JANE.user_id, title="Jane Doe")
    for entity_id in ("sensor.jane_doe_recovery", "sensor.jane_doe_total_sleep"):
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state == STATE_UNKNOWN, entity_id


async def test_a_whoop_3_member_has_no_blood_oxygen(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    await set_up_entry(user_id=JANE.user_id, title="Jane Doe")
    for entity_id in (
        "sensor.jane_doe_blood_oxygen",
        "sensor.jane_doe_skin_temperature",
    ):
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state == STATE_UNKNOWN
    assert hass.states.get("sensor.jane_doe_recovery").state != STATE_UNKNOWN  # type: ignore[union-attr]


async def test_a_nap_never_replaces_last_night(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.clock.set(JANE_AFTER_NAP)
    await set_up_entry(user_id=JANE.user_id, title="Jane Doe")
    sleeps = sandbox.whoop.records(JANE.user_id).sleeps
    assert sleeps[0].nap  # the newest sleep is the nap
    night = next(sleep for sleep in sleeps if not sleep.nap)
    sleep_start = hass.states.get("sensor.jane_doe_sleep_start")
    assert sleep_start is not None
    assert datetime.fromisoformat(sleep_start.state) == night.start.replace(
        microsecond=0
    )
    nap_start = hass.states.get("sensor.jane_doe_nap_start")
    assert nap_start is not None
    assert datetime.fromisoformat(nap_start.state) == sleeps[0].start.replace(
        microsecond=0
    )


async def test_a_night_without_the_strap_keeps_yesterdays_recovery(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.whoop.mark_not_worn(JOHN.user_id, date(2026, 11, 20))
    sandbox.clock.set(NIGHT_SCORED)
    await set_up_entry()
    records = sandbox.whoop.records(JOHN.user_id)
    newest = records.recoveries[0]
    # No recovery for today's cycle: the newest one is yesterday's, and it is the one shown.
    assert newest.cycle_id != records.cycles[0].id
    assert newest.score is not None
    state = hass.states.get("sensor.john_smith_recovery")
    assert state is not None
    assert state.state != STATE_UNKNOWN
    assert float(state.state) == newest.score.recovery_score


async def test_granted_scopes_decide_the_entities(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    await set_up_entry(scopes=[s for s in ALL_SCOPES if s != "read:recovery"])
    assert hass.states.get("sensor.john_smith_recovery") is None
    assert hass.states.get("binary_sensor.john_smith_recovery_calibrating") is None
    assert hass.states.get("event.john_smith_recovery") is None
    assert hass.states.get("sensor.john_smith_total_sleep") is not None


@pytest.mark.parametrize(
    ("score", "zone"),
    [
        (100, "green"),
        (67, "green"),
        (66.9, "yellow"),
        (34, "yellow"),
        (33.9, "red"),
        (1, "red"),
    ],
)
def test_recovery_zones_follow_whoops_boundaries(score: float, zone: str) -> None:
    assert recovery_zone(score) == zone


@pytest.mark.parametrize(
    ("sport_name", "shown"),
    [
        ("functional-fitness", "Functional fitness"),
        ("running", "Running"),
        ("hiit", "HIIT"),
        ("ice_bath", "Ice bath"),
        ("", ""),
    ],
)
def test_sport_names_as_people_write_them(sport_name: str, shown: str) -> None:
    assert sport_in_words(sport_name) == shown

"""The event.received trigger on a WHOOP event entity fires for new records only.

Not for an entity that comes back after WHOOP was unreachable: an automation on it stays quiet.
"""

from datetime import UTC, datetime

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component

from sandbox.app import Sandbox
from tests.integration.conftest import SetUpEntry, async_let_every_coordinator_look

BEFORE_WAKING = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
NIGHT_SCORED = datetime(2026, 11, 20, 13, 10, tzinfo=UTC)
RECOVERY_EVENT = "event.john_smith_recovery"
FIRED = "whoop_test_recovery_automation"


async def _automation_on_recovery(hass: HomeAssistant) -> list[Event]:
    runs: list[Event] = []

    @callback
    def _ran(event: Event) -> None:
        runs.append(event)

    hass.bus.async_listen(FIRED, _ran)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": "Recovery",
                "triggers": [
                    {
                        "trigger": "event.received",
                        "target": {"entity_id": RECOVERY_EVENT},
                        "options": {"event_type": ["recovery_scored"]},
                    }
                ],
                "actions": [
                    {
                        "event": FIRED,
                        "event_data": {
                            "score": "{{ trigger.to_state.attributes.recovery_score }}"
                        },
                    }
                ],
            }
        },
    )
    await hass.async_block_till_done()
    return runs


def _state(hass: HomeAssistant) -> str:
    state = hass.states.get(RECOVERY_EVENT)
    assert state is not None
    return state.state


async def test_an_event_entity_back_from_unavailable_triggers_nothing(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.clock.set(BEFORE_WAKING)
    await set_up_entry()
    runs = await _automation_on_recovery(hass)
    shown = _state(hass)

    sandbox.whoop.faults.add("server_error", count=0)  # WHOOP down until cleared
    await async_let_every_coordinator_look(hass)
    assert _state(hass) == STATE_UNAVAILABLE
    sandbox.whoop.faults.clear()
    await async_let_every_coordinator_look(hass)
    assert _state(hass) == shown

    assert runs == []

    # A recovery WHOOP scores afterwards runs the automation, once.
    sandbox.clock.set(NIGHT_SCORED)
    await async_let_every_coordinator_look(hass)
    await async_let_every_coordinator_look(hass)
    assert len(runs) == 1
    assert runs[0].data["score"]

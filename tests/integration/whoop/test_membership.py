"""403 ``deactivated_user``: an inactive WHOOP membership, not a dead token.

No refresh is spent and no reauth starts; a repair issue says what is wrong, and polling goes on
slowly until WHOOP shares data again.
"""

from datetime import timedelta

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.whoop.const import DOMAIN
from custom_components.whoop.whoop.coordinator import INACTIVE_MEMBERSHIP_INTERVAL
from sandbox.app import Sandbox
from sandbox.whoop import JOHN
from tests.integration.conftest import SetUpEntry

TOKEN_ROUTE = "POST /oauth/oauth2/token"
CYCLES = "GET /developer/v2/cycle"
STRAIN = "sensor.john_smith_day_strain"
RECOVERY = "sensor.john_smith_recovery"


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def _issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"membership_inactive_{entry.entry_id}"
    )


def _reauth_flows(hass: HomeAssistant) -> list[object]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def _later(hass: HomeAssistant, delta: timedelta) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + delta)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_an_inactive_membership_raises_an_issue_and_polls_slowly(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    shown = _state(hass, STRAIN)
    sandbox.whoop.set_deactivated(JOHN.user_id)
    sandbox.whoop.reset_log()

    await _later(hass, timedelta(minutes=13))  # the strain poll

    assert _state(hass, STRAIN) == STATE_UNAVAILABLE
    assert sandbox.whoop.request_counts()[CYCLES] == 1
    issue = _issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "membership_inactive"
    assert issue.translation_placeholders == {"member": "John Smith"}
    # Not the token's fault: no refresh spent, nobody asked to sign in again.
    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 0
    assert not _reauth_flows(hass)
    assert entry.state is ConfigEntryState.LOADED

    # Its usual 12 minutes pass many times over: strain is asked again only after 3 hours.
    await _later(hass, INACTIVE_MEMBERSHIP_INTERVAL - timedelta(minutes=5))
    assert sandbox.whoop.request_counts()[CYCLES] == 1

    sandbox.whoop.set_deactivated(JOHN.user_id, deactivated=False)
    await _later(hass, INACTIVE_MEMBERSHIP_INTERVAL + timedelta(minutes=1))

    assert sandbox.whoop.request_counts()[CYCLES] == 2
    assert _state(hass, STRAIN) == shown
    assert _issue(hass, entry) is None
    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 0


async def test_an_inactive_membership_at_setup_still_sets_up(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    sandbox.whoop.set_deactivated(JOHN.user_id)

    entry = await set_up_entry()

    assert entry.state is ConfigEntryState.LOADED
    assert _state(hass, RECOVERY) == STATE_UNAVAILABLE
    assert _state(hass, STRAIN) == STATE_UNAVAILABLE
    assert _issue(hass, entry) is not None
    assert not _reauth_flows(hass)
    first_requests = sum(sandbox.whoop.request_counts().values())

    # Setup retries would ask every minute or so; the entry asks once in 3 hours.
    await _later(hass, timedelta(hours=1))
    assert sum(sandbox.whoop.request_counts().values()) == first_requests

    sandbox.whoop.set_deactivated(JOHN.user_id, deactivated=False)
    await _later(hass, INACTIVE_MEMBERSHIP_INTERVAL + timedelta(minutes=1))

    assert _state(hass, RECOVERY) != STATE_UNAVAILABLE
    assert _state(hass, STRAIN) != STATE_UNAVAILABLE
    assert _issue(hass, entry) is None
    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 0


async def test_another_403_still_means_the_token_or_its_scopes(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    # 403 with a body that is not deactivated_user, on the refetch after a refresh too.
    sandbox.whoop.faults.add(
        "server_error", path="/developer/v2/cycle", status=403, count=2
    )
    sandbox.whoop.reset_log()

    await _later(hass, timedelta(minutes=13))

    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 1
    assert len(_reauth_flows(hass)) == 1
    assert _issue(hass, entry) is None

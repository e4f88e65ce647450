"""WHOOP webhooks: signed pushes refresh the member's data at once; polling then only reconciles."""

from datetime import UTC, datetime
import json
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.whoop.whoop.cadence import SETTLED_INTERVAL
from sandbox.app import Sandbox
from sandbox.whoop import CLIENT_SECRET, JANE, JOHN, sign
from tests.integration.conftest import SetUpEntry

NIGHT_SCORED = datetime(2026, 11, 20, 13, 10, tzinfo=UTC)
RECOVERY = "sensor.john_smith_recovery"


async def _webhook_url(
    hass_client_no_auth: ClientSessionGenerator, entry: MockConfigEntry
) -> str:
    """Home Assistant's test server listens on 127.0.0.1: the sandbox can post to it."""
    client = await hass_client_no_auth()
    return str(client.make_url(f"/api/webhook/{entry.data['webhook_id']}"))


async def _post(url: str, payload: dict[str, Any], secret: str = CLIENT_SECRET) -> int:
    body = json.dumps(payload).encode()
    timestamp = "1763643000000"
    headers = {
        "X-WHOOP-Signature": sign(secret, timestamp, body),
        "X-WHOOP-Signature-Timestamp": timestamp,
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status


async def test_a_pushed_recovery_shows_at_once(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    before = hass.states.get(RECOVERY)
    sandbox.whoop.webhook_url = await _webhook_url(hass_client_no_auth, entry)
    sandbox.clock.set(NIGHT_SCORED)

    delivered = await sandbox.whoop.deliver_webhooks()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert delivered >= 2  # John's sleep and recovery (and Jane's, routed nowhere)
    assert {d.status for d in sandbox.whoop.webhook_deliveries} == {204}
    recovery = sandbox.whoop.records(JOHN.user_id).recoveries[0]
    assert recovery.score is not None
    state = hass.states.get(RECOVERY)
    assert state is not None
    assert before is not None
    assert state.state != before.state
    assert float(state.state) == pytest.approx(recovery.score.recovery_score)
    event = hass.states.get("event.john_smith_recovery")
    assert event is not None
    assert event.attributes["event_type"] == "recovery_scored"
    # Webhooks flow: the morning families only reconcile hourly now.
    coordinators = entry.runtime_data
    assert coordinators.recovery.update_interval == SETTLED_INTERVAL


async def test_one_url_serves_the_whole_household(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    john = await set_up_entry()
    jane = await set_up_entry(user_id=JANE.user_id, title="Jane Doe")
    url = await _webhook_url(hass_client_no_auth, john)
    sandbox.whoop.reset_log()

    status = await _post(
        url,
        {
            "user_id": JANE.user_id,
            "id": "5d1f3e1a-0000-4000-8000-000000000001",
            "type": "workout.updated",
            "trace_id": "trace-1",
        },
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    assert status == 204
    assert jane.runtime_data.workout.last_push is not None
    assert john.runtime_data.workout.last_push is None
    assert sandbox.whoop.request_counts()["GET /developer/v2/activity/workout"] == 1


async def test_a_repeated_delivery_refreshes_once(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    payload = {
        "user_id": JOHN.user_id,
        "id": "5d1f3e1a-0000-4000-8000-000000000002",
        "type": "workout.updated",
        "trace_id": "trace-2",
    }
    sandbox.whoop.reset_log()

    assert await _post(url, payload) == 204
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await _post(url, payload) == 204
    await hass.async_block_till_done(wait_background_tasks=True)

    assert sandbox.whoop.request_counts()["GET /developer/v2/activity/workout"] == 1


@pytest.mark.parametrize(
    ("payload", "secret", "status"),
    [
        (
            {"user_id": 10129, "id": "x", "type": "sleep.updated", "trace_id": "t"},
            "wrong",
            401,
        ),
        ({"user_id": 10129, "type": "sleep.updated"}, CLIENT_SECRET, 400),
        (
            {"user_id": 999, "id": "x", "type": "sleep.updated", "trace_id": "t3"},
            CLIENT_SECRET,
            204,
        ),
    ],
)
async def test_forged_malformed_or_foreign_deliveries_change_nothing(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    payload: dict[str, Any],
    secret: str,
    status: int,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()
    assert await _post(url, payload, secret) == status
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not sandbox.whoop.requests
    assert all(c.last_push is None for c in entry.runtime_data.coordinators)


async def test_configure_shows_the_url_for_the_whoop_dashboard(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    await async_process_ha_core_config(
        hass, {"external_url": "https://home.example.com"}
    )
    entry = await set_up_entry()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    # To read, with a Close button: no form whose Submit changes nothing.
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "webhook_info"
    url = result["description_placeholders"]["webhook_url"]
    assert url == f"https://home.example.com/api/webhook/{entry.data['webhook_id']}"
    assert entry.options == {}


async def test_without_an_external_url_configure_says_what_to_do(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "webhook_needs_external_url"

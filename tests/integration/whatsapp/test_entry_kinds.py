"""What the integrations page offers per entry: Configure for both (webhooks), recipients for WhatsApp."""

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from tests.integration.conftest import SetUpEntry
from tests.integration.whatsapp.conftest import SetUpSender


async def test_each_kind_of_entry_offers_its_own_actions(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    set_up_entry: SetUpEntry,
    set_up_sender: SetUpSender,
) -> None:
    whoop: MockConfigEntry = await set_up_entry()
    sender: MockConfigEntry = await set_up_sender()
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)

    await client.send_json({"id": 1, "type": "config_entries/get", "domain": "whoop"})
    answer = await client.receive_json()

    entries = {entry["entry_id"]: entry for entry in answer["result"]}
    assert entries[whoop.entry_id]["supports_options"] is True
    assert entries[whoop.entry_id]["supported_subentry_types"] == {}
    # A sender's Configure dialog sets up Meta webhooks (whatsapp/webhooks/configure_flow.py).
    assert entries[sender.entry_id]["supports_options"] is True
    assert set(entries[sender.entry_id]["supported_subentry_types"]) == {"recipient"}

"""The Application Credentials dialog explains how to create the WHOOP app."""

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import WebSocketGenerator


async def test_the_dialog_names_the_dashboard_and_the_redirect_url(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    assert await async_setup_component(hass, "application_credentials", {})
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "application_credentials/config"})
    answer = await client.receive_json()
    assert answer["success"]
    placeholders = answer["result"]["integrations"]["whoop"]["description_placeholders"]
    assert placeholders == {
        "developer_dashboard_url": "https://developer-dashboard.whoop.com",
        "redirect_url": "https://my.home-assistant.io/redirect/oauth",
    }

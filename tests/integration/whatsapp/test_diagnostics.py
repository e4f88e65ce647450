"""Diagnostics of a WhatsApp sender: useful, and without the token, the app secret or numbers."""

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from sandbox.graph import ACCESS_TOKEN, APP_SECRET, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    BOB,
    SetUpSender,
    recipient,
)


async def test_sender_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    set_up_sender: SetUpSender,
    snapshot: SnapshotAssertion,
) -> None:
    entry = await set_up_sender(
        recipient("Alice", delivery_mode="automatic"),
        recipient(
            "Bob",
            BOB,
            delivery_mode="template",
            template_name="whoop_alert_named",
            template_parameters="named",
            message_parameter="message",
        ),
        app_credentials=True,
    )

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert diagnostics == snapshot
    text = str(diagnostics)
    for secret in (ACCESS_TOKEN, APP_SECRET, ALICE, BOB, "+1 650"):
        assert secret not in text


async def test_diagnostics_of_a_sender_that_failed_to_set_up(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    snapshot: SnapshotAssertion,
) -> None:
    graph.revoke_token(ACCESS_TOKEN)
    entry = await set_up_sender()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert diagnostics == snapshot
    assert ACCESS_TOKEN not in str(diagnostics)

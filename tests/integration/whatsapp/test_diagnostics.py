"""Diagnostics of a WhatsApp sender: useful, and without the token, the app secret or numbers."""

import asyncio

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.whoop.diagnostics import async_get_config_entry_diagnostics
from custom_components.whoop.whatsapp import setup as whatsapp_setup
from custom_components.whoop.whatsapp.delivery.timing import DeliveryTiming
from sandbox.graph import ACCESS_TOKEN, APP_SECRET, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    BOB,
    SetUpSender,
    recipient,
)
from tests.integration.whatsapp.test_notify import notify


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


async def test_waiting_sends_show_as_a_count_without_numbers(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        whatsapp_setup, "DeliveryTiming", lambda: DeliveryTiming(recipient_spacing=0.3)
    )
    entry = await set_up_sender()
    graph.open_window(ALICE)
    burst = asyncio.gather(
        *(notify(hass, ALICE_ENTITY, f"Message {number}") for number in range(3))
    )
    await asyncio.sleep(0.15)

    # Called directly: the diagnostics download would wait for Home Assistant to be idle.
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    await burst

    assert diagnostics["queued_sends"] == 1
    assert ALICE not in str(diagnostics)

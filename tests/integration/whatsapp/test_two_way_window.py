"""The 24-hour window: known from inbound messages, shown as a sensor, kept across restarts."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.notify import ATTR_MESSAGE
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from sandbox.graph import ALERT_TEMPLATE, WINDOW_SYNC, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    ALICE_EVENTS,
    ALICE_WINDOW,
    SetUpMeta,
    recipient,
)


async def notify(hass: HomeAssistant, message: str) -> None:
    await hass.services.async_call(
        "notify",
        "send_message",
        {ATTR_ENTITY_ID: ALICE_ENTITY, ATTR_MESSAGE: message},
        blocking=True,
    )


async def test_the_window_opens_with_a_message_and_shows_when_it_closes(
    hass: HomeAssistant, set_up_meta: SetUpMeta, freezer: FrozenDateTimeFactory
) -> None:
    meta = await set_up_meta()
    assert hass.states.get(ALICE_WINDOW).state == STATE_UNKNOWN

    written_at = dt_util.utcnow().replace(microsecond=0)
    await meta.write(ALICE, "hi")

    state = hass.states.get(ALICE_WINDOW)
    assert state.state == (written_at + timedelta(hours=24)).isoformat()
    assert state.attributes["device_class"] == "timestamp"
    assert state.attributes["friendly_name"] == "Alice WhatsApp window open until"


async def test_automatic_sends_text_while_the_window_is_open_and_the_template_after(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="automatic"))
    await meta.write(ALICE, "hi")

    await notify(hass, "Within the window")
    freezer.tick(timedelta(hours=24, seconds=1))
    async_fire_time_changed(hass)
    await notify(hass, "After the window")

    assert [message.type for message in graph.messages_to(ALICE)] == [
        "text",
        "template",
    ]
    assert graph.failed_messages == []


async def test_automatic_falls_back_at_once_when_meta_refuses_at_once(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="automatic"))
    await meta.write(ALICE, "hi")
    graph.window_mode = WINDOW_SYNC
    graph.close_window(ALICE)

    await notify(hass, "Recovery 34 %")

    [sent] = graph.messages_to(ALICE)
    assert sent.template_name == ALERT_TEMPLATE


async def test_window_and_handled_deliveries_survive_a_restart(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    hass_storage: dict,
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="automatic"))
    await meta.write(ALICE, "hi")
    window = hass.states.get(ALICE_WINDOW).state
    events_before = hass.states.get(ALICE_EVENTS)

    assert await hass.config_entries.async_unload(meta.entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(meta.entry.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(ALICE_WINDOW).state == window
    # Meta retries the message after the restart: it is not handled twice.
    graph.webhooks.replay(graph.webhooks.deliveries[-1].delivery_id)
    assert await meta.deliver() == 1
    assert hass.states.get(ALICE_EVENTS).state == events_before.state
    # And automatic delivery still knows the window is open.
    await notify(hass, "After the restart")
    assert [message.type for message in graph.messages_to(ALICE)] == ["text"]


async def test_at_exactly_24_hours_the_window_is_closed_and_the_template_goes(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Found by mutation testing (script/mutants): the window's end is not part of it.
    meta = await set_up_meta(recipient(delivery_mode="automatic"))
    freezer.move_to(dt_util.utcnow().replace(microsecond=0))
    await meta.write(ALICE, "hi")

    freezer.tick(timedelta(hours=24))
    async_fire_time_changed(hass)
    await notify(hass, "At the very end")

    assert [message.type for message in graph.messages_to(ALICE)] == ["template"]

"""Notify entities per recipient, and delivery by the recipient's mode, checked at the Graph API."""

import logging

from homeassistant.components.notify import ATTR_MESSAGE, ATTR_TITLE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from sandbox.graph import ALERT_TEMPLATE, NAMED_ALERT_TEMPLATE, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    BOB,
    BOB_ENTITY,
    SetUpSender,
    recipient,
)


async def notify(
    hass: HomeAssistant, entity_id: str, message: str, title: str | None = None
) -> None:
    data = {ATTR_ENTITY_ID: entity_id, ATTR_MESSAGE: message}
    if title is not None:
        data[ATTR_TITLE] = title
    await hass.services.async_call("notify", "send_message", data, blocking=True)


async def test_a_recipient_is_a_device_with_a_notify_entity(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender(recipient("Alice"), recipient("Bob", BOB))
    assert entry.state is ConfigEntryState.LOADED

    state = hass.states.get(ALICE_ENTITY)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.attributes["friendly_name"] == "Alice WhatsApp"
    assert hass.states.get(BOB_ENTITY) is not None

    entity = er.async_get(hass).async_get(ALICE_ENTITY)
    assert entity is not None
    alice_id = next(
        subentry_id
        for subentry_id, subentry in entry.subentries.items()
        if subentry.title == "Alice"
    )
    assert entity.unique_id == alice_id
    assert entity.config_subentry_id == alice_id
    device = dr.async_get(hass).async_get(entity.device_id or "")
    assert device is not None
    assert device.name == "Alice"
    assert device.model == "WhatsApp recipient"


async def test_text_mode_sends_the_title_in_bold_then_the_message(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender(recipient(delivery_mode="text"))
    graph.open_window(ALICE)

    await notify(hass, ALICE_ENTITY, "Recovery 34 %", title="WHOOP")
    await notify(hass, ALICE_ENTITY, "No title")

    texts = [(message.type, message.text) for message in graph.messages_to(ALICE)]
    assert texts == [("text", "*WHOOP*\nRecovery 34 %"), ("text", "No title")]
    state = hass.states.get(ALICE_ENTITY)
    assert state is not None
    assert state.state != STATE_UNKNOWN  # the time of the last notification


async def test_long_text_is_split_in_order_and_nothing_is_lost(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender(recipient(delivery_mode="text"))
    graph.open_window(ALICE)
    paragraphs = [f"Paragraph {number}: " + "word " * 300 for number in range(5)]
    message = "\n\n".join(paragraphs)
    assert len(message) > 4096

    await notify(hass, ALICE_ENTITY, message)

    received = graph.messages_to(ALICE)
    # Two paragraphs fit in one message, three do not: cuts go between paragraphs.
    assert len(received) == 3
    assert (received[0].text or "").startswith("Paragraph 0")
    assert (received[1].text or "").startswith("Paragraph 2")
    assert all(len(part.text or "") <= 4096 for part in received)
    assert "".join(part.text or "" for part in received) == message


async def test_template_mode_fills_title_and_message_flattened(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender(recipient(delivery_mode="template"))

    await notify(
        hass, ALICE_ENTITY, "Recovery is low.\n- sleep more\n\tdrink water", "WHOOP"
    )

    [sent] = graph.messages_to(ALICE)
    assert sent.type == "template"
    assert sent.template_name == ALERT_TEMPLATE
    assert sent.template_language == "en_US"
    assert sent.body_parameters == (
        "WHOOP",
        "Recovery is low. sleep more · drink water",
    )


async def test_template_without_title_gets_the_default_title(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender(recipient(delivery_mode="template"))

    await notify(hass, ALICE_ENTITY, "Strain 18")

    [sent] = graph.messages_to(ALICE)
    assert sent.body_parameters == ("Home Assistant", "Strain 18")


async def test_named_template_parameters(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender(
        recipient(
            delivery_mode="template",
            template_name=NAMED_ALERT_TEMPLATE,
            template_parameters="named",
            title_parameter="title",
            message_parameter="message",
        )
    )

    await notify(hass, ALICE_ENTITY, "Slept 8 h", "Sleep")

    [sent] = graph.messages_to(ALICE)
    assert sent.template_name == NAMED_ALERT_TEMPLATE
    assert dict(zip(sent.parameter_names, sent.body_parameters, strict=True)) == {
        "title": "Sleep",
        "message": "Slept 8 h",
    }


async def test_message_only_template(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    graph.add_template("home_alert", body="Home Assistant: {{1}}")
    await set_up_sender(
        recipient(
            delivery_mode="template",
            template_name="home_alert",
            template_parameters="message",
        )
    )

    await notify(hass, ALICE_ENTITY, "Door open", "Ignored")

    [sent] = graph.messages_to(ALICE)
    assert sent.body_parameters == ("Door open",)
    assert sent.text == "Home Assistant: Door open"


async def test_template_without_parameters(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    graph.add_template("check_home", body="Something happened at home.")
    await set_up_sender(
        recipient(
            delivery_mode="template",
            template_name="check_home",
            template_parameters="none",
        )
    )

    await notify(hass, ALICE_ENTITY, "Door open", "Alarm")

    [sent] = graph.messages_to(ALICE)
    assert sent.body_parameters == ()
    assert sent.text == "Something happened at home."


async def test_automatic_mode_without_webhooks_sends_the_template_although_the_window_is_open(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    # Without webhooks Home Assistant cannot know the window is open: it does not pretend. The
    # text while the window is known to be open is in test_two_way_window.py.
    await set_up_sender(recipient(delivery_mode="automatic"))
    graph.open_window(ALICE)

    await notify(hass, ALICE_ENTITY, "Line 1\nLine 2", "WHOOP")

    [sent] = graph.messages_to(ALICE)
    assert sent.type == "template"
    assert sent.template_name == ALERT_TEMPLATE


async def test_automatic_mode_falls_back_to_the_template_on_131047(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender(recipient(delivery_mode="automatic"))
    graph.close_window(ALICE)

    await notify(hass, ALICE_ENTITY, "Line 1\nLine 2", "WHOOP")

    [sent] = graph.messages_to(ALICE)
    assert sent.type == "template"
    assert sent.template_name == ALERT_TEMPLATE
    assert sent.body_parameters == ("WHOOP", "Line 1 · Line 2")


async def test_edited_recipient_settings_apply_to_the_next_send(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    entry = await set_up_sender(recipient(delivery_mode="text"))
    subentry = next(iter(entry.subentries.values()))
    hass.config_entries.async_update_subentry(
        entry, subentry, data=recipient(delivery_mode="template")["data"]
    )
    await hass.async_block_till_done()

    await notify(hass, ALICE_ENTITY, "Now a template")

    [sent] = graph.messages_to(ALICE)
    assert sent.type == "template"
    assert entry.state is ConfigEntryState.LOADED


async def test_named_template_with_the_message_only(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    graph.add_template("home_alert", "en", body="Home: {{text}}")
    await set_up_sender(
        recipient(
            delivery_mode="template",
            template_name="home_alert",
            template_language="en",
            template_parameters="named",
            message_parameter="text",
        )
    )

    await notify(hass, ALICE_ENTITY, "Door open", "Ignored")

    [sent] = graph.messages_to(ALICE)
    assert sent.parameter_names == ("text",)
    assert sent.text == "Home: Door open"


# A long notification outside the window: the template must fit, so that something arrives ----

LONG_MESSAGE = " ".join(
    f"Strain{number:04}" for number in range(191)
)  # 2,100 characters


async def test_a_long_notification_fits_the_fallback_template(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert len(LONG_MESSAGE) == 2100
    await set_up_sender(recipient(delivery_mode="automatic"))
    caplog.set_level(logging.DEBUG, logger="custom_components.whoop")

    await notify(hass, ALICE_ENTITY, LONG_MESSAGE, "WHOOP")

    [sent] = graph.messages_to(ALICE)
    assert sent.type == "template"
    title, message = sent.body_parameters
    assert title == "WHOOP"
    assert message.endswith("…")
    assert LONG_MESSAGE.startswith(message.removesuffix("…"))
    assert len(sent.text or "") <= 1024
    assert "shortened to fit template whoop_alert (body.2)" in caplog.text
    # Only that it was shortened is logged, never the text.
    assert "Strain0001" not in caplog.text


async def test_a_template_with_a_long_text_of_its_own_still_gets_the_notification(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    # 400 fixed characters: more than the room first left for them, so Meta refuses (132005)
    # and the notification goes again, shorter.
    graph.add_template(
        "wordy_alert", body="Dear member, " * 30 + "{{1}}: {{2}}" + "." * 10
    )
    await set_up_sender(
        recipient(delivery_mode="template", template_name="wordy_alert")
    )

    await notify(hass, ALICE_ENTITY, LONG_MESSAGE, "WHOOP")

    [sent] = graph.messages_to(ALICE)
    assert sent.template_name == "wordy_alert"
    assert len(sent.text or "") <= 1024
    assert sent.body_parameters[1].endswith("…")


async def test_a_short_notification_is_not_shortened(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await set_up_sender(recipient(delivery_mode="template"))
    caplog.set_level(logging.DEBUG, logger="custom_components.whoop")

    await notify(hass, ALICE_ENTITY, "Recovery 34 %", "WHOOP")

    [sent] = graph.messages_to(ALICE)
    assert sent.body_parameters == ("WHOOP", "Recovery 34 %")
    # Only the integration's own lines: asyncio's slow-callback warnings name this test.
    assert not [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.whoop")
        and "shortened" in record.getMessage()
    ]


async def test_a_text_of_more_than_ten_messages_is_refused_before_sending(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender(recipient(delivery_mode="text"))
    graph.open_window(ALICE)

    with pytest.raises(ServiceValidationError) as caught:
        await notify(hass, ALICE_ENTITY, "x" * 40_961)

    assert caught.value.translation_key == "whatsapp_message_too_long"
    assert "40961 characters" in str(caught.value)
    assert graph.messages == []


async def test_a_text_of_ten_messages_goes_out(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender(recipient(delivery_mode="text"))
    graph.open_window(ALICE)

    await notify(hass, ALICE_ENTITY, "x" * 40_960)

    assert len(graph.messages_to(ALICE)) == 10

"""Automatic delivery never sends half a message twice: once a part of a text went out, no template.

A long notification goes out as several texts. Should Meta refuse a later part at once (131047,
the 24-hour window closed between the parts), the template would repeat what the person already
read: the user gets the error instead, and the person has the parts that went out, once.
"""

from homeassistant.components.notify import ATTR_MESSAGE, ATTR_TITLE
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.whoop.const import DOMAIN
from custom_components.whoop.whatsapp_api import TEXT_MAX_LENGTH
from sandbox.graph import WINDOW_SYNC, GraphSandbox
from sandbox.graph.models import BusinessPhoneNumber, ReceivedMessage
from sandbox.graph.validation import MessageContent
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    SetUpMeta,
    recipient,
)

# Two parts: WhatsApp takes at most TEXT_MAX_LENGTH characters in one text.
LONG_MESSAGE = "Recovery note. " * (TEXT_MAX_LENGTH // 15 + 20)


def _close_the_window_after_the_first_text(
    monkeypatch: pytest.MonkeyPatch, graph: GraphSandbox
) -> None:
    """Meta's clock: the window closes right after the first part went out."""
    deliver = graph.deliver

    def deliver_then_close(
        number: BusinessPhoneNumber, content: MessageContent
    ) -> ReceivedMessage:
        message = deliver(number, content)
        graph.close_window(ALICE)
        return message

    monkeypatch.setattr(graph, "deliver", deliver_then_close)


async def test_a_text_refused_after_its_first_part_is_not_resent_as_the_template(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="automatic"))
    await meta.write(ALICE, "hi")  # Home Assistant knows the window is open
    graph.window_mode = WINDOW_SYNC  # Meta refuses a text outside it at once
    _close_the_window_after_the_first_text(monkeypatch, graph)

    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            "notify",
            "send_message",
            {
                ATTR_ENTITY_ID: ALICE_ENTITY,
                ATTR_MESSAGE: LONG_MESSAGE,
                ATTR_TITLE: "WHOOP",
            },
            blocking=True,
        )
    await hass.async_block_till_done()

    assert caught.value.translation_domain == DOMAIN
    assert caught.value.translation_key == "whatsapp_outside_window"
    # The person has the first part, once; no template repeats it.
    [first_part] = graph.messages_to(ALICE)
    assert first_part.type == "text"
    assert (first_part.text or "").startswith("*WHOOP*\nRecovery note.")
    assert all(message.type == "text" for message in graph.messages)

"""WhatsApp's 4,096 characters: a text of that length goes out whole, one more is split, never cut."""

from homeassistant.components.notify import ATTR_MESSAGE
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
import pytest

from sandbox.graph import GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    SetUpSender,
    recipient,
)


@pytest.mark.parametrize(("length", "messages"), [(4096, 1), (4097, 2)])
async def test_a_text_is_split_only_above_4096_characters(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    length: int,
    messages: int,
) -> None:
    await set_up_sender(recipient(delivery_mode="text"))
    graph.open_window(ALICE)
    # Words, as people write: the split may only fall between them.
    text = ("recovery " * 500)[:length]
    text = text[:-1] + "!"

    await hass.services.async_call(
        "notify",
        "send_message",
        {ATTR_ENTITY_ID: ALICE_ENTITY, ATTR_MESSAGE: text},
        blocking=True,
    )

    received = [message.text or "" for message in graph.messages_to(ALICE)]
    assert len(received) == messages
    assert "".join(received) == text

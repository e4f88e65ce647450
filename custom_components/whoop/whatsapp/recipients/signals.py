"""What happens to a recipient's conversation, told to their entities by the dispatcher.

Receipts (delivered, read, failed) and inbound messages (a text, a pressed button) become events
of the recipient's event entity; a new last inbound message moves their window sensor.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send

from ...const import DOMAIN


class RecipientEventType(StrEnum):
    """The event types of a recipient's event entity."""

    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    MESSAGE_RECEIVED = "message_received"
    BUTTON_PRESSED = "button_pressed"


def signal_recipient_event(entry_id: str, subentry_id: str) -> str:
    """Return the signal carrying a recipient's events (type and data)."""
    return f"{DOMAIN}_{entry_id}_{subentry_id}_whatsapp_event"


def signal_message_sent(entry_id: str, subentry_id: str) -> str:
    """Return the signal carrying the id of the last message sent to a recipient."""
    return f"{DOMAIN}_{entry_id}_{subentry_id}_whatsapp_sent"


@callback
def async_fire_recipient_event(
    hass: HomeAssistant,
    entry_id: str,
    subentry_id: str,
    event_type: RecipientEventType,
    data: Mapping[str, Any],
) -> None:
    """Tell the recipient's event entity that ``event_type`` happened."""
    async_dispatcher_send(
        hass, signal_recipient_event(entry_id, subentry_id), event_type, dict(data)
    )

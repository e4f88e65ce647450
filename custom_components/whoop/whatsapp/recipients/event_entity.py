"""A recipient's event entity (``event.<name>_whatsapp``): receipts and what they send.

Event types: delivered, read and failed for messages sent to them (each with its ``message_id``;
failed with Meta's ``error_code`` and the translated ``reason``), message_received and
button_pressed for what they send. ``last_message_id`` is the id of the last message sent to them,
which ``notify.send_message`` cannot return.
"""

from typing import Any, override

from homeassistant.components.event import EventEntity
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..runtime_data import WhatsAppConfigEntry
from .platform import async_add_recipient_entities, recipient_device
from .signals import (
    RecipientEventType,
    signal_message_sent,
    signal_recipient_event,
)

# Events come from the webhook; nothing is polled.
PARALLEL_UPDATES = 0

ATTR_LAST_MESSAGE_ID = "last_message_id"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WhatsAppConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an event entity per recipient."""
    async_add_recipient_entities(
        hass, entry, async_add_entities, WhatsAppRecipientEvents
    )


class WhatsAppRecipientEvents(EventEntity):
    """What happens to the messages of one recipient, and what they send."""

    _attr_has_entity_name = True
    _attr_translation_key = "whatsapp"

    def __init__(self, entry: WhatsAppConfigEntry, subentry: ConfigSubentry) -> None:
        """Represent the events of the recipient ``subentry`` of the sender ``entry``."""
        self._attr_event_types = [event_type.value for event_type in RecipientEventType]
        self._entry = entry
        self._subentry_id = subentry.subentry_id
        self._attr_unique_id = f"{subentry.subentry_id}_events"
        self._attr_device_info = recipient_device(subentry)
        self._last_message_id = entry.runtime_data.receipts.last_message_id(
            subentry.subentry_id
        )

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """The id of the last message sent to the recipient."""
        return {ATTR_LAST_MESSAGE_ID: self._last_message_id}

    @override
    async def async_added_to_hass(self) -> None:
        """Listen to the recipient's receipts and messages."""
        await super().async_added_to_hass()
        entry_id = self._entry.entry_id
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_recipient_event(entry_id, self._subentry_id),
                self._async_event,
            )
        )
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_message_sent(entry_id, self._subentry_id),
                self._async_sent,
            )
        )

    @callback
    def _async_event(
        self, event_type: RecipientEventType, data: dict[str, Any]
    ) -> None:
        self._trigger_event(event_type.value, data)
        self.async_write_ha_state()

    @callback
    def _async_sent(self, message_id: str) -> None:
        self._last_message_id = message_id
        self.async_write_ha_state()

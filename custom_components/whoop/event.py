"""Event platform: WHOOP scores (whoop/events.py), WhatsApp receipts and replies (whatsapp/recipients/event_entity.py)."""

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entry_kind import is_whatsapp_sender, is_whoop_account
from .whatsapp.recipients import event_entity as whatsapp_event_entity
from .whoop import events

# Neither kind polls from its entities.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the event entities of a WHOOP account or a WhatsApp sender."""
    if is_whatsapp_sender(entry):
        await whatsapp_event_entity.async_setup_entry(hass, entry, async_add_entities)
    elif is_whoop_account(entry):
        await events.async_setup_entry(hass, entry, async_add_entities)

"""Event platform: WHOOP scores (whoop/events.py), WhatsApp receipts and replies (whatsapp/recipient_events.py)."""

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entry_kind import is_whatsapp_sender, is_whoop_account
from .whatsapp import recipient_events
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
        await recipient_events.async_setup_entry(hass, entry, async_add_entities)
    elif is_whoop_account(entry):
        await events.async_setup_entry(hass, entry, async_add_entities)

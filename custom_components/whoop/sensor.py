"""Sensor platform: the WHOOP member's values (whoop/sensors.py), WhatsApp windows (whatsapp/recipients/window_sensor.py)."""

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entry_kind import is_whatsapp_sender, is_whoop_account
from .whatsapp.recipients import window_sensor as whatsapp_window_sensor
from .whoop import sensors

# WHOOP sensors read their coordinators; window sensors follow the webhook.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of a WHOOP account or a WhatsApp sender."""
    if is_whatsapp_sender(entry):
        await whatsapp_window_sensor.async_setup_entry(hass, entry, async_add_entities)
    elif is_whoop_account(entry):
        await sensors.async_setup_entry(hass, entry, async_add_entities)

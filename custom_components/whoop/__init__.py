"""The WHOOP integration: WHOOP recovery, sleep and strain, and WhatsApp notifications.

A config entry is either a WHOOP account (set up by `whoop/`) or a WhatsApp sender (`whatsapp/`).
"""

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .entry_kind import is_whatsapp_sender
from .services import async_setup_services
from .whatsapp import setup as whatsapp_setup
from .whoop import (
    removal as whoop_removal,
    setup as whoop_setup,
)

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, not per entry)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Set up a WHOOP account or a WhatsApp sender."""
    if is_whatsapp_sender(entry):
        return await whatsapp_setup.async_setup_entry(hass, entry)
    return await whoop_setup.async_setup_entry(hass, entry)


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Unload a WHOOP account or a WhatsApp sender."""
    if is_whatsapp_sender(entry):
        return await whatsapp_setup.async_unload_entry(hass, entry)
    return await whoop_setup.async_unload_entry(hass, entry)


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clean up after a deleted entry; each side knows what it leaves behind."""
    if is_whatsapp_sender(entry):
        await whatsapp_setup.async_remove_entry(hass, entry)
        return
    await whoop_removal.async_remove_entry(hass, entry)

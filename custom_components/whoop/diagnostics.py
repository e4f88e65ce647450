"""Diagnostics of either kind of entry, without secrets or personal data."""

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .entry_kind import is_whatsapp_sender
from .whatsapp.diagnostics import async_get_sender_diagnostics
from .whoop.diagnostics import async_get_account_diagnostics


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a WHOOP account or a WhatsApp sender."""
    if is_whatsapp_sender(entry):
        return await async_get_sender_diagnostics(hass, entry)
    return await async_get_account_diagnostics(hass, entry)

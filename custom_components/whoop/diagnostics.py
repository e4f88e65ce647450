"""Diagnostics for WHOOP accounts and WhatsApp senders, with secrets and personal data redacted."""

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .const import CONF_ENTRY_TYPE, ENTRY_TYPE_WHATSAPP
from .whatsapp_diagnostics import async_get_sender_diagnostics
from .whoop_setup import WhoopConfigEntry

# Tokens, the client secret and the webhook id are secrets; e-mail, names and WHOOP ids identify the member.
TO_REDACT = {
    "access_token",
    "refresh_token",
    "client_secret",
    "email",
    "first_name",
    "last_name",
    "title",
    "unique_id",
    "user_id",
    "id",
    "cycle_id",
    "sleep_id",
    "webhook_id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    if entry.data.get(CONF_ENTRY_TYPE) == ENTRY_TYPE_WHATSAPP:
        return await async_get_sender_diagnostics(hass, entry)
    return _whoop_account_diagnostics(entry)


def _whoop_account_diagnostics(entry: WhoopConfigEntry) -> dict[str, Any]:
    runtime = entry.runtime_data
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
            },
            "granted_scopes": sorted(runtime.tokens.granted_scopes),
            "rate_limit": {
                "limit": runtime.client.rate_limit_limit,
                "remaining": runtime.client.rate_limit_remaining,
            },
            "coordinators": {
                str(family): {
                    "last_update_success": coordinator.last_update_success,
                    "last_exception": str(coordinator.last_exception)
                    if coordinator.last_exception
                    else None,
                    "update_interval_seconds": coordinator.update_interval.total_seconds()
                    if coordinator.update_interval
                    else None,
                    "data": asdict(coordinator.data) if coordinator.data else None,
                }
                for family, coordinator in runtime.coordinators.items()
            },
        },
        TO_REDACT,
    )

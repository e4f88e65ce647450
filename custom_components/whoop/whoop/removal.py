"""Deleting a WHOOP account entry: revoke the access at WHOOP, delete what the entry left behind.

Revoking also stops WHOOP's webhooks for the member, which is what a user deleting the account expects.
The entry is already gone from Home Assistant when this runs, so a refreshed token is used for the one
request and never written back (a refresh still in flight is joined); any failure is logged and the
removal goes on.
"""

import asyncio
import logging
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import (
    async_get_config_entry_implementation,
)

from ..const import whoop_base_url
from ..whoop_api import WhoopClient, WhoopError
from .auth.refresher import async_get_refresher
from .cloudhook import async_delete_cloudhook
from .coordinator import WhoopConfigEntry
from .history.importer import history_store
from .repairs import async_delete_missing_scopes_issue

_LOGGER = logging.getLogger(__name__)

# Removing an entry must not hang on an unreachable WHOOP.
REVOKE_TIMEOUT: Final = 30


async def async_remove_entry(hass: HomeAssistant, entry: WhoopConfigEntry) -> None:
    """Revoke the access at WHOOP, delete the cloudhook, forget the history and calendar."""
    async_delete_missing_scopes_issue(hass, entry.entry_id)
    await async_revoke_access(hass, entry)
    await async_delete_cloudhook(hass, entry)
    await history_store(hass, entry.entry_id).async_remove()


async def async_revoke_access(hass: HomeAssistant, entry: WhoopConfigEntry) -> None:
    """Ask WHOOP to revoke the app's access to the member's data (best effort, bounded)."""
    try:
        async with asyncio.timeout(REVOKE_TIMEOUT):
            token = await _async_valid_token(hass, entry)
            access_token = str(token["access_token"])

            async def token_provider() -> str:
                return access_token

            client = WhoopClient(
                async_get_clientsession(hass), token_provider, base_url=whoop_base_url()
            )
            await client.revoke_access()
    except (HomeAssistantError, WhoopError, TimeoutError, KeyError, ValueError) as err:
        _LOGGER.warning(
            "Could not tell WHOOP to revoke access for %s (%s); revoke it in the WHOOP app",
            entry.title,
            type(err).__name__,
        )
        return
    _LOGGER.info("WHOOP revoked the integration's access for %s", entry.title)


async def _async_valid_token(
    hass: HomeAssistant, entry: WhoopConfigEntry
) -> dict[str, Any]:
    implementation = await async_get_config_entry_implementation(hass, entry)
    # The entry's refresher: a refresh in flight is joined, never sent twice.
    refresher = async_get_refresher(hass, entry.entry_id)
    return await refresher.async_token_after_removal(entry, implementation)

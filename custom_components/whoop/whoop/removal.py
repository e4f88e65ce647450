"""Deleting a WHOOP account entry: tell WHOOP to revoke the app's access for that member.

Revoking also stops WHOOP's webhooks for the member, which is what a user deleting the account expects.
The entry is already gone from Home Assistant when this runs, so a refreshed token is used for the one
request and never written back; any failure is logged and the removal goes on.
"""

import asyncio
import logging
import time
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
from .coordinator import WhoopConfigEntry

_LOGGER = logging.getLogger(__name__)

# Removing an entry must not hang on an unreachable WHOOP.
REVOKE_TIMEOUT: Final = 30
# A token this close to expiry is refreshed first.
EXPIRY_MARGIN_SECONDS: Final = 20


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
    token: dict[str, Any] = dict(entry.data["token"])
    # Through the entry's refresher: a refresh it has in flight holds the only live token (WHOOP
    # already rotated the one on the entry), and a refresh of our own would spend it.
    refresher = async_get_refresher(hass, entry.entry_id)
    if (
        not refresher.refreshing
        and float(token.get("expires_at", 0)) > time.time() + EXPIRY_MARGIN_SECONDS
    ):
        return token
    implementation = await async_get_config_entry_implementation(hass, entry)
    return await refresher.async_ensure_valid(entry, implementation)

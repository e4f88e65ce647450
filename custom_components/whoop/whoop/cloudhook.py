"""The URL WHOOP posts its webhooks to: a Home Assistant Cloud cloudhook, else the external URL.

With a Home Assistant Cloud subscription, WHOOP can reach Home Assistant without any port open:
a cloudhook (created once, its URL kept in the entry's data, as core's withings does) forwards to
the entry's webhook. Without one, the external URL must be reachable from the internet. The
cloudhook is deleted with the entry.
"""

import asyncio
import contextlib
from enum import StrEnum
import logging
from typing import Final

from homeassistant.components import cloud
from homeassistant.core import HomeAssistant

from .coordinator import WhoopConfigEntry
from .webhook import CONF_WEBHOOK_ID, webhook_url

_LOGGER = logging.getLogger(__name__)

CONF_CLOUDHOOK_URL: Final = "cloudhook_url"
# Creating or deleting a cloudhook must not hold the dialog or the removal for long.
CLOUD_TIMEOUT: Final = 15


class UrlSource(StrEnum):
    """Where the URL shown for WHOOP's dashboard comes from."""

    CLOUD = "cloud"
    EXTERNAL = "external"


async def async_whoop_webhook_url(
    hass: HomeAssistant, entry: WhoopConfigEntry
) -> tuple[str, UrlSource] | None:
    """Return the URL to set in WHOOP's dashboard and its source, or None if there is none.

    The cloudhook is created the first time it is asked for with an active subscription.
    """
    if (stored := entry.data.get(CONF_CLOUDHOOK_URL)) is not None:
        return str(stored), UrlSource.CLOUD
    if (
        cloud.async_active_subscription(hass)
        and (created := await _async_create_cloudhook(hass, entry)) is not None
    ):
        return created, UrlSource.CLOUD
    if (external := webhook_url(hass, entry)) is not None:
        return external, UrlSource.EXTERNAL
    return None


async def _async_create_cloudhook(
    hass: HomeAssistant, entry: WhoopConfigEntry
) -> str | None:
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    try:
        async with asyncio.timeout(CLOUD_TIMEOUT):
            # A cloudhook left by an earlier entry with this id would make creating fail.
            with contextlib.suppress(ValueError):
                await cloud.async_delete_cloudhook(hass, webhook_id)
            url = await cloud.async_create_cloudhook(hass, webhook_id)
    except (cloud.CloudNotAvailable, TimeoutError) as err:
        _LOGGER.warning(
            "Could not create a Home Assistant Cloud webhook for %s (%s)",
            entry.title,
            type(err).__name__,
        )
        return None
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_CLOUDHOOK_URL: url}
    )
    return url


async def async_delete_cloudhook(hass: HomeAssistant, entry: WhoopConfigEntry) -> None:
    """Delete the entry's cloudhook, if it has one (best effort, bounded)."""
    if CONF_CLOUDHOOK_URL not in entry.data:
        return
    try:
        async with asyncio.timeout(CLOUD_TIMEOUT):
            await cloud.async_delete_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])
    except (cloud.CloudNotAvailable, ValueError, TimeoutError) as err:
        _LOGGER.warning(
            "Could not delete the Home Assistant Cloud webhook of %s (%s)",
            entry.title,
            type(err).__name__,
        )

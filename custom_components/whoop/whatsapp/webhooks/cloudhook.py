"""Home Assistant Cloud webhooks (cloudhooks): Meta reaches Home Assistant without a public URL.

With an active Home Assistant Cloud subscription, the sender's webhook gets a cloudhook URL when
webhooks are set up, and the cloudhook is deleted with the sender (as core's withings does).
"""

import logging

from homeassistant.components import cloud
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

_LOGGER = logging.getLogger(__name__)


async def async_create_cloudhook(hass: HomeAssistant, webhook_id: str) -> str | None:
    """Return a cloudhook URL for ``webhook_id``, or ``None`` without a working subscription."""
    if "cloud" not in hass.config.components or not cloud.async_active_subscription(
        hass
    ):
        return None
    try:
        return await cloud.async_get_or_create_cloudhook(hass, webhook_id)
    except HomeAssistantError as err:  # CloudNotAvailable, CloudNotConnected
        _LOGGER.warning("Could not create a Home Assistant Cloud webhook: %s", err)
        return None


async def async_delete_cloudhook(hass: HomeAssistant, webhook_id: str) -> None:
    """Delete the cloudhook of ``webhook_id`` (nothing happens without the cloud)."""
    if "cloud" not in hass.config.components:
        return
    try:
        await cloud.async_delete_cloudhook(hass, webhook_id)
    except HomeAssistantError as err:
        _LOGGER.warning("Could not delete the Home Assistant Cloud webhook: %s", err)

"""The integration's actions, registered once for all entries (see whatsapp/actions.py)."""

from homeassistant.core import HomeAssistant, callback

from .whatsapp.actions import async_setup_whatsapp_actions


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    async_setup_whatsapp_actions(hass)

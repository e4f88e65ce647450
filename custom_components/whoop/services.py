"""The integration's actions, registered once for all entries.

WhatsApp: whatsapp/actions.py; a WHOOP member's history: whoop/history/action.py.
"""

from homeassistant.core import HomeAssistant, callback

from .whatsapp.actions import async_setup_whatsapp_actions
from .whoop.history.action import async_setup_history_action


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    async_setup_whatsapp_actions(hass)
    async_setup_history_action(hass)

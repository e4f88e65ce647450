"""Application credentials: the user's own WHOOP developer app (client id and secret)."""

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.core import HomeAssistant
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation

from .whoop.auth.oauth import WhoopOAuth2Implementation, authorization_server

DEVELOPER_DASHBOARD_URL = "https://developer-dashboard.whoop.com"
# Home Assistant's "my" redirect; WHOOP refuses plain http://localhost redirect URLs.
MY_REDIRECT_URL = "https://my.home-assistant.io/redirect/oauth"


async def async_get_auth_implementation(
    hass: HomeAssistant, auth_domain: str, credential: ClientCredential
) -> AbstractOAuth2Implementation:
    """Return the WHOOP implementation, which refreshes tokens the way WHOOP expects."""
    return WhoopOAuth2Implementation(
        hass, auth_domain, credential, authorization_server()
    )


async def async_get_description_placeholders(hass: HomeAssistant) -> dict[str, str]:
    """Return the links shown in the application credentials dialog."""
    return {
        "developer_dashboard_url": DEVELOPER_DASHBOARD_URL,
        "redirect_url": MY_REDIRECT_URL,
    }

"""The one holder of a WHOOP account's tokens: every request of the entry gets its token here.

WHOOP rotates refresh tokens, so a refresh token spent twice loses the account (``invalid_grant``).
Home Assistant's OAuth2Session refreshes and writes the new token to the entry without reloading
it; this class keeps exactly one such session per entry, lets one refresh run at a time, never
sends a refresh token WHOOP already refused, and refreshes once more when WHOOP rejects an access
token before its announced expiry.
"""

import asyncio
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    OAuth2TokenRequestReauthError,
)
from homeassistant.helpers.config_entry_oauth2_flow import OAuth2Session

from ...const import DOMAIN

if TYPE_CHECKING:
    from ..coordinator import WhoopConfigEntry


class WhoopTokenHolder:
    """Hands out valid access tokens for one config entry."""

    def __init__(
        self, hass: HomeAssistant, entry: WhoopConfigEntry, session: OAuth2Session
    ) -> None:
        """Wrap the entry's single OAuth2 session."""
        self._hass = hass
        self._entry = entry
        self._session = session
        self._lock = asyncio.Lock()
        self._last_access_token: str | None = None
        self._refused_refresh_token: str | None = None

    @property
    def granted_scopes(self) -> set[str]:
        """Return the scopes the member granted."""
        return set(str(self._session.token.get("scope", "")).split())

    async def async_get_access_token(self) -> str:
        """Return a valid access token, refreshing it first if it is about to expire."""
        async with self._lock:
            await self._async_ensure_valid()
            self._last_access_token = str(self._session.token["access_token"])
            return self._last_access_token

    async def async_refresh_rejected_token(self) -> None:
        """Refresh once after WHOOP rejected the access token handed out last.

        Callers that saw the same rejection share one refresh: whoever comes second finds the
        token already replaced and returns at once.
        """
        rejected_access_token = self._last_access_token
        async with self._lock:
            if self._session.token.get("access_token") != rejected_access_token:
                return
            expired: dict[str, Any] = {**self._session.token, "expires_at": 0}
            self._hass.config_entries.async_update_entry(
                self._entry, data={**self._entry.data, "token": expired}
            )
            await self._async_ensure_valid()

    async def _async_ensure_valid(self) -> None:
        refresh_token = self._session.token.get("refresh_token")
        if refresh_token is not None and refresh_token == self._refused_refresh_token:
            # Sending it again could only fail again; the reauth flow is already open.
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="reauth_required"
            )
        try:
            await self._session.async_ensure_token_valid()
        except OAuth2TokenRequestReauthError:
            # The session has started the reauth flow; the entry keeps its data.
            self._refused_refresh_token = refresh_token
            raise

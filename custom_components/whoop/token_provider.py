"""The one holder of a WHOOP account's tokens: every request of the entry gets its token here.

WHOOP rotates refresh tokens, so a refresh token spent twice loses the account (``invalid_grant``).
Home Assistant's OAuth2Session refreshes under a lock and writes the new token to the entry without
reloading it; this class keeps exactly one such session per entry and adds a guarded forced refresh
for an access token that WHOOP rejected before its announced expiry.
"""

import asyncio
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.config_entry_oauth2_flow import OAuth2Session


class WhoopTokenProvider:
    """Hands out valid access tokens for one config entry."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, session: OAuth2Session
    ) -> None:
        """Wrap the entry's single OAuth2 session."""
        self._hass = hass
        self._entry = entry
        self._session = session
        self._forced_refresh_lock = asyncio.Lock()
        self._last_access_token: str | None = None

    @property
    def granted_scopes(self) -> set[str]:
        """Return the scopes the member granted."""
        return set(str(self._session.token.get("scope", "")).split())

    async def async_get_access_token(self) -> str:
        """Return a valid access token, refreshing it first if it is about to expire."""
        await self._session.async_ensure_token_valid()
        self._last_access_token = str(self._session.token["access_token"])
        return self._last_access_token

    async def async_refresh_rejected_token(self) -> None:
        """Refresh once after WHOOP rejected the access token handed out last.

        Callers that saw the same rejection share one refresh: whoever comes second finds the
        token already replaced and returns at once. A dead grant raises
        OAuth2TokenRequestReauthError here, and the session starts the reauth flow.
        """
        rejected_access_token = self._last_access_token
        async with self._forced_refresh_lock:
            if self._session.token.get("access_token") != rejected_access_token:
                return
            expired: dict[str, Any] = {**self._session.token, "expires_at": 0}
            self._hass.config_entries.async_update_entry(
                self._entry, data={**self._entry.data, "token": expired}
            )
            await self._session.async_ensure_token_valid()

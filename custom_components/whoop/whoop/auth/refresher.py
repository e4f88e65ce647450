"""The one refresher of a WHOOP account's tokens: it outlives every setup of the entry.

WHOOP rotates the refresh token as soon as a refresh reaches it, so a lost answer loses the
sign-in. A refresh, once sent, therefore runs in a task of its own until its answer is stored in
the entry, whoever asked for it: a caller cancelled by a reload or an unload only stops waiting.
The refresher lives in ``hass.data`` by entry id, so the next setup of the entry joins a refresh
still in flight instead of sending the spent refresh token again; and Home Assistant stopping
waits for it (bounded) before the config entries are written for the last time.
"""

import asyncio
import contextlib
import logging
import time
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HassJob, HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    OAuth2TokenRequestReauthError,
)
from homeassistant.helpers.config_entry_oauth2_flow import (
    CLOCK_OUT_OF_SYNC_MAX_SEC,
    AbstractOAuth2Implementation,
)
from homeassistant.util.hass_dict import HassKey

from ...const import DOMAIN
from . import oauth

_LOGGER = logging.getLogger(__name__)

REFRESHERS: HassKey[dict[str, WhoopTokenRefresher]] = HassKey(
    f"{DOMAIN}_token_refreshers"
)
# Stopping waits for a refresh in flight at most this long: its request is bounded by
# TOKEN_REQUEST_TIMEOUT, storing the answer takes no time.
SHUTDOWN_MARGIN: Final = 5.0


@callback
def async_get_refresher(hass: HomeAssistant, entry_id: str) -> WhoopTokenRefresher:
    """Return the entry's refresher, created at its first setup since Home Assistant started."""
    refreshers = hass.data.setdefault(REFRESHERS, {})
    if (refresher := refreshers.get(entry_id)) is None:
        refresher = refreshers[entry_id] = WhoopTokenRefresher(hass, entry_id)
    return refresher


def token_is_valid(token: dict[str, Any]) -> bool:
    """Whether the access token outlives the clock skew Home Assistant allows for."""
    expires_at = token.get("expires_at")
    return (
        isinstance(expires_at, int | float)
        and expires_at > time.time() + CLOCK_OUT_OF_SYNC_MAX_SEC
    )


class WhoopTokenRefresher:
    """Sends one refresh at a time for one entry and stores each answer, whoever waits."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Create the refresher of ``entry_id``; Home Assistant's stop waits for its refresh."""
        self._hass = hass
        self._entry_id = entry_id
        self._task: asyncio.Task[dict[str, Any]] | None = None
        self._refused_refresh_token: str | None = None
        hass.async_add_shutdown_job(HassJob(self._async_finish_before_stop))

    async def async_ensure_valid(
        self,
        entry: ConfigEntry[Any],
        implementation: AbstractOAuth2Implementation,
        *,
        rejected_access_token: str | None = None,
    ) -> dict[str, Any]:
        """Make the entry's access token valid: join the refresh in flight, or send one.

        With ``rejected_access_token``, refresh unless that token was already replaced (WHOOP
        rejected it before its announced expiry). Returns the valid token, also when the entry
        was removed meanwhile (its refresh is then not stored anywhere).

        Raises:
            ConfigEntryAuthFailed: WHOOP refused the refresh token; the user must sign in.
            OAuth2TokenRequestError: The refresh failed for now (a ConfigEntryNotReady).
        """
        if (task := self._task) is not None and not task.done():
            # Cancelling the caller cancels only this wait, never the refresh.
            return await asyncio.shield(task)
        token: dict[str, Any] = entry.data["token"]
        if rejected_access_token is None:
            if token_is_valid(token):
                return token
        elif token.get("access_token") != rejected_access_token:
            return token  # another caller replaced it already
        refresh_token = token.get("refresh_token")
        if not refresh_token or refresh_token == self._refused_refresh_token:
            # Sending it again could only fail again; the reauth flow is already open.
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="reauth_required"
            )
        task = self._task = self._hass.async_create_background_task(
            self._async_refresh(entry, implementation, token),
            f"WHOOP token refresh ({self._entry_id})",
            eager_start=False,
        )
        task.add_done_callback(_retrieve_exception)
        return await asyncio.shield(task)

    async def async_token_after_removal(
        self, entry: ConfigEntry[Any], implementation: AbstractOAuth2Implementation
    ) -> dict[str, Any]:
        """Return a valid token of a removed entry for one last request (never stored).

        Joins a refresh in flight rather than spending its refresh token a second time.
        """
        return await self.async_ensure_valid(entry, implementation)

    async def _async_refresh(
        self,
        entry: ConfigEntry[Any],
        implementation: AbstractOAuth2Implementation,
        token: dict[str, Any],
    ) -> dict[str, Any]:
        try:
            # WhoopOAuth2Implementation refuses an answer without an access token.
            new_token = await implementation.async_refresh_token(token)
        except OAuth2TokenRequestReauthError:
            self._refused_refresh_token = token["refresh_token"]
            if self._hass.config_entries.async_get_entry(self._entry_id) is entry:
                # Here, not by the caller: a reload may have cancelled every caller by now.
                entry.async_start_reauth(self._hass)
            raise
        if self._hass.config_entries.async_get_entry(self._entry_id) is not entry:
            return new_token  # removed while WHOOP answered: only the remover needs it
        # Read the entry's data now, not when the refresh started: it may have changed since.
        self._hass.config_entries.async_update_entry(
            entry, data={**entry.data, "token": new_token}
        )
        _LOGGER.debug("Stored the refreshed WHOOP token of entry %s", entry.entry_id)
        return new_token

    async def _async_finish_before_stop(self) -> None:
        """Let a refresh in flight store its answer before the final write of the entries."""
        if (task := self._task) is None or task.done():
            return
        with contextlib.suppress(Exception):
            async with asyncio.timeout(oauth.TOKEN_REQUEST_TIMEOUT + SHUTDOWN_MARGIN):
                await asyncio.shield(task)


def _retrieve_exception(task: asyncio.Task[dict[str, Any]]) -> None:
    """Mark a failure as seen: when every caller was cancelled, nobody else looks at it."""
    if not task.cancelled():
        task.exception()

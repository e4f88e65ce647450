"""The one holder of a WHOOP account's tokens: every request of the entry gets its token here.

WHOOP rotates refresh tokens, so a refresh token spent twice loses the account (``invalid_grant``).
The holder asks the entry's refresher (auth/refresher.py), which outlives this setup, for a valid
token; the new token is written to the entry without reloading it. When WHOOP rejects an access
token before its announced expiry, the holder has it refreshed once more.
"""

from contextvars import ContextVar
from typing import TYPE_CHECKING

from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation

from .refresher import WhoopTokenRefresher

if TYPE_CHECKING:
    from ..coordinator import WhoopConfigEntry

# The access token handed to the current task's last request: when WHOOP rejects it, that is
# the token to replace, not whichever token another coordinator got meanwhile.
_handed_out: ContextVar[str | None] = ContextVar("whoop_access_token", default=None)


class WhoopTokenHolder:
    """Hands out valid access tokens for one config entry."""

    def __init__(
        self,
        entry: WhoopConfigEntry,
        implementation: AbstractOAuth2Implementation,
        refresher: WhoopTokenRefresher,
    ) -> None:
        """Hand out the entry's tokens, refreshed by the entry's refresher."""
        self._entry = entry
        self._implementation = implementation
        self._refresher = refresher

    @property
    def granted_scopes(self) -> set[str]:
        """Return the scopes the member granted."""
        return set(str(self._entry.data["token"].get("scope", "")).split())

    async def async_get_access_token(self) -> str:
        """Return a valid access token, refreshing it first if it is about to expire."""
        token = await self._refresher.async_ensure_valid(
            self._entry, self._implementation
        )
        access_token = str(token["access_token"])
        _handed_out.set(access_token)
        return access_token

    async def async_refresh_rejected_token(self) -> None:
        """Refresh once after WHOOP rejected the access token this task's request carried.

        Callers that saw the same rejection share one refresh: whoever comes second finds the
        token already replaced (or the refresh in flight) and only waits for it.
        """
        await self._refresher.async_ensure_valid(
            self._entry,
            self._implementation,
            rejected_access_token=_handed_out.get(),
        )

"""Keep an eye on a WhatsApp sender's access token when it expires (e.g. a 60-day system user token).

Once a day ``debug_token`` says when the token expires. With the Meta app's id and secret the token
is extended before then by Meta's documented ``fb_exchange_token`` exchange, and the new token is
stored in the entry. Without them, or when the exchange fails, a repair issue warns a week ahead.
An expired or revoked token starts reauthentication. Never-expiring tokens are not watched.

App access tokens (client credentials) cannot send messages, so they are never used as a fallback.
"""

from dataclasses import replace
from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..whatsapp_api import (
    ExchangedToken,
    TokenInfo,
    WhatsAppAuthenticationError,
    WhatsAppError,
)
from .delivery.sender import WhatsAppSender
from .masking import mask_numbers_in, sender_name
from .settings import SenderSettings

if TYPE_CHECKING:
    from .runtime_data import WhatsAppConfigEntry

_LOGGER = logging.getLogger(__name__)

CHECK_INTERVAL: Final = timedelta(days=1)
RENEW_BEFORE: Final = timedelta(days=10)
"""Extend the token when it has less than this left (renewal failures then get a few daily retries
before the user is warned)."""
WARN_BEFORE: Final = timedelta(days=7)
"""Raise a repair issue when the token has less than this left and was not extended."""

ISSUE_TOKEN_EXPIRING: Final = "whatsapp_token_expiring"  # noqa: S105 - an issue id, no secret
ISSUE_TOKEN_RENEWAL_FAILED: Final = "whatsapp_token_renewal_failed"  # noqa: S105 - an issue id
_TOKEN_ISSUES: Final = (ISSUE_TOKEN_EXPIRING, ISSUE_TOKEN_RENEWAL_FAILED)
_SYSTEM_USERS_URL: Final = "https://business.facebook.com/settings/system-users"


class TokenWatch:
    """Checks a sender's token daily, extends it when it can, warns or asks for a new one."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: WhatsAppConfigEntry,
        sender: WhatsAppSender,
        settings: SenderSettings,
    ) -> None:
        """Watch the token in ``settings``; a renewed token is handed to ``sender``'s client."""
        self._hass = hass
        self._entry = entry
        self._sender = sender
        self._settings = settings
        self._last_info: TokenInfo | None = None

    @property
    def settings(self) -> SenderSettings:
        """The settings in use, with the latest token (the entry data lags by one write)."""
        return self._settings

    @property
    def last_info(self) -> TokenInfo | None:
        """What the last ``debug_token`` said, for diagnostics."""
        return self._last_info

    async def async_start(self, info: TokenInfo) -> None:
        """Act on the token information read at setup, then check daily if the token expires."""
        await self._async_evaluate(info)
        if info.expires_at is not None:
            self._entry.async_on_unload(
                async_track_time_interval(
                    self._hass,
                    self._async_scheduled_check,
                    CHECK_INTERVAL,
                    name=f"WhatsApp token check {sender_name(self._entry)}",
                    cancel_on_shutdown=True,
                )
            )

    async def _async_scheduled_check(self, _now: datetime) -> None:
        try:
            info = await self._sender.client.debug_token()
        except WhatsAppAuthenticationError:
            self._async_token_dead()
            return
        except WhatsAppError as err:
            # Tomorrow's check tries again; sends report their own errors meanwhile.
            _LOGGER.warning(
                "Could not check the WhatsApp token of %s: %s",
                sender_name(self._entry),
                mask_numbers_in(str(err)),
            )
            return
        await self._async_evaluate(info)

    async def _async_evaluate(self, info: TokenInfo) -> None:
        self._last_info = info
        now = dt_util.utcnow()
        if not info.is_valid or (
            info.expires_at is not None and info.expires_at <= now
        ):
            self._async_token_dead()
            return
        if info.expires_at is None:
            self._async_clear_issues()
            return
        left = info.expires_at - now
        app_id, app_secret = self._settings.app_id, self._settings.app_secret
        if app_id and app_secret and left <= RENEW_BEFORE:
            exchanged = await self._async_renew(app_id, app_secret)
            if exchanged is not None:
                if exchanged.expires_in:
                    self._last_info = replace(
                        info, expires_at=now + timedelta(seconds=exchanged.expires_in)
                    )
                return
        if left > WARN_BEFORE:
            self._async_clear_issues()
            return
        issue = (
            ISSUE_TOKEN_RENEWAL_FAILED
            if self._settings.can_renew_token
            else ISSUE_TOKEN_EXPIRING
        )
        self._async_clear_issues(keep=issue)
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            f"{issue}_{self._entry.entry_id}",
            is_fixable=False,
            learn_more_url=_SYSTEM_USERS_URL,
            severity=ir.IssueSeverity.WARNING,
            translation_key=issue,
            translation_placeholders={
                "sender": sender_name(self._entry),
                "date": dt_util.as_local(info.expires_at).date().isoformat(),
            },
        )

    async def _async_renew(self, app_id: str, app_secret: str) -> ExchangedToken | None:
        """Exchange the token for a new one and store it; ``None`` when the exchange failed."""
        try:
            exchanged = await self._sender.client.exchange_token(app_id, app_secret)
        except WhatsAppError as err:
            _LOGGER.warning(
                "Could not extend the WhatsApp token of %s: %s",
                sender_name(self._entry),
                mask_numbers_in(str(err)),
            )
            return None
        renewed = replace(self._settings, access_token=exchanged.access_token)
        # Use the new token first, so the entry update that follows is not taken for a
        # reconfiguration (which would reload the entry).
        self._settings = renewed
        self._sender.client.set_access_token(renewed.access_token)
        self._hass.config_entries.async_update_entry(
            self._entry, data={**self._entry.data, **renewed.as_data()}
        )
        _LOGGER.info(
            "Extended the WhatsApp token of %s (now valid for %s more seconds)",
            sender_name(self._entry),
            exchanged.expires_in,
        )
        self._async_clear_issues()
        return exchanged

    @callback
    def _async_token_dead(self) -> None:
        self._async_clear_issues()
        self._entry.async_start_reauth(self._hass)

    @callback
    def _async_clear_issues(self, keep: str | None = None) -> None:
        for issue in _TOKEN_ISSUES:
            if issue != keep:
                ir.async_delete_issue(
                    self._hass, DOMAIN, f"{issue}_{self._entry.entry_id}"
                )

"""The 24-hour window of each recipient, known from their last inbound message, kept across restarts.

Windows are kept by the recipient's subentry id, not by number: the stored file names nobody.

WhatsApp delivers free-form messages (texts, media, reply buttons) only within 24 hours of the
person's last message to the business number; only a template reaches them otherwise. Nothing but
the webhook tells when a person wrote, so without webhooks every window is unknown: closed, as far
as delivery is concerned.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN

WINDOW: Final = timedelta(hours=24)
STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 10
"""Seconds a change waits before it is written: a burst of messages costs one write."""
MAX_WINDOWS: Final = 1000
"""The most windows kept (one per recipient who wrote); the oldest are forgotten first."""


def signal_window_changed(entry_id: str) -> str:
    """Return the dispatcher signal sent with a recipient's subentry id when their window moved."""
    return f"{DOMAIN}_{entry_id}_whatsapp_window_changed"


class ConversationWindows:
    """When each recipient last wrote to one business number, by recipient (subentry id)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        *,
        now: Callable[[], datetime] = dt_util.utcnow,
    ) -> None:
        """Keep the windows of the sender ``entry_id`` in Home Assistant's storage."""
        self._hass = hass
        self._entry_id = entry_id
        self._now = now
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id)
        )
        self._last_inbound: dict[str, datetime] = {}

    async def async_load(self) -> None:
        """Read the windows saved before the restart (unreadable entries are skipped)."""
        data = await self._store.async_load() or {}
        windows = data.get("last_inbound", {})
        if not isinstance(windows, dict):
            return
        for recipient_id, text in list(windows.items())[-MAX_WINDOWS:]:
            at = dt_util.parse_datetime(text) if isinstance(text, str) else None
            if isinstance(recipient_id, str) and at is not None:
                self._last_inbound[recipient_id] = at

    async def async_save(self) -> None:
        """Write the windows now (on unload: a delayed write would be lost with the entry)."""
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete the stored windows (the sender was deleted)."""
        await self._store.async_remove()

    def open_until(self, recipient_id: str) -> datetime | None:
        """When ``recipient_id``'s window closes (or closed); ``None`` if they never wrote."""
        last = self._last_inbound.get(recipient_id)
        return None if last is None else last + WINDOW

    def is_open(self, recipient_id: str) -> bool:
        """Whether a free-form message to ``recipient_id`` would be delivered now, as far as is known."""
        until = self.open_until(recipient_id)
        return until is not None and self._now() < until

    @callback
    def async_inbound(self, recipient_id: str, at: datetime) -> None:
        """Note that ``recipient_id`` wrote at ``at`` (a time from the future counts as now)."""
        at = min(at, self._now())
        last = self._last_inbound.get(recipient_id)
        if last is not None and last >= at:
            return  # an older message arriving late does not move the window back
        self._last_inbound.pop(recipient_id, None)
        self._last_inbound[recipient_id] = at
        while len(self._last_inbound) > MAX_WINDOWS:
            del self._last_inbound[next(iter(self._last_inbound))]
        self._store.async_delay_save(self._data, SAVE_DELAY)
        async_dispatcher_send(
            self._hass, signal_window_changed(self._entry_id), recipient_id
        )

    @callback
    def async_closed(self, recipient_id: str) -> None:
        """Note that Meta refused a free-form message to ``recipient_id``: their window is closed.

        Meta's clock decides, not the inbound message this side saw (a clock apart, or a message
        this side never heard of): until the person writes again, their window counts as closed,
        so automatic delivery sends the template at once instead of a text that would fail later.
        """
        if not self.is_open(recipient_id):
            return
        self._last_inbound[recipient_id] = self._now() - WINDOW
        self._store.async_delay_save(self._data, SAVE_DELAY)
        async_dispatcher_send(
            self._hass, signal_window_changed(self._entry_id), recipient_id
        )

    def _data(self) -> dict[str, Any]:
        return {
            "last_inbound": {
                recipient_id: at.isoformat()
                for recipient_id, at in self._last_inbound.items()
            }
        }


def storage_key(entry_id: str) -> str:
    """Return the storage key of a sender's windows."""
    return f"{DOMAIN}.whatsapp_windows.{entry_id}"

"""One pace for every history request of the app, so that imports never crowd out the updates.

WHOOP allows an app (all its members together) 100 requests a minute and 10,000 a day. History
imports of all members share one pacer that lets through at most ``REQUESTS_PER_MINUTE``, which
leaves the rest of the minute's budget to the coordinators' regular updates.
"""

import asyncio
from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

REQUESTS_PER_MINUTE: Final = 20
REQUEST_SPACING: Final = timedelta(minutes=1) / REQUESTS_PER_MINUTE

_PACER: HassKey[HistoryPacer] = HassKey("whoop_history_pacer")


async def async_sleep(hass: HomeAssistant, delay: timedelta) -> None:
    """Wait ``delay`` on Home Assistant's clock (so tests move it with async_fire_time_changed)."""
    if delay <= timedelta():
        return
    done = asyncio.Event()

    @callback
    def _wake(_now: datetime) -> None:
        done.set()

    cancel = async_call_later(hass, delay, _wake)
    try:
        await done.wait()
    finally:
        cancel()


class HistoryPacer:
    """Spaces history requests ``REQUEST_SPACING`` apart, whoever sends them."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Let the first request through at once."""
        self._hass = hass
        self._lock = asyncio.Lock()
        self._next_at: datetime | None = None

    async def async_wait_turn(self) -> None:
        """Return when the next history request may be sent."""
        async with self._lock:
            now = dt_util.utcnow()
            if self._next_at is not None and self._next_at > now:
                await async_sleep(self._hass, self._next_at - now)
                now = dt_util.utcnow()
            self._next_at = now + REQUEST_SPACING

    def hold_until(self, when: datetime) -> None:
        """Send no history request before ``when`` (WHOOP said the budget is spent)."""
        if self._next_at is None or self._next_at < when:
            self._next_at = when


@callback
def async_get_pacer(hass: HomeAssistant) -> HistoryPacer:
    """Return the pacer shared by every WHOOP account of this Home Assistant."""
    if (pacer := hass.data.get(_PACER)) is None:
        pacer = hass.data[_PACER] = HistoryPacer(hass)
    return pacer

"""Move Home Assistant's frozen time forward, stopping at every minute and at every timer due.

Stopping exactly when a timer is due (a coordinator's next poll, a debouncer) keeps the polling
cadence and the measured delays exact; stepping by whole minutes only would make every poll up to a
minute late and stretch each interval.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from homeassistant.util.async_ import get_scheduled_timer_handles
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    async_fire_time_changed_exact,
)

MINUTE = timedelta(minutes=1)


class StepObserver(Protocol):
    """Something that looks at (or acts on) every step of simulated time."""

    def next_stop(self, after: datetime) -> datetime | None:
        """Return the next moment after ``after`` the observer needs a step at, if any."""

    async def before_timers(self, now: datetime) -> None:
        """Act at ``now`` before the timers due run (time has moved already)."""

    def after_timers(self, now: datetime) -> None:
        """Look at ``now`` once everything the timers started has finished."""


class SimulatedTime:
    """Home Assistant's clock under freezegun, advanced step by step."""

    def __init__(self, hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
        """Drive ``hass`` through ``freezer``."""
        self._hass = hass
        self._freezer = freezer
        self.steps = 0

    @property
    def now(self) -> datetime:
        """Home Assistant's current (frozen) time."""
        return dt_util.utcnow()

    def move_to(self, when: datetime) -> None:
        """Set the frozen time without running anything (before Home Assistant starts work)."""
        self._freezer.move_to(when)

    async def run_until(self, end: datetime, observers: Sequence[StepObserver]) -> None:
        """Advance to ``end`` step by step, running what is due at each, with the observers."""
        while (now := self.now) < end:
            stops = [self._next_stop(now), end]
            stops += [
                stop
                for observer in observers
                if (stop := observer.next_stop(now)) is not None
            ]
            target = min(stops)
            self._freezer.move_to(target)
            for observer in observers:
                await observer.before_timers(target)
            async_fire_time_changed_exact(self._hass, target)
            await self._hass.async_block_till_done(wait_background_tasks=True)
            for observer in observers:
                observer.after_timers(target)
            self.steps += 1

    def _next_stop(self, now: datetime) -> datetime:
        """Return the next whole minute, or the next timer due if that comes first."""
        next_minute = now.replace(second=0, microsecond=0) + MINUTE
        loop_now = self._hass.loop.time()
        due = [
            handle.when()
            for handle in get_scheduled_timer_handles(self._hass.loop)
            if not handle.cancelled() and handle.when() > loop_now
        ]
        if not due:
            return next_minute
        return min(next_minute, now + timedelta(seconds=min(due) - loop_now))

"""What the benchmark looks at on every time step: each member's day strain and scored records."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant

from sandbox.whoop import Member, WhoopSandbox

from .freshness import StrainAge, VisibilityTracker
from .scored_records import MemberEntities, scored_between

# The strain shown when the window opens may have been fetched up to a poll interval earlier.
STRAIN_HISTORY_BEFORE_WINDOW = timedelta(hours=1)


class HouseholdWatch:
    """Compares what Home Assistant shows with what the sandbox holds, for every member."""

    def __init__(
        self,
        hass: HomeAssistant,
        whoop: WhoopSandbox,
        members: Iterable[Member],
        window_start: datetime,
        window_end: datetime,
    ) -> None:
        """Watch ``members`` (their entities must exist) over the measured window."""
        self._hass = hass
        self._whoop = whoop
        self._window_start = window_start
        self._window_end = window_end
        entities = {
            member.user_id: MemberEntities(hass, member.user_id) for member in members
        }
        self._strain_entities = {
            user_id: found.get("sensor", "day_strain")
            for user_id, found in entities.items()
        }
        self.strain = {user_id: StrainAge() for user_id in entities}
        self.visibility = VisibilityTracker(
            record
            for user_id, found in entities.items()
            for record in scored_between(
                whoop, user_id, found, window_start, window_end
            )
        )

    def next_stop(self, after: datetime) -> datetime | None:
        """Need no stops beyond every minute and every timer."""
        return None

    async def before_timers(self, now: datetime) -> None:
        """Note the sandbox's strain at ``now``, and the shown one's age before any poll runs.

        The age just before a poll is the worst one; each step is looked at, not only minutes.
        """
        start = self._window_start - STRAIN_HISTORY_BEFORE_WINDOW
        if not start <= now < self._window_end:
            return
        for user_id, age in self.strain.items():
            age.source(now, self._sandbox_strain(user_id))
            if self._in_window(now):
                age.peek(now, self._shown_strain(user_id))

    def after_timers(self, now: datetime) -> None:
        """Look for newly shown records; sample the shown strain's age on each whole minute."""
        if now < self._window_start:
            return
        self.visibility.observe(self._hass, now)
        if self._in_window(now) and now.second == now.microsecond == 0:
            for user_id, age in self.strain.items():
                age.sample(now, self._shown_strain(user_id))

    def _in_window(self, now: datetime) -> bool:
        return self._window_start <= now < self._window_end

    def _sandbox_strain(self, user_id: int) -> float | None:
        cycles = self._whoop.records(user_id).cycles
        score = cycles[0].score if cycles else None
        return score.strain if score is not None else None

    def _shown_strain(self, user_id: int) -> float | None:
        state = self._hass.states.get(self._strain_entities[user_id])
        try:
            return float(state.state) if state is not None else None
        except ValueError:  # "unknown" or "unavailable"
            return None

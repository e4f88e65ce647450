"""What the benchmark looks at on every time step: each member's day strain and scored records.

The client watched is either the integration (its entities in Home Assistant) or the reference
client (what its answers held).
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant

from benchmarks.freshness import StrainAge, StrainLag, VisibilityTracker
from benchmarks.reference_client import ReferenceClient
from benchmarks.scored_records import (
    MemberEntities,
    NoEntities,
    ScoredRecord,
    scored_between,
)
from sandbox.whoop import Member, WhoopSandbox

# The strain shown when the window opens may have been fetched up to a poll interval earlier.
STRAIN_HISTORY_BEFORE_WINDOW = timedelta(hours=1)


class HouseholdWatch:
    """Compares what the client shows with what the sandbox holds, for every member."""

    def __init__(
        self,
        hass: HomeAssistant,
        whoop: WhoopSandbox,
        members: Iterable[Member],
        window_start: datetime,
        window_end: datetime,
        reference: ReferenceClient | None = None,
    ) -> None:
        """Watch ``members`` (their entities must exist, unless ``reference`` is watched)."""
        self._hass = hass
        self._whoop = whoop
        self._window_start = window_start
        self._window_end = window_end
        self._reference = reference
        members = tuple(members)
        entities: dict[int, MemberEntities | NoEntities] = {
            member.user_id: NoEntities()
            if reference is not None
            else MemberEntities(hass, member.user_id)
            for member in members
        }
        self._strain_entities = {
            user_id: found.get("sensor", "day_strain")
            for user_id, found in entities.items()
        }
        self.strain = {user_id: StrainAge() for user_id in entities}
        self.strain_lag = {
            member.user_id: StrainLag(
                self._strain_at(member.user_id),
                self._resting_at(member.user_id, window_end),
            )
            for member in members
        }
        shows: Callable[[ScoredRecord], bool] = (
            reference.shows
            if reference is not None
            else lambda record: record.is_shown(hass)
        )
        self.visibility = VisibilityTracker(
            (
                record
                for user_id, found in entities.items()
                for record in scored_between(
                    whoop, user_id, found, window_start, window_end
                )
            ),
            shows,
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
                shown = self._shown_strain(user_id)
                age.peek(now, shown)
                self.strain_lag[user_id].before_poll(now, shown)

    def after_timers(self, now: datetime) -> None:
        """Look for newly shown records; sample the shown strain's age on each whole minute."""
        if now < self._window_start:
            return
        self.visibility.observe(now)
        if self._in_window(now):
            for user_id, lag in self.strain_lag.items():
                lag.after_poll(now, self._shown_strain(user_id))
        if self._in_window(now) and now.second == now.microsecond == 0:
            for user_id, age in self.strain.items():
                age.sample(now, self._shown_strain(user_id))

    def _in_window(self, now: datetime) -> bool:
        return self._window_start <= now < self._window_end

    def _sandbox_strain(self, user_id: int) -> float | None:
        current = _current_strain(self._whoop, user_id, None)
        return current[1] if current is not None else None

    def _strain_at(
        self, user_id: int
    ) -> Callable[[datetime], tuple[int, float] | None]:
        def strain_at(when: datetime) -> tuple[int, float] | None:
            return _current_strain(self._whoop, user_id, when)

        return strain_at

    def _resting_at(self, user_id: int, until: datetime) -> Callable[[datetime], bool]:
        sleeps = [
            (sleep.start, sleep.end)
            for sleep in self._whoop.records(user_id, at=until).sleeps
        ]

        def resting_at(when: datetime) -> bool:
            return any(start <= when < end for start, end in sleeps)

        return resting_at

    def _shown_strain(self, user_id: int) -> float | None:
        if self._reference is not None:
            return self._reference.strain(user_id)
        state = self._hass.states.get(self._strain_entities[user_id])
        try:
            return float(state.state) if state is not None else None
        except ValueError:  # "unknown" or "unavailable"
            return None


def _current_strain(
    whoop: WhoopSandbox, user_id: int, when: datetime | None
) -> tuple[int, float] | None:
    """Return the current cycle's id and day strain (None: no scored cycle)."""
    cycles = whoop.records(user_id, at=when).cycles
    score = cycles[0].score if cycles else None
    return (cycles[0].id, score.strain) if score is not None else None

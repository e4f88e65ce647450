"""Freshness: how long after WHOOP scores a record Home Assistant shows it, and strain's age."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant

from .scored_records import RecordKind, ScoredRecord

MINUTE = timedelta(minutes=1)


class VisibilityTracker:
    """Times, for each expected record, the delay from its scoring to Home Assistant showing it."""

    def __init__(self, records: Iterable[ScoredRecord]) -> None:
        """Watch for ``records``."""
        self._pending = sorted(records, key=lambda record: record.scored_at)
        self.shown_after: dict[ScoredRecord, timedelta] = {}

    @property
    def waiting(self) -> int:
        """How many records are scored-to-be or scored but not shown yet."""
        return len(self._pending)

    def observe(self, hass: HomeAssistant, now: datetime) -> None:
        """Look at Home Assistant's states at ``now`` for every record scored by then."""
        still_pending: list[ScoredRecord] = []
        for record in self._pending:
            if record.scored_at <= now and record.is_shown(hass):
                self.shown_after[record] = now - record.scored_at
            else:
                still_pending.append(record)
        self._pending = still_pending

    def delays(self, user_id: int, kind: RecordKind) -> list[timedelta]:
        """Return the delays of the member's records of ``kind`` that were shown."""
        return sorted(
            delay
            for record, delay in self.shown_after.items()
            if record.user_id == user_id and record.kind is kind
        )

    def never_shown(self, user_id: int, kind: RecordKind) -> int:
        """Return how many of the member's records of ``kind`` were never shown."""
        return sum(
            1
            for record in self._pending
            if record.user_id == user_id and record.kind is kind
        )


class StrainAge:
    """The age of one member's shown day strain against the sandbox's current value.

    The age at a moment is the time since the sandbox last had the value Home Assistant shows
    (zero while they agree). ``source`` must be fed the sandbox's value at every step, including the
    steps at which the integration polls, so that the moment a value was fetched is known.
    """

    def __init__(self) -> None:
        """Start with no history."""
        self._last_had: dict[float, datetime] = {}
        self._history_start: datetime | None = None
        self._current: float | None = None
        self._current_since: datetime | None = None
        self.minute_ages: list[timedelta] = []
        self.rising_ages: list[timedelta] = []
        self.worst: timedelta | None = None
        self.unavailable_samples = 0

    def source(self, now: datetime, strain: float | None) -> None:
        """Record the sandbox's current day strain at ``now``."""
        if self._history_start is None:
            self._history_start = now
        if strain != self._current:
            self._current, self._current_since = strain, now
        if strain is not None:
            self._last_had[strain] = now

    def peek(self, now: datetime, shown: float | None) -> None:
        """Count the shown value's age at ``now`` towards the worst only (e.g. just before a poll)."""
        age = self._age(now, shown)
        if age is not None and (self.worst is None or age > self.worst):
            self.worst = age

    def sample(self, now: datetime, shown: float | None) -> None:
        """Record the shown value's age at ``now`` in the per-minute samples (None: no number).

        Samples taken while the sandbox's strain rose within the last minute are also kept
        apart: flat stretches (asleep, or the sandbox's strain resting after a hard workout)
        read as age 0 and would hide how stale a rising strain gets.
        """
        age = self._age(now, shown)
        if age is None:
            self.unavailable_samples += 1
            return
        self.minute_ages.append(age)
        if self._current_since is not None and now - self._current_since < MINUTE:
            self.rising_ages.append(age)
        self.peek(now, shown)

    def _age(self, now: datetime, shown: float | None) -> timedelta | None:
        if shown is None:
            return None
        return now - self._last_had.get(shown, self._history_start or now)

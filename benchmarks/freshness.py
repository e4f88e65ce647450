"""Freshness: how long after WHOOP scores a record it is shown, and how soon strain changes show."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from benchmarks.scored_records import RecordKind, ScoredRecord

MINUTE = timedelta(minutes=1)
# A change of strain this big counts as a change to show.
STRAIN_CHANGE = 0.1
# The moment a change crosses the threshold is found to this precision between two steps.
CROSSING_PRECISION = timedelta(seconds=1)


class VisibilityTracker:
    """Times, for each expected record, the delay from its scoring to Home Assistant showing it."""

    def __init__(
        self,
        records: Iterable[ScoredRecord],
        shows: Callable[[ScoredRecord], bool],
    ) -> None:
        """Watch for ``records``; ``shows`` tells whether the client shows one now."""
        self._pending = sorted(records, key=lambda record: record.scored_at)
        self._shows = shows
        self.shown_after: dict[ScoredRecord, timedelta] = {}

    @property
    def waiting(self) -> int:
        """How many records are scored-to-be or scored but not shown yet."""
        return len(self._pending)

    def observe(self, now: datetime) -> None:
        """Look at what the client shows at ``now`` for every record scored by then."""
        still_pending: list[ScoredRecord] = []
        for record in self._pending:
            if record.scored_at <= now and self._shows(record):
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


@dataclass(slots=True)
class StrainLag:
    """How soon each change of a member's day strain by 0.1 or more is shown.

    A change opens when the sandbox's strain first differs from the shown one by 0.1 (the moment
    found by bisection between two steps) and closes when the shown value moves (a poll brought
    a fresher one) or the two agree again. Changes are told apart by what the member did then:
    asleep or napping (at rest) or not (active, which includes working out). A new cycle (the
    member woke up: yesterday's strain gives way to today's) is a new day rather than a change,
    and is timed apart.
    """

    strain_at: Callable[[datetime], tuple[int, float] | None]
    """The sandbox's current cycle id and day strain at any moment (deterministic)."""
    resting_at: Callable[[datetime], bool]
    """Whether the member sleeps or naps at a moment."""
    active: list[timedelta] = field(default_factory=list)
    rest: list[timedelta] = field(default_factory=list)
    new_day: list[timedelta] = field(default_factory=list)
    unavailable_steps: int = 0
    _open_since: datetime | None = None
    _open_new_day: bool = False
    _agreed_cycle: int | None = None
    _open_shown: float | None = None
    _last_step: datetime | None = None

    def before_poll(self, now: datetime, shown: float | None) -> None:
        """Open a change if the sandbox's strain moved 0.1 away from ``shown`` since the last step."""
        previous, self._last_step = self._last_step, now
        if self._open_since is not None:
            return
        if shown is None:
            self.unavailable_steps += 1
            return
        current = self.strain_at(now)
        if not _apart(current, shown):
            if current is not None:
                self._agreed_cycle = current[0]
            return
        since = previous if previous is not None else now
        self._open_since = self._crossing(since, now, shown)
        self._open_shown = shown
        self._open_new_day = (
            current is not None
            and self._agreed_cycle is not None
            and current[0] != self._agreed_cycle
        )

    def after_poll(self, now: datetime, shown: float | None) -> None:
        """Close the open change if the shown value moved or agrees again."""
        if self._open_since is None or shown is None:
            return
        current = self.strain_at(now)
        if shown != self._open_shown or not _apart(current, shown):
            lag = now - self._open_since
            if self._open_new_day:
                self.new_day.append(lag)
            elif self.resting_at(self._open_since):
                self.rest.append(lag)
            else:
                self.active.append(lag)
            self._open_since = self._open_shown = None
            if current is not None:
                self._agreed_cycle = current[0]

    def _crossing(self, low: datetime, high: datetime, shown: float) -> datetime:
        """Return the first moment in (low, high] at which the strain is 0.1 from ``shown``."""
        while high - low > CROSSING_PRECISION:
            middle = low + (high - low) / 2
            if _apart(self.strain_at(middle), shown):
                high = middle
            else:
                low = middle
        return high


def _apart(current: tuple[int, float] | None, shown: float) -> bool:
    return current is not None and abs(current[1] - shown) >= STRAIN_CHANGE - 1e-9


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

"""The sandbox's notion of "now", shared by every part so tests can move time for both APIs at once."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def wall_clock() -> datetime:
    """Return the real current time, aware, in UTC."""
    return datetime.now(UTC)


class SandboxClock:
    """A clock that is either fixed or follows a source (the wall clock by default).

    Fixed: ``now()`` returns the same instant until ``set`` or ``advance`` moves it.
    Following: ``now()`` is the source's time plus an offset that ``set`` and ``advance`` adjust, so
    time keeps running from wherever it was moved to.
    """

    def __init__(self, start: datetime | None = None) -> None:
        """Start fixed at ``start``, or follow the wall clock when ``start`` is None."""
        self._source: Callable[[], datetime] | None = None
        self._fixed = wall_clock()
        self._offset = timedelta()
        if start is None:
            self._source = wall_clock
        else:
            self._fixed = _as_utc(start)

    @property
    def is_fixed(self) -> bool:
        """Whether time stands still between explicit moves."""
        return self._source is None

    def now(self) -> datetime:
        """Return the sandbox's current time, aware, in UTC."""
        if self._source is None:
            return self._fixed
        return _as_utc(self._source()) + self._offset

    def set(self, when: datetime) -> None:
        """Move the clock to ``when`` (a following clock keeps running from there)."""
        when = _as_utc(when)
        if self._source is None:
            self._fixed = when
        else:
            self._offset = when - _as_utc(self._source())

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta`` (backwards when negative)."""
        if self._source is None:
            self._fixed += delta
        else:
            self._offset += delta

    def follow(self, source: Callable[[], datetime]) -> None:
        """Follow ``source`` from now on, e.g. Home Assistant's ``dt_util.utcnow`` under freezer."""
        self._source = source
        self._offset = timedelta()

    def freeze(self) -> None:
        """Stop following the source: time stands still at the current instant."""
        self._fixed = self.now()
        self._source = None


def _as_utc(when: datetime) -> datetime:
    """Return ``when`` in UTC; a naive datetime is taken as UTC already."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)

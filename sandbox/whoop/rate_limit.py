"""WHOOP's per-app rate limits (100 a minute, 10,000 a day), windowed by the sandbox clock."""

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from .constants import RATE_LIMIT_PER_DAY, RATE_LIMIT_PER_MINUTE

_MINUTE: Final = 60
_DAY: Final = 86_400
_POLICIES: Final = (
    f"{RATE_LIMIT_PER_MINUTE};window={_MINUTE}, {RATE_LIMIT_PER_DAY};window={_DAY}"
)
# As WHOOP writes it: the first figure is the limit nearest to being hit, then both policies.
LIMIT_HEADER_VALUE: Final = f"{RATE_LIMIT_PER_MINUTE}, {_POLICIES}"
DAY_LIMIT_HEADER_VALUE: Final = f"{RATE_LIMIT_PER_DAY}, {_POLICIES}"


@dataclass(frozen=True, slots=True)
class RateDecision:
    """Whether a request may pass, and the headers WHOOP sends with the answer."""

    allowed: bool
    remaining: int
    reset_seconds: int
    day_window: bool = False
    """Whether the daily budget, not the minute's, is the one nearest its cap."""

    def headers(self) -> dict[str, str]:
        """Return the ``X-RateLimit-*`` headers."""
        return rate_limit_headers(
            self.remaining, self.reset_seconds, day_window=self.day_window
        )


def rate_limit_headers(
    remaining: int, reset_seconds: int, *, day_window: bool = False
) -> dict[str, str]:
    """Return WHOOP's rate-limit headers for the given remaining budget and reset time.

    ``day_window``: the daily budget is the one nearest its cap (or spent), so it leads
    ``X-RateLimit-Limit`` and ``X-RateLimit-Reset`` counts to the end of the day.
    """
    return {
        "X-RateLimit-Limit": DAY_LIMIT_HEADER_VALUE
        if day_window
        else LIMIT_HEADER_VALUE,
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset_seconds),
    }


class RateLimiter:
    """Fixed minute and day windows shared by every member of the one sandbox app."""

    def __init__(self) -> None:
        """Start with both budgets full."""
        self._minute_window = -1
        self._minute_count = 0
        self._day_window = -1
        self._day_count = 0

    def check(self, now: datetime) -> RateDecision:
        """Count one request at ``now`` unless a budget is spent, and say which way it went."""
        seconds = int(now.timestamp())
        minute_window, day_window = seconds // _MINUTE, seconds // _DAY
        if minute_window != self._minute_window:
            self._minute_window, self._minute_count = minute_window, 0
        if day_window != self._day_window:
            self._day_window, self._day_count = day_window, 0
        minute_reset = _MINUTE - seconds % _MINUTE
        day_reset = _DAY - seconds % _DAY
        if self._day_count >= RATE_LIMIT_PER_DAY:
            return RateDecision(
                allowed=False, remaining=0, reset_seconds=day_reset, day_window=True
            )
        if self._minute_count >= RATE_LIMIT_PER_MINUTE:
            return RateDecision(allowed=False, remaining=0, reset_seconds=minute_reset)
        self._minute_count += 1
        self._day_count += 1
        minute_left = RATE_LIMIT_PER_MINUTE - self._minute_count
        day_left = RATE_LIMIT_PER_DAY - self._day_count
        if day_left < minute_left:
            return RateDecision(
                allowed=True,
                remaining=day_left,
                reset_seconds=day_reset,
                day_window=True,
            )
        return RateDecision(
            allowed=True, remaining=minute_left, reset_seconds=minute_reset
        )

    @property
    def used_today(self) -> int:
        """Requests counted in the current day window."""
        return self._day_count

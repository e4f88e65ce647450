"""What WHOOP's HTTP answers mean: statuses become WhoopErrors, headers become figures."""

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from http import HTTPStatus
import math

from .const import DAILY_REQUEST_LIMIT, MAX_RATE_LIMIT_WAIT
from .exceptions import (
    WhoopAuthenticationError,
    WhoopConnectionError,
    WhoopNotFoundError,
    WhoopRateLimitError,
    WhoopResponseError,
)

_AUTHENTICATION_STATUSES = frozenset({HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN})

# A reset figure this large is no delay but an epoch time: 10**9 s is 2001-09-09, and
# 10**11 s lies beyond year 5000, so from there on it can only be milliseconds.
_EPOCH_SECONDS_FROM = 10**9
_EPOCH_MILLISECONDS_FROM = 10**11
_DAY_SECONDS = 86_400


def raise_for_status(request_name: str, status: int, retry_after: float | None) -> None:
    """Raise the WhoopError matching a non-2xx status."""
    if HTTPStatus.OK <= status < HTTPStatus.MULTIPLE_CHOICES:
        return
    if status in _AUTHENTICATION_STATUSES:
        msg = (
            f"{request_name}: WHOOP rejected the access token or its scopes ({status})"
        )
        raise WhoopAuthenticationError(msg, status=status)
    if status == HTTPStatus.NOT_FOUND:
        msg = f"{request_name}: not found (404)"
        raise WhoopNotFoundError(msg, status=status)
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        msg = f"{request_name}: rate limit reached (429)"
        raise WhoopRateLimitError(msg, status=status, retry_after=retry_after)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        msg = f"{request_name}: WHOOP server error ({status})"
        raise WhoopConnectionError(msg, status=status)
    msg = f"{request_name}: unexpected HTTP status {status}"
    raise WhoopResponseError(msg, status=status)


def leading_integer(header: str | None) -> int | None:
    """Return the first integer of a header such as ``100, 100;window=60``, if any."""
    if header is None:
        return None
    first = header.split(",", 1)[0].split(";", 1)[0].strip()
    return int(first) if first.isdecimal() else None


def retry_after_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """Return the seconds to wait from ``X-RateLimit-Reset`` or ``Retry-After``.

    Both may be seconds to wait, an epoch time (seconds or milliseconds) or, for
    ``Retry-After``, an HTTP date. The wait is never negative and at most an hour, or,
    when the daily window is the one exhausted, at most until the next UTC midnight.
    ``None`` when neither header gives a usable figure.
    """
    for name in ("X-RateLimit-Reset", "Retry-After"):
        header = headers.get(name)
        if header is not None and (seconds := _parse_delay(header, now)) is not None:
            if _daily_window_hit(headers.get("X-RateLimit-Limit")):
                return min(seconds, _seconds_until_next_utc_midnight(now))
            return min(seconds, MAX_RATE_LIMIT_WAIT)
    return None


def _parse_delay(header: str, now: datetime) -> float | None:
    """Parse a delay, an epoch time or an HTTP date into seconds from ``now`` (>= 0)."""
    text = header.strip()
    try:
        figure = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(figure):
            return None
        if figure >= _EPOCH_MILLISECONDS_FROM:
            figure = figure / 1000 - now.timestamp()
        elif figure >= _EPOCH_SECONDS_FROM:
            figure -= now.timestamp()
        return max(figure, 0.0)
    try:
        when = parsedate_to_datetime(text)
    except TypeError, ValueError:
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)


def _daily_window_hit(limit_header: str | None) -> bool:
    """Whether ``X-RateLimit-Limit`` says the daily window is the one nearest its cap.

    Its first figure is the limit closest to being hit, e.g. ``10000, 100;window=60,
    10000;window=86400``; the window comes from its own parameters or from the policy
    listed with the same figure.
    """
    if limit_header is None:
        return False
    policies = [_parse_policy(entry) for entry in limit_header.split(",")]
    figure, window = policies[0]
    if window is None:
        window = next(
            (seconds for limit, seconds in policies[1:] if limit == figure and seconds),
            None,
        )
    if window is None:
        return figure is not None and figure >= DAILY_REQUEST_LIMIT
    return window >= _DAY_SECONDS


def _parse_policy(entry: str) -> tuple[int | None, int | None]:
    """Parse ``10000;window=86400`` into (10000, 86400); unreadable parts are None."""
    figure_text, *parameters = (part.strip() for part in entry.split(";"))
    window: int | None = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "window" and value.strip().isdecimal():
            window = int(value.strip())
    return (int(figure_text) if figure_text.isdecimal() else None), window


def _seconds_until_next_utc_midnight(now: datetime) -> float:
    """Return the seconds from ``now`` to the next midnight UTC (at most a day)."""
    today = now.astimezone(UTC).date()
    midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=UTC)
    return (midnight - now).total_seconds()

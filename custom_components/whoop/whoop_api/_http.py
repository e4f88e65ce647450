"""What WHOOP's HTTP answers mean: statuses become WhoopErrors, headers become figures."""

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
import math

from .exceptions import (
    WhoopAuthenticationError,
    WhoopConnectionError,
    WhoopNotFoundError,
    WhoopRateLimitError,
    WhoopResponseError,
)

_AUTHENTICATION_STATUSES = frozenset({HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN})


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


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Return the seconds to wait from ``X-RateLimit-Reset`` or ``Retry-After``."""
    for name in ("X-RateLimit-Reset", "Retry-After"):
        header = headers.get(name)
        if header is not None and (seconds := _parse_delay(header)) is not None:
            return seconds
    return None


def _parse_delay(header: str) -> float | None:
    """Parse a delay given in seconds or, as ``Retry-After`` allows, as an HTTP date."""
    try:
        seconds = float(header.strip())
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(header)
    except TypeError, ValueError:
        return None
    if when.tzinfo is None:
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)

"""How patiently messages are delivered: the figures, and the clock and sleep that apply them.

The figures are a frozen value built by the composition root (``whatsapp/setup.py``), so tests
lower them there; the clock and sleep are passed next to them, never read from a module global.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

type Clock = Callable[[], float]
"""Monotonic seconds, e.g. the event loop's ``time``."""

type Sleep = Callable[[float], Awaitable[None]]
"""Waits the given seconds, e.g. ``asyncio.sleep``."""


@dataclass(frozen=True, slots=True)
class DeliveryTiming:
    """How patiently messages are delivered.

    Attributes:
        recipient_spacing: Seconds between two messages to the same person (WhatsApp tolerates
            about one every 6 seconds before answering 131056).
        rate_limit_retries: How many times a rate-limited message is sent again before giving up.
        rate_limit_backoff: Seconds before the first retry after a rate limit; doubles each time.
        temporary_retry_delay: Seconds before the single retry after a temporary failure.
    """

    recipient_spacing: float = 6.0
    rate_limit_retries: int = 3
    rate_limit_backoff: float = 6.0
    temporary_retry_delay: float = 2.0

"""Retries by the client's classification of an error (``WhatsAppError.kind``), nothing else.

Rate limits are sent again after a pause that doubles each time, up to ``rate_limit_retries``
times; temporary failures once. Every other error is final and goes to the user.
"""

from collections.abc import Awaitable, Callable
import logging

from ...whatsapp_api import WhatsAppError, WhatsAppErrorKind
from .timing import DeliveryTiming, Sleep

_LOGGER = logging.getLogger(__name__)


class Retrier:
    """Makes a request again while the client says another try may succeed."""

    def __init__(self, timing: DeliveryTiming, sleep: Sleep) -> None:
        """Retry as ``timing`` says, waiting with ``sleep``."""
        self._timing = timing
        self._sleep = sleep

    async def run[T](self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Return the result of the first ``attempt`` that succeeds.

        Raises:
            WhatsAppError: The error of the last attempt, once no retry is left for its kind.
        """
        rate_limited = 0
        retried_temporary = False
        while True:
            try:
                return await attempt()
            except WhatsAppError as err:
                match err.kind:
                    case WhatsAppErrorKind.RETRY_AFTER_BACKOFF if (
                        rate_limited < self._timing.rate_limit_retries
                    ):
                        delay = self._timing.rate_limit_backoff * 2**rate_limited
                        rate_limited += 1
                    case WhatsAppErrorKind.RETRY_ONCE if not retried_temporary:
                        delay = self._timing.temporary_retry_delay
                        retried_temporary = True
                    case _:
                        raise
                _LOGGER.debug(
                    "WhatsApp error %s (%s): retrying in %.1f s",
                    err.code,
                    err.kind.value,
                    delay,
                )
            await self._sleep(delay)

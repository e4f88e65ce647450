"""Retries follow the client's classification of each error, and nothing else."""

from collections.abc import Awaitable, Callable

import pytest

from custom_components.whoop.whatsapp.delivery.retry import Retrier
from custom_components.whoop.whatsapp.delivery.timing import DeliveryTiming
from custom_components.whoop.whatsapp_api import (
    WhatsAppError,
    WhatsAppOutsideWindowError,
    WhatsAppRateLimitError,
    WhatsAppTemporaryError,
    error_class_for,
)
from tests.integration.whatsapp.delivery.conftest import FakeClock

TIMING = DeliveryTiming(
    rate_limit_retries=3, rate_limit_backoff=6.0, temporary_retry_delay=2.0
)


def _failing(
    errors: list[WhatsAppError], calls: list[int]
) -> Callable[[], Awaitable[str]]:
    async def attempt() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return "sent"

    return attempt


async def test_rate_limits_back_off_doubling(clock: FakeClock) -> None:
    calls: list[int] = []
    errors: list[WhatsAppError] = [
        WhatsAppRateLimitError("slow down", code=131056) for _ in range(3)
    ]

    assert await Retrier(TIMING, clock.sleep).run(_failing(errors, calls)) == "sent"
    assert clock.sleeps == [6.0, 12.0, 24.0]
    assert len(calls) == 4


async def test_rate_limits_give_up_after_the_retries(clock: FakeClock) -> None:
    calls: list[int] = []
    errors: list[WhatsAppError] = [
        WhatsAppRateLimitError("slow down", code=131056) for _ in range(4)
    ]

    with pytest.raises(WhatsAppRateLimitError):
        await Retrier(TIMING, clock.sleep).run(_failing(errors, calls))
    assert len(calls) == 4


@pytest.mark.parametrize("code", [1, 2, 131000, 131016, 131057])
async def test_temporary_failures_are_retried_once(clock: FakeClock, code: int) -> None:
    calls: list[int] = []
    error_class = error_class_for(code)
    assert error_class is WhatsAppTemporaryError
    errors: list[WhatsAppError] = [error_class("later", code=code) for _ in range(2)]

    with pytest.raises(WhatsAppTemporaryError):
        await Retrier(TIMING, clock.sleep).run(_failing(errors, calls))
    assert clock.sleeps == [2.0]
    assert len(calls) == 2


async def test_an_is_transient_error_is_retried(clock: FakeClock) -> None:
    calls: list[int] = []
    error_class = error_class_for(999_999, is_transient=True)
    errors: list[WhatsAppError] = [error_class("later", code=999_999)]

    assert await Retrier(TIMING, clock.sleep).run(_failing(errors, calls)) == "sent"
    assert len(calls) == 2


@pytest.mark.parametrize(
    "error",
    [
        WhatsAppOutsideWindowError("window", code=131047),
        WhatsAppError("unknown", code=999_999),
    ],
)
async def test_other_errors_are_final(clock: FakeClock, error: WhatsAppError) -> None:
    calls: list[int] = []

    with pytest.raises(type(error)):
        await Retrier(TIMING, clock.sleep).run(_failing([error], calls))
    assert clock.sleeps == []
    assert len(calls) == 1

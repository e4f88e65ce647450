"""A fake clock for the delivery parts: sleeping moves it on at once, and each wait is recorded."""

import asyncio

import pytest


class FakeClock:
    """Monotonic time that only sleeping advances."""

    def __init__(self) -> None:
        """Start at an arbitrary time, with no wait yet."""
        self.now = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        """Return the time now."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Move the clock on by ``seconds``."""
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        await asyncio.sleep(0)  # let the other waiters run, as a real sleep would


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()

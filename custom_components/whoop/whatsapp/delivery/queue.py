"""Per-recipient queues: one send at a time to each person, in arrival order, spaced apart.

WhatsApp refuses bursts to one person (131056), so sends to the same number are serialised and
kept ``spacing`` seconds apart; different people never wait for each other. An asyncio lock wakes
its waiters in arrival order, so nothing is dropped or reordered.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from .timing import Clock, Sleep


class RecipientTurn:
    """One person's queue while a caller holds it: every request through it is spaced."""

    def __init__(self, spacing: float, clock: Clock, sleep: Sleep) -> None:
        """Keep requests ``spacing`` seconds apart, measured by ``clock``, waited by ``sleep``."""
        self._spacing = spacing
        self._clock = clock
        self._sleep = sleep
        self._next_request_at = 0.0
        self.lock = asyncio.Lock()
        self.waiting = 0

    async def request[T](self, request: Callable[[], Awaitable[T]]) -> T:
        """Wait until the previous request is ``spacing`` ago, then make this one.

        A failed request counts too: WhatsApp counted it against the pair limit all the same.
        """
        delay = self._next_request_at - self._clock()
        if delay > 0:
            await self._sleep(delay)
        try:
            return await request()
        finally:
            self._next_request_at = self._clock() + self._spacing


class RecipientQueues:
    """The queues of all the people one business number sends to, keyed by their number."""

    def __init__(self, spacing: float, *, clock: Clock, sleep: Sleep) -> None:
        """Space the requests to each person ``spacing`` seconds apart."""
        self._spacing = spacing
        self._clock = clock
        self._sleep = sleep
        self._turns: dict[str, RecipientTurn] = {}

    @property
    def pending(self) -> dict[str, int]:
        """How many sends wait for each person's queue, by number (only those waiting)."""
        return {key: turn.waiting for key, turn in self._turns.items() if turn.waiting}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[RecipientTurn]:
        """Wait for the person's queue, and hold it for the whole send (all its parts)."""
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = RecipientTurn(
                self._spacing, self._clock, self._sleep
            )
        turn.waiting += 1
        try:
            await turn.lock.acquire()
        finally:
            turn.waiting -= 1
        try:
            yield turn
        finally:
            turn.lock.release()

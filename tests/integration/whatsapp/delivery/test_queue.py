"""The per-recipient queue: in order, one at a time, spaced; different people do not wait."""

import asyncio

import pytest

from custom_components.whoop.whatsapp.delivery.queue import RecipientQueues
from tests.integration.whatsapp.delivery.conftest import FakeClock


def _queues(clock: FakeClock, spacing: float = 6.0) -> RecipientQueues:
    return RecipientQueues(spacing, clock=clock.time, sleep=clock.sleep)


async def test_sends_to_one_person_go_in_order_and_spaced(clock: FakeClock) -> None:
    queues = _queues(clock)
    made: list[tuple[str, float]] = []

    async def send(name: str) -> str:
        async with queues.turn("alice") as turn:

            async def request() -> str:
                made.append((name, clock.now))
                return name

            return await turn.request(request)

    results = await asyncio.gather(*(send(f"m{number}") for number in range(4)))

    assert results == ["m0", "m1", "m2", "m3"]
    assert [name for name, _ in made] == ["m0", "m1", "m2", "m3"]
    assert [at - made[0][1] for _, at in made] == [0.0, 6.0, 12.0, 18.0]


async def test_a_failed_request_counts_for_the_spacing(clock: FakeClock) -> None:
    queues = _queues(clock, spacing=2.0)

    async def fail() -> None:
        raise RuntimeError

    async def succeed() -> None:
        pass

    async with queues.turn("alice") as turn:
        with pytest.raises(RuntimeError):
            await turn.request(fail)
        await turn.request(succeed)

    assert clock.sleeps == [2.0]


async def test_different_people_do_not_wait(clock: FakeClock) -> None:
    queues = _queues(clock)

    async def succeed() -> None:
        pass

    for person in ("alice", "bob", "carol"):
        async with queues.turn(person) as turn:
            await turn.request(succeed)

    assert clock.sleeps == []


async def test_pending_counts_only_those_waiting(clock: FakeClock) -> None:
    queues = _queues(clock)
    release = asyncio.Event()

    async def hold() -> None:
        async with queues.turn("alice"):
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(3)]
    await asyncio.sleep(0)
    assert queues.pending == {"alice": 2}
    release.set()
    await asyncio.gather(*holders)
    assert queues.pending == {}

"""History import: every page of a collection between two times, capped and resumable."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.whoop.whoop_api import (
    CYCLE_COLLECTION,
    RECOVERY_COLLECTION,
    SLEEP_COLLECTION,
    WORKOUT_COLLECTION,
    Collection,
    HistoryPage,
    WhoopClient,
    WhoopResponseError,
)
from sandbox.app import Sandbox

from . import examples
from .conftest import ScriptedWhoop
from .test_client_sandbox import CYCLES, RECOVERIES, SLEEPS, WORKOUTS, truth

COLLECTIONS = [
    (CYCLE_COLLECTION, "cycles", CYCLES),
    (RECOVERY_COLLECTION, "recoveries", RECOVERIES),
    (SLEEP_COLLECTION, "sleeps", SLEEPS),
    (WORKOUT_COLLECTION, "workouts", WORKOUTS),
]


async def _all_pages[RecordT](
    client: WhoopClient,
    collection: Collection[RecordT],
    start: datetime,
    **options: object,
) -> list[HistoryPage[RecordT]]:
    history = client.iterate_history(collection, start=start, **options)  # type: ignore[arg-type]
    return [page async for page in history]


@pytest.mark.parametrize(
    ("collection", "kind", "route"), COLLECTIONS, ids=[c[1] for c in COLLECTIONS]
)
async def test_every_record_since_start_in_pages_of_25(
    sandbox_client: WhoopClient,
    whoop_sandbox: Sandbox,
    collection: Collection[object],
    kind: str,
    route: str,
) -> None:
    expected = truth(whoop_sandbox)[kind]
    start = whoop_sandbox.clock.now() - timedelta(days=365)

    pages = await _all_pages(sandbox_client, collection, start, max_pages=10)

    assert [len(page.records) for page in pages] == [25, 25, len(expected) - 50]
    assert [record for page in pages for record in page.records] == expected
    assert [page.next_token is None for page in pages] == [False, False, True]
    assert whoop_sandbox.whoop.request_counts() == Counter({route: 3})


async def test_page_cap_then_resume_from_the_cursor(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    expected = truth(whoop_sandbox)["sleeps"]
    start = whoop_sandbox.clock.now() - timedelta(days=365)

    [first] = await _all_pages(sandbox_client, SLEEP_COLLECTION, start, max_pages=1)
    rest = await _all_pages(
        sandbox_client,
        SLEEP_COLLECTION,
        start,
        max_pages=5,
        next_token=first.next_token,
    )

    assert first.next_token is not None
    assert len(first.records) == 25
    assert [*first.records, *(r for page in rest for r in page.records)] == expected
    assert whoop_sandbox.whoop.request_counts() == Counter({SLEEPS: 3})


async def test_start_and_end_bound_the_history(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    now = whoop_sandbox.clock.now()
    start, end = now - timedelta(days=20), now - timedelta(days=5)

    pages = await _all_pages(
        sandbox_client, WORKOUT_COLLECTION, start, end=end, max_pages=10
    )

    workouts = [workout for page in pages for workout in page.records]
    assert workouts
    assert all(start <= workout.start < end for workout in workouts)
    assert workouts == [
        workout
        for workout in truth(whoop_sandbox)["workouts"]
        if start <= workout.start < end  # type: ignore[attr-defined]
    ]


async def test_pages_are_requested_only_when_taken(
    sandbox_client: WhoopClient, whoop_sandbox: Sandbox
) -> None:
    start = whoop_sandbox.clock.now() - timedelta(days=365)

    async for page in sandbox_client.iterate_history(
        CYCLE_COLLECTION, start=start, max_pages=10
    ):
        assert page.records
        break

    assert whoop_sandbox.whoop.request_counts() == Counter({CYCLES: 1})


async def test_resumed_requests_keep_the_window_and_pass_the_cursor(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue_page([examples.cycle()], cursor="c2")
    scripted_whoop.queue_page([examples.cycle()])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = datetime(2026, 2, 1, tzinfo=UTC)

    pages = await _all_pages(
        scripted_client, CYCLE_COLLECTION, start, end=end, max_pages=3, next_token="c1"
    )

    window = {
        "limit": "25",
        "start": "2026-01-01T00:00:00.000Z",
        "end": "2026-02-01T00:00:00.000Z",
    }
    assert [request.query for request in scripted_whoop.requests] == [
        window | {"nextToken": "c1"},
        window | {"nextToken": "c2"},
    ]
    assert [page.next_token for page in pages] == ["c2", None]


async def test_an_oversized_cursor_is_not_followed(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue_page([examples.cycle()], cursor="x" * 1025)

    with pytest.raises(WhoopResponseError, match="'next_token' is longer than 1024"):
        await _all_pages(
            scripted_client,
            CYCLE_COLLECTION,
            datetime(2026, 1, 1, tzinfo=UTC),
            max_pages=2,
        )
    assert len(scripted_whoop.requests) == 1


@pytest.mark.parametrize(
    ("start", "max_pages", "message"),
    [
        (datetime(2026, 1, 1, tzinfo=UTC), 0, "max_pages must be at least 1"),
        (datetime(2026, 1, 1), 3, "timezone-aware"),  # noqa: DTZ001 - the point
    ],
)
async def test_invalid_history_arguments(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    start: datetime,
    max_pages: int,
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        await _all_pages(scripted_client, CYCLE_COLLECTION, start, max_pages=max_pages)
    assert scripted_whoop.requests == []

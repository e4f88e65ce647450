"""Async client of WHOOP's developer API v2.

Every method makes real HTTP requests through the aiohttp session it was given; the
docstring of each "latest" helper states how many requests it costs, since WHOOP limits
an app (all its members together) to 100 requests a minute and 10,000 a day.
"""

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime

import aiohttp

from ._paging import (
    CYCLE_COLLECTION,
    RECOVERY_COLLECTION,
    SLEEP_COLLECTION,
    WORKOUT_COLLECTION,
    Collection,
    HistoryPage,
    collection_params,
    get_page,
    pages,
)
from ._records import RecordRequests
from ._transport import Clock, TokenProvider, WhoopTransport, utc_now
from .const import (
    DEFAULT_MAX_PAGES,
    DEFAULT_REQUEST_TIMEOUT,
    MAX_PAGE_LIMIT,
    WHOOP_API_BASE_URL,
)
from .models import Cycle, Recovery, Sleep, Workout

__all__ = [
    "CYCLE_COLLECTION",
    "RECOVERY_COLLECTION",
    "SLEEP_COLLECTION",
    "WORKOUT_COLLECTION",
    "Clock",
    "Collection",
    "HistoryPage",
    "TokenProvider",
    "WhoopClient",
]


class WhoopClient(RecordRequests):
    """Talks to WHOOP's developer API v2 on behalf of one member.

    Errors are WhoopError subclasses, except those of the token provider, which
    propagate unchanged (Home Assistant's OAuth session raises its own).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        token_provider: TokenProvider,
        *,
        base_url: str = WHOOP_API_BASE_URL,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        clock: Clock | None = None,
    ) -> None:
        """Create a client.

        Args:
            session: The aiohttp session to send requests through (left open).
            token_provider: Coroutine function returning a valid access token; called
                before every request.
            base_url: WHOOP's API host; other values serve tests and the sandbox.
            request_timeout: Seconds allowed for each request, response body included.
            clock: Returns the aware current time, to read epoch and date headers;
                the system clock by default (tests inject their own).
        """
        self._transport = WhoopTransport(
            session,
            token_provider,
            base_url=base_url,
            request_timeout=request_timeout,
            clock=clock or utc_now,
        )

    @property
    def rate_limit_remaining(self) -> int | None:
        """``X-RateLimit-Remaining`` of the last response; ``None`` if it had none."""
        return self._transport.rate_limit_remaining

    @property
    def rate_limit_limit(self) -> int | None:
        """The first figure of the last response's ``X-RateLimit-Limit``, if any."""
        return self._transport.rate_limit_limit

    # Collections, newest first. Arguments: start (inclusive), end (exclusive; WHOOP
    # defaults to now), limit (records per page, 1 to 25), max_pages (most requests).

    async def get_cycles(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = MAX_PAGE_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> list[Cycle]:
        """Return cycles, following pages up to ``max_pages`` requests."""
        return await self._collect(CYCLE_COLLECTION, start, end, limit, max_pages)

    async def get_recoveries(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = MAX_PAGE_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> list[Recovery]:
        """Return recoveries (sorted by their sleep's start)."""
        return await self._collect(RECOVERY_COLLECTION, start, end, limit, max_pages)

    async def get_sleeps(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = MAX_PAGE_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> list[Sleep]:
        """Return sleeps and naps."""
        return await self._collect(SLEEP_COLLECTION, start, end, limit, max_pages)

    async def get_workouts(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = MAX_PAGE_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> list[Workout]:
        """Return workouts."""
        return await self._collect(WORKOUT_COLLECTION, start, end, limit, max_pages)

    async def iterate_history[RecordT](
        self,
        collection: Collection[RecordT],
        *,
        start: datetime,
        end: datetime | None = None,
        max_pages: int,
        next_token: str | None = None,
    ) -> AsyncGenerator[HistoryPage[RecordT]]:
        """Yield every page of ``collection`` between ``start`` and ``end``, 25 a page.

        Each page is requested only once the previous one has been taken, so a caller
        may stop at any time; one request a page. To resume an interrupted import, pass
        the ``next_token`` of the last page stored, with the same ``start`` and ``end``.
        ``max_pages`` bounds the requests of this call; the last page's ``next_token``
        says whether more remain.
        """
        params = collection_params(start, end, MAX_PAGE_LIMIT)
        if next_token is not None:
            params["nextToken"] = next_token
        async with aclosing(
            pages(self._transport, collection, params, max_pages)
        ) as history:
            async for page in history:
                yield page

    # Latest records, as cheap as possible

    async def get_latest_recovery(self) -> Recovery | None:
        """Return the newest recovery in any score state, or ``None`` if there is none.

        Costs 1 request. It may belong to an earlier cycle if the strap was not worn.
        """
        return await self._first(RECOVERY_COLLECTION)

    async def get_latest_workout(self) -> Workout | None:
        """Return the newest workout, or ``None`` if there is none. Costs 1 request."""
        return await self._first(WORKOUT_COLLECTION)

    async def _first[RecordT](self, collection: Collection[RecordT]) -> RecordT | None:
        page = await get_page(
            self._transport, collection, collection_params(None, None, 1)
        )
        return page.records[0] if page.records else None

    async def _collect[RecordT](
        self,
        collection: Collection[RecordT],
        start: datetime | None,
        end: datetime | None,
        limit: int,
        max_pages: int,
    ) -> list[RecordT]:
        params = collection_params(start, end, limit)
        async with aclosing(
            pages(self._transport, collection, params, max_pages)
        ) as history:
            return [record async for page in history for record in page.records]

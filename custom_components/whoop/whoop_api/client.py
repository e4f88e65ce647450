"""Async client of WHOOP's developer API v2.

Every method makes real HTTP requests through the aiohttp session it was given; the
docstring of each "latest" helper states how many requests it costs, since WHOOP limits
an app (all its members together) to 100 requests a minute and 10,000 a day.
"""

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
import json
import logging
from urllib.parse import quote

import aiohttp
from yarl import URL

from ._http import leading_integer, raise_for_status, retry_after_seconds
from ._parsing import FieldReader, json_type_name
from .const import (
    BODY_MEASUREMENT_PATH,
    CYCLE_PATH,
    CYCLE_RECOVERY_PATH,
    CYCLE_SLEEP_PATH,
    CYCLES_PATH,
    DEFAULT_MAX_PAGES,
    DEFAULT_REQUEST_TIMEOUT,
    MAX_PAGE_LIMIT,
    PROFILE_PATH,
    RECOVERIES_PATH,
    SLEEP_PATH,
    SLEEPS_PATH,
    USER_ACCESS_PATH,
    WHOOP_API_BASE_URL,
    WORKOUT_PATH,
    WORKOUTS_PATH,
)
from .exceptions import WhoopConnectionError, WhoopNotFoundError, WhoopResponseError
from .models import BodyMeasurement, Cycle, Profile, Recovery, Sleep, Workout

_LOGGER = logging.getLogger(__name__)

type TokenProvider = Callable[[], Awaitable[str]]
"""Returns a valid access token; called before every request."""

type RecordParser[RecordT] = Callable[[object], RecordT]

type Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware."""

# WHOOP's cursors are a few dozen characters; a longer one is not followed.
_MAX_NEXT_TOKEN_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class Collection[RecordT]:
    """A paged collection of WHOOP records, for ``WhoopClient.iterate_history``."""

    name: str
    path: str
    parse: RecordParser[RecordT]


CYCLE_COLLECTION: Collection[Cycle] = Collection("cycles", CYCLES_PATH, Cycle.from_api)
RECOVERY_COLLECTION: Collection[Recovery] = Collection(
    "recoveries", RECOVERIES_PATH, Recovery.from_api
)
SLEEP_COLLECTION: Collection[Sleep] = Collection("sleeps", SLEEPS_PATH, Sleep.from_api)
WORKOUT_COLLECTION: Collection[Workout] = Collection(
    "workouts", WORKOUTS_PATH, Workout.from_api
)


@dataclass(frozen=True, slots=True)
class HistoryPage[RecordT]:
    """One page of a collection, newest first, and the cursor of the page after it."""

    records: tuple[RecordT, ...]
    next_token: str | None
    """Pass it as ``next_token`` (same start and end) to resume after this page;
    ``None`` on the last page."""


class WhoopClient:
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
        self._session = session
        self._token_provider = token_provider
        self._base_url = base_url.rstrip("/")
        self._request_timeout = request_timeout
        self._clock = clock or _utc_now
        self._rate_limit_remaining: int | None = None
        self._rate_limit_limit: int | None = None

    @property
    def rate_limit_remaining(self) -> int | None:
        """``X-RateLimit-Remaining`` of the last response; ``None`` if it had none."""
        return self._rate_limit_remaining

    @property
    def rate_limit_limit(self) -> int | None:
        """The first figure of the last response's ``X-RateLimit-Limit``, if any."""
        return self._rate_limit_limit

    # Single records

    async def get_profile(self) -> Profile:
        """Return the member's basic profile (1 request, scope ``read:profile``)."""
        return Profile.from_api(await self._get(PROFILE_PATH))

    async def get_body_measurement(self) -> BodyMeasurement:
        """Return the member's body measurements (1 request).

        Needs the scope ``read:body_measurement``.
        """
        return BodyMeasurement.from_api(await self._get(BODY_MEASUREMENT_PATH))

    async def get_cycle(self, cycle_id: int) -> Cycle:
        """Return one cycle (1 request, ``read:cycles``).

        Raises:
            WhoopNotFoundError: There is no such cycle.
        """
        return Cycle.from_api(await self._get(_path(CYCLE_PATH, cycle_id)))

    async def get_cycle_recovery(self, cycle_id: int) -> Recovery | None:
        """Return the recovery of a cycle, or ``None`` if it has none (1 request).

        WHOOP answers 404 when the cycle has no recovery (no sleep recorded before it).
        """
        try:
            data = await self._get(_path(CYCLE_RECOVERY_PATH, cycle_id))
        except WhoopNotFoundError:
            return None
        return Recovery.from_api(data)

    async def get_cycle_sleep(self, cycle_id: int) -> Sleep:
        """Return the sleep that started a cycle (1 request, ``read:sleep``).

        Raises:
            WhoopNotFoundError: There is no such cycle, or it has no sleep.
        """
        return Sleep.from_api(await self._get(_path(CYCLE_SLEEP_PATH, cycle_id)))

    async def get_sleep(self, sleep_id: str) -> Sleep:
        """Return one sleep or nap by its UUID (1 request, ``read:sleep``).

        Raises:
            WhoopNotFoundError: There is no such sleep.
        """
        return Sleep.from_api(await self._get(_path(SLEEP_PATH, sleep_id)))

    async def get_workout(self, workout_id: str) -> Workout:
        """Return one workout by its UUID (1 request, ``read:workout``).

        Raises:
            WhoopNotFoundError: There is no such workout.
        """
        return Workout.from_api(await self._get(_path(WORKOUT_PATH, workout_id)))

    async def revoke_access(self) -> None:
        """Revoke the app's access to the member's data (and their webhooks)."""
        await self._request("DELETE", USER_ACCESS_PATH)

    # Collections

    async def get_cycles(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = MAX_PAGE_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> list[Cycle]:
        """Return cycles newest first, following pages up to ``max_pages`` requests.

        Args:
            start: Only cycles that occurred at or after this time (inclusive).
            end: Only cycles before this time (exclusive); WHOOP defaults to now.
            limit: Records per page, 1 to 25.
            max_pages: Most pages (requests) to fetch; later records are left out.
        """
        params = _collection_params(start, end, limit)
        return await self._collect(CYCLES_PATH, Cycle.from_api, params, max_pages)

    async def get_recoveries(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = MAX_PAGE_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> list[Recovery]:
        """Return recoveries newest first; arguments as for ``get_cycles``."""
        params = _collection_params(start, end, limit)
        return await self._collect(
            RECOVERIES_PATH, Recovery.from_api, params, max_pages
        )

    async def get_sleeps(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = MAX_PAGE_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> list[Sleep]:
        """Return sleeps and naps newest first; arguments as for ``get_cycles``."""
        params = _collection_params(start, end, limit)
        return await self._collect(SLEEPS_PATH, Sleep.from_api, params, max_pages)

    async def get_workouts(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = MAX_PAGE_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> list[Workout]:
        """Return workouts newest first; arguments as for ``get_cycles``."""
        params = _collection_params(start, end, limit)
        return await self._collect(WORKOUTS_PATH, Workout.from_api, params, max_pages)

    # History

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

        Args:
            collection: ``CYCLE_COLLECTION``, ``RECOVERY_COLLECTION``,
                ``SLEEP_COLLECTION`` or ``WORKOUT_COLLECTION``.
            start: Only records at or after this time (inclusive).
            end: Only records before this time (exclusive); WHOOP defaults to now.
            max_pages: Most pages (requests) to fetch in this call; the last page's
                ``next_token`` says whether more remain.
            next_token: The cursor to start from; ``None`` starts with the newest.
        """
        params = _collection_params(start, end, MAX_PAGE_LIMIT)
        if next_token is not None:
            params["nextToken"] = next_token
        pages = self._pages(collection.path, collection.parse, params, max_pages)
        async with aclosing(pages) as history:
            async for records, cursor in history:
                yield HistoryPage(tuple(records), cursor)

    # Latest records, as cheap as possible

    async def get_latest_recovery(self) -> Recovery | None:
        """Return the newest recovery in any score state, or ``None`` if there is none.

        Costs 1 request. It may belong to an earlier cycle if the strap was not worn.
        """
        return await self._first(RECOVERIES_PATH, Recovery.from_api)

    async def get_latest_workout(self) -> Workout | None:
        """Return the newest workout, or ``None`` if there is none. Costs 1 request."""
        return await self._first(WORKOUTS_PATH, Workout.from_api)

    # Internals

    async def _first[RecordT](
        self, path: str, parse: RecordParser[RecordT]
    ) -> RecordT | None:
        params = _collection_params(None, None, 1)
        records, _ = await self._get_page(path, parse, params)
        return records[0] if records else None

    async def _collect[RecordT](
        self,
        path: str,
        parse: RecordParser[RecordT],
        params: Mapping[str, str],
        max_pages: int,
    ) -> list[RecordT]:
        async with aclosing(self._iterate(path, parse, params, max_pages)) as records:
            return [record async for record in records]

    async def _iterate[RecordT](
        self,
        path: str,
        parse: RecordParser[RecordT],
        params: Mapping[str, str],
        max_pages: int,
    ) -> AsyncGenerator[RecordT]:
        """Yield records, requesting each page only once the previous one is used up."""
        async with aclosing(self._pages(path, parse, params, max_pages)) as pages:
            async for records, _ in pages:
                for record in records:
                    yield record

    async def _pages[RecordT](
        self,
        path: str,
        parse: RecordParser[RecordT],
        params: Mapping[str, str],
        max_pages: int,
    ) -> AsyncGenerator[tuple[list[RecordT], str | None]]:
        """Yield pages with their next cursor, each requested once the last is taken."""
        if max_pages < 1:
            msg = f"max_pages must be at least 1, not {max_pages}"
            raise ValueError(msg)
        for _ in range(max_pages):
            records, next_token = await self._get_page(path, parse, params)
            yield records, next_token
            if next_token is None:
                return
            # WHOOP takes the token as camelCase "nextToken", sends it as "next_token".
            params = {**params, "nextToken": next_token}
        _LOGGER.debug("Stopped following %s after %d pages", path, max_pages)

    async def _get_page[RecordT](
        self, path: str, parse: RecordParser[RecordT], params: Mapping[str, str]
    ) -> tuple[list[RecordT], str | None]:
        reader = FieldReader(await self._get(path, params), "page")
        raw_records = reader.value("records")
        if not isinstance(raw_records, list):
            found = json_type_name(raw_records)
            msg = f"page: field 'records' should be an array, got {found}"
            raise WhoopResponseError(msg)
        records = [parse(raw_record) for raw_record in raw_records]
        # A missing, null or empty token all mean "last page".
        next_token = reader.string("next_token") if reader.has("next_token") else None
        if next_token is not None and len(next_token) > _MAX_NEXT_TOKEN_LENGTH:
            msg = f"page: field 'next_token' is longer than {_MAX_NEXT_TOKEN_LENGTH}"
            raise WhoopResponseError(msg)
        return records, next_token or None

    async def _get(self, path: str, params: Mapping[str, str] | None = None) -> object:
        data = await self._request("GET", path, params)
        if data is None:
            msg = f"GET {path} returned an empty body"
            raise WhoopResponseError(msg)
        return data

    async def _request(
        self, method: str, path: str, params: Mapping[str, str] | None = None
    ) -> object | None:
        """Send one request and return its decoded JSON body (``None`` if empty).

        Raises:
            WhoopError: The request failed; the subclass says how.
        """
        request_name = f"{method} {path}"
        token = await self._token_provider()
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        url = URL(f"{self._base_url}{path}", encoded=True)
        try:
            async with (
                asyncio.timeout(self._request_timeout),
                self._session.request(
                    method, url, params=params, headers=headers
                ) as response,
            ):
                self._record_rate_limit(response.headers)
                status = response.status
                body = await response.read()
                retry_after = retry_after_seconds(response.headers, self._clock())
        except TimeoutError as err:
            msg = f"{request_name} timed out after {self._request_timeout:g} s"
            raise WhoopConnectionError(msg) from err
        except aiohttp.ClientError as err:
            msg = f"{request_name} failed: {type(err).__name__}"
            raise WhoopConnectionError(msg) from err
        _LOGGER.debug("%s -> %d", request_name, status)
        raise_for_status(request_name, status, retry_after)
        if status == HTTPStatus.NO_CONTENT or not body.strip():
            return None
        try:
            data: object = json.loads(body)
        except (ValueError, RecursionError) as err:
            msg = f"{request_name} returned a body that is not valid JSON"
            raise WhoopResponseError(msg, status=status) from err
        return data

    def _record_rate_limit(self, headers: Mapping[str, str]) -> None:
        self._rate_limit_remaining = leading_integer(
            headers.get("X-RateLimit-Remaining")
        )
        self._rate_limit_limit = leading_integer(headers.get("X-RateLimit-Limit"))


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _collection_params(
    start: datetime | None, end: datetime | None, limit: int
) -> dict[str, str]:
    """Return the query of a collection's first page."""
    if not 1 <= limit <= MAX_PAGE_LIMIT:
        msg = f"limit must be between 1 and {MAX_PAGE_LIMIT}, not {limit}"
        raise ValueError(msg)
    params = {"limit": str(limit)}
    if start is not None:
        params["start"] = _format_timestamp(start)
    if end is not None:
        params["end"] = _format_timestamp(end)
    return params


def _path(template: str, record_id: int | str) -> str:
    """Fill a path template's ``{id}``, escaping what a path segment may not hold."""
    return template.format(id=quote(str(record_id), safe=""))


def _format_timestamp(when: datetime) -> str:
    """Format an aware datetime as WHOOP's ISO 8601 UTC with milliseconds."""
    if when.tzinfo is None or when.utcoffset() is None:
        msg = "start and end must be timezone-aware datetimes"
        raise ValueError(msg)
    return (
        when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )

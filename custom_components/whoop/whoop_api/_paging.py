"""WHOOP's paged collections: the query of a first page, and pages followed one cursor at a time."""

from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
import logging

from ._parsing import FieldReader, json_type_name
from ._transport import WhoopTransport
from .const import (
    CYCLES_PATH,
    MAX_PAGE_LIMIT,
    RECOVERIES_PATH,
    SLEEPS_PATH,
    WORKOUTS_PATH,
)
from .exceptions import WhoopResponseError
from .models import Cycle, Recovery, Sleep, Workout

_LOGGER = logging.getLogger(__name__)

type RecordParser[RecordT] = Callable[[object], RecordT]

# WHOOP's cursors are a few dozen characters; a longer one is not followed.
_MAX_NEXT_TOKEN_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class Collection[RecordT]:
    """A paged collection of WHOOP records."""

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


def collection_params(
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


async def pages[RecordT](
    transport: WhoopTransport,
    collection: Collection[RecordT],
    params: Mapping[str, str],
    max_pages: int,
) -> AsyncGenerator[HistoryPage[RecordT]]:
    """Yield pages with their next cursor, each requested once the last is taken."""
    if max_pages < 1:
        msg = f"max_pages must be at least 1, not {max_pages}"
        raise ValueError(msg)
    for _ in range(max_pages):
        page = await get_page(transport, collection, params)
        yield page
        if page.next_token is None:
            return
        # WHOOP takes the token as camelCase "nextToken", sends it as "next_token".
        params = {**params, "nextToken": page.next_token}
    _LOGGER.debug("Stopped following %s after %d pages", collection.path, max_pages)


async def get_page[RecordT](
    transport: WhoopTransport,
    collection: Collection[RecordT],
    params: Mapping[str, str],
) -> HistoryPage[RecordT]:
    """Request one page of ``collection``."""
    reader = FieldReader(await transport.get(collection.path, params), "page")
    raw_records = reader.value("records")
    if not isinstance(raw_records, list):
        found = json_type_name(raw_records)
        msg = f"page: field 'records' should be an array, got {found}"
        raise WhoopResponseError(msg)
    records = tuple(collection.parse(raw_record) for raw_record in raw_records)
    # A missing, null or empty token all mean "last page".
    next_token = reader.string("next_token") if reader.has("next_token") else None
    if next_token is not None and len(next_token) > _MAX_NEXT_TOKEN_LENGTH:
        msg = f"page: field 'next_token' is longer than {_MAX_NEXT_TOKEN_LENGTH}"
        raise WhoopResponseError(msg)
    return HistoryPage(records, next_token or None)


def _format_timestamp(when: datetime) -> str:
    """Format an aware datetime as WHOOP's ISO 8601 UTC with milliseconds."""
    if when.tzinfo is None or when.utcoffset() is None:
        msg = "start and end must be timezone-aware datetimes"
        raise ValueError(msg)
    return (
        when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )

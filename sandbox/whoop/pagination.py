"""WHOOP's collection paging: ``limit``, ``start``, ``end``, ``nextToken`` in; ``next_token`` out."""

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .constants import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX


class PageQueryError(ValueError):
    """A collection query WHOOP answers with 400."""


@dataclass(frozen=True, slots=True)
class PageQuery:
    """A parsed collection query."""

    limit: int
    start: datetime | None
    end: datetime | None
    before: datetime | None
    """From ``nextToken``: only records that start before this instant."""


def parse_page_query(query: Mapping[str, str]) -> PageQuery:
    """Parse WHOOP's collection query parameters.

    Raises:
        PageQueryError: a parameter is malformed or ``limit`` is outside 1-25.
    """
    raw_limit = query.get("limit", str(PAGE_LIMIT_DEFAULT))
    try:
        limit = int(raw_limit)
    except ValueError:
        msg = f"limit must be an integer, not {raw_limit!r}"
        raise PageQueryError(msg) from None
    if not 1 <= limit <= PAGE_LIMIT_MAX:
        msg = f"limit must be between 1 and {PAGE_LIMIT_MAX}"
        raise PageQueryError(msg)
    token = query.get("nextToken")
    return PageQuery(
        limit=limit,
        start=_parse_time(query, "start"),
        end=_parse_time(query, "end"),
        before=decode_token(token) if token else None,
    )


def _parse_time(query: Mapping[str, str], name: str) -> datetime | None:
    raw = query.get(name)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        msg = f"{name} must be an ISO 8601 date-time, not {raw!r}"
        raise PageQueryError(msg) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def encode_token(before: datetime) -> str:
    """Return an opaque next-page token meaning "records starting before ``before``"."""
    milliseconds = round(before.timestamp() * 1000)
    return base64.urlsafe_b64encode(str(milliseconds).encode()).decode().rstrip("=")


def decode_token(token: str) -> datetime:
    """Decode a token made by ``encode_token``.

    Raises:
        PageQueryError: the token was not made by this sandbox.
    """
    try:
        milliseconds = int(
            base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        )
        return datetime.fromtimestamp(milliseconds / 1000, UTC)
    except binascii.Error, UnicodeDecodeError, ValueError, OverflowError, OSError:
        msg = "nextToken is not a token this API issued"
        raise PageQueryError(msg) from None


def paginate[RecordT](
    records: Sequence[RecordT],
    span: Callable[[RecordT], tuple[datetime, datetime | None]],
    query: PageQuery,
    now: datetime,
    to_json: Callable[[RecordT], dict[str, object]],
) -> dict[str, object]:
    """Return one page of ``records`` (newest first by start) as WHOOP's paginated body.

    A record is in range when it overlaps [start, end): it began before ``end`` (default now) and
    either began at or after ``start`` or was still going on after it (a running record, without
    end, lasts until now).
    """
    end = query.end or now
    selected: list[RecordT] = []
    for record in records:
        record_start, record_end = span(record)
        if record_start >= end or (
            query.before is not None and record_start >= query.before
        ):
            continue
        if (
            query.start is not None
            and record_start < query.start
            and (record_end or now) <= query.start
        ):
            continue
        selected.append(record)
    page = selected[: query.limit]
    body: dict[str, object] = {"records": [to_json(record) for record in page]}
    if len(selected) > query.limit:
        body["next_token"] = encode_token(span(page[-1])[0])
    return body

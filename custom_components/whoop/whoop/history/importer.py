"""The history import: pages back through a member's records in the background.

All of the member's history by default, back to the account's start: 25 records a request,
spaced by the app-wide pacer, paused when WHOOP answers 429, resumed after a restart from the
stored cursor. Once complete, each setup only catches up with what was scored while Home
Assistant was off. Records feed the sensors' statistics (statistics.py) and the calendar's
index (records.py).
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import logging
import time
from typing import Any, Final, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, OAuth2TokenRequestReauthError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ...const import DOMAIN
from ...whoop_api import (
    MAX_PAGE_LIMIT,
    Recovery,
    Sleep,
    WhoopAuthenticationError,
    WhoopClient,
    WhoopError,
    WhoopRateLimitError,
    Workout,
)
from ..auth.scopes import DataFamily
from .pacing import HistoryPacer, async_sleep
from .progress import HistoryProgress, ImportStatus
from .records import RecordIndex
from .statistics import (
    HISTORY_FAMILIES,
    HistoryRecord,
    Target,
    async_find_targets,
    import_rows,
    is_sum,
    mean_rows,
    points_of,
    settled_before,
    sum_rows,
)

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION: Final = 1
PAGE_SIZE: Final = MAX_PAGE_LIMIT
# WHOOP may rescore the last days; the catch-up after a restart looks this far behind.
CATCH_UP_OVERLAP: Final = timedelta(days=3)
RATE_LIMIT_WAIT: Final = timedelta(minutes=1)  # when WHOOP does not say how long
MAX_RATE_LIMIT_WAIT: Final = timedelta(hours=24)
ERROR_BACKOFF: Final = timedelta(minutes=5)
MAX_FAILURES: Final = 5
"""Consecutive failed requests after which the import waits for the next setup."""
MAX_PAGES_PER_FAMILY: Final = 2_000
"""50,000 records: far beyond any member, a bound should WHOOP page forever."""
SAVE_DELAY_SECONDS: Final = 10


class _Fetch(Protocol):
    def __call__(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = ...,
        max_pages: int = ...,
    ) -> Awaitable[Sequence[HistoryRecord]]: ...


def fetcher_of(client: WhoopClient, family: DataFamily) -> _Fetch:
    """Return the client's collection method of ``family``."""
    fetchers: dict[DataFamily, _Fetch] = {
        DataFamily.SLEEP: client.get_sleeps,
        DataFamily.RECOVERY: client.get_recoveries,
        DataFamily.STRAIN: client.get_cycles,
        DataFamily.WORKOUT: client.get_workouts,
    }
    return fetchers[family]


class ImportStoppedError(Exception):
    """The import cannot go on before the next setup (no grant, too many failures)."""


@dataclass(slots=True)
class FamilyCursor:
    """How far one family's import has come; stored, so a restart resumes here."""

    oldest: datetime | None = None
    """Start of the oldest record fetched: the next page ends there."""
    newest: datetime | None = None
    """Start of the newest record fetched: the catch-up after a restart starts there."""
    complete: bool = False
    """The import reached the account's start."""
    tops: dict[str, float] = field(default_factory=dict)
    """Per energy sensor: the sum the next, older row ends at (native unit, see sum_rows)."""
    sum_floor: datetime | None = None
    """The oldest hour with a sum row: older rows only, so the sum never steps back."""

    def as_json(self) -> dict[str, Any]:
        """Return the cursor as stored."""
        return {
            "oldest": _iso(self.oldest),
            "newest": _iso(self.newest),
            "complete": self.complete,
            "tops": self.tops,
            "sum_floor": _iso(self.sum_floor),
        }

    @classmethod
    def from_json(cls, stored: object) -> FamilyCursor:
        """Read a stored cursor; a damaged one starts over (the import is idempotent)."""
        if not isinstance(stored, dict):
            return cls()
        tops = stored.get("tops")
        return cls(
            oldest=_parse(stored.get("oldest")),
            newest=_parse(stored.get("newest")),
            complete=stored.get("complete") is True,
            tops={
                str(key): float(value)
                for key, value in (tops.items() if isinstance(tops, dict) else ())
                if isinstance(value, int | float) and not isinstance(value, bool)
            },
            sum_floor=_parse(stored.get("sum_floor")),
        )


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class WhoopHistory:
    """One member's history: the import, its progress and the index of sleeps and workouts."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        entry_id: str,
        member_id: str,
        client: WhoopClient,
        families: set[DataFamily],
        pacer: HistoryPacer,
    ) -> None:
        """Prepare the import of ``families`` (those granted) for the member ``member_id``."""
        self._hass = hass
        self._member_id = member_id
        self._client = client
        self._pacer = pacer
        self.families = tuple(f for f in HISTORY_FAMILIES if f in families)
        self.index = RecordIndex()
        self.progress = HistoryProgress(families_total=len(self.families))
        self._cursors: dict[DataFamily, FamilyCursor] = {
            family: FamilyCursor() for family in self.families
        }
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.history.{entry_id}"
        )
        self._targets: dict[str, Target] = {}
        self._failures = 0
        self._task: asyncio.Task[None] | None = None
        self._index_listeners: list[Callable[[], None]] = []

    # Lifecycle

    async def async_load(self) -> None:
        """Read the stored cursor and records (a local file: no request)."""
        stored = await self._store.async_load() or {}
        cursors = stored.get("cursors")
        if isinstance(cursors, dict):
            for family in self.families:
                self._cursors[family] = FamilyCursor.from_json(cursors.get(family))
        self.index.load(stored.get("records"))
        counts = stored.get("counts")
        if isinstance(counts, dict):
            self.progress.records = _count(counts.get("records"))
            self.progress.requests = _count(counts.get("requests"))
        self._update_progress()

    @property
    def imports(self) -> bool:
        """Whether this member's history is imported (it needs the recorder)."""
        return bool(self.families) and "recorder" in self._hass.config.components

    def start(self, entry: ConfigEntry[Any]) -> None:
        """Start the import as the entry's background task (cancelled when it unloads)."""
        self._task = entry.async_create_background_task(
            self._hass, self._async_run(), f"WHOOP history import {self._member_id}"
        )

    async def async_stop(self) -> None:
        """Stop the import and write the cursor now (unload, restart)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._store.async_save(self._stored())

    # Index

    @callback
    def async_add_index_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` whenever the index changes (the calendar updates)."""
        self._index_listeners.append(listener)
        return lambda: self._index_listeners.remove(listener)

    @callback
    def async_add_records(self, records: Sequence[Sleep | Workout | None]) -> None:
        """Add sleeps and workouts a coordinator fetched anyway."""
        changed = False
        for record in records:
            if isinstance(record, Sleep):
                changed |= self.index.add_sleep(record)
            elif isinstance(record, Workout):
                changed |= self.index.add_workout(record)
        if changed:
            self._save_later()
            for listener in list(self._index_listeners):
                listener()

    # The import

    async def _async_run(self) -> None:
        started = time.monotonic()
        requests_before = self.progress.requests
        self._set_status(ImportStatus.IMPORTING)
        try:
            self._targets = await self._async_targets()
            for family in self.families:
                await self._async_import_family(family)
        except ImportStoppedError as err:
            self._set_status(ImportStatus.FAILED)
            _LOGGER.warning(
                "WHOOP history import stopped until the next restart: %s", err
            )
            return
        finally:
            self._save_later()
        self._set_status(ImportStatus.COMPLETE)
        oldest = self.progress.oldest
        _LOGGER.info(
            "WHOOP history import complete: %d records back to %s, %d requests in %.0f s",
            self.progress.records,
            oldest.date().isoformat() if oldest is not None else "today",
            self.progress.requests - requests_before,
            time.monotonic() - started,
        )

    async def _async_targets(self) -> dict[str, Target]:
        return await async_find_targets(self._hass, self._member_id, self.families)

    async def _async_import_family(self, family: DataFamily) -> None:
        cursor = self._cursors[family]
        if cursor.newest is not None:
            await self._async_catch_up(family, cursor)
        pages = 0
        while not cursor.complete and pages < MAX_PAGES_PER_FAMILY:
            pages += 1
            records = await self._async_fetch(family, start=None, end=cursor.oldest)
            known_oldest = cursor.oldest
            self._absorb(family, records, cursor, backwards=True)
            if len(records) < PAGE_SIZE or cursor.oldest == known_oldest:
                cursor.complete = True  # the account's start (or WHOOP gives no more)
            self._update_progress()
            self._save_later()

    async def _async_catch_up(self, family: DataFamily, cursor: FamilyCursor) -> None:
        """Fetch what was scored since the newest record known (Home Assistant was off)."""
        assert cursor.newest is not None  # noqa: S101 - checked by the caller
        start = cursor.newest - CATCH_UP_OVERLAP
        end: datetime | None = None
        for _ in range(MAX_PAGES_PER_FAMILY):
            records = await self._async_fetch(family, start=start, end=end)
            self._absorb(family, records, cursor, backwards=False)
            starts = [self._record_start(r) for r in records]
            if len(records) < PAGE_SIZE or (end is not None and min(starts) >= end):
                return
            end = min(starts)

    def _absorb(
        self,
        family: DataFamily,
        records: Sequence[HistoryRecord],
        cursor: FamilyCursor,
        *,
        backwards: bool,
    ) -> None:
        """Index, count and import one page; move the cursor."""
        if not records:
            return
        for record in records:
            if isinstance(record, Sleep):
                self.index.add_sleep(record)
            elif isinstance(record, Workout):
                self.index.add_workout(record)
        if any(isinstance(r, Sleep | Workout) for r in records):
            for listener in list(self._index_listeners):
                listener()
        starts = [self._record_start(r) for r in records]
        if backwards:
            cursor.oldest = (
                min(starts) if cursor.oldest is None else min(cursor.oldest, *starts)
            )
        cursor.newest = (
            max(starts) if cursor.newest is None else max(cursor.newest, *starts)
        )
        self.progress.records += len(records)
        oldest = min(starts)
        if self.progress.oldest is None or oldest < self.progress.oldest:
            self.progress.oldest = oldest
        self._import_statistics(family, records, cursor, backwards=backwards)

    def _import_statistics(
        self,
        family: DataFamily,
        records: Sequence[HistoryRecord],
        cursor: FamilyCursor,
        *,
        backwards: bool,
    ) -> None:
        points = points_of(family, records, self.index.sleep_end)
        settled = settled_before(dt_util.utcnow())
        for key, key_points in points.items():
            if (target := self._targets.get(key)) is None:
                continue
            if not is_sum(target.description):
                import_rows(
                    self._hass, target, mean_rows(key_points, target.convert, settled)
                )
                continue
            if not backwards:
                # A sum can only grow backwards from the first import: rows in a gap of the
                # live statistics would need every later row rewritten.
                continue
            before = (
                settled if cursor.sum_floor is None else min(settled, cursor.sum_floor)
            )
            rows, cursor.tops[key] = sum_rows(
                key_points, target.convert, before, cursor.tops.get(key, 0.0)
            )
            if rows:
                floor = rows[0]["start"]
                cursor.sum_floor = (
                    floor if cursor.sum_floor is None else min(cursor.sum_floor, floor)
                )
            import_rows(self._hass, target, rows)

    def _record_start(self, record: HistoryRecord) -> datetime:
        """When a record starts, as WHOOP's start and end query parameters read it."""
        if isinstance(record, Recovery):
            # A recovery is filtered by its sleep; its creation (the scoring) comes later,
            # so paging back from it repeats at most one recovery and never skips one.
            return self.index.sleep_start(record.sleep_id) or record.created_at
        return record.start

    async def _async_fetch(
        self, family: DataFamily, *, start: datetime | None, end: datetime | None
    ) -> Sequence[HistoryRecord]:
        """Fetch one page, paced; wait out 429s and back off on errors."""
        fetch = fetcher_of(self._client, family)
        while True:
            # After a 429 the pacer holds every member's import until WHOOP's reset.
            await self._pacer.async_wait_turn()
            if self.progress.status is ImportStatus.RATE_LIMITED:
                self._set_status(ImportStatus.IMPORTING)
            try:
                records = await fetch(
                    start=start, end=end, limit=PAGE_SIZE, max_pages=1
                )
            except WhoopRateLimitError as err:
                self.progress.requests += 1
                wait = (
                    timedelta(seconds=err.retry_after)
                    if err.retry_after is not None
                    else RATE_LIMIT_WAIT
                )
                wait = min(max(wait, timedelta(seconds=1)), MAX_RATE_LIMIT_WAIT)
                self._pacer.hold_until(dt_util.utcnow() + wait)
                self._set_status(ImportStatus.RATE_LIMITED)
                _LOGGER.debug("History import paused %s by WHOOP's rate limit", wait)
                continue
            except (WhoopAuthenticationError, OAuth2TokenRequestReauthError) as err:
                # The coordinators ask the user to sign in again; resumed after it.
                raise ImportStoppedError(type(err).__name__) from err
            except (WhoopError, HomeAssistantError) as err:
                self.progress.requests += 1
                self._failures += 1
                if self._failures >= MAX_FAILURES:
                    raise ImportStoppedError(type(err).__name__) from err
                _LOGGER.debug(
                    "History request failed (%s), retrying", type(err).__name__
                )
                await async_sleep(self._hass, ERROR_BACKOFF * self._failures)
                continue
            self._failures = 0
            self.progress.requests += 1
            return records

    # Progress and storage

    def _update_progress(self) -> None:
        progress = self.progress
        progress.families_done = sum(c.complete for c in self._cursors.values())
        # Once the first family reached the account's start, the others' share is time covered.
        account_start = min(
            (c.oldest for c in self._cursors.values() if c.complete and c.oldest),
            default=None,
        )
        current = next((c for c in self._cursors.values() if not c.complete), None)
        progress.current_fraction = 0.0
        if account_start is not None and current is not None and current.oldest:
            now = dt_util.utcnow()
            progress.current_fraction = (now - current.oldest) / max(
                now - account_start, timedelta(days=1)
            )
        if progress.families_done == len(self.families) and self.families:
            progress.status = ImportStatus.COMPLETE
        progress.async_changed()

    def _set_status(self, status: ImportStatus) -> None:
        self.progress.status = status
        self.progress.async_changed()

    def _stored(self) -> dict[str, Any]:
        return {
            "cursors": {family: c.as_json() for family, c in self._cursors.items()},
            "counts": {
                "records": self.progress.records,
                "requests": self.progress.requests,
            },
            "records": self.index.as_json(),
        }

    def _save_later(self) -> None:
        self._store.async_delay_save(self._stored, SAVE_DELAY_SECONDS)


def _count(value: object) -> int:
    return (
        value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0
        else 0
    )

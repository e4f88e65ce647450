"""The bounded index of sleeps, naps and workouts that the calendar reads.

Filled by the history import and by the sleep and workout coordinators, kept in memory and in the
history store, so that a calendar view costs no request.
"""

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final, Self

from ...whoop_api import Sleep, Workout

MAX_RECORDS: Final = 3_000
"""About three years of nights, naps and workouts; the oldest are dropped beyond it."""


class RecordKind(StrEnum):
    """What a calendar record is."""

    SLEEP = "sleep"
    NAP = "nap"
    WORKOUT = "workout"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarRecord:
    """What the calendar shows of one sleep, nap or workout (native units, unknown as None)."""

    uid: str
    kind: RecordKind
    start: datetime
    end: datetime
    sport: str | None = None
    strain: float | None = None
    kilojoule: float | None = None
    average_heart_rate: int | None = None
    max_heart_rate: int | None = None
    distance_meter: float | None = None
    total_sleep_milli: int | None = None
    sleep_performance: float | None = None
    sleep_efficiency: float | None = None
    respiratory_rate: float | None = None

    @classmethod
    def from_sleep(cls, sleep: Sleep) -> Self:
        """Describe a sleep or a nap."""
        score = sleep.score
        return cls(
            uid=sleep.id,
            kind=RecordKind.NAP if sleep.nap else RecordKind.SLEEP,
            start=sleep.start,
            end=sleep.end,
            total_sleep_milli=score.total_sleep_time_milli if score else None,
            sleep_performance=score.sleep_performance_percentage if score else None,
            sleep_efficiency=score.sleep_efficiency_percentage if score else None,
            respiratory_rate=score.respiratory_rate if score else None,
        )

    @classmethod
    def from_workout(cls, workout: Workout) -> Self:
        """Describe a workout."""
        score = workout.score
        return cls(
            uid=workout.id,
            kind=RecordKind.WORKOUT,
            start=workout.start,
            end=workout.end,
            sport=workout.sport_name,
            strain=score.strain if score else None,
            kilojoule=score.kilojoule if score else None,
            average_heart_rate=score.average_heart_rate if score else None,
            max_heart_rate=score.max_heart_rate if score else None,
            distance_meter=score.distance_meter if score else None,
        )

    def as_json(self) -> dict[str, object]:
        """Return the record as stored."""
        stored = asdict(self)
        stored["kind"] = self.kind.value
        stored["start"] = self.start.isoformat()
        stored["end"] = self.end.isoformat()
        return {key: value for key, value in stored.items() if value is not None}

    @classmethod
    def from_json(cls, stored: dict[str, object]) -> Self | None:
        """Read a stored record; None if it is not one (a damaged or older store)."""
        try:
            return cls(
                uid=str(stored["uid"]),
                kind=RecordKind(str(stored["kind"])),
                start=datetime.fromisoformat(str(stored["start"])),
                end=datetime.fromisoformat(str(stored["end"])),
                sport=_text(stored.get("sport")),
                strain=_number(stored.get("strain")),
                kilojoule=_number(stored.get("kilojoule")),
                average_heart_rate=_integer(stored.get("average_heart_rate")),
                max_heart_rate=_integer(stored.get("max_heart_rate")),
                distance_meter=_number(stored.get("distance_meter")),
                total_sleep_milli=_integer(stored.get("total_sleep_milli")),
                sleep_performance=_number(stored.get("sleep_performance")),
                sleep_efficiency=_number(stored.get("sleep_efficiency")),
                respiratory_rate=_number(stored.get("respiratory_rate")),
            )
        except KeyError, ValueError:
            return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _integer(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


class RecordIndex:
    """Sleeps, naps and workouts by id, at most ``MAX_RECORDS`` (the newest)."""

    def __init__(self, max_records: int = MAX_RECORDS) -> None:
        """Start empty."""
        self._records: dict[str, CalendarRecord] = {}
        self._max_records = max_records

    def __len__(self) -> int:
        """Return how many records the index holds."""
        return len(self._records)

    def add(self, record: CalendarRecord) -> bool:
        """Add or replace a record (a rescored one replaces the old); tell whether it changed."""
        if self._records.get(record.uid) == record:
            return False
        self._records[record.uid] = record
        if len(self._records) > self._max_records:
            for oldest in sorted(self._records.values(), key=_by_start)[
                : len(self._records) - self._max_records
            ]:
                del self._records[oldest.uid]
        return True

    def add_sleep(self, sleep: Sleep) -> bool:
        """Add a sleep or nap."""
        return self.add(CalendarRecord.from_sleep(sleep))

    def add_workout(self, workout: Workout) -> bool:
        """Add a workout."""
        return self.add(CalendarRecord.from_workout(workout))

    def sleep_end(self, sleep_id: str) -> datetime | None:
        """Return when the sleep ``sleep_id`` ended, if the index knows it."""
        record = self._records.get(sleep_id)
        return record.end if record is not None else None

    def sleep_start(self, sleep_id: str) -> datetime | None:
        """Return when the sleep ``sleep_id`` started, if the index knows it."""
        record = self._records.get(sleep_id)
        return record.start if record is not None else None

    def between(self, start: datetime, end: datetime) -> list[CalendarRecord]:
        """Return the records overlapping [start, end), oldest first."""
        return sorted(
            (r for r in self._records.values() if r.start < end and r.end > start),
            key=_by_start,
        )

    def __iter__(self) -> Iterator[CalendarRecord]:
        """Iterate over the records, oldest first."""
        return iter(sorted(self._records.values(), key=_by_start))

    def as_json(self) -> list[dict[str, object]]:
        """Return the records as stored."""
        return [record.as_json() for record in self]

    def load(self, stored: object) -> None:
        """Add the records of a stored list, skipping what cannot be read."""
        if not isinstance(stored, list):
            return
        for item in stored[-self._max_records :]:
            if isinstance(item, dict) and (record := CalendarRecord.from_json(item)):
                self.add(record)


def _by_start(record: CalendarRecord) -> datetime:
    return record.start

"""The sensors' hourly long-term statistics, built from WHOOP's records.

Statistic ids: the sensors' own (source ``recorder``, statistic_id = the entity id, the metadata the
recorder itself would write), not external ``whoop:`` ids. So the entity's more-info graph and a
statistics-graph card of the sensor show the member's history right after setup, continuing
without a seam into what the recorder compiles from the live state; external ids would be a second
series per value that no card shows unless the user finds it. In exchange, rows are written only
for hours the recorder has finished compiling, and sums (energy) are built backwards from the first
import so that they meet the live sum without a step (see ``SumCursor``).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import Any, Final

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    STATISTIC_UNIT_TO_UNIT_CONVERTER,
    async_import_statistics,
    get_metadata,
)
from homeassistant.components.sensor import SensorStateClass
from homeassistant.components.sensor.const import UNIT_CONVERTERS
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.unit_conversion import BaseUnitConverter

from ...const import DOMAIN
from ...whoop_api import Cycle, Recovery, Sleep, Workout
from ..auth.scopes import DataFamily
from ..coordinator import RecoveryData, SleepData, StrainData, WorkoutData
from ..sensors import SENSORS, WhoopSensorEntityDescription

_LOGGER = logging.getLogger(__name__)

RECORDER_SOURCE: Final = "recorder"
# The recorder compiles an hour shortly after it ends; rows for later hours would collide with it.
SETTLED_AFTER: Final = timedelta(hours=1)

type HistoryRecord = Cycle | Recovery | Sleep | Workout

HISTORY_FAMILIES: Final = (
    DataFamily.SLEEP,  # first: recoveries stand at the end of their night
    DataFamily.RECOVERY,
    DataFamily.STRAIN,
    DataFamily.WORKOUT,
)

_SUM_CLASSES: Final = (SensorStateClass.TOTAL, SensorStateClass.TOTAL_INCREASING)


def history_descriptions(
    family: DataFamily,
) -> tuple[WhoopSensorEntityDescription, ...]:
    """Return the sensors of ``family`` that keep long-term statistics."""
    return tuple(d for d in SENSORS if d.family is family and d.state_class is not None)


def is_sum(description: WhoopSensorEntityDescription) -> bool:
    """Whether the sensor's statistics are a sum (energy), not a mean."""
    return description.state_class in _SUM_CLASSES


def as_coordinator_data(family: DataFamily, record: HistoryRecord) -> object:
    """Wrap one record as its coordinator's data, so that the sensors' value_fn read it."""
    match family, record:
        case DataFamily.RECOVERY, Recovery():
            return RecoveryData(latest=record)
        case DataFamily.SLEEP, Sleep():
            return SleepData(last_night=record, latest_nap=None)
        case DataFamily.STRAIN, Cycle():
            return StrainData(current=record, previous=None)
        case DataFamily.WORKOUT, Workout():
            return WorkoutData(latest=record)
    msg = f"{type(record).__name__} is not a {family} record"
    raise TypeError(msg)


def stands_at(
    record: HistoryRecord, sleep_end: Callable[[str], datetime | None]
) -> datetime | None:
    """Return the instant a record's values belong to; None if it has none (yet).

    A night and its recovery: the night's end (the morning). A cycle: its middle, which is on the
    day it is named after (it runs from one falling asleep to the next). A workout: its end.
    """
    match record:
        case Sleep():
            return None if record.nap else record.end
        case Recovery():
            return sleep_end(record.sleep_id) or record.created_at
        case Cycle():
            if record.end is None:  # still running: the live sensor shows it
                return None
            return record.start + (record.end - record.start) / 2
        case Workout():
            return record.end


@dataclass(frozen=True, slots=True)
class Point:
    """One record's value of one sensor, in the sensor's native unit."""

    at: datetime
    value: float
    reset: datetime | None = None


def points_of(
    family: DataFamily,
    records: Iterable[HistoryRecord],
    sleep_end: Callable[[str], datetime | None],
) -> dict[str, list[Point]]:
    """Return each sensor's points (by sensor key) from ``records``; unscored ones have none."""
    points: dict[str, list[Point]] = defaultdict(list)
    for record in records:
        if (at := stands_at(record, sleep_end)) is None:
            continue
        data = as_coordinator_data(family, record)
        for description in history_descriptions(family):
            value = description.value_fn(data)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            reset = (
                record.start
                if description.state_class is SensorStateClass.TOTAL
                and not isinstance(record, Recovery)
                else None
            )
            points[description.key].append(Point(at, float(value), reset))
    return points


def hour_of(when: datetime) -> datetime:
    """Return the start of the hour ``when`` falls in."""
    return when.replace(minute=0, second=0, microsecond=0)


@dataclass(slots=True)
class Target:
    """Where one sensor's statistics go: its entity id, unit and unit converter."""

    description: WhoopSensorEntityDescription
    entity_id: str
    unit: str | None
    convert: Callable[[float], float]
    unit_class: str | None

    def metadata(self) -> StatisticMetaData:
        """Return the metadata the recorder writes for this sensor itself."""
        return StatisticMetaData(
            mean_type=StatisticMeanType.NONE
            if is_sum(self.description)
            else StatisticMeanType.ARITHMETIC,
            has_sum=is_sum(self.description),
            name=None,
            source=RECORDER_SOURCE,
            statistic_id=self.entity_id,
            unit_class=self.unit_class,
            unit_of_measurement=self.unit,
        )


def _converter(
    description: WhoopSensorEntityDescription, unit: str | None
) -> type[BaseUnitConverter] | None:
    native = description.native_unit_of_measurement
    if (
        description.device_class is not None
        and (converter := UNIT_CONVERTERS.get(description.device_class))
        and native in converter.VALID_UNITS
        and unit in converter.VALID_UNITS
    ):
        return converter
    converter = STATISTIC_UNIT_TO_UNIT_CONVERTER.get(native)
    if converter is not None and unit in converter.VALID_UNITS:
        return converter
    return None


async def async_find_targets(
    hass: HomeAssistant, unique_id_prefix: str, families: Iterable[DataFamily]
) -> dict[str, Target]:
    """Return the sensors (by key) whose statistics can be imported now.

    The unit is the one the recorder already keeps for the statistic, else the unit the sensor's
    state shows (the user may have changed it); values are converted from WHOOP's native unit.
    """
    registry = er.async_get(hass)
    wanted: dict[str, tuple[WhoopSensorEntityDescription, str]] = {}
    for family in families:
        for description in history_descriptions(family):
            entity_id = registry.async_get_entity_id(
                "sensor", DOMAIN, f"{unique_id_prefix}_{description.key}"
            )
            if entity_id is not None:
                wanted[description.key] = (description, entity_id)
    if not wanted:
        return {}
    known = await get_instance(hass).async_add_executor_job(
        _metadata, hass, {entity_id for _, entity_id in wanted.values()}
    )
    targets: dict[str, Target] = {}
    for key, (description, entity_id) in wanted.items():
        if entity_id in known:
            unit = known[entity_id]
        elif (state := hass.states.get(entity_id)) is not None:
            unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        else:
            continue  # disabled: it has no statistics to continue
        native = description.native_unit_of_measurement
        converter = _converter(description, unit)
        if unit == native:
            convert: Callable[[float], float] = float
        elif converter is not None:
            convert = converter.converter_factory(native, unit)
        else:
            _LOGGER.debug("No conversion from %s to %s for %s", native, unit, key)
            continue
        targets[key] = Target(
            description=description,
            entity_id=entity_id,
            unit=unit,
            convert=convert,
            unit_class=converter.UNIT_CLASS if converter is not None else None,
        )
    return targets


def _metadata(hass: HomeAssistant, statistic_ids: set[str]) -> dict[str, str | None]:
    """Return the unit the recorder keeps for each statistic id it knows (recorder thread)."""
    found = get_metadata(hass, statistic_ids=statistic_ids)
    return {
        statistic_id: meta["unit_of_measurement"]
        for statistic_id, (_, meta) in found.items()
    }


def mean_rows(
    points: Iterable[Point], convert: Callable[[float], float], before: datetime
) -> list[StatisticData]:
    """Return hourly mean rows (one per hour holding a point), for hours starting before ``before``."""
    by_hour: dict[datetime, list[float]] = defaultdict(list)
    for point in points:
        if (hour := hour_of(point.at)) < before:
            by_hour[hour].append(convert(point.value))
    return [
        StatisticData(
            start=hour, mean=sum(values) / len(values), min=min(values), max=max(values)
        )
        for hour, values in sorted(by_hour.items())
    ]


def sum_rows(
    points: Iterable[Point],
    convert: Callable[[float], float],
    before: datetime,
    top: float,
) -> tuple[list[StatisticData], float]:
    """Return hourly sum rows of points older than any imported before, and the new ``top``.

    Sums are built backwards: the newest row's sum is ``top`` (0 at the first import), each older
    row's is the newer one's minus the newer one's energy. So history ends exactly where the live
    sum starts, whichever of the two was written first; only differences of a sum matter.
    ``top`` (native unit) is what the next, older page continues from.
    """
    by_hour: dict[datetime, list[Point]] = defaultdict(list)
    for point in points:
        if (hour := hour_of(point.at)) < before:
            by_hour[hour].append(point)
    rows: list[StatisticData] = []
    for hour in sorted(by_hour, reverse=True):
        hour_points = sorted(by_hour[hour], key=lambda p: p.at)
        row = StatisticData(
            start=hour, state=convert(hour_points[-1].value), sum=convert(top)
        )
        if (reset := hour_points[-1].reset) is not None:
            row["last_reset"] = reset
        rows.append(row)
        top -= sum(p.value for p in hour_points)
    rows.reverse()
    return rows, top


def import_rows(hass: HomeAssistant, target: Target, rows: list[StatisticData]) -> None:
    """Queue ``rows`` for the recorder; rows at an hour already stored replace it (idempotent)."""
    if rows:
        async_import_statistics(hass, target.metadata(), rows)


def settled_before(now: datetime) -> datetime:
    """Return the first hour whose statistics the recorder may still be compiling."""
    return hour_of(now) - SETTLED_AFTER


def unit_summary(targets: Mapping[str, Target]) -> dict[str, Any]:
    """Describe the targets for the debug log (no values)."""
    return {key: target.unit for key, target in targets.items()}

"""WHOOP sensors: recovery, sleep, strain, the latest workout and body measurements.

A record that is PENDING_SCORE or UNSCORABLE has no score, so its sensors are unknown, never 0.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Protocol, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfEnergy,
    UnitOfLength,
    UnitOfMass,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from ..whoop_api import Cycle, Recovery, Sleep, SleepScore, Workout
from .auth.scopes import DataFamily
from .coordinator import (
    RecoveryData,
    SleepData,
    StrainData,
    WhoopConfigEntry,
    WhoopCoordinator,
    WorkoutData,
)
from .entity import WhoopEntity
from .history.progress import HistoryImportSensor

# Coordinators do all the fetching.
PARALLEL_UPDATES = 0

BEATS_PER_MINUTE = "bpm"
BREATHS_PER_MINUTE = "br/min"
RECOVERY_ZONES = ["green", "yellow", "red"]


@dataclass(frozen=True, kw_only=True)
class WhoopSensorEntityDescription(SensorEntityDescription):
    """A WHOOP sensor: which family feeds it and how its value is read."""

    family: DataFamily
    value_fn: Callable[[Any], StateType | date | datetime]
    last_reset_fn: Callable[[Any], datetime | None] | None = None
    """For a TOTAL sensor: when its current total started (a workout's start)."""


def recovery_zone(score: float | None) -> str | None:
    """Return WHOOP's zone for a recovery score: green ≥ 67, yellow 34-66, red ≤ 33."""
    if score is None:  # implausible, so unknown
        return None
    if score >= 67:  # noqa: PLR2004 - WHOOP's published zone boundary
        return "green"
    if score >= 34:  # noqa: PLR2004 - WHOOP's published zone boundary
        return "yellow"
    return "red"


class _Scored[ScoreT](Protocol):
    """A WHOOP record: its score is None unless WHOOP scored it."""

    @property
    def score(self) -> ScoreT | None:
        """Return the score."""
        ...


def _score_reader[DataT, ScoreT](
    record_of: Callable[[DataT], _Scored[ScoreT] | None],
) -> Callable[[Callable[[ScoreT], StateType]], Callable[[DataT], StateType]]:
    """Return a maker of value functions over a record's score (unknown while unscored)."""

    def reader(read: Callable[[ScoreT], StateType]) -> Callable[[DataT], StateType]:
        def value(data: DataT) -> StateType:
            record = record_of(data)
            if record is None or (score := record.score) is None:
                return None
            return read(score)

        return value

    return reader


def _local_date(when: datetime) -> date:
    """Return the date ``when`` falls on in Home Assistant's time zone."""
    return dt_util.as_local(when).date()


def _latest_recovery(data: RecoveryData) -> Recovery | None:
    return data.latest


def _last_night(data: SleepData) -> Sleep | None:
    return data.last_night


def _current_cycle(data: StrainData) -> Cycle | None:
    return data.current


def _previous_cycle(data: StrainData) -> Cycle | None:
    return data.previous


def _latest_workout(data: WorkoutData) -> Workout | None:
    return data.latest


_recovery = _score_reader(_latest_recovery)
_sleep = _score_reader(_last_night)
_strain = _score_reader(_current_cycle)
_workout_score = _score_reader(_latest_workout)
_previous_day_strain = _score_reader(_previous_cycle)(lambda score: score.strain)


# WHOOP's sport names are slugs ("functional-fitness"); these are not written as words are.
_SPORT_WORDS: Final = {"hiit": "HIIT", "mma": "MMA"}


def sport_in_words(sport_name: str) -> str:
    """Return a WHOOP sport name as people write it, e.g. ``Functional fitness``."""
    name = sport_name.strip().lower()
    if words := _SPORT_WORDS.get(name):
        return words
    words = name.replace("-", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


def _workout[T](read: Callable[[Workout], T]) -> Callable[[WorkoutData], T | None]:
    def value(data: WorkoutData) -> T | None:
        return read(data.latest) if data.latest else None

    return value


def _duration_ms(
    key: str,
    read: Callable[[SleepScore], int | None],
    *,
    enabled: bool = True,
    hours: bool = True,
) -> WhoopSensorEntityDescription:
    """A sleep duration, in ms from WHOOP, shown in hours or minutes."""
    return WhoopSensorEntityDescription(
        key=key,
        translation_key=key,
        family=DataFamily.SLEEP,
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS if hours else UnitOfTime.MINUTES,
        suggested_display_precision=2 if hours else 0,
        entity_registry_enabled_default=enabled,
        value_fn=_sleep(read),
    )


def _heart_rate(
    key: str,
    family: DataFamily,
    value_fn: Callable[[Any], StateType],
    *,
    enabled: bool = True,
) -> WhoopSensorEntityDescription:
    return WhoopSensorEntityDescription(
        key=key,
        translation_key=key,
        family=family,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=BEATS_PER_MINUTE,
        suggested_display_precision=0,
        entity_registry_enabled_default=enabled,
        value_fn=value_fn,
    )


def _percentage(
    key: str,
    family: DataFamily,
    value_fn: Callable[[Any], StateType],
    *,
    enabled: bool = True,
) -> WhoopSensorEntityDescription:
    return WhoopSensorEntityDescription(
        key=key,
        translation_key=key,
        family=family,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        entity_registry_enabled_default=enabled,
        value_fn=value_fn,
    )


def _zone(index: int, name: str) -> WhoopSensorEntityDescription:
    attribute = f"zone_{name}_milli"
    return WhoopSensorEntityDescription(
        key=f"workout_zone_{index}",
        translation_key=f"workout_zone_{index}",
        family=DataFamily.WORKOUT,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        entity_registry_enabled_default=False,
        value_fn=_workout_score(lambda s: getattr(s.zone_durations, attribute)),
    )


RECOVERY_SENSORS: tuple[WhoopSensorEntityDescription, ...] = (
    _percentage(
        "recovery_score", DataFamily.RECOVERY, _recovery(lambda s: s.recovery_score)
    ),
    WhoopSensorEntityDescription(
        key="recovery_zone",
        translation_key="recovery_zone",
        family=DataFamily.RECOVERY,
        device_class=SensorDeviceClass.ENUM,
        options=RECOVERY_ZONES,
        value_fn=_recovery(lambda s: recovery_zone(s.recovery_score)),
    ),
    WhoopSensorEntityDescription(
        key="heart_rate_variability",
        translation_key="heart_rate_variability",
        family=DataFamily.RECOVERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_display_precision=1,
        value_fn=_recovery(lambda s: s.hrv_rmssd_milli),
    ),
    _heart_rate(
        "resting_heart_rate",
        DataFamily.RECOVERY,
        _recovery(lambda s: s.resting_heart_rate),
    ),
    _percentage(
        "blood_oxygen", DataFamily.RECOVERY, _recovery(lambda s: s.spo2_percentage)
    ),
    # The newest recovery is yesterday's after a night without the strap: say which day.
    WhoopSensorEntityDescription(
        key="recovery_date",
        translation_key="recovery_date",
        family=DataFamily.RECOVERY,
        device_class=SensorDeviceClass.DATE,
        value_fn=lambda data: (
            _local_date(data.latest.created_at) if data.latest else None
        ),
    ),
    WhoopSensorEntityDescription(
        key="skin_temperature",
        translation_key="skin_temperature",
        family=DataFamily.RECOVERY,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=1,
        value_fn=_recovery(lambda s: s.skin_temp_celsius),
    ),
)

STRAIN_SENSORS: tuple[WhoopSensorEntityDescription, ...] = (
    WhoopSensorEntityDescription(
        key="day_strain",
        translation_key="day_strain",
        family=DataFamily.STRAIN,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=_strain(lambda s: s.strain),
    ),
    WhoopSensorEntityDescription(
        key="previous_day_strain",
        translation_key="previous_day_strain",
        family=DataFamily.STRAIN,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=_previous_day_strain,
    ),
    WhoopSensorEntityDescription(
        key="day_energy",
        translation_key="day_energy",
        family=DataFamily.STRAIN,
        device_class=SensorDeviceClass.ENERGY,
        # The cycle's energy only grows, and starts over with the next cycle.
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_JOULE,
        suggested_unit_of_measurement=UnitOfEnergy.KILO_CALORIE,
        suggested_display_precision=0,
        value_fn=_strain(lambda s: s.kilojoule),
    ),
    _heart_rate(
        "day_average_heart_rate",
        DataFamily.STRAIN,
        _strain(lambda s: s.average_heart_rate),
    ),
    _heart_rate(
        "day_max_heart_rate", DataFamily.STRAIN, _strain(lambda s: s.max_heart_rate)
    ),
)

SLEEP_SENSORS: tuple[WhoopSensorEntityDescription, ...] = (
    _percentage(
        "sleep_performance",
        DataFamily.SLEEP,
        _sleep(lambda s: s.sleep_performance_percentage),
    ),
    _percentage(
        "sleep_efficiency",
        DataFamily.SLEEP,
        _sleep(lambda s: s.sleep_efficiency_percentage),
    ),
    _percentage(
        "sleep_consistency",
        DataFamily.SLEEP,
        _sleep(lambda s: s.sleep_consistency_percentage),
        enabled=False,
    ),
    WhoopSensorEntityDescription(
        key="respiratory_rate",
        translation_key="respiratory_rate",
        family=DataFamily.SLEEP,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=BREATHS_PER_MINUTE,
        suggested_display_precision=1,
        value_fn=_sleep(lambda s: s.respiratory_rate),
    ),
    _duration_ms("total_sleep", lambda s: s.total_sleep_time_milli),
    _duration_ms("time_in_bed", lambda s: s.stage_summary.total_in_bed_time_milli),
    # The sleep stages are what people ask for most: enabled from the start.
    _duration_ms(
        "awake_time", lambda s: s.stage_summary.total_awake_time_milli, hours=False
    ),
    _duration_ms("light_sleep", lambda s: s.stage_summary.total_light_sleep_time_milli),
    _duration_ms(
        "deep_sleep", lambda s: s.stage_summary.total_slow_wave_sleep_time_milli
    ),
    _duration_ms("rem_sleep", lambda s: s.stage_summary.total_rem_sleep_time_milli),
    _duration_ms("sleep_need", lambda s: s.sleep_need_milli),
    _duration_ms("sleep_debt", lambda s: s.sleep_debt_milli, hours=False),
    WhoopSensorEntityDescription(
        key="sleep_disturbances",
        translation_key="sleep_disturbances",
        family=DataFamily.SLEEP,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=_sleep(lambda s: s.stage_summary.disturbance_count),
    ),
    WhoopSensorEntityDescription(
        key="sleep_cycles",
        translation_key="sleep_cycles",
        family=DataFamily.SLEEP,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=_sleep(lambda s: s.stage_summary.sleep_cycle_count),
    ),
    WhoopSensorEntityDescription(
        key="sleep_start",
        translation_key="sleep_start",
        family=DataFamily.SLEEP,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data: data.last_night.start if data.last_night else None,
    ),
    WhoopSensorEntityDescription(
        key="sleep_end",
        translation_key="sleep_end",
        family=DataFamily.SLEEP,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data: data.last_night.end if data.last_night else None,
    ),
    # Which morning last night's values belong to: after a night without the strap, the
    # newest sleep is older than last night.
    WhoopSensorEntityDescription(
        key="sleep_date",
        translation_key="sleep_date",
        family=DataFamily.SLEEP,
        device_class=SensorDeviceClass.DATE,
        value_fn=lambda data: (
            _local_date(data.last_night.end) if data.last_night else None
        ),
    ),
    # The latest nap never replaces last night's sleep: it has sensors of its own.
    WhoopSensorEntityDescription(
        key="nap_duration",
        translation_key="nap_duration",
        family=DataFamily.SLEEP,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=lambda data: (
            (data.latest_nap.end - data.latest_nap.start).total_seconds()
            if data.latest_nap
            else None
        ),
    ),
    WhoopSensorEntityDescription(
        key="nap_start",
        translation_key="nap_start",
        family=DataFamily.SLEEP,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data: data.latest_nap.start if data.latest_nap else None,
    ),
    WhoopSensorEntityDescription(
        key="nap_end",
        translation_key="nap_end",
        family=DataFamily.SLEEP,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data: data.latest_nap.end if data.latest_nap else None,
    ),
)

WORKOUT_SENSORS: tuple[WhoopSensorEntityDescription, ...] = (
    WhoopSensorEntityDescription(
        key="workout_sport",
        translation_key="workout_sport",
        family=DataFamily.WORKOUT,
        value_fn=_workout(lambda w: sport_in_words(w.sport_name)),
    ),
    WhoopSensorEntityDescription(
        key="workout_strain",
        translation_key="workout_strain",
        family=DataFamily.WORKOUT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=_workout_score(lambda s: s.strain),
    ),
    WhoopSensorEntityDescription(
        key="workout_start",
        translation_key="workout_start",
        family=DataFamily.WORKOUT,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_workout(lambda w: w.start),
    ),
    WhoopSensorEntityDescription(
        key="workout_duration",
        translation_key="workout_duration",
        family=DataFamily.WORKOUT,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=_workout(lambda w: (w.end - w.start).total_seconds()),
    ),
    WhoopSensorEntityDescription(
        key="workout_energy",
        translation_key="workout_energy",
        family=DataFamily.WORKOUT,
        device_class=SensorDeviceClass.ENERGY,
        # Each workout's energy is a total of its own, so statistics sum workout energy.
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=UnitOfEnergy.KILO_JOULE,
        suggested_unit_of_measurement=UnitOfEnergy.KILO_CALORIE,
        suggested_display_precision=0,
        value_fn=_workout_score(lambda s: s.kilojoule),
        last_reset_fn=_workout(lambda w: w.start),
    ),
    _heart_rate(
        "workout_average_heart_rate",
        DataFamily.WORKOUT,
        _workout_score(lambda s: s.average_heart_rate),
    ),
    _heart_rate(
        "workout_max_heart_rate",
        DataFamily.WORKOUT,
        _workout_score(lambda s: s.max_heart_rate),
    ),
    WhoopSensorEntityDescription(
        key="workout_distance",
        translation_key="workout_distance",
        family=DataFamily.WORKOUT,
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.METERS,
        suggested_unit_of_measurement=UnitOfLength.KILOMETERS,
        suggested_display_precision=2,
        value_fn=_workout_score(lambda s: s.distance_meter),
    ),
    *(
        _zone(index, name)
        for index, name in enumerate(("zero", "one", "two", "three", "four", "five"))
    ),
)

BODY_SENSORS: tuple[WhoopSensorEntityDescription, ...] = (
    WhoopSensorEntityDescription(
        key="height",
        translation_key="height",
        family=DataFamily.BODY,
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.METERS,
        suggested_unit_of_measurement=UnitOfLength.CENTIMETERS,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.measurement.height_meter,
    ),
    WhoopSensorEntityDescription(
        key="weight",
        translation_key="weight",
        family=DataFamily.BODY,
        device_class=SensorDeviceClass.WEIGHT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfMass.KILOGRAMS,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.measurement.weight_kilogram,
    ),
    WhoopSensorEntityDescription(
        key="max_heart_rate",
        translation_key="max_heart_rate",
        family=DataFamily.BODY,
        native_unit_of_measurement=BEATS_PER_MINUTE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.measurement.max_heart_rate,
    ),
)

SENSORS = (
    RECOVERY_SENSORS + STRAIN_SENSORS + SLEEP_SENSORS + WORKOUT_SENSORS + BODY_SENSORS
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WhoopConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the sensors of every data family the member granted."""
    runtime_data = entry.runtime_data
    async_add_entities(
        WhoopSensor(coordinator, description)
        for description in SENSORS
        if (coordinator := runtime_data.coordinator_of(description.family))
    )
    if (history := runtime_data.history) is not None and history.imports:
        async_add_entities([HistoryImportSensor(entry, history.progress)])


class WhoopSensor(WhoopEntity[WhoopCoordinator[Any]], SensorEntity):
    """A value read from the family's latest record."""

    entity_description: WhoopSensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType | date | datetime:
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    @override
    def last_reset(self) -> datetime | None:
        if (last_reset_fn := self.entity_description.last_reset_fn) is None:
            return None
        return last_reset_fn(self.coordinator.data)

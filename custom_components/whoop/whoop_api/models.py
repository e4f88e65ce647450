"""Typed, immutable models of WHOOP API v2 records.

Each field's annotation declares how it is read (see ``_fields``); every model's
``from_api`` accepts any decoded JSON value and returns the model or raises
WhoopResponseError: no KeyError, TypeError or ValueError escapes.
Unknown fields are ignored, so WHOOP may add fields without breaking the parser.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from ._fields import (
    ApiModel,
    Boolean,
    Choice,
    Identifier,
    Integer,
    Nested,
    Number,
    Range,
    Text,
    Timestamp,
)
from ._parsing import FieldReader

# Record and member ids outside this are malformed: far above WHOOP's, still exact as a
# float and in JavaScript.
RECORD_ID = Range(0, 2**53)

# Plausible ranges of measurements: wide enough for any real member, narrow enough that
# a defect (a negative duration, 1e308, 10**400) reads as unknown instead of a figure.
_DAY_MILLI = 86_400_000
HEART_RATE_BPM = Range(20, 250)
PERCENTAGE = Range(0, 100)
STRAIN = Range(0, 21)  # WHOOP's strain scale
KILOJOULE = Range(0, 100_000)  # about 24,000 kcal: beyond any day
DURATION_MILLI = Range(0, 2 * _DAY_MILLI)  # a sleep, a stage, a zone, a sleep need part
NAP_CREDIT_MILLI = Range(-2 * _DAY_MILLI, 0)  # a recent nap only lowers the need
EVENT_COUNT = Range(0, 1000)  # sleep cycles, disturbances
SKIN_TEMPERATURE_CELSIUS = Range(20, 45)
SPO2_PERCENTAGE = Range(50, 100)
HRV_MILLI = Range(0, 500)
RESPIRATORY_RATE = Range(0, 60)  # breaths a minute
WEIGHT_KILOGRAM = Range(20, 400)
HEIGHT_METER = Range(0.5, 2.5)
DISTANCE_METER = Range(0, 1_000_000)  # 1,000 km in one workout
ALTITUDE_GAIN_METER = Range(0, 20_000)
ALTITUDE_CHANGE_METER = Range(-20_000, 20_000)


class ScoreState(StrEnum):
    """Whether WHOOP has scored a cycle, sleep, recovery or workout."""

    SCORED = "SCORED"
    PENDING_SCORE = "PENDING_SCORE"
    UNSCORABLE = "UNSCORABLE"


def _sum_if_known(*parts: int | None) -> int | None:
    """Return the sum of ``parts``, or ``None`` if any of them is unknown."""
    known = [part for part in parts if part is not None]
    return sum(known) if len(known) == len(parts) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class WhenScored(Nested):
    """A ``score`` object, read only when ``score_state`` is SCORED, else ``None``.

    WHOOP may leave a stale score on a record it no longer scores; it is ignored.
    """

    def read(self, reader: FieldReader, name: str) -> object:
        """Return the score of a SCORED record, else ``None``."""
        if reader.enum("score_state", ScoreState) is not ScoreState.SCORED:
            return None
        return Nested.read(self, reader, name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile(ApiModel):
    """The member's basic profile (``read:profile``)."""

    user_id: Annotated[int, Integer(allowed=RECORD_ID)]
    email: Annotated[str, Text()]
    first_name: Annotated[str, Text()]
    last_name: Annotated[str, Text()]


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyMeasurement(ApiModel):
    """The member's body measurements (``read:body_measurement``)."""

    height_meter: Annotated[float | None, Number(plausible=HEIGHT_METER)]
    weight_kilogram: Annotated[float | None, Number(plausible=WEIGHT_KILOGRAM)]
    max_heart_rate: Annotated[int | None, Integer(plausible=HEART_RATE_BPM)]


@dataclass(frozen=True, slots=True, kw_only=True)
class CycleScore(ApiModel):
    """Day strain and heart rate of a scored physiological cycle."""

    strain: Annotated[float | None, Number(plausible=STRAIN)]
    kilojoule: Annotated[float | None, Number(plausible=KILOJOULE)]
    average_heart_rate: Annotated[int | None, Integer(plausible=HEART_RATE_BPM)]
    max_heart_rate: Annotated[int | None, Integer(plausible=HEART_RATE_BPM)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycle(ApiModel):
    """A physiological cycle: roughly a day, from one falling asleep to the next."""

    id: Annotated[int, Integer(allowed=RECORD_ID)]
    user_id: Annotated[int, Integer(allowed=RECORD_ID)]
    created_at: Annotated[datetime, Timestamp()]
    updated_at: Annotated[datetime, Timestamp()]
    start: Annotated[datetime, Timestamp()]
    end: Annotated[datetime | None, Timestamp(optional=True)]
    timezone_offset: Annotated[str, Text()]
    score_state: Annotated[ScoreState, Choice(enum_type=ScoreState)]
    score: Annotated[CycleScore | None, WhenScored(model=CycleScore)]

    @property
    def is_current(self) -> bool:
        """Whether the cycle is still running (it has no end yet)."""
        return self.end is None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveryScore(ApiModel):
    """Recovery of a scored night; SpO2 and skin temperature need WHOOP 4.0 or later."""

    user_calibrating: Annotated[bool, Boolean()]
    recovery_score: Annotated[float | None, Number(plausible=PERCENTAGE)]
    resting_heart_rate: Annotated[float | None, Number(plausible=HEART_RATE_BPM)]
    hrv_rmssd_milli: Annotated[float | None, Number(plausible=HRV_MILLI)]
    spo2_percentage: Annotated[
        float | None, Number(plausible=SPO2_PERCENTAGE, optional=True)
    ]
    skin_temp_celsius: Annotated[
        float | None, Number(plausible=SKIN_TEMPERATURE_CELSIUS, optional=True)
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Recovery(ApiModel):
    """The recovery of one cycle, computed from the sleep that started it."""

    cycle_id: Annotated[int, Integer(allowed=RECORD_ID)]
    sleep_id: Annotated[str, Identifier()]
    user_id: Annotated[int, Integer(allowed=RECORD_ID)]
    created_at: Annotated[datetime, Timestamp()]
    updated_at: Annotated[datetime, Timestamp()]
    score_state: Annotated[ScoreState, Choice(enum_type=ScoreState)]
    score: Annotated[RecoveryScore | None, WhenScored(model=RecoveryScore)]


@dataclass(frozen=True, slots=True, kw_only=True)
class StageSummary(ApiModel):
    """Time spent in each sleep stage, in milliseconds, and counts."""

    total_in_bed_time_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    total_awake_time_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    total_no_data_time_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    total_light_sleep_time_milli: Annotated[
        int | None, Integer(plausible=DURATION_MILLI)
    ]
    total_slow_wave_sleep_time_milli: Annotated[
        int | None, Integer(plausible=DURATION_MILLI)
    ]
    total_rem_sleep_time_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    sleep_cycle_count: Annotated[int | None, Integer(plausible=EVENT_COUNT)]
    disturbance_count: Annotated[int | None, Integer(plausible=EVENT_COUNT)]

    @property
    def total_sleep_time_milli(self) -> int | None:
        """Time asleep: light + slow-wave + REM (WHOOP sends no total).

        ``None`` if any part is unknown.
        """
        return _sum_if_known(
            self.total_light_sleep_time_milli,
            self.total_slow_wave_sleep_time_milli,
            self.total_rem_sleep_time_milli,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepNeed(ApiModel):
    """How much sleep the member needed before a sleep, in milliseconds, by cause."""

    baseline_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    need_from_sleep_debt_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    need_from_recent_strain_milli: Annotated[
        int | None, Integer(plausible=DURATION_MILLI)
    ]
    need_from_recent_nap_milli: Annotated[
        int | None, Integer(plausible=NAP_CREDIT_MILLI)
    ]
    """Zero or negative: a recent nap reduces the need."""

    @property
    def total_milli(self) -> int | None:
        """The whole sleep need: the sum of its four parts; ``None`` if one is unknown."""
        return _sum_if_known(
            self.baseline_milli,
            self.need_from_sleep_debt_milli,
            self.need_from_recent_strain_milli,
            self.need_from_recent_nap_milli,
        )

    @property
    def sleep_debt_milli(self) -> int | None:
        """The sleep debt carried into this sleep."""
        return self.need_from_sleep_debt_milli


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepScore(ApiModel):
    """Stages, need and percentages of a scored sleep (percentages may be missing)."""

    stage_summary: Annotated[StageSummary, Nested(model=StageSummary)]
    sleep_needed: Annotated[SleepNeed, Nested(model=SleepNeed)]
    respiratory_rate: Annotated[
        float | None, Number(plausible=RESPIRATORY_RATE, optional=True)
    ]
    sleep_performance_percentage: Annotated[
        float | None, Number(plausible=PERCENTAGE, optional=True)
    ]
    sleep_consistency_percentage: Annotated[
        float | None, Number(plausible=PERCENTAGE, optional=True)
    ]
    sleep_efficiency_percentage: Annotated[
        float | None, Number(plausible=PERCENTAGE, optional=True)
    ]

    @property
    def total_sleep_time_milli(self) -> int | None:
        """Time asleep: light + slow-wave + REM."""
        return self.stage_summary.total_sleep_time_milli

    @property
    def sleep_need_milli(self) -> int | None:
        """The whole sleep need before this sleep."""
        return self.sleep_needed.total_milli

    @property
    def sleep_debt_milli(self) -> int | None:
        """The sleep debt carried into this sleep."""
        return self.sleep_needed.sleep_debt_milli


@dataclass(frozen=True, slots=True, kw_only=True)
class Sleep(ApiModel):
    """A sleep or a nap (``nap`` is true); both come from the same collection."""

    id: Annotated[str, Identifier()]
    cycle_id: Annotated[int, Integer(allowed=RECORD_ID)]
    user_id: Annotated[int, Integer(allowed=RECORD_ID)]
    created_at: Annotated[datetime, Timestamp()]
    updated_at: Annotated[datetime, Timestamp()]
    start: Annotated[datetime, Timestamp()]
    end: Annotated[datetime, Timestamp()]
    timezone_offset: Annotated[str, Text()]
    nap: Annotated[bool, Boolean()]
    score_state: Annotated[ScoreState, Choice(enum_type=ScoreState)]
    score: Annotated[SleepScore | None, WhenScored(model=SleepScore)]


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneDurations(ApiModel):
    """Time spent in each heart rate zone during a workout, in milliseconds."""

    zone_zero_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    zone_one_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    zone_two_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    zone_three_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    zone_four_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]
    zone_five_milli: Annotated[int | None, Integer(plausible=DURATION_MILLI)]


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkoutScore(ApiModel):
    """Strain, heart rate and energy of a scored workout.

    Distance and altitude are present only when the workout recorded them.
    """

    strain: Annotated[float | None, Number(plausible=STRAIN)]
    average_heart_rate: Annotated[int | None, Integer(plausible=HEART_RATE_BPM)]
    max_heart_rate: Annotated[int | None, Integer(plausible=HEART_RATE_BPM)]
    kilojoule: Annotated[float | None, Number(plausible=KILOJOULE)]
    percent_recorded: Annotated[float | None, Number(plausible=PERCENTAGE)]
    zone_durations: Annotated[ZoneDurations, Nested(model=ZoneDurations)]
    distance_meter: Annotated[
        float | None, Number(plausible=DISTANCE_METER, optional=True)
    ]
    altitude_gain_meter: Annotated[
        float | None, Number(plausible=ALTITUDE_GAIN_METER, optional=True)
    ]
    altitude_change_meter: Annotated[
        float | None, Number(plausible=ALTITUDE_CHANGE_METER, optional=True)
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Workout(ApiModel):
    """A workout (an activity with a sport)."""

    id: Annotated[str, Identifier()]
    user_id: Annotated[int, Integer(allowed=RECORD_ID)]
    created_at: Annotated[datetime, Timestamp()]
    updated_at: Annotated[datetime, Timestamp()]
    start: Annotated[datetime, Timestamp()]
    end: Annotated[datetime, Timestamp()]
    timezone_offset: Annotated[str, Text()]
    sport_name: Annotated[str, Text()]
    score_state: Annotated[ScoreState, Choice(enum_type=ScoreState)]
    score: Annotated[WorkoutScore | None, WhenScored(model=WorkoutScore)]

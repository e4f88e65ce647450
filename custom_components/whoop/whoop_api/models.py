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
    Text,
    Timestamp,
)
from ._parsing import FieldReader


class ScoreState(StrEnum):
    """Whether WHOOP has scored a cycle, sleep, recovery or workout."""

    SCORED = "SCORED"
    PENDING_SCORE = "PENDING_SCORE"
    UNSCORABLE = "UNSCORABLE"


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

    user_id: Annotated[int, Integer()]
    email: Annotated[str, Text()]
    first_name: Annotated[str, Text()]
    last_name: Annotated[str, Text()]


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyMeasurement(ApiModel):
    """The member's body measurements (``read:body_measurement``)."""

    height_meter: Annotated[float, Number()]
    weight_kilogram: Annotated[float, Number()]
    max_heart_rate: Annotated[int, Integer()]


@dataclass(frozen=True, slots=True, kw_only=True)
class CycleScore(ApiModel):
    """Day strain and heart rate of a scored physiological cycle."""

    strain: Annotated[float, Number()]
    kilojoule: Annotated[float, Number()]
    average_heart_rate: Annotated[int, Integer()]
    max_heart_rate: Annotated[int, Integer()]


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycle(ApiModel):
    """A physiological cycle: roughly a day, from one falling asleep to the next."""

    id: Annotated[int, Integer()]
    user_id: Annotated[int, Integer()]
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
    recovery_score: Annotated[float, Number()]
    resting_heart_rate: Annotated[float, Number()]
    hrv_rmssd_milli: Annotated[float, Number()]
    spo2_percentage: Annotated[float | None, Number(optional=True)]
    skin_temp_celsius: Annotated[float | None, Number(optional=True)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Recovery(ApiModel):
    """The recovery of one cycle, computed from the sleep that started it."""

    cycle_id: Annotated[int, Integer()]
    sleep_id: Annotated[str, Identifier()]
    user_id: Annotated[int, Integer()]
    created_at: Annotated[datetime, Timestamp()]
    updated_at: Annotated[datetime, Timestamp()]
    score_state: Annotated[ScoreState, Choice(enum_type=ScoreState)]
    score: Annotated[RecoveryScore | None, WhenScored(model=RecoveryScore)]


@dataclass(frozen=True, slots=True, kw_only=True)
class StageSummary(ApiModel):
    """Time spent in each sleep stage, in milliseconds, and counts."""

    total_in_bed_time_milli: Annotated[int, Integer()]
    total_awake_time_milli: Annotated[int, Integer()]
    total_no_data_time_milli: Annotated[int, Integer()]
    total_light_sleep_time_milli: Annotated[int, Integer()]
    total_slow_wave_sleep_time_milli: Annotated[int, Integer()]
    total_rem_sleep_time_milli: Annotated[int, Integer()]
    sleep_cycle_count: Annotated[int, Integer()]
    disturbance_count: Annotated[int, Integer()]

    @property
    def total_sleep_time_milli(self) -> int:
        """Time asleep: light + slow-wave + REM (WHOOP sends no total)."""
        return (
            self.total_light_sleep_time_milli
            + self.total_slow_wave_sleep_time_milli
            + self.total_rem_sleep_time_milli
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepNeed(ApiModel):
    """How much sleep the member needed before a sleep, in milliseconds, by cause."""

    baseline_milli: Annotated[int, Integer()]
    need_from_sleep_debt_milli: Annotated[int, Integer()]
    need_from_recent_strain_milli: Annotated[int, Integer()]
    need_from_recent_nap_milli: Annotated[int, Integer()]
    """Zero or negative: a recent nap reduces the need."""

    @property
    def total_milli(self) -> int:
        """The whole sleep need: the sum of its four parts."""
        return (
            self.baseline_milli
            + self.need_from_sleep_debt_milli
            + self.need_from_recent_strain_milli
            + self.need_from_recent_nap_milli
        )

    @property
    def sleep_debt_milli(self) -> int:
        """The sleep debt carried into this sleep."""
        return self.need_from_sleep_debt_milli


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepScore(ApiModel):
    """Stages, need and percentages of a scored sleep (percentages may be missing)."""

    stage_summary: Annotated[StageSummary, Nested(model=StageSummary)]
    sleep_needed: Annotated[SleepNeed, Nested(model=SleepNeed)]
    respiratory_rate: Annotated[float | None, Number(optional=True)]
    sleep_performance_percentage: Annotated[float | None, Number(optional=True)]
    sleep_consistency_percentage: Annotated[float | None, Number(optional=True)]
    sleep_efficiency_percentage: Annotated[float | None, Number(optional=True)]

    @property
    def total_sleep_time_milli(self) -> int:
        """Time asleep: light + slow-wave + REM."""
        return self.stage_summary.total_sleep_time_milli

    @property
    def sleep_need_milli(self) -> int:
        """The whole sleep need before this sleep."""
        return self.sleep_needed.total_milli

    @property
    def sleep_debt_milli(self) -> int:
        """The sleep debt carried into this sleep."""
        return self.sleep_needed.sleep_debt_milli


@dataclass(frozen=True, slots=True, kw_only=True)
class Sleep(ApiModel):
    """A sleep or a nap (``nap`` is true); both come from the same collection."""

    id: Annotated[str, Identifier()]
    cycle_id: Annotated[int, Integer()]
    user_id: Annotated[int, Integer()]
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

    zone_zero_milli: Annotated[int, Integer()]
    zone_one_milli: Annotated[int, Integer()]
    zone_two_milli: Annotated[int, Integer()]
    zone_three_milli: Annotated[int, Integer()]
    zone_four_milli: Annotated[int, Integer()]
    zone_five_milli: Annotated[int, Integer()]


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkoutScore(ApiModel):
    """Strain, heart rate and energy of a scored workout.

    Distance and altitude are present only when the workout recorded them.
    """

    strain: Annotated[float, Number()]
    average_heart_rate: Annotated[int, Integer()]
    max_heart_rate: Annotated[int, Integer()]
    kilojoule: Annotated[float, Number()]
    percent_recorded: Annotated[float, Number()]
    zone_durations: Annotated[ZoneDurations, Nested(model=ZoneDurations)]
    distance_meter: Annotated[float | None, Number(optional=True)]
    altitude_gain_meter: Annotated[float | None, Number(optional=True)]
    altitude_change_meter: Annotated[float | None, Number(optional=True)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Workout(ApiModel):
    """A workout (an activity with a sport)."""

    id: Annotated[str, Identifier()]
    user_id: Annotated[int, Integer()]
    created_at: Annotated[datetime, Timestamp()]
    updated_at: Annotated[datetime, Timestamp()]
    start: Annotated[datetime, Timestamp()]
    end: Annotated[datetime, Timestamp()]
    timezone_offset: Annotated[str, Text()]
    sport_name: Annotated[str, Text()]
    score_state: Annotated[ScoreState, Choice(enum_type=ScoreState)]
    score: Annotated[WorkoutScore | None, WhenScored(model=WorkoutScore)]

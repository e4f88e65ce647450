"""Typed, immutable models of WHOOP API v2 records.

Every model has a ``from_api`` classmethod that accepts any decoded JSON value and
returns the model or raises WhoopResponseError: no KeyError, TypeError or ValueError
escapes.
Unknown fields are ignored, so WHOOP may add fields without breaking the parser.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Self

from ._parsing import FieldReader


class ScoreState(StrEnum):
    """Whether WHOOP has scored a cycle, sleep, recovery or workout."""

    SCORED = "SCORED"
    PENDING_SCORE = "PENDING_SCORE"
    UNSCORABLE = "UNSCORABLE"


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """The member's basic profile (``read:profile``)."""

    user_id: int
    email: str
    first_name: str
    last_name: str

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a profile from ``GET /v2/user/profile/basic``.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed profile.
        """
        reader = FieldReader(data, cls.__name__)
        return cls(
            user_id=reader.integer("user_id"),
            email=reader.string("email"),
            first_name=reader.string("first_name"),
            last_name=reader.string("last_name"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyMeasurement:
    """The member's body measurements (``read:body_measurement``)."""

    height_meter: float
    weight_kilogram: float
    max_heart_rate: int

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse body measurements from ``GET /v2/user/measurement/body``.

        Raises:
            WhoopResponseError: ``data`` is not well-formed body measurements.
        """
        reader = FieldReader(data, cls.__name__)
        return cls(
            height_meter=reader.number("height_meter"),
            weight_kilogram=reader.number("weight_kilogram"),
            max_heart_rate=reader.integer("max_heart_rate"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CycleScore:
    """Day strain and heart rate of a scored physiological cycle."""

    strain: float
    kilojoule: float
    average_heart_rate: int
    max_heart_rate: int

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a cycle's ``score`` object.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed cycle score.
        """
        reader = FieldReader(data, cls.__name__)
        return cls(
            strain=reader.number("strain"),
            kilojoule=reader.number("kilojoule"),
            average_heart_rate=reader.integer("average_heart_rate"),
            max_heart_rate=reader.integer("max_heart_rate"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycle:
    """A physiological cycle: roughly a day, from one falling asleep to the next."""

    id: int
    user_id: int
    created_at: datetime
    updated_at: datetime
    start: datetime
    end: datetime | None
    timezone_offset: str
    score_state: ScoreState
    score: CycleScore | None

    @property
    def is_current(self) -> bool:
        """Whether the cycle is still running (it has no end yet)."""
        return self.end is None

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a cycle; ``score`` is ``None`` unless the cycle is SCORED.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed cycle.
        """
        reader = FieldReader(data, cls.__name__)
        score_state = reader.enum("score_state", ScoreState)
        return cls(
            id=reader.integer("id"),
            user_id=reader.integer("user_id"),
            created_at=reader.timestamp("created_at"),
            updated_at=reader.timestamp("updated_at"),
            start=reader.timestamp("start"),
            end=reader.optional_timestamp("end"),
            timezone_offset=reader.string("timezone_offset"),
            score_state=score_state,
            score=(
                CycleScore.from_api(reader.value("score"))
                if score_state is ScoreState.SCORED
                else None
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveryScore:
    """Recovery of a scored night; SpO2 and skin temperature need WHOOP 4.0 or later."""

    user_calibrating: bool
    recovery_score: float
    resting_heart_rate: float
    hrv_rmssd_milli: float
    spo2_percentage: float | None
    skin_temp_celsius: float | None

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a recovery's ``score`` object.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed recovery score.
        """
        reader = FieldReader(data, cls.__name__)
        return cls(
            user_calibrating=reader.boolean("user_calibrating"),
            recovery_score=reader.number("recovery_score"),
            resting_heart_rate=reader.number("resting_heart_rate"),
            hrv_rmssd_milli=reader.number("hrv_rmssd_milli"),
            spo2_percentage=reader.optional_number("spo2_percentage"),
            skin_temp_celsius=reader.optional_number("skin_temp_celsius"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Recovery:
    """The recovery of one cycle, computed from the sleep that started it."""

    cycle_id: int
    sleep_id: str
    user_id: int
    created_at: datetime
    updated_at: datetime
    score_state: ScoreState
    score: RecoveryScore | None

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a recovery; ``score`` is ``None`` unless the recovery is SCORED.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed recovery.
        """
        reader = FieldReader(data, cls.__name__)
        score_state = reader.enum("score_state", ScoreState)
        return cls(
            cycle_id=reader.integer("cycle_id"),
            sleep_id=reader.identifier("sleep_id"),
            user_id=reader.integer("user_id"),
            created_at=reader.timestamp("created_at"),
            updated_at=reader.timestamp("updated_at"),
            score_state=score_state,
            score=(
                RecoveryScore.from_api(reader.value("score"))
                if score_state is ScoreState.SCORED
                else None
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StageSummary:
    """Time spent in each sleep stage, in milliseconds, and counts."""

    total_in_bed_time_milli: int
    total_awake_time_milli: int
    total_no_data_time_milli: int
    total_light_sleep_time_milli: int
    total_slow_wave_sleep_time_milli: int
    total_rem_sleep_time_milli: int
    sleep_cycle_count: int
    disturbance_count: int

    @property
    def total_sleep_time_milli(self) -> int:
        """Time asleep: light + slow-wave + REM (WHOOP sends no total)."""
        return (
            self.total_light_sleep_time_milli
            + self.total_slow_wave_sleep_time_milli
            + self.total_rem_sleep_time_milli
        )

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a sleep score's ``stage_summary`` object.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed stage summary.
        """
        reader = FieldReader(data, cls.__name__)
        return cls(
            total_in_bed_time_milli=reader.integer("total_in_bed_time_milli"),
            total_awake_time_milli=reader.integer("total_awake_time_milli"),
            total_no_data_time_milli=reader.integer("total_no_data_time_milli"),
            total_light_sleep_time_milli=reader.integer("total_light_sleep_time_milli"),
            total_slow_wave_sleep_time_milli=reader.integer(
                "total_slow_wave_sleep_time_milli"
            ),
            total_rem_sleep_time_milli=reader.integer("total_rem_sleep_time_milli"),
            sleep_cycle_count=reader.integer("sleep_cycle_count"),
            disturbance_count=reader.integer("disturbance_count"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepNeed:
    """How much sleep the member needed before a sleep, in milliseconds, by cause."""

    baseline_milli: int
    need_from_sleep_debt_milli: int
    need_from_recent_strain_milli: int
    need_from_recent_nap_milli: int
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

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a sleep score's ``sleep_needed`` object.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed sleep need.
        """
        reader = FieldReader(data, cls.__name__)
        return cls(
            baseline_milli=reader.integer("baseline_milli"),
            need_from_sleep_debt_milli=reader.integer("need_from_sleep_debt_milli"),
            need_from_recent_strain_milli=reader.integer(
                "need_from_recent_strain_milli"
            ),
            need_from_recent_nap_milli=reader.integer("need_from_recent_nap_milli"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepScore:
    """Stages, need and percentages of a scored sleep (percentages may be missing)."""

    stage_summary: StageSummary
    sleep_needed: SleepNeed
    respiratory_rate: float | None
    sleep_performance_percentage: float | None
    sleep_consistency_percentage: float | None
    sleep_efficiency_percentage: float | None

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

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a sleep's ``score`` object.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed sleep score.
        """
        reader = FieldReader(data, cls.__name__)
        return cls(
            stage_summary=StageSummary.from_api(reader.value("stage_summary")),
            sleep_needed=SleepNeed.from_api(reader.value("sleep_needed")),
            respiratory_rate=reader.optional_number("respiratory_rate"),
            sleep_performance_percentage=reader.optional_number(
                "sleep_performance_percentage"
            ),
            sleep_consistency_percentage=reader.optional_number(
                "sleep_consistency_percentage"
            ),
            sleep_efficiency_percentage=reader.optional_number(
                "sleep_efficiency_percentage"
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Sleep:
    """A sleep or a nap (``nap`` is true); both come from the same collection."""

    id: str
    cycle_id: int
    user_id: int
    created_at: datetime
    updated_at: datetime
    start: datetime
    end: datetime
    timezone_offset: str
    nap: bool
    score_state: ScoreState
    score: SleepScore | None

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a sleep; ``score`` is ``None`` unless the sleep is SCORED.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed sleep.
        """
        reader = FieldReader(data, cls.__name__)
        score_state = reader.enum("score_state", ScoreState)
        return cls(
            id=reader.identifier("id"),
            cycle_id=reader.integer("cycle_id"),
            user_id=reader.integer("user_id"),
            created_at=reader.timestamp("created_at"),
            updated_at=reader.timestamp("updated_at"),
            start=reader.timestamp("start"),
            end=reader.timestamp("end"),
            timezone_offset=reader.string("timezone_offset"),
            nap=reader.boolean("nap"),
            score_state=score_state,
            score=(
                SleepScore.from_api(reader.value("score"))
                if score_state is ScoreState.SCORED
                else None
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneDurations:
    """Time spent in each heart rate zone during a workout, in milliseconds."""

    zone_zero_milli: int
    zone_one_milli: int
    zone_two_milli: int
    zone_three_milli: int
    zone_four_milli: int
    zone_five_milli: int

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a workout score's ``zone_durations`` object.

        Raises:
            WhoopResponseError: ``data`` is not well-formed zone durations.
        """
        reader = FieldReader(data, cls.__name__)
        return cls(
            zone_zero_milli=reader.integer("zone_zero_milli"),
            zone_one_milli=reader.integer("zone_one_milli"),
            zone_two_milli=reader.integer("zone_two_milli"),
            zone_three_milli=reader.integer("zone_three_milli"),
            zone_four_milli=reader.integer("zone_four_milli"),
            zone_five_milli=reader.integer("zone_five_milli"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkoutScore:
    """Strain, heart rate and energy of a scored workout.

    Distance and altitude are present only when the workout recorded them.
    """

    strain: float
    average_heart_rate: int
    max_heart_rate: int
    kilojoule: float
    percent_recorded: float
    zone_durations: ZoneDurations
    distance_meter: float | None
    altitude_gain_meter: float | None
    altitude_change_meter: float | None

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a workout's ``score`` object.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed workout score.
        """
        reader = FieldReader(data, cls.__name__)
        return cls(
            strain=reader.number("strain"),
            average_heart_rate=reader.integer("average_heart_rate"),
            max_heart_rate=reader.integer("max_heart_rate"),
            kilojoule=reader.number("kilojoule"),
            percent_recorded=reader.number("percent_recorded"),
            zone_durations=ZoneDurations.from_api(reader.value("zone_durations")),
            distance_meter=reader.optional_number("distance_meter"),
            altitude_gain_meter=reader.optional_number("altitude_gain_meter"),
            altitude_change_meter=reader.optional_number("altitude_change_meter"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Workout:
    """A workout (an activity with a sport)."""

    id: str
    user_id: int
    created_at: datetime
    updated_at: datetime
    start: datetime
    end: datetime
    timezone_offset: str
    sport_name: str
    score_state: ScoreState
    score: WorkoutScore | None

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Parse a workout; ``score`` is ``None`` unless the workout is SCORED.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed workout.
        """
        reader = FieldReader(data, cls.__name__)
        score_state = reader.enum("score_state", ScoreState)
        return cls(
            id=reader.identifier("id"),
            user_id=reader.integer("user_id"),
            created_at=reader.timestamp("created_at"),
            updated_at=reader.timestamp("updated_at"),
            start=reader.timestamp("start"),
            end=reader.timestamp("end"),
            timezone_offset=reader.string("timezone_offset"),
            sport_name=reader.string("sport_name"),
            score_state=score_state,
            score=(
                WorkoutScore.from_api(reader.value("score"))
                if score_state is ScoreState.SCORED
                else None
            ),
        )

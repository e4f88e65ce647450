"""WHOOP's v2 records as frozen dataclasses, serialised exactly as WHOOP's JSON."""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID


class ScoreState(StrEnum):
    """WHOOP's ``score_state``: a record carries ``score`` only when SCORED."""

    SCORED = "SCORED"
    PENDING_SCORE = "PENDING_SCORE"
    UNSCORABLE = "UNSCORABLE"


def format_timestamp(when: datetime) -> str:
    """Format like WHOOP: UTC, milliseconds, ``Z`` (``2022-04-24T11:25:44.774Z``)."""
    return (
        when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


@dataclass(frozen=True, slots=True)
class CycleScore:
    """A cycle's score: day strain and energy."""

    strain: float
    kilojoule: float
    average_heart_rate: int
    max_heart_rate: int


@dataclass(frozen=True, slots=True)
class Cycle:
    """A physiological cycle: from one sleep onset to the next (no ``end`` while running)."""

    id: int
    user_id: int
    created_at: datetime
    updated_at: datetime
    start: datetime
    end: datetime | None
    timezone_offset: str
    score_state: ScoreState
    score: CycleScore | None

    def to_json(self) -> dict[str, object]:
        """Return WHOOP's JSON object for this cycle."""
        body: dict[str, object] = {
            "id": self.id,
            "user_id": self.user_id,
            "created_at": format_timestamp(self.created_at),
            "updated_at": format_timestamp(self.updated_at),
            "start": format_timestamp(self.start),
        }
        if self.end is not None:
            body["end"] = format_timestamp(self.end)
        body["timezone_offset"] = self.timezone_offset
        body["score_state"] = self.score_state.value
        if self.score is not None:
            body["score"] = {
                "strain": self.score.strain,
                "kilojoule": self.score.kilojoule,
                "average_heart_rate": self.score.average_heart_rate,
                "max_heart_rate": self.score.max_heart_rate,
            }
        return body


@dataclass(frozen=True, slots=True)
class StageSummary:
    """Time in bed split into stages, in milliseconds, with cycle and disturbance counts."""

    total_in_bed_time_milli: int
    total_awake_time_milli: int
    total_no_data_time_milli: int
    total_light_sleep_time_milli: int
    total_slow_wave_sleep_time_milli: int
    total_rem_sleep_time_milli: int
    sleep_cycle_count: int
    disturbance_count: int


@dataclass(frozen=True, slots=True)
class SleepNeeded:
    """The four parts of the sleep need, in milliseconds (the nap part is zero or negative)."""

    baseline_milli: int
    need_from_sleep_debt_milli: int
    need_from_recent_strain_milli: int
    need_from_recent_nap_milli: int


@dataclass(frozen=True, slots=True)
class SleepScore:
    """A sleep's score."""

    stage_summary: StageSummary
    sleep_needed: SleepNeeded
    respiratory_rate: float
    sleep_performance_percentage: float
    sleep_consistency_percentage: float
    sleep_efficiency_percentage: float


@dataclass(frozen=True, slots=True)
class Sleep:
    """A sleep or a nap (``nap`` true)."""

    id: UUID
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

    def to_json(self) -> dict[str, object]:
        """Return WHOOP's JSON object for this sleep."""
        body: dict[str, object] = {
            "id": str(self.id),
            "cycle_id": self.cycle_id,
            "user_id": self.user_id,
            "created_at": format_timestamp(self.created_at),
            "updated_at": format_timestamp(self.updated_at),
            "start": format_timestamp(self.start),
            "end": format_timestamp(self.end),
            "timezone_offset": self.timezone_offset,
            "nap": self.nap,
            "score_state": self.score_state.value,
        }
        if self.score is not None:
            stages = self.score.stage_summary
            need = self.score.sleep_needed
            body["score"] = {
                "stage_summary": {
                    "total_in_bed_time_milli": stages.total_in_bed_time_milli,
                    "total_awake_time_milli": stages.total_awake_time_milli,
                    "total_no_data_time_milli": stages.total_no_data_time_milli,
                    "total_light_sleep_time_milli": stages.total_light_sleep_time_milli,
                    "total_slow_wave_sleep_time_milli": stages.total_slow_wave_sleep_time_milli,
                    "total_rem_sleep_time_milli": stages.total_rem_sleep_time_milli,
                    "sleep_cycle_count": stages.sleep_cycle_count,
                    "disturbance_count": stages.disturbance_count,
                },
                "sleep_needed": {
                    "baseline_milli": need.baseline_milli,
                    "need_from_sleep_debt_milli": need.need_from_sleep_debt_milli,
                    "need_from_recent_strain_milli": need.need_from_recent_strain_milli,
                    "need_from_recent_nap_milli": need.need_from_recent_nap_milli,
                },
                "respiratory_rate": self.score.respiratory_rate,
                "sleep_performance_percentage": self.score.sleep_performance_percentage,
                "sleep_consistency_percentage": self.score.sleep_consistency_percentage,
                "sleep_efficiency_percentage": self.score.sleep_efficiency_percentage,
            }
        return body


@dataclass(frozen=True, slots=True)
class RecoveryScore:
    """A recovery's score; SpO2 and skin temperature only from WHOOP 4.0 and later."""

    user_calibrating: bool
    recovery_score: float
    resting_heart_rate: float
    hrv_rmssd_milli: float
    spo2_percentage: float | None
    skin_temp_celsius: float | None


@dataclass(frozen=True, slots=True)
class Recovery:
    """The recovery of a cycle, computed from the sleep that started it."""

    cycle_id: int
    sleep_id: UUID
    user_id: int
    created_at: datetime
    updated_at: datetime
    score_state: ScoreState
    score: RecoveryScore | None

    def to_json(self) -> dict[str, object]:
        """Return WHOOP's JSON object for this recovery."""
        body: dict[str, object] = {
            "cycle_id": self.cycle_id,
            "sleep_id": str(self.sleep_id),
            "user_id": self.user_id,
            "created_at": format_timestamp(self.created_at),
            "updated_at": format_timestamp(self.updated_at),
            "score_state": self.score_state.value,
        }
        if self.score is not None:
            score: dict[str, object] = {
                "user_calibrating": self.score.user_calibrating,
                "recovery_score": self.score.recovery_score,
                "resting_heart_rate": self.score.resting_heart_rate,
                "hrv_rmssd_milli": self.score.hrv_rmssd_milli,
            }
            if self.score.spo2_percentage is not None:
                score["spo2_percentage"] = self.score.spo2_percentage
            if self.score.skin_temp_celsius is not None:
                score["skin_temp_celsius"] = self.score.skin_temp_celsius
            body["score"] = score
        return body


@dataclass(frozen=True, slots=True)
class ZoneDurations:
    """Time in each heart-rate zone, in milliseconds; the six add up to the workout's length."""

    zone_zero_milli: int
    zone_one_milli: int
    zone_two_milli: int
    zone_three_milli: int
    zone_four_milli: int
    zone_five_milli: int


@dataclass(frozen=True, slots=True)
class WorkoutScore:
    """A workout's score; distance and altitude only for sports that move (runs, rides, walks)."""

    strain: float
    average_heart_rate: int
    max_heart_rate: int
    kilojoule: float
    percent_recorded: float
    zone_durations: ZoneDurations
    distance_meter: float | None
    altitude_gain_meter: float | None
    altitude_change_meter: float | None


@dataclass(frozen=True, slots=True)
class Workout:
    """A workout."""

    id: UUID
    user_id: int
    created_at: datetime
    updated_at: datetime
    start: datetime
    end: datetime
    timezone_offset: str
    sport_name: str
    score_state: ScoreState
    score: WorkoutScore | None

    def to_json(self) -> dict[str, object]:
        """Return WHOOP's JSON object for this workout."""
        body: dict[str, object] = {
            "id": str(self.id),
            "user_id": self.user_id,
            "created_at": format_timestamp(self.created_at),
            "updated_at": format_timestamp(self.updated_at),
            "start": format_timestamp(self.start),
            "end": format_timestamp(self.end),
            "timezone_offset": self.timezone_offset,
            "sport_name": self.sport_name,
            "score_state": self.score_state.value,
        }
        if self.score is not None:
            zones = self.score.zone_durations
            score: dict[str, object] = {
                "strain": self.score.strain,
                "average_heart_rate": self.score.average_heart_rate,
                "max_heart_rate": self.score.max_heart_rate,
                "kilojoule": self.score.kilojoule,
                "percent_recorded": self.score.percent_recorded,
            }
            if self.score.distance_meter is not None:
                score["distance_meter"] = self.score.distance_meter
            if self.score.altitude_gain_meter is not None:
                score["altitude_gain_meter"] = self.score.altitude_gain_meter
            if self.score.altitude_change_meter is not None:
                score["altitude_change_meter"] = self.score.altitude_change_meter
            score["zone_durations"] = {
                "zone_zero_milli": zones.zone_zero_milli,
                "zone_one_milli": zones.zone_one_milli,
                "zone_two_milli": zones.zone_two_milli,
                "zone_three_milli": zones.zone_three_milli,
                "zone_four_milli": zones.zone_four_milli,
                "zone_five_milli": zones.zone_five_milli,
            }
            body["score"] = score
        return body


@dataclass(frozen=True, slots=True)
class MemberRecords:
    """Everything a member has as of one instant, each list newest first."""

    cycles: tuple[Cycle, ...]
    sleeps: tuple[Sleep, ...]
    recoveries: tuple[Recovery, ...]
    workouts: tuple[Workout, ...]

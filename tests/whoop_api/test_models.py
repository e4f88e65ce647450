"""The models parse WHOOP's documented examples and reject malformed records."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from custom_components.whoop.whoop_api import (
    BodyMeasurement,
    Cycle,
    CycleScore,
    Profile,
    Recovery,
    RecoveryScore,
    ScoreState,
    Sleep,
    SleepNeed,
    SleepScore,
    StageSummary,
    WhoopResponseError,
    Workout,
    WorkoutScore,
    ZoneDurations,
)
from custom_components.whoop.whoop_api._fields import ApiModel

from . import examples

type Parser = Callable[[object], object]

CREATED_AT = datetime(2022, 4, 24, 11, 25, 44, 774000, tzinfo=UTC)
UPDATED_AT = datetime(2022, 4, 24, 14, 25, 44, 774000, tzinfo=UTC)
START = datetime(2022, 4, 24, 2, 25, 44, 774000, tzinfo=UTC)
END = datetime(2022, 4, 24, 10, 25, 44, 774000, tzinfo=UTC)

# Every record type with a parser of its own, and the example it accepts.
RECORDS: list[tuple[Parser, Callable[[], dict[str, Any]]]] = [
    (Profile.from_api, examples.profile),
    (BodyMeasurement.from_api, examples.body_measurement),
    (Cycle.from_api, examples.cycle),
    (CycleScore.from_api, lambda: examples.cycle()["score"]),
    (Recovery.from_api, examples.recovery),
    (RecoveryScore.from_api, lambda: examples.recovery()["score"]),
    (Sleep.from_api, examples.sleep),
    (SleepScore.from_api, lambda: examples.sleep()["score"]),
    (StageSummary.from_api, lambda: examples.sleep()["score"]["stage_summary"]),
    (SleepNeed.from_api, lambda: examples.sleep()["score"]["sleep_needed"]),
    (Workout.from_api, examples.workout),
    (WorkoutScore.from_api, lambda: examples.workout()["score"]),
    (ZoneDurations.from_api, lambda: examples.workout()["score"]["zone_durations"]),
]


def test_profile_example() -> None:
    assert Profile.from_api(examples.profile()) == Profile(
        user_id=10129,
        email="jsmith123@whoop.com",
        first_name="John",
        last_name="Smith",
    )


def test_body_measurement_example() -> None:
    assert BodyMeasurement.from_api(examples.body_measurement()) == BodyMeasurement(
        height_meter=1.8288, weight_kilogram=90.7185, max_heart_rate=200
    )


def test_cycle_example() -> None:
    cycle = Cycle.from_api(examples.cycle())

    assert cycle == Cycle(
        id=93845,
        user_id=10129,
        created_at=CREATED_AT,
        updated_at=UPDATED_AT,
        start=START,
        end=END,
        timezone_offset="-05:00",
        score_state=ScoreState.SCORED,
        score=CycleScore(
            strain=5.2951527,
            kilojoule=8288.297,
            average_heart_rate=68,
            max_heart_rate=141,
        ),
    )
    assert not cycle.is_current


@pytest.mark.parametrize("missing_end", [{"end": None}, {}])
def test_cycle_without_end_is_current(missing_end: dict[str, Any]) -> None:
    data = examples.cycle()
    del data["end"]
    data |= missing_end

    cycle = Cycle.from_api(data)

    assert cycle.end is None
    assert cycle.is_current


def test_recovery_example() -> None:
    recovery = Recovery.from_api(examples.recovery())

    assert recovery == Recovery(
        cycle_id=93845,
        sleep_id="123e4567-e89b-12d3-a456-426614174000",
        user_id=10129,
        created_at=CREATED_AT,
        updated_at=UPDATED_AT,
        score_state=ScoreState.SCORED,
        score=RecoveryScore(
            user_calibrating=False,
            recovery_score=44.0,
            resting_heart_rate=64.0,
            hrv_rmssd_milli=31.813562,
            spo2_percentage=95.6875,
            skin_temp_celsius=33.7,
        ),
    )


def test_recovery_from_whoop_3_has_no_spo2_nor_skin_temperature() -> None:
    data = examples.recovery()
    del data["score"]["spo2_percentage"]
    data["score"]["skin_temp_celsius"] = None

    score = Recovery.from_api(data).score

    assert score is not None
    assert score.spo2_percentage is None
    assert score.skin_temp_celsius is None


def test_sleep_example_and_derived_figures() -> None:
    sleep = Sleep.from_api(examples.sleep())

    assert sleep.id == "ecfc6a15-4661-442f-a9a4-f160dd7afae8"
    assert (sleep.cycle_id, sleep.user_id, sleep.nap) == (93845, 10129, False)
    assert (sleep.start, sleep.end, sleep.timezone_offset) == (START, END, "-05:00")
    assert sleep.score == SleepScore(
        stage_summary=StageSummary(
            total_in_bed_time_milli=30272735,
            total_awake_time_milli=1403507,
            total_no_data_time_milli=0,
            total_light_sleep_time_milli=14905851,
            total_slow_wave_sleep_time_milli=6630370,
            total_rem_sleep_time_milli=5879573,
            sleep_cycle_count=3,
            disturbance_count=12,
        ),
        sleep_needed=SleepNeed(
            baseline_milli=27395716,
            need_from_sleep_debt_milli=352230,
            need_from_recent_strain_milli=208595,
            need_from_recent_nap_milli=-12312,
        ),
        respiratory_rate=16.11328125,
        sleep_performance_percentage=98.0,
        sleep_consistency_percentage=90.0,
        sleep_efficiency_percentage=91.69533848,
    )
    # Light + slow wave + REM; the sum of the four need parts; the debt part.
    assert sleep.score.total_sleep_time_milli == 14905851 + 6630370 + 5879573
    assert sleep.score.stage_summary.total_sleep_time_milli == 27415794
    assert sleep.score.sleep_need_milli == 27395716 + 352230 + 208595 - 12312
    assert sleep.score.sleep_needed.total_milli == 27944229
    assert sleep.score.sleep_debt_milli == 352230
    assert sleep.score.sleep_needed.sleep_debt_milli == 352230


def test_sleep_percentages_are_optional() -> None:
    data = examples.sleep()
    for key in ("respiratory_rate", "sleep_performance_percentage"):
        del data["score"][key]
    data["score"]["sleep_consistency_percentage"] = None

    score = Sleep.from_api(data).score

    assert score is not None
    assert score.respiratory_rate is None
    assert score.sleep_performance_percentage is None
    assert score.sleep_consistency_percentage is None
    assert score.sleep_efficiency_percentage == 91.69533848


def test_workout_example() -> None:
    workout = Workout.from_api(examples.workout())

    assert workout == Workout(
        id="ecfc6a15-4661-442f-a9a4-f160dd7afae8",
        user_id=9012,
        created_at=CREATED_AT,
        updated_at=UPDATED_AT,
        start=START,
        end=END,
        timezone_offset="-05:00",
        sport_name="running",
        score_state=ScoreState.SCORED,
        score=WorkoutScore(
            strain=8.2463,
            average_heart_rate=123,
            max_heart_rate=146,
            kilojoule=1569.34033203125,
            percent_recorded=100.0,
            zone_durations=ZoneDurations(
                zone_zero_milli=300000,
                zone_one_milli=600000,
                zone_two_milli=900000,
                zone_three_milli=900000,
                zone_four_milli=600000,
                zone_five_milli=300000,
            ),
            distance_meter=1772.77035916,
            altitude_gain_meter=46.64384460449,
            altitude_change_meter=-0.781372010707855,
        ),
    )


def test_workout_without_distance_or_altitude() -> None:
    data = examples.workout()
    for key in ("distance_meter", "altitude_gain_meter", "altitude_change_meter"):
        del data["score"][key]

    score = Workout.from_api(data).score

    assert score is not None
    assert score.distance_meter is None
    assert score.altitude_gain_meter is None
    assert score.altitude_change_meter is None


type ScoredRecord = Cycle | Recovery | Sleep | Workout


@pytest.mark.parametrize(
    ("example", "parse"),
    [
        (examples.cycle, Cycle.from_api),
        (examples.recovery, Recovery.from_api),
        (examples.sleep, Sleep.from_api),
        (examples.workout, Workout.from_api),
    ],
)
@pytest.mark.parametrize("state", [ScoreState.PENDING_SCORE, ScoreState.UNSCORABLE])
def test_score_is_none_unless_scored(
    example: Callable[[], dict[str, Any]],
    parse: Callable[[object], ScoredRecord],
    state: ScoreState,
) -> None:
    data = example()
    data["score_state"] = state.value  # the stale score WHOOP might leave is ignored

    record = parse(data)

    assert record.score_state is state
    assert record.score is None


@pytest.mark.parametrize("score", [None, "absent"])
def test_scored_record_without_score_is_malformed(score: str | None) -> None:
    data = examples.cycle()
    if score is None:
        data["score"] = None
    else:
        del data["score"]

    with pytest.raises(WhoopResponseError, match="Cycle: field 'score' is missing"):
        Cycle.from_api(data)


def test_unknown_score_state_is_malformed() -> None:
    data = examples.sleep()
    data["score_state"] = "scored"

    with pytest.raises(WhoopResponseError, match="'score_state' should be one of"):
        Sleep.from_api(data)


def test_numbers_are_lenient_about_json_integers_and_integral_floats() -> None:
    recovery = examples.recovery()
    recovery["score"] |= {"recovery_score": 66, "resting_heart_rate": 52}
    cycle = examples.cycle()
    cycle["score"] |= {"strain": 12, "average_heart_rate": 68.0}

    recovery_score = Recovery.from_api(recovery).score
    cycle_score = Cycle.from_api(cycle).score

    assert recovery_score is not None
    assert recovery_score.recovery_score == 66.0
    assert isinstance(recovery_score.recovery_score, float)
    assert cycle_score is not None
    assert cycle_score.strain == 12.0
    assert isinstance(cycle_score.strain, float)
    assert cycle_score.average_heart_rate == 68
    assert isinstance(cycle_score.average_heart_rate, int)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("strain", True, "'strain' should be a number, got boolean"),
        ("strain", "5.3", "'strain' should be a number, got string"),
        ("kilojoule", None, "'kilojoule' is missing"),
        ("max_heart_rate", 141.5, "'max_heart_rate' should be an integer, got number"),
        ("max_heart_rate", False, "'max_heart_rate' should be an integer, got boolean"),
        ("average_heart_rate", [68], "should be an integer, got array"),
    ],
)
def test_wrong_number_types_are_malformed(
    field: str, value: object, expected: str
) -> None:
    data = examples.cycle()["score"]
    data[field] = value

    with pytest.raises(WhoopResponseError, match=expected):
        CycleScore.from_api(data)


@pytest.mark.parametrize(
    "timestamp",
    [
        "2022-04-24T11:25:44.774",  # no offset: ambiguous
        "2022-04-24",
        "yesterday",
        "0001-01-01T00:00:00+01:00",  # before datetime.min once in UTC
        1650799544774,
    ],
)
def test_bad_timestamps_are_malformed(timestamp: object) -> None:
    data = examples.workout()
    data["start"] = timestamp

    with pytest.raises(
        WhoopResponseError, match="'start' should be an ISO 8601 timestamp"
    ):
        Workout.from_api(data)


def test_timestamps_are_aware_and_in_utc() -> None:
    data = examples.sleep()
    data["end"] = "2022-04-24T05:25:44.774-05:00"

    sleep = Sleep.from_api(data)

    assert sleep.end == END
    assert sleep.end.tzinfo is UTC
    assert sleep.created_at.tzinfo is UTC


def test_nap_must_be_a_boolean() -> None:
    data = examples.sleep()
    data["nap"] = 0

    with pytest.raises(
        WhoopResponseError, match="'nap' should be a boolean, got number"
    ):
        Sleep.from_api(data)


@pytest.mark.parametrize("sleep_id", ["", "   ", 10235])
def test_identifiers_must_be_non_empty_strings(sleep_id: object) -> None:
    data = examples.recovery()
    data["sleep_id"] = sleep_id

    with pytest.raises(WhoopResponseError, match="'sleep_id' should be"):
        Recovery.from_api(data)


def test_wrong_string_type_is_malformed() -> None:
    data = examples.profile()
    data["email"] = {"address": "jsmith123@whoop.com"}

    with pytest.raises(
        WhoopResponseError, match="'email' should be a string, got object"
    ):
        Profile.from_api(data)


def test_nested_object_of_wrong_type_is_malformed() -> None:
    data = examples.sleep()
    data["score"]["stage_summary"] = [1, 2, 3]

    with pytest.raises(
        WhoopResponseError, match="StageSummary: expected a JSON object, got array"
    ):
        Sleep.from_api(data)


def test_errors_do_not_reveal_values() -> None:
    data = examples.profile()
    data["user_id"] = "jsmith123@whoop.com"

    with pytest.raises(WhoopResponseError) as caught:
        Profile.from_api(data)

    assert "jsmith123" not in str(caught.value)


def test_unknown_fields_are_ignored() -> None:
    data = examples.workout() | {"new_field": {"anything": [1, 2]}}

    assert Workout.from_api(data).sport_name == "running"


@pytest.mark.parametrize(("parse", "example"), RECORDS)
@pytest.mark.parametrize("value", [None, [], "record", 3, 2.5, True])
def test_non_objects_are_malformed(
    parse: Parser, example: Callable[[], dict[str, Any]], value: object
) -> None:
    assert parse(example()) is not None
    with pytest.raises(WhoopResponseError, match="expected a JSON object"):
        parse(value)


@pytest.mark.parametrize(("parse", "example"), RECORDS)
def test_every_required_field_is_required(
    parse: Parser, example: Callable[[], dict[str, Any]]
) -> None:
    optional = {
        "end",  # a running cycle has none
        "v1_id",
        "sport_id",
        "spo2_percentage",
        "skin_temp_celsius",
        "respiratory_rate",
        "sleep_performance_percentage",
        "sleep_consistency_percentage",
        "sleep_efficiency_percentage",
        "distance_meter",
        "altitude_gain_meter",
        "altitude_change_meter",
    }
    for key in example():
        data = example()
        del data[key]
        if key in optional and not (key == "end" and parse != Cycle.from_api):
            parse(data)
        else:
            with pytest.raises(WhoopResponseError, match=f"'{key}' is missing"):
                parse(data)


def test_values_json_cannot_hold_are_named_by_type() -> None:
    data = examples.profile()
    data["user_id"] = {10129}

    with pytest.raises(
        WhoopResponseError, match="'user_id' should be an integer, got set"
    ):
        Profile.from_api(data)


def test_a_field_without_its_spec_is_a_programming_error() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Unspecified(ApiModel):
        user_id: int

    with pytest.raises(TypeError, match=r"Unspecified\.user_id needs exactly one"):
        Unspecified.from_api({"user_id": 1})


@pytest.mark.parametrize("record_id", [-1, 2**53 + 1, 10**400])
def test_record_ids_are_bounded(record_id: int) -> None:
    data = examples.cycle()
    data["id"] = record_id

    with pytest.raises(
        WhoopResponseError, match="'id' should be an integer from 0 to 9007199254740992"
    ):
        Cycle.from_api(data)


def test_implausible_height_names_its_fractional_range(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = examples.body_measurement() | {"height_meter": 182.88}

    assert BodyMeasurement.from_api(data).height_meter is None
    assert "BodyMeasurement.height_meter outside 0.5 to 2.5" in caplog.text

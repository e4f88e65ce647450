"""Implausible measurements, served over HTTP, become unknown; the rest of the record stays.

Each discarded field is logged once per process, by name, never with its value.
"""

from collections.abc import Awaitable, Callable
import dataclasses
import logging
from typing import Any

import pytest

from custom_components.whoop.whoop_api import (
    BodyMeasurement,
    Cycle,
    Recovery,
    Sleep,
    WhoopClient,
    WhoopResponseError,
    Workout,
)

from . import examples
from .conftest import ScriptedWhoop

FIELDS_LOGGER = "custom_components.whoop.whoop_api._fields"

type Fetch = Callable[[WhoopClient], Awaitable[object]]


async def _body(client: WhoopClient) -> object:
    return await client.get_body_measurement()


async def _first_cycle(client: WhoopClient) -> object:
    return (await client.get_cycles(max_pages=1))[0]


async def _first_recovery(client: WhoopClient) -> object:
    return (await client.get_recoveries(max_pages=1))[0]


async def _first_sleep(client: WhoopClient) -> object:
    return (await client.get_sleeps(max_pages=1))[0]


async def _first_workout(client: WhoopClient) -> object:
    return (await client.get_workouts(max_pages=1))[0]


# (family, its example, how the client fetches it, whether it comes in a page)
FAMILIES: dict[str, tuple[Callable[[], dict[str, Any]], type, Fetch, bool]] = {
    "body": (examples.body_measurement, BodyMeasurement, _body, False),
    "cycle": (examples.cycle, Cycle, _first_cycle, True),
    "recovery": (examples.recovery, Recovery, _first_recovery, True),
    "sleep": (examples.sleep, Sleep, _first_sleep, True),
    "workout": (examples.workout, Workout, _first_workout, True),
}

# (family, path to the field, an implausible value, the "Record.field" logged)
IMPLAUSIBLE: list[tuple[str, tuple[str, ...], object, str]] = [
    ("body", ("max_heart_rate",), 10**400, "BodyMeasurement.max_heart_rate"),
    ("body", ("max_heart_rate",), 19, "BodyMeasurement.max_heart_rate"),
    ("body", ("weight_kilogram",), -90.7, "BodyMeasurement.weight_kilogram"),
    ("body", ("height_meter",), 182.88, "BodyMeasurement.height_meter"),
    ("cycle", ("score", "strain"), 21.5, "CycleScore.strain"),
    ("cycle", ("score", "kilojoule"), float("nan"), "CycleScore.kilojoule"),
    ("cycle", ("score", "average_heart_rate"), 251, "CycleScore.average_heart_rate"),
    ("recovery", ("score", "recovery_score"), 1e308, "RecoveryScore.recovery_score"),
    ("recovery", ("score", "recovery_score"), -1, "RecoveryScore.recovery_score"),
    (
        "recovery",
        ("score", "resting_heart_rate"),
        float("inf"),
        "RecoveryScore.resting_heart_rate",
    ),
    (
        "recovery",
        ("score", "hrv_rmssd_milli"),
        10**400,
        "RecoveryScore.hrv_rmssd_milli",
    ),
    ("recovery", ("score", "spo2_percentage"), 49.9, "RecoveryScore.spo2_percentage"),
    (
        "recovery",
        ("score", "skin_temp_celsius"),
        92.66,  # Fahrenheit
        "RecoveryScore.skin_temp_celsius",
    ),
    (
        "sleep",
        ("score", "stage_summary", "total_light_sleep_time_milli"),
        -24_984_000,  # -6.94 h
        "StageSummary.total_light_sleep_time_milli",
    ),
    (
        "sleep",
        ("score", "stage_summary", "total_in_bed_time_milli"),
        172_800_001,  # beyond two days
        "StageSummary.total_in_bed_time_milli",
    ),
    (
        "sleep",
        ("score", "stage_summary", "disturbance_count"),
        1001,
        "StageSummary.disturbance_count",
    ),
    (
        "sleep",
        ("score", "sleep_needed", "need_from_recent_nap_milli"),
        3_600_000,  # a nap never adds to the need
        "SleepNeed.need_from_recent_nap_milli",
    ),
    ("sleep", ("score", "respiratory_rate"), 61, "SleepScore.respiratory_rate"),
    (
        "sleep",
        ("score", "sleep_efficiency_percentage"),
        100.5,
        "SleepScore.sleep_efficiency_percentage",
    ),
    ("workout", ("score", "percent_recorded"), 1e308, "WorkoutScore.percent_recorded"),
    ("workout", ("score", "distance_meter"), -1772.8, "WorkoutScore.distance_meter"),
    (
        "workout",
        ("score", "altitude_change_meter"),
        -20_001,
        "WorkoutScore.altitude_change_meter",
    ),
    (
        "workout",
        ("score", "zone_durations", "zone_two_milli"),
        -900_000,
        "ZoneDurations.zone_two_milli",
    ),
]


def _set(record: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for key in path[:-1]:
        record = record[key]
    record[path[-1]] = value


def _without(model: object, path: tuple[str, ...]) -> object:
    """Return ``model`` with the attribute at ``path`` replaced by None."""
    if len(path) == 1:
        return dataclasses.replace(model, **{path[0]: None})  # type: ignore[type-var]
    inner = _without(getattr(model, path[0]), path[1:])
    return dataclasses.replace(model, **{path[0]: inner})  # type: ignore[type-var]


def _serve(
    scripted_whoop: ScriptedWhoop, records: list[object], *, paged: bool
) -> None:
    if paged:
        scripted_whoop.queue_page(records)
    else:
        scripted_whoop.queue(records[0])


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == FIELDS_LOGGER and record.levelno == logging.WARNING
    ]


@pytest.mark.parametrize(
    ("family", "path", "value", "logged"),
    IMPLAUSIBLE,
    ids=[
        f"{family}-{path[-1]}={value!r:.12}" for family, path, value, _ in IMPLAUSIBLE
    ],
)
async def test_an_implausible_value_is_unknown_and_the_rest_is_kept(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    caplog: pytest.LogCaptureFixture,
    family: str,
    path: tuple[str, ...],
    value: object,
    logged: str,
) -> None:
    example, model, fetch, paged = FAMILIES[family]
    record = example()
    _set(record, path, value)
    _serve(scripted_whoop, [record], paged=paged)

    with caplog.at_level(logging.WARNING, logger=FIELDS_LOGGER):
        parsed = await fetch(scripted_client)

    assert parsed == _without(model.from_api(example()), path)
    [warning] = _warnings(caplog)
    assert f"a {logged} outside" in warning
    assert "shown as unknown" in warning
    assert repr(value) not in warning.replace(logged, "")


async def test_a_field_is_logged_once_however_many_records_carry_it(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    caplog: pytest.LogCaptureFixture,
) -> None:
    absurd = examples.recovery()
    absurd["score"] |= {"recovery_score": 1e308, "skin_temp_celsius": -3.5}
    scripted_whoop.queue_page([absurd, absurd, examples.recovery()], cursor="2")
    scripted_whoop.queue_page([absurd])

    with caplog.at_level(logging.WARNING, logger=FIELDS_LOGGER):
        recoveries = await scripted_client.get_recoveries()

    scores = [recovery.score for recovery in recoveries]
    assert [score.recovery_score if score else "-" for score in scores] == [
        None,
        None,
        44.0,
        None,
    ]
    assert [score.hrv_rmssd_milli if score else "-" for score in scores] == [
        31.813562
    ] * 4
    unknown = "or not finite; it is shown as unknown"
    assert sorted(_warnings(caplog)) == [
        f"WHOOP sent a RecoveryScore.recovery_score outside 0 to 100 {unknown}",
        f"WHOOP sent a RecoveryScore.skin_temp_celsius outside 20 to 45 {unknown}",
    ]


async def test_bounds_are_plausible(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    caplog: pytest.LogCaptureFixture,
) -> None:
    record = examples.workout()
    record["score"] |= {"strain": 21, "max_heart_rate": 250, "average_heart_rate": 20}
    record["score"]["zone_durations"]["zone_five_milli"] = 0
    scripted_whoop.queue_page([record])

    with caplog.at_level(logging.WARNING, logger=FIELDS_LOGGER):
        [workout] = await scripted_client.get_workouts()

    assert workout.score is not None
    assert (workout.score.strain, workout.score.max_heart_rate) == (21.0, 250)
    assert workout.score.average_heart_rate == 20
    assert workout.score.zone_durations.zone_five_milli == 0
    assert _warnings(caplog) == []


async def test_unknown_parts_make_the_sleep_totals_unknown(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    record = examples.sleep()
    record["score"]["stage_summary"]["total_rem_sleep_time_milli"] = -1
    record["score"]["sleep_needed"]["baseline_milli"] = 10**400
    scripted_whoop.queue_page([record])

    [sleep] = await scripted_client.get_sleeps()

    assert sleep.score is not None
    assert sleep.score.total_sleep_time_milli is None
    assert sleep.score.sleep_need_milli is None
    assert sleep.score.sleep_debt_milli == 352230
    assert sleep.score.stage_summary.total_light_sleep_time_milli == 14905851


async def test_an_implausible_value_of_the_wrong_type_is_still_malformed(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    record = examples.cycle()
    record["score"]["strain"] = "1e308"
    scripted_whoop.queue_page([record])

    with pytest.raises(WhoopResponseError, match="'strain' should be a number"):
        await scripted_client.get_cycles()

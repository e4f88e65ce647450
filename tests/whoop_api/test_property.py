"""Whatever JSON arrives, a parser returns its model or raises WhoopResponseError."""

from collections.abc import Callable, Iterator
import copy
from typing import Any

from hypothesis import HealthCheck, event, given, settings, strategies as st
import pytest

from custom_components.whoop.whoop_api import (
    BodyMeasurement,
    Cycle,
    CycleScore,
    Profile,
    Recovery,
    RecoveryScore,
    Sleep,
    SleepNeed,
    SleepScore,
    StageSummary,
    WebhookEvent,
    WhoopResponseError,
    Workout,
    WorkoutScore,
    ZoneDurations,
)

from . import examples

type Example = Callable[[], Any]

MODELS: list[tuple[type, Example]] = [
    (Profile, examples.profile),
    (BodyMeasurement, examples.body_measurement),
    (Cycle, examples.cycle),
    (CycleScore, lambda: examples.cycle()["score"]),
    (Recovery, examples.recovery),
    (RecoveryScore, lambda: examples.recovery()["score"]),
    (Sleep, examples.sleep),
    (SleepScore, lambda: examples.sleep()["score"]),
    (StageSummary, lambda: examples.sleep()["score"]["stage_summary"]),
    (SleepNeed, lambda: examples.sleep()["score"]["sleep_needed"]),
    (Workout, examples.workout),
    (WorkoutScore, lambda: examples.workout()["score"]),
    (ZoneDurations, lambda: examples.workout()["score"]["zone_durations"]),
    (
        WebhookEvent,
        lambda: {
            "user_id": 10129,
            "id": "ecfc6a15-4661-442f-a9a4-f160dd7afae8",
            "type": "sleep.updated",
            "trace_id": "e369c784-5100-49e8-8098-75d35c47b31b",
        },
    ),
]
MODEL_IDS = [model.__name__ for model, _ in MODELS]

# Values that sit on the edges of what the parsers accept.
EDGE_VALUES: st.SearchStrategy[object] = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        -1,
        2**63,
        10**400,
        1.5,
        -0.0,
        float("nan"),
        float("inf"),
        "",
        " ",
        "SCORED",
        "PENDING_SCORE",
        "sleep.updated",
        "2022-04-24T11:25:44.774Z",
        "2022-04-24T11:25:44.774",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        [],
        {},
    ]
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=16)
    | EDGE_VALUES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)


def _slots(value: object) -> Iterator[tuple[Any, Any]]:
    """Yield (container, key) for every value nested in dicts and lists."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield value, key
            yield from _slots(child)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield value, index
            yield from _slots(child)


def _same_kind(value: object) -> st.SearchStrategy[object]:
    """Values of the JSON kind of ``value``, which a lenient parser may well accept."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int | float):
        # Integers too large for a float are valid JSON that float() cannot convert.
        return st.integers() | st.floats() | st.sampled_from([10**400, -(10**400)])
    if isinstance(value, str):
        return st.text(max_size=16) | st.sampled_from(
            ["SCORED", "UNSCORABLE", "2026-11-20T07:00:00.000+05:30", value.upper()]
        )
    return JSON_VALUES


@st.composite
def mutated(draw: st.DrawFn, example: Example) -> object:
    """Draw a valid record with one to four fields deleted, replaced, wrapped or added."""
    record = copy.deepcopy(example())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        slots = list(_slots(record))
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        match draw(st.sampled_from(["delete", "replace", "same kind", "wrap", "add"])):
            case "delete":
                del container[key]
            case "replace":
                container[key] = draw(JSON_VALUES)
            case "same kind":
                container[key] = draw(_same_kind(container[key]))
            case "wrap":
                container[key] = [container[key]]
            case _ if isinstance(container, dict):
                container[draw(st.text(max_size=8))] = draw(JSON_VALUES)
            case _:
                container.append(draw(JSON_VALUES))
    return record


def assert_model_or_response_error(model: type, value: object) -> None:
    """Parse ``value``: the model or WhoopResponseError are the only acceptable outcomes."""
    try:
        parsed = model.from_api(value)  # type: ignore[attr-defined]
    except WhoopResponseError:
        event("rejected")
        return
    event("parsed")
    assert isinstance(parsed, model)


PROPERTY_SETTINGS = settings(
    max_examples=300,
    deadline=None,  # the machine is shared: timing says nothing here
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


@pytest.mark.parametrize(("model", "example"), MODELS, ids=MODEL_IDS)
@PROPERTY_SETTINGS
@given(value=JSON_VALUES)
def test_arbitrary_json(model: type, example: Example, value: object) -> None:
    assert_model_or_response_error(model, value)


@pytest.mark.parametrize(("model", "example"), MODELS, ids=MODEL_IDS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_mutated_records(model: type, example: Example, data: st.DataObject) -> None:
    assert_model_or_response_error(model, data.draw(mutated(example)))


@pytest.mark.parametrize(("model", "example"), MODELS, ids=MODEL_IDS)
def test_unmutated_examples_parse(model: type, example: Example) -> None:
    # The mutation test would pass vacuously if the base records never parsed.
    assert isinstance(model.from_api(example()), model)  # type: ignore[attr-defined]

"""How the calendar writes sports, sleeps and workouts, and how the record index stays bounded."""

from datetime import UTC, datetime, timedelta

from custom_components.whoop.whoop.calendar import _DEFAULT_TEXTS, event_of, sport_words
from custom_components.whoop.whoop.history.records import (
    CalendarRecord,
    RecordIndex,
    RecordKind,
)

START = datetime(2026, 11, 1, 6, tzinfo=UTC)


def test_sports_read_as_people_write_them() -> None:
    texts = {**_DEFAULT_TEXTS, "sport:running": "Laufen"}
    assert sport_words("running", texts) == "Laufen"  # translated
    assert sport_words("weightlifting", _DEFAULT_TEXTS) == "Weightlifting"
    assert sport_words("functional-fitness", _DEFAULT_TEXTS) == "Functional fitness"
    assert sport_words("hiit", _DEFAULT_TEXTS) == "HIIT"
    assert sport_words("ice-hockey", _DEFAULT_TEXTS) == "Ice hockey"
    assert sport_words("", _DEFAULT_TEXTS) == "Workout"


def test_unscored_records_get_a_title_without_figures() -> None:
    workout = CalendarRecord(
        uid="w",
        kind=RecordKind.WORKOUT,
        start=START,
        end=START + timedelta(hours=1),
        sport="yoga",
    )
    sleep = CalendarRecord(
        uid="s", kind=RecordKind.SLEEP, start=START, end=START + timedelta(minutes=400)
    )
    assert event_of(workout, _DEFAULT_TEXTS).summary == "Yoga"
    assert event_of(workout, _DEFAULT_TEXTS).description is None
    assert event_of(sleep, _DEFAULT_TEXTS).summary == "Sleep · 6 h 40 min"


def test_a_scored_workout_lists_its_figures() -> None:
    workout = CalendarRecord(
        uid="w",
        kind=RecordKind.WORKOUT,
        start=START,
        end=START + timedelta(hours=1),
        sport="running",
        strain=12.44,
        kilojoule=2092.0,
        average_heart_rate=142,
        max_heart_rate=171,
        distance_meter=8214.0,
    )
    event = event_of(workout, _DEFAULT_TEXTS)
    assert event.summary == "Running · strain 12.4"
    assert event.description == (
        "Strain: 12.4\nEnergy: 500 kcal\nAverage heart rate: 142 bpm\n"
        "Max heart rate: 171 bpm\nDistance: 8.21 km"
    )


def test_the_index_keeps_the_newest_records_and_survives_a_damaged_store() -> None:
    index = RecordIndex(max_records=3)
    for day in range(5):
        index.add(
            CalendarRecord(
                uid=str(day),
                kind=RecordKind.NAP,
                start=START + timedelta(days=day),
                end=START + timedelta(days=day, minutes=30),
            )
        )
    assert [r.uid for r in index] == ["2", "3", "4"]
    assert not index.add(next(iter(index)))  # the same record again changes nothing

    restored = RecordIndex()
    restored.load([*index.as_json(), {"uid": "x"}, {"uid": "y", "kind": "run"}, 7])
    restored.load("not a list")
    assert [r.uid for r in restored] == ["2", "3", "4"]
    assert restored.sleep_end("3") == START + timedelta(days=3, minutes=30)
    assert restored.sleep_start("missing") is None

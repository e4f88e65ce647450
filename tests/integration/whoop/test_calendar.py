"""The member's calendar: sleeps, naps and workouts with readable titles, no request per view."""

from datetime import timedelta
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from sandbox.app import Sandbox
from tests.integration.conftest import SetUpEntry

from .history_helpers import drive_import, member_records

CALENDAR = "calendar.john_smith_sleep_and_workouts"
SLEEP_TITLE = re.compile(r"^Sleep · \d+ h \d+ min(, \d+ %)?$")  # unscored: no %
NAP_TITLE = re.compile(r"^Nap · (\d+ h )?\d+ min$")
WORKOUT_TITLE = re.compile(r"^[A-Z][a-z]+( [a-z]+)? · strain \d+\.\d$")


async def _events(
    hass: HomeAssistant, start: str, end: str, calendar: str = CALENDAR
) -> list[dict[str, Any]]:
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": calendar, "start_date_time": start, "end_date_time": end},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    events = response[calendar]["events"]
    assert isinstance(events, list)
    return events


async def test_without_history_the_calendar_shows_what_the_coordinators_fetched(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    await set_up_entry()
    _, sleeps, _, workouts = member_records(sandbox)
    night = next(s for s in sleeps if not s.nap)
    nap = next(s for s in sleeps if s.nap)

    events = await _events(hass, "2026-10-01T00:00:00Z", "2026-11-21T00:00:00Z")

    summaries = {e["summary"] for e in events}
    assert len(events) == 3
    assert any(SLEEP_TITLE.match(s) for s in summaries)
    assert any(NAP_TITLE.match(s) for s in summaries)
    sport = workouts[0].sport_name.replace("-", " ")
    assert any(s.lower().startswith(sport) for s in summaries)
    sleep_event = next(e for e in events if SLEEP_TITLE.match(e["summary"]))
    assert dt_util.parse_datetime(sleep_event["start"]) == night.start
    assert "Sleep performance" in sleep_event["description"]
    nap_event = next(e for e in events if NAP_TITLE.match(e["summary"]))
    assert dt_util.parse_datetime(nap_event["end"]) == nap.end


async def test_the_calendar_speaks_the_language_of_home_assistant(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    hass.config.language = "de"
    await set_up_entry()

    # Home Assistant names new entities in its language: the entity id follows the German name.
    events = await _events(
        hass,
        "2026-10-01T00:00:00Z",
        "2026-11-21T00:00:00Z",
        "calendar.john_smith_schlaf_und_workouts",
    )

    summaries = {e["summary"] for e in events}
    assert any(re.match(r"^Schlaf · \d+ h \d+ min(, \d+ %)?$", s) for s in summaries)
    assert any(re.match(r"^Nickerchen · (\d+ h )?\d+ min$", s) for s in summaries)
    assert any(" · Belastung " in s for s in summaries)
    sleep_event = next(e for e in events if e["summary"].startswith("Schlaf · "))
    assert "Schlafleistung: " in sleep_event["description"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """The recorder first where a test asks for it (it must start before Home Assistant)."""
    if "recorder_mock" in request.fixturenames:
        request.getfixturevalue("recorder_mock")
    request.getfixturevalue("enable_custom_integrations")


async def test_after_the_import_a_range_shows_every_sleep_and_workout(
    recorder_mock: Any,
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    await set_up_entry()
    await drive_import(hass)
    _, sleeps, _, workouts = member_records(sandbox)
    start = dt_util.parse_datetime("2026-11-01T00:00:00Z")
    assert start is not None
    end = start + timedelta(days=7)
    expected = [r for r in (*sleeps, *workouts) if r.start < end and r.end > start]
    requests_before = len(sandbox.whoop.requests)

    events = await _events(hass, start.isoformat(), end.isoformat())

    assert len(sandbox.whoop.requests) == requests_before  # a view costs no request
    assert sorted(e["start"] for e in events) == sorted(
        dt_util.as_local(r.start).isoformat() for r in expected
    )
    for event in events:
        summary = event["summary"]
        assert (
            SLEEP_TITLE.match(summary)
            or NAP_TITLE.match(summary)
            or (WORKOUT_TITLE.match(summary))
        ), summary
    lifting = [e for e in events if e["summary"].startswith("Weightlifting")]
    assert all("Energy:" in e["description"] for e in lifting)
    assert not any(e["summary"].startswith("weightlifting") for e in events)
    assert any(
        e["summary"].startswith("Functional fitness") for e in events
    ) or not any(
        w.sport_name == "functional-fitness"
        for w in workouts
        if w.start >= start and w.start < end
    )

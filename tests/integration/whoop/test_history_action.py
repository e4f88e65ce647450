"""whoop.get_history: a member's records over a span, in the sensors' units, with clear errors."""

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest

from custom_components.whoop.const import DOMAIN
from sandbox.app import Sandbox
from sandbox.whoop import ALL_SCOPES
from tests.integration.conftest import SetUpEntry

from .history_helpers import member_records

SANDBOX_NOW = "2026-11-20T12:00:00+00:00"


async def _get_history(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "get_history", data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


async def test_sleeps_of_a_span_come_back_in_the_sensors_units(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    response = await _get_history(
        hass,
        config_entry_id=entry.entry_id,
        family="sleep",
        start="2026-11-01T00:00:00+00:00",
        end="2026-11-15T00:00:00+00:00",
    )

    _, sleeps, _, _ = member_records(sandbox)
    start = sleeps[0].start.replace(year=2026, month=11, day=1, hour=0, minute=0)
    end = start + timedelta(days=14)
    expected = [s for s in sleeps if s.start < end and s.end > start]
    assert [r["id"] for r in response["records"]] == [s.id for s in expected]
    night = next(r for r in response["records"] if not r["nap"])
    sleep = next(s for s in expected if s.id == night["id"])
    assert sleep.score is not None
    assert night["total_sleep"] == round(
        sleep.score.total_sleep_time_milli / 3_600_000, 2
    )
    assert night["sleep_debt"] == round(sleep.score.sleep_debt_milli / 60_000)
    assert night["sleep_performance"] == round(sleep.score.sleep_performance_percentage)
    assert night["start"] == sleep.start.isoformat()
    assert any(r["nap"] for r in response["records"])


async def test_workouts_by_device_in_kilocalories_and_kilometres(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(entry.unique_id)), entry.entry_id
    )
    assert device is not None
    response = await _get_history(
        hass,
        device_id=device.id,
        family="workout",
        start="2026-10-20T00:00:00+00:00",
        end=SANDBOX_NOW,
    )
    _, _, _, workouts = member_records(sandbox)
    got = {r["id"]: r for r in response["records"]}
    assert len(got) == sum(1 for w in workouts if w.start.isoformat() >= "2026-10-20")
    workout = next(w for w in workouts if w.id in got and w.score is not None)
    record = got[workout.id]
    assert workout.score is not None
    assert record["sport"] == workout.sport_name
    assert record["workout_energy"] == round(workout.score.kilojoule / 4.184)
    assert record["workout_strain"] == round(workout.score.strain, 1)
    if workout.score.distance_meter is not None:
        assert record["workout_distance"] == round(
            workout.score.distance_meter / 1000, 2
        )


async def test_recoveries_and_cycles_carry_their_dates(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    for family, key in (("recovery", "recovery_score"), ("cycle", "day_strain")):
        response = await _get_history(
            hass,
            config_entry_id=entry.entry_id,
            family=family,
            start="2026-11-10T00:00:00+00:00",
            end=SANDBOX_NOW,
        )
        assert 8 <= len(response["records"]) <= 12
        assert all(
            key in r for r in response["records"] if r["score_state"] == "SCORED"
        )
        assert all(
            "date" in r if family == "recovery" else "start" in r
            for r in response["records"]
        )


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"config_entry_id": "not-an-entry"}, "history_unknown_member"),
        ({"device_id": "not-a-device"}, "history_unknown_member"),
        ({}, "history_unknown_member"),
        ({"start": "2026-01-01T00:00:00+00:00"}, "history_span_too_long"),
        ({"end": "2026-10-01T00:00:00+00:00"}, "history_bad_range"),
    ],
)
async def test_bad_calls_get_a_translated_error(
    hass: HomeAssistant,
    set_up_entry: SetUpEntry,
    data: dict[str, str],
    key: str,
) -> None:
    entry = await set_up_entry()
    call: dict[str, str] = {
        "config_entry_id": entry.entry_id,
        "family": "sleep",
        "start": "2026-11-01T00:00:00+00:00",
        "end": SANDBOX_NOW,
    }
    if "device_id" in data or not data:
        del call["config_entry_id"]
    call |= data
    with pytest.raises(ServiceValidationError) as caught:
        await _get_history(hass, **call)
    assert caught.value.translation_key == key


async def test_a_family_the_member_did_not_grant_is_refused(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry(scopes=[s for s in ALL_SCOPES if s != "read:workout"])
    with pytest.raises(ServiceValidationError) as caught:
        await _get_history(
            hass,
            config_entry_id=entry.entry_id,
            family="workout",
            start="2026-11-01T00:00:00+00:00",
        )
    assert caught.value.translation_key == "history_missing_scope"
    assert caught.value.translation_placeholders == {"family": "workout"}


async def test_whoop_failing_is_an_error_not_an_empty_answer(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    sandbox.whoop.faults.add("server_error", path="/developer/v2/cycle", status=500)
    with pytest.raises(HomeAssistantError) as caught:
        await _get_history(
            hass,
            config_entry_id=entry.entry_id,
            family="cycle",
            start="2026-11-01T00:00:00+00:00",
            end=SANDBOX_NOW,
        )
    assert caught.value.translation_key == "history_request_failed"
    sandbox.whoop.faults.add("rate_limit", path="/developer/v2/cycle")
    with pytest.raises(HomeAssistantError) as caught:
        await _get_history(
            hass,
            config_entry_id=entry.entry_id,
            family="cycle",
            start="2026-11-01T00:00:00+00:00",
            end=SANDBOX_NOW,
        )
    assert caught.value.translation_key == "rate_limited"

"""Helpers of the history tests: drive the paced import on simulated time, read statistics."""

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.whoop.whoop.history.pacing import REQUEST_SPACING
from custom_components.whoop.whoop_api import Cycle, Recovery, Sleep, Workout
from sandbox.app import Sandbox
from sandbox.whoop import JOHN

PROGRESS = "sensor.john_smith_history_import"
EPOCH = datetime.fromisoformat("2000-01-01T00:00:00+00:00")


def _progress(hass: HomeAssistant, entity_id: str) -> tuple[object, ...]:
    state = hass.states.get(entity_id)
    assert state is not None
    return (state.attributes["status"], state.attributes["requests"])


def import_status(hass: HomeAssistant, entity_id: str = PROGRESS) -> str:
    """Return the History import sensor's status attribute."""
    state = hass.states.get(entity_id)
    assert state is not None
    return str(state.attributes["status"])


async def drive_import(
    hass: HomeAssistant,
    *,
    steps: int = 200,
    step: timedelta = REQUEST_SPACING,
    until: tuple[str, ...] = ("complete", "failed"),
    entity_ids: tuple[str, ...] = (PROGRESS,),
) -> int:
    """Fire Home Assistant's timers a request spacing ahead until every import ends; return steps."""
    for done in range(steps):
        if all(import_status(hass, e) in until for e in entity_ids):
            await async_wait_recording_done(hass)
            return done
        before = [_progress(hass, e) for e in entity_ids]
        async_fire_time_changed(hass, dt_util.utcnow() + step)
        # The request goes to the sandbox over real HTTP: wait (a bounded while) for its answer;
        # generous, since a busy machine (CI, parallel work) answers slowly.
        for _ in range(300):
            await asyncio.sleep(0.01)
            await hass.async_block_till_done()
            if [_progress(hass, e) for e in entity_ids] != before:
                break
    msg = f"the import did not end within {steps} steps"
    raise AssertionError(msg)


async def hourly_rows(
    hass: HomeAssistant, entity_id: str, types: set[str]
) -> list[dict[str, Any]]:
    """Return the entity's hourly long-term statistics, oldest first."""
    await async_wait_recording_done(hass)
    found = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        EPOCH,
        None,
        {entity_id},
        "hour",
        None,
        types,
    )
    return list(found.get(entity_id, []))


def row_start(row: dict[str, Any]) -> datetime:
    """Return a row's start as an aware datetime."""
    return datetime.fromtimestamp(row["start"], tz=EPOCH.tzinfo)


def hour_of(when: datetime) -> datetime:
    """Return the start of the hour ``when`` is in."""
    return when.replace(minute=0, second=0, microsecond=0)


def member_records(
    sandbox: Sandbox, user_id: int = JOHN.user_id
) -> tuple[list[Cycle], list[Sleep], list[Recovery], list[Workout]]:
    """Return what the sandbox holds for the member, parsed by the integration's models."""
    records = sandbox.whoop.records(user_id)
    return (
        [Cycle.from_api(r.to_json()) for r in records.cycles],
        [Sleep.from_api(r.to_json()) for r in records.sleeps],
        [Recovery.from_api(r.to_json()) for r in records.recoveries],
        [Workout.from_api(r.to_json()) for r in records.workouts],
    )


async def wait_until(
    hass: HomeAssistant, condition: Callable[[], bool], seconds: float = 10.0
) -> None:
    """Let real time pass (the sandbox answers over HTTP) until ``condition`` holds, bounded."""
    for _ in range(int(seconds / 0.01)):
        await hass.async_block_till_done()
        if condition():
            return
        await asyncio.sleep(0.01)
    msg = f"condition not met within {seconds} s"
    raise AssertionError(msg)

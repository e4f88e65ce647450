"""The history import's cost: requests and time for one or two years, one member or a household.

Home Assistant (with the recorder) runs the real integration against a sandbox holding one or two
years of history per member, over real HTTP. Home Assistant's timers are fired ahead a request
spacing at a time, so the paced import runs at full speed; the printed "paced" time is what the
pacing makes it take in real life, "wall" what the run itself took. Run by ``script/bench``.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
import sys
import time

from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.whoop.whoop.history.pacing import REQUEST_SPACING
from sandbox.app import Sandbox, create_sandbox
from sandbox.clock import SandboxClock
from sandbox.fixtures import serve_sandbox
from sandbox.whoop import JANE, JOHN
from tests.integration.conftest import SetUpEntry

START = datetime(2026, 11, 20, 12, tzinfo=UTC)
# A year of one member's four families is about 60 pages; far fewer steps than this.
MAX_STEPS = 2_000
RESULTS: list[str] = []


@dataclass(frozen=True, slots=True)
class Case:
    """One measured import."""

    years: int
    members: int

    @property
    def name(self) -> str:
        """Return the case's id, e.g. ``1y-2members``."""
        return f"{self.years}y-{self.members}member{'s' if self.members > 1 else ''}"


CASES = [Case(1, 1), Case(1, 2), Case(2, 1), Case(2, 2)]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder first (it must start before Home Assistant), then custom integrations."""


@pytest.fixture(params=CASES, ids=lambda case: case.name)
def case(request: pytest.FixtureRequest) -> Case:
    """The case measured."""
    if not isinstance(request.param, Case):
        pytest.fail(f"not a case: {request.param!r}")
    return request.param


@pytest.fixture
async def sandbox(socket_enabled: None, case: Case) -> AsyncIterator[Sandbox]:
    """A sandbox holding ``case.years`` of history per member."""
    served = create_sandbox(SandboxClock(START), history_days=365 * case.years)
    async with serve_sandbox(served) as running:
        yield running


async def test_history_import_cost(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    case: Case,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Import every member's history; print requests, paced and wall time."""
    members = (JOHN, JANE)[: case.members]
    started = time.perf_counter()
    for member in members:
        await set_up_entry(
            user_id=member.user_id, title=f"{member.first_name} {member.last_name}"
        )
    sensors = [
        f"sensor.{member.first_name.lower()}_{member.last_name.lower()}_history_import"
        for member in members
    ]
    paced = REQUEST_SPACING * 0
    # WHOOP's minute and day windows run on the sandbox's clock: it follows the paced time.
    sandbox.whoop.clock.follow(lambda: START + paced)
    for _ in range(MAX_STEPS):
        if all(_status(hass, s) in ("complete", "failed") for s in sensors):
            break
        async_fire_time_changed(hass, dt_util.utcnow() + REQUEST_SPACING)
        paced += REQUEST_SPACING
        for _ in range(
            50
        ):  # real HTTP to the sandbox: wait until the request is answered
            await hass.async_block_till_done()
            if _requests(hass, sensors) * REQUEST_SPACING >= paced:
                break
            await _tick()
    else:
        pytest.fail("the import did not complete")
    await async_wait_recording_done(hass)
    wall = time.perf_counter() - started
    requests = _requests(hass, sensors)
    records = sum(_attr(hass, s, "records") for s in sensors)
    if not all(_status(hass, s) == "complete" for s in sensors):
        pytest.fail("an import stopped before the account's start")
    if requests > 100 * case.years * case.members:
        pytest.fail(f"{requests} requests: over the 100 a year and member budgeted")
    line = (
        f"{case.name:>14}: {requests:4d} requests ({requests / case.members:5.1f} a member), "
        f"{records:6d} records, paced {paced.total_seconds() / 60:5.1f} min, wall {wall:5.1f} s"
    )
    with capsys.disabled():
        sys.stdout.write(f"\nhistory import {line}\n")


async def _tick() -> None:
    import asyncio  # noqa: PLC0415 - only the benchmark waits in real time

    await asyncio.sleep(0.005)


def _status(hass: HomeAssistant, entity_id: str) -> str:
    return str(_attr_raw(hass, entity_id, "status"))


def _attr(hass: HomeAssistant, entity_id: str, name: str) -> int:
    value = _attr_raw(hass, entity_id, name)
    if not isinstance(value, int):
        pytest.fail(f"{entity_id} {name} is not a count: {value!r}")
    return value


def _attr_raw(hass: HomeAssistant, entity_id: str, name: str) -> object:
    if (state := hass.states.get(entity_id)) is None:
        pytest.fail(f"{entity_id} is missing")
    return state.attributes[name]


def _requests(hass: HomeAssistant, sensors: list[str]) -> int:
    return sum(_attr(hass, s, "requests") for s in sensors)

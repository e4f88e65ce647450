"""The request budget and freshness of the WHOOP integration over simulated days.

Home Assistant runs the real integration for a household (John and Jane, one WHOOP app) against
the sandbox over real HTTP. Time moves by freezegun, stopping at every minute and every timer due,
and the sandbox's clock follows it, so records appear and get scored, and tokens expire (3600 s)
and rotate, for real. The first day warms up; the following day(s) are measured and printed.
Three runs over the same simulated days: the reference client (every endpoint every 2 minutes,
nothing else), the integration polling only (Home Assistant not reachable from the internet),
and the integration with WHOOP's webhooks posted the moment records are scored. The members'
days are realistic (the sandbox's REALISTIC_MEMBERS): wake times that wander, workouts at any
hour, naps, scoring delays, nights without the strap. Run by ``script/bench``.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
import math
import sys

import freezegun.api
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped]
    ClientSessionGenerator,
)

from benchmarks.conftest import HOUSEHOLD, SIMULATION_START, ServedSandbox
from benchmarks.household_watch import HouseholdWatch
from benchmarks.reference_client import ReferenceClient
from benchmarks.report import POLLING, REFERENCE, WEBHOOKS, BenchResult, render
from benchmarks.scored_records import unscorable_between
from benchmarks.simulated_time import SimulatedTime, StepObserver
from benchmarks.webhook_pusher import WebhookPusher
from custom_components.whoop.const import DOMAIN, whoop_base_url
from tests.integration.conftest import EntryFactory

WARM_UP = timedelta(days=1)
DAY = timedelta(days=1)
# Records scored late in the window get this long to show up (requests then are not counted).
TAIL = timedelta(hours=3)
TAIL_CHUNK = timedelta(minutes=15)
# Every mode's figures, for the side-by-side table at the end of the run (see conftest).
RESULTS: list[BenchResult] = []


def _wall_seconds() -> float:
    # freezegun replaces time.perf_counter, and every module's reference to it, while time is
    # frozen; freezegun's own module keeps the real one.
    return freezegun.api.real_perf_counter()


async def _set_up_reference(
    hass: HomeAssistant, whoop_entry: EntryFactory
) -> tuple[ReferenceClient, Callable[[], None]]:
    """Add one entry per member (never set up: only their OAuth sessions are used); start polling."""
    entries = {}
    for member in HOUSEHOLD:
        entry = whoop_entry(
            member.user_id, title=f"{member.first_name} {member.last_name}"
        )
        entry.add_to_hass(hass)
        entries[member.user_id] = entry
    return await ReferenceClient.async_start(hass, entries, whoop_base_url())


async def _set_up_household(hass: HomeAssistant, whoop_entry: EntryFactory) -> None:
    """Add one entry per member with real sandbox tokens, as in the tests, and load them."""
    for member in HOUSEHOLD:
        whoop_entry(
            member.user_id, title=f"{member.first_name} {member.last_name}"
        ).add_to_hass(hass)
    if not await async_setup_component(hass, DOMAIN, {}):
        pytest.fail("The WHOOP integration did not set up")
    await hass.async_block_till_done(wait_background_tasks=True)
    _fail_unless_healthy(hass)


async def _household_webhook_url(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> str:
    """Return the URL the household's app posts to (Home Assistant's test server, 127.0.0.1).

    One app has one URL; the integration routes each event by its user id.
    """
    client = await hass_client_no_auth()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    return str(client.make_url(f"/api/webhook/{entry.data['webhook_id']}"))


def _fail_unless_healthy(hass: HomeAssistant) -> None:
    """Fail when an account stopped working: its figures would mean nothing."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is not ConfigEntryState.LOADED:
            pytest.fail(f"{entry.title}: entry {entry.state}, not loaded")
    if hass.config_entries.flow.async_progress_by_handler(DOMAIN):
        pytest.fail("A WHOOP flow (reauthentication?) was started during the run")


@pytest.mark.parametrize("mode", [REFERENCE, POLLING, WEBHOOKS])
async def test_whoop_household_days(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    served_sandbox: ServedSandbox,
    credentials: None,
    whoop_entry: EntryFactory,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    measured_days: int,
    mode: str,
) -> None:
    """Run the household through a warm-up day and the measured day(s); print the figures."""
    started = _wall_seconds()
    sandbox = served_sandbox.sandbox
    # Time jumps are not slow callbacks: keep asyncio's debug mode from reporting each one.
    monkeypatch.setattr(hass.loop, "slow_callback_duration", math.inf)
    # asyncio's debug mode records a traceback for every callback scheduled: most of the run's
    # time, and nothing the figures need.
    hass.loop.set_debug(False)
    clock = SimulatedTime(hass, freezer)
    clock.move_to(SIMULATION_START)
    sandbox.clock.follow(dt_util.utcnow)
    reference = None
    stop_reference: Callable[[], None] = lambda: None  # noqa: E731 - a no-op
    if mode == REFERENCE:
        reference, stop_reference = await _set_up_reference(hass, whoop_entry)
    else:
        await _set_up_household(hass, whoop_entry)

    window_start = SIMULATION_START + WARM_UP
    window_end = window_start + measured_days * DAY
    tail_end = window_end + TAIL
    watch = HouseholdWatch(
        hass, sandbox.whoop, HOUSEHOLD, window_start, window_end, reference
    )
    observers: list[StepObserver] = [watch]
    if mode == WEBHOOKS:
        sandbox.whoop.webhook_url = await _household_webhook_url(
            hass, hass_client_no_auth
        )
        observers.append(
            WebhookPusher(sandbox.whoop, (m.user_id for m in HOUSEHOLD), tail_end)
        )
    await clock.run_until(window_end, observers)
    while watch.visibility.waiting and clock.now < tail_end:
        await clock.run_until(min(clock.now + TAIL_CHUNK, tail_end), observers)
    stop_reference()
    if reference is None:
        _fail_unless_healthy(hass)
    if missed := served_sandbox.ledger.disagreement(
        sandbox.whoop.requests, window_start, window_end
    ):
        pytest.fail(f"The ledger and the sandbox's request log differ: {missed}")

    result = _result(
        mode, served_sandbox, watch, window_start, measured_days, clock.steps, started
    )
    RESULTS.append(result)
    with capsys.disabled():
        sys.stdout.write(f"\n{render(result)}\n")


def _result(
    mode: str,
    served: ServedSandbox,
    watch: HouseholdWatch,
    window_start: datetime,
    measured_days: int,
    steps: int,
    started: float,
) -> BenchResult:
    """Gather the figures of the measured window."""
    whoop, ledger = served.sandbox.whoop, served.ledger
    window_end = window_start + measured_days * DAY
    days = [window_start + index * DAY for index in range(measured_days)]
    return BenchResult(
        mode=mode,
        members=HOUSEHOLD,
        window_start=window_start,
        window_end=window_end,
        daily_requests=tuple(ledger.counts(day, day + DAY) for day in days),
        failures=ledger.failures(window_start, window_end),
        busiest_minute=ledger.busiest_minute(window_start, window_end),
        webhook_answers=Counter(
            delivery.status
            for delivery in whoop.webhook_deliveries
            if window_start <= delivery.at < window_end
        ),
        visibility=watch.visibility,
        strain=watch.strain,
        strain_lag=watch.strain_lag,
        unscorable={
            member.user_id: unscorable_between(
                whoop, member.user_id, window_start, window_end
            )
            for member in HOUSEHOLD
        },
        steps=steps,
        wall_seconds=_wall_seconds() - started,
    )

"""Fixtures of the benchmark: the sandbox, its requests attributed to members, and the option.

The WHOOP account fixtures of the integration tests (application credentials, entries holding
real sandbox tokens) are reused as they are; ``sandbox`` here serves them the benchmark's sandbox.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web
import pytest

from benchmarks.request_ledger import RequestLedger
from sandbox.app import Sandbox, create_app, create_sandbox
from sandbox.clock import SandboxClock
from sandbox.whoop import REALISTIC_MEMBERS, WhoopSandbox

pytest_plugins = ["tests.integration.conftest"]

HOST = "127.0.0.1"
# Midnight UTC, so that each measured day is one of WHOOP's daily rate-limit windows. With the
# sandbox's default seed and its realistic members, the three days after this warm-up day hold
# workouts and naps for both members and a night John slept without the strap.
SIMULATION_START = datetime(2026, 11, 1, tzinfo=UTC)
# The benchmark asks the sandbox for every record at each step; a shorter history than the
# sandbox's default keeps that cheap and still fills every page the integration reads.
HISTORY_DAYS = 14


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the benchmark's option."""
    parser.getgroup("whoop benchmark").addoption(
        "--bench-days",
        type=int,
        default=3,
        help="days measured after the warm-up day; figures are per-day averages (default 3)",
    )


@pytest.fixture
def measured_days(request: pytest.FixtureRequest) -> int:
    """The number of measured days asked for on the command line."""
    days = request.config.getoption("--bench-days")
    if not isinstance(days, int) or days < 1:
        pytest.fail(f"--bench-days must be a positive whole number, not {days!r}")
    return days


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/whoop."""


@dataclass(frozen=True, slots=True)
class ServedSandbox:
    """The sandbox served over HTTP, and the ledger of who each request was for."""

    sandbox: Sandbox
    ledger: RequestLedger


@pytest.fixture
async def served_sandbox(socket_enabled: None) -> AsyncIterator[ServedSandbox]:
    """Serve a sandbox on 127.0.0.1 (free port) with the member-attributing middleware first.

    Like the ``sandbox`` fixture of ``sandbox.fixtures``, but the clock starts at
    ``SIMULATION_START`` and every request is attributed to a member.
    """
    clock = SandboxClock(SIMULATION_START)
    sandbox = create_sandbox(clock, history_days=0)
    # Realistic days: wandering wake times, workouts at any hour, naps, late scoring, no strap.
    sandbox.whoop = WhoopSandbox(
        clock, members=REALISTIC_MEMBERS, history_days=HISTORY_DAYS
    )
    ledger = RequestLedger(sandbox.whoop)
    app = create_app(sandbox)
    app.middlewares.insert(0, ledger.middleware())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, HOST, 0).start()
    sandbox.url = f"http://{HOST}:{runner.addresses[0][1]}"
    try:
        yield ServedSandbox(sandbox, ledger)
    finally:
        await runner.cleanup()


@pytest.fixture
def sandbox(served_sandbox: ServedSandbox) -> Sandbox:
    """The served sandbox, for the integration tests' fixtures."""
    return served_sandbox.sandbox

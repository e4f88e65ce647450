"""Pytest plugin: the ``sandbox`` fixture, registered by ``tests/conftest.py``."""

from collections.abc import AsyncIterator
import contextlib
from datetime import UTC, datetime

import pytest

from sandbox.app import Sandbox, create_sandbox, start_server
from sandbox.clock import SandboxClock

SANDBOX_START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FIXTURE_HISTORY_DAYS = 60
"""The ``sandbox`` fixture's history: short, so tests and their snapshots keep their figures."""


@pytest.fixture
async def sandbox(socket_enabled: None) -> AsyncIterator[Sandbox]:
    """Serve a sandbox on 127.0.0.1 (free port), clock fixed at 2026-11-20T12:00:00Z, 60 days of history.

    Home Assistant's test plugin blocks sockets; ``socket_enabled`` lets this server listen.
    """
    async with serve_sandbox(
        create_sandbox(SandboxClock(SANDBOX_START), history_days=FIXTURE_HISTORY_DAYS)
    ) as served:
        yield served


@pytest.fixture
async def deep_sandbox(socket_enabled: None) -> AsyncIterator[Sandbox]:
    """Like ``sandbox``, with the default two years of history (``HISTORY_DAYS``)."""
    async with serve_sandbox(create_sandbox(SandboxClock(SANDBOX_START))) as served:
        yield served


@contextlib.asynccontextmanager
async def serve_sandbox(served: Sandbox) -> AsyncIterator[Sandbox]:
    """Serve ``served`` on 127.0.0.1 (free port) until the block ends."""
    runner = await start_server(served)
    try:
        yield served
    finally:
        await runner.cleanup()

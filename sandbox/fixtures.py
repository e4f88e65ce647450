"""Pytest plugin: the ``sandbox`` fixture, registered by ``tests/conftest.py``."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from sandbox.app import Sandbox, create_sandbox, start_server
from sandbox.clock import SandboxClock

SANDBOX_START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
async def sandbox(socket_enabled: None) -> AsyncIterator[Sandbox]:
    """Serve a sandbox on 127.0.0.1 (free port), clock fixed at 2026-11-20T12:00:00Z.

    Home Assistant's test plugin blocks sockets; ``socket_enabled`` lets this server listen.
    """
    served = create_sandbox(SandboxClock(SANDBOX_START))
    runner = await start_server(served)
    try:
        yield served
    finally:
        await runner.cleanup()

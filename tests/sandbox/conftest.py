"""Shared helpers for the sandbox's own tests: a plain HTTP client and ready-made tokens."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from sandbox.app import Sandbox

JOHN_ID = 10129
JANE_ID = 20247


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp client, as the integration uses."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def john_token(sandbox: Sandbox) -> str:
    """An access token for John with every scope."""
    return str(sandbox.whoop.issue_tokens(JOHN_ID)["access_token"])


def bearer(token: str) -> dict[str, str]:
    """Return the Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}

"""Fixtures: the shared sandbox (served on 127.0.0.1) and a WhatsApp client pointed at its Graph part."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.whoop.whatsapp_api import WhatsAppClient
from sandbox.app import Sandbox
from sandbox.clock import SandboxClock
from sandbox.fixtures import SANDBOX_START
from sandbox.graph import ACCESS_TOKEN, PHONE_NUMBER_ID, GraphSandbox

START = SANDBOX_START
RECIPIENT = "+4915123456789"
"""A person who wrote to the business just now: their 24-hour window is open."""


@pytest.fixture
def clock(sandbox: Sandbox) -> SandboxClock:
    """The sandbox clock, fixed at START."""
    return sandbox.clock


@pytest.fixture
def graph(sandbox: Sandbox) -> GraphSandbox:
    """The Graph part of the sandbox, with RECIPIENT's window open and the pair rate limit off."""
    graph = sandbox.graph
    graph.open_window(RECIPIENT)
    graph.pair_interval = 0
    return graph


@pytest.fixture
def graph_url(sandbox: Sandbox) -> str:
    """The Graph API base URL of the served sandbox (``<url>/graph``)."""
    return sandbox.graph_url


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session, closed after the test."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(
    session: aiohttp.ClientSession, graph_url: str, graph: GraphSandbox
) -> WhatsAppClient:
    """A client with the sandbox's never-expiring system user token."""
    return WhatsAppClient(session, ACCESS_TOKEN, PHONE_NUMBER_ID, base_url=graph_url)

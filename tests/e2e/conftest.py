"""Fixtures of the browser test: the demo (sandbox and Home Assistant) on free ports.

Only ``script/test --e2e`` runs the browser test: it installs Chromium and Playwright first and sets
``WHOOP_E2E``. Elsewhere the test modules are not even collected (Playwright may be absent).
"""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
import os
from pathlib import Path
import socket
import subprocess
import sys

import pytest

from custom_components.whoop.const import WHATSAPP_URL_VARIABLE, WHOOP_URL_VARIABLE
from sandbox.app import GRAPH_PREFIX
from tests.e2e.demo_home import DemoHome, make_ready, stop

if not os.environ.get("WHOOP_E2E"):
    collect_ignore_glob = ["test_*.py"]

_BANNER_START = "Sandbox listening on "


@dataclass(frozen=True, slots=True)
class RunningDemo:
    """The demo as a person finds it after ``script/demo``."""

    home: DemoHome
    sandbox_url: str
    access_token: str
    """A token of the demo's owner, for checking Home Assistant's state behind the page."""

    @property
    def graph_url(self) -> str:
        """The sandbox's Graph API base URL."""
        return f"{self.sandbox_url}{GRAPH_PREFIX}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def sandbox_arguments() -> list[str]:
    """More arguments of ``python -m sandbox``: a test module overrides this to change them."""
    return []


@pytest.fixture
def sandbox_url(
    socket_enabled: None, tmp_path: Path, sandbox_arguments: list[str]
) -> Iterator[str]:
    """Serve ``python -m sandbox`` on a free port, in its own process; yield its URL."""
    with (tmp_path / "sandbox.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - this Python, the sandbox, the test's arguments
            [sys.executable, "-m", "sandbox", "--port", "0", *sandbox_arguments],
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
        try:
            assert process.stdout is not None
            first_line = process.stdout.readline().decode().strip()
            assert first_line.startswith(_BANNER_START), first_line
            yield first_line.removeprefix(_BANNER_START)
        finally:
            stop(process)


@pytest.fixture
async def demo(
    sandbox_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningDemo]:
    """Start the demo's Home Assistant in a new config folder, as ``script/demo`` does."""
    monkeypatch.setenv(WHOOP_URL_VARIABLE, sandbox_url)
    monkeypatch.setenv(WHATSAPP_URL_VARIABLE, f"{sandbox_url}{GRAPH_PREFIX}")
    home = DemoHome(tmp_path / "config", _free_port())
    home.prepare()
    process = home.start()
    try:
        access_token = await make_ready(home, process, sandbox_url)
        yield RunningDemo(home, sandbox_url, access_token)
    finally:
        stop(process)

"""``python -m sandbox``: arguments, the banner, and serving until cancelled."""

import argparse
import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from sandbox import __main__ as cli


def test_defaults() -> None:
    arguments = cli.parse_arguments([])
    assert (arguments.host, arguments.port, arguments.public_url) == (
        "127.0.0.1",
        8484,
        None,
    )
    assert arguments.history_days == 730


def test_history_days_option_is_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.parse_arguments(["--history-days", "14"]).history_days == 14
    with pytest.raises(SystemExit):
        cli.parse_arguments(["--history-days", "99999"])
    assert "from 0 to 3660" in capsys.readouterr().err


def test_banner_names_the_urls_and_credentials() -> None:
    banner = cli.banner("http://127.0.0.1:8484")
    for expected in [
        "http://127.0.0.1:8484/oauth/oauth2/auth",
        "http://127.0.0.1:8484/_sandbox/time",
        "http://127.0.0.1:8484/graph/_sandbox/messages",
        "sandbox-client-id",
        "sandbox-client-secret",
    ]:
        assert expected in banner


@pytest.fixture
async def served_cli(
    capsys: pytest.CaptureFixture[str], socket_enabled: None
) -> AsyncIterator[str]:
    """Start the server as ``python -m sandbox --port 0`` does; return what it printed."""
    runner = await cli.start(cli.parse_arguments(["--port", "0", "--seed", "3"]))
    try:
        yield capsys.readouterr().out
    finally:
        await runner.cleanup()


async def test_serves_with_a_wall_clock(served_cli: str) -> None:
    url = served_cli.splitlines()[0].removeprefix("Sandbox listening on ")
    assert url.startswith("http://127.0.0.1:")
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{url}/_sandbox/time") as response,
    ):
        assert (await response.json())["fixed"] is False


async def test_serve_runs_until_cancelled(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    task = asyncio.create_task(cli.serve(cli.parse_arguments(["--port", "0"])))
    for _ in range(200):
        if capsys.readouterr().out:
            break
        await asyncio.sleep(0.01)
    else:
        pytest.fail("the sandbox never printed its banner")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_main_parses_arguments_and_stops_quietly_on_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[int] = []

    async def interrupted(arguments: argparse.Namespace) -> None:
        seen.append(arguments.port)
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "serve", interrupted)
    cli.main(["--port", "9999"])  # Ctrl-C does not escape main
    assert seen == [9999]
    # Quietly: no traceback nor message on the terminal.
    assert capsys.readouterr() == ("", "")

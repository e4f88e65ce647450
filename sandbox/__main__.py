"""``python -m sandbox``: serve the WHOOP and Graph sandbox until interrupted."""

import argparse
import asyncio
import contextlib
import logging

from aiohttp import web

from sandbox.app import (
    DEMO_CALLBACK_PATH,
    GRAPH_MESSAGES_PAGE,
    create_sandbox,
    start_server,
)
from sandbox.clock import SandboxClock
from sandbox.whoop import CLIENT_ID, CLIENT_SECRET
from sandbox.whoop.constants import DEFAULT_SEED, HISTORY_DAYS, MAX_HISTORY_DAYS


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8484, help="port to listen on (default 8484)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help="seed of the generated WHOOP data",
    )
    parser.add_argument(
        "--history-days",
        type=_history_days,
        default=HISTORY_DAYS,
        metavar="DAYS",
        help=f"days of history per member (default {HISTORY_DAYS})",
    )
    parser.add_argument(
        "--public-url",
        help="URL by which others reach the sandbox (default http://HOST:PORT)",
    )
    return parser.parse_args(argv)


def _history_days(text: str) -> int:
    """Parse ``--history-days``: a whole number of days from 0 to ten years."""
    try:
        days = int(text)
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_HISTORY_DAYS:
        msg = f"must be a whole number of days from 0 to {MAX_HISTORY_DAYS}"
        raise argparse.ArgumentTypeError(msg)
    return days


def banner(url: str) -> str:
    """Return what the sandbox prints once it listens."""
    return "\n".join(
        [
            f"Sandbox listening on {url}",
            f"  Index:          {url}/",
            f"  Authorize page: {url}/oauth/oauth2/auth (try the link on the index; demo redirect {DEMO_CALLBACK_PATH})",
            f"  Token URL:      {url}/oauth/oauth2/token",
            f"  WHOOP API:      {url}/developer/v2/...",
            f"  Admin:          {url}/_sandbox/time, /_sandbox/faults, /_sandbox/requests, /_sandbox/webhook",
            f"  Graph API:      {url}/graph (messages page {url}{GRAPH_MESSAGES_PAGE})",
            f"  Client id:      {CLIENT_ID}",
            f"  Client secret:  {CLIENT_SECRET}",
        ]
    )


async def start(arguments: argparse.Namespace) -> web.AppRunner:
    """Serve a sandbox whose clock follows the wall clock, and print the banner."""
    sandbox = create_sandbox(
        SandboxClock(), seed=arguments.seed, history_days=arguments.history_days
    )
    runner = await start_server(
        sandbox, arguments.host, arguments.port, arguments.public_url
    )
    print(banner(sandbox.url), flush=True)  # noqa: T201 - the command's output is this banner
    return runner


async def serve(arguments: argparse.Namespace) -> None:
    """Serve until cancelled."""
    runner = await start(arguments)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    """Run the sandbox from the command line."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_arguments(argv)))


if __name__ == "__main__":
    main()

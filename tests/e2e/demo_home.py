"""The demo's Home Assistant: its config directory, a first start that onboards it, the sandbox app.

``script/demo`` runs ``python -m tests.e2e.demo_home`` with the sandbox already listening and
``WHOOP_API_URL``/``WHATSAPP_GRAPH_URL`` pointing at it; the browser test uses the same functions
on free ports and a fresh directory. Everything goes through Home Assistant's own HTTP and
websocket APIs (onboarding, login, application credentials), never by writing ``.storage`` files,
and every step is skipped when already done, so a second start reuses the first one's work.
"""

import argparse
import asyncio
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass
import itertools
import os
from pathlib import Path
import re
import shutil
import socket
import subprocess
import sys
import time
from typing import Any, Final, Self

import aiohttp

from sandbox.graph import ACCESS_TOKEN, ALERT_TEMPLATE, PHONE_NUMBER_ID
from sandbox.whoop import CLIENT_ID, CLIENT_SECRET

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
BASE_CONFIGURATION: Final = REPO_ROOT / "config" / "configuration.yaml"
BLUEPRINTS: Final = REPO_ROOT / "blueprints" / "automation" / "whoop"

DEMO_NAME: Final = "Demo"
DEMO_USERNAME: Final = "demo"
DEMO_PASSWORD: Final = "demo-password"
CREDENTIAL_NAME: Final = "WHOOP sandbox"
STARTUP_SECONDS: Final = 180
RESTART_EXIT_CODE: Final = 100

# What finishing onboarding sets up that needs the internet.
ONLINE_ONBOARDING_INTEGRATIONS: Final = ("google_translate", "met", "radio_browser")
# Repairs about how the demo runs Home Assistant: (domain, issue id).
INSTALLATION_REPAIRS: Final = {
    ("homeassistant", "deprecated_method"),
    ("http", "deprecated_yaml"),
    ("http", "yaml_still_present_after_migration"),
}

# The onboarding steps Home Assistant's frontend completes after creating the owner.
_ONBOARDING_STEPS: Final = ("core_config", "analytics", "integration")
_HTTP_BLOCK: Final = re.compile(r"^http:.*\n(?:[ \t]+.*\n|[ \t]*\n)*", re.MULTILINE)


class DemoError(Exception):
    """The demo cannot start; the message says why."""


@dataclass(frozen=True, slots=True)
class DemoHome:
    """Where the demo's Home Assistant lives and listens."""

    config_dir: Path
    port: int = 8123

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8123``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        """Home Assistant's own log file."""
        return self.config_dir / "home-assistant.log"

    def prepare(self) -> None:
        """Create or refresh the config directory (idempotent).

        The configuration is ``config/configuration.yaml`` on the demo's port. The integration is
        linked, so edits show up; the repository's blueprints are copied afresh (Home Assistant
        lists blueprints with a recursive glob that does not follow symbolic links on Python 3.13
        and later). ``automations.yaml``, where the automation editor saves, starts empty.
        """
        self.config_dir.mkdir(parents=True, exist_ok=True)
        configuration = _HTTP_BLOCK.sub(
            "", BASE_CONFIGURATION.read_text(encoding="utf-8")
        )
        if not (self.config_dir / ".storage" / "http").exists():
            # The demo's own address and port. Home Assistant takes this YAML into its storage on
            # the first start and ignores it from then on, with a repair issue saying so: later
            # starts leave it out.
            configuration += (
                f"\nhttp:\n  server_host: 127.0.0.1\n  server_port: {self.port}\n"
            )
        (self.config_dir / "configuration.yaml").write_text(
            configuration, encoding="utf-8"
        )
        (self.config_dir / "automations").mkdir(exist_ok=True)
        ui_automations = self.config_dir / "automations.yaml"
        if not ui_automations.exists():
            ui_automations.write_text("[]\n", encoding="utf-8")
        _link(self.config_dir / "custom_components", REPO_ROOT / "custom_components")
        blueprints = self.config_dir / "blueprints" / "automation" / "whoop"
        if blueprints.is_symlink():
            blueprints.unlink()  # a link from an earlier demo
        shutil.rmtree(blueprints, ignore_errors=True)
        if BLUEPRINTS.is_dir():
            shutil.copytree(BLUEPRINTS, blueprints)

    def command(self) -> list[str]:
        """Return the command that runs this Home Assistant.

        ``--skip-pip``: ``tests/e2e/requirements.txt`` installs beforehand what Home Assistant
        would otherwise install at run time (and nothing for the onboarding's online
        integrations, which the demo removes anyway).
        """
        return [
            sys.executable,
            "-m",
            "homeassistant",
            "--config",
            str(self.config_dir),
            "--skip-pip",
        ]

    def start(self) -> subprocess.Popen[bytes]:
        """Start Home Assistant in the background (its log goes to ``log_file``)."""
        return subprocess.Popen(  # noqa: S603 - the command is this Python running Home Assistant
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def port_in_use(port: int) -> bool:
    """Whether something already listens on 127.0.0.1:``port``."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _link(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink():
        link.unlink()
    link.symlink_to(target, target_is_directory=True)


async def wait_until_up(
    session: aiohttp.ClientSession,
    url: str,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    """Wait until ``url`` answers (any status but a server error: the server is up).

    Raises:
        DemoError: ``process`` ended first.
    """
    while process is None or process.poll() is None:
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(url) as response:
                if response.status < 500:
                    return
        await asyncio.sleep(0.25)
    msg = f"the process serving {url} exited with status {process.returncode}"
    raise DemoError(msg)


async def _json(response: aiohttp.ClientResponse) -> Any:
    if response.status >= 400:
        msg = f"{response.method} {response.url.path} answered {response.status}: {await response.text()}"
        raise DemoError(msg)
    return await response.json()


async def _onboarding_steps_done(session: aiohttp.ClientSession, url: str) -> set[str]:
    async with session.get(f"{url}/api/onboarding") as response:
        if response.status == 404:
            # Home Assistant drops its onboarding views once everything is done.
            return {"user", *_ONBOARDING_STEPS}
        return {step["step"] for step in await _json(response) if step["done"]}


async def _auth_code(
    session: aiohttp.ClientSession, url: str, client_id: str, *, create_owner: bool
) -> str:
    """Create the owner (first start) or log in as them (later starts); return an auth code."""
    if create_owner:
        owner = {
            "client_id": client_id,
            "name": DEMO_NAME,
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
            "language": "en",
        }
        async with session.post(f"{url}/api/onboarding/users", json=owner) as response:
            return str((await _json(response))["auth_code"])
    flow_request = {
        "client_id": client_id,
        "handler": ["homeassistant", None],
        "redirect_uri": client_id,
    }
    async with session.post(f"{url}/auth/login_flow", json=flow_request) as response:
        flow = await _json(response)
    login = {
        "client_id": client_id,
        "username": DEMO_USERNAME,
        "password": DEMO_PASSWORD,
    }
    async with session.post(
        f"{url}/auth/login_flow/{flow['flow_id']}", json=login
    ) as response:
        result = await _json(response)
    if result.get("type") != "create_entry":
        msg = f"logging in as {DEMO_USERNAME!r} failed: {result.get('errors')}"
        raise DemoError(msg)
    return str(result["result"])


async def onboard(session: aiohttp.ClientSession, url: str) -> str:
    """Finish onboarding as the frontend does, if not done yet; return an access token."""
    client_id = f"{url}/"
    done = await _onboarding_steps_done(session, url)
    code = await _auth_code(session, url, client_id, create_owner="user" not in done)
    async with session.post(
        f"{url}/auth/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": client_id},
    ) as response:
        access_token = str((await _json(response))["access_token"])
    headers = {"Authorization": f"Bearer {access_token}"}
    bodies: dict[str, dict[str, str]] = {
        "core_config": {},
        "analytics": {},
        "integration": {"client_id": client_id, "redirect_uri": client_id},
    }
    for step in _ONBOARDING_STEPS:
        if step not in done:
            async with session.post(
                f"{url}/api/onboarding/{step}", json=bodies[step], headers=headers
            ) as response:
                await _json(response)
    return access_token


async def wait_until_running(
    session: aiohttp.ClientSession, url: str, access_token: str
) -> None:
    """Wait until Home Assistant has set up everything it sets up at start."""
    headers = {"Authorization": f"Bearer {access_token}"}
    while True:
        async with session.get(f"{url}/api/config", headers=headers) as response:
            if (await _json(response)).get("state") == "RUNNING":
                return
        await asyncio.sleep(0.25)


class _Websocket:
    """Home Assistant's websocket API, authenticated, one command at a time."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self._socket = socket
        self._ids = itertools.count(1)

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(
        cls, session: aiohttp.ClientSession, url: str, access_token: str
    ) -> AsyncIterator[Self]:
        async with session.ws_connect(f"{url}/api/websocket") as socket:
            await socket.receive_json()  # auth_required
            await socket.send_json({"type": "auth", "access_token": access_token})
            if (answer := await socket.receive_json())["type"] != "auth_ok":
                msg = f"the websocket refused the demo's token: {answer}"
                raise DemoError(msg)
            yield cls(socket)

    async def call(self, command: str, **fields: object) -> Any:
        """Send one command and return its result.

        Raises:
            DemoError: Home Assistant answered with an error.
        """
        await self._socket.send_json({"id": next(self._ids), "type": command, **fields})
        answer = await self._socket.receive_json()
        if not answer.get("success"):
            msg = f"{command} failed: {answer.get('error')}"
            raise DemoError(msg)
        return answer["result"]


async def _store_sandbox_credentials(websocket: _Websocket) -> None:
    """Store the sandbox app's client id and secret as WHOOP's application credentials, once."""
    stored = await websocket.call("application_credentials/list")
    if not any(
        item["domain"] == "whoop" and item["client_id"] == CLIENT_ID for item in stored
    ):
        await websocket.call(
            "application_credentials/create",
            domain="whoop",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            name=CREDENTIAL_NAME,
        )


async def _confirm_http_config(websocket: _Websocket) -> None:
    """Keep the YAML's address and port.

    Home Assistant moves the ``http:`` YAML into its storage as a trial on the first start and,
    unless someone confirms it within five minutes, restarts on its defaults (port 8123 on every
    interface); the frontend asks a person to confirm. The demo confirms it.
    """
    http = await websocket.call("http/config")
    if http["active_config_type"] == "pending" and http["pending"]["error"] is None:
        await websocket.call("http/config/promote")


async def _remove_internet_integrations(
    session: aiohttp.ClientSession, url: str, access_token: str, websocket: _Websocket
) -> None:
    """Remove what onboarding adds that needs the internet (weather, radio, text-to-speech).

    Finishing onboarding adds them as a real first start does; the demo works offline, where they
    would only show as failed.
    """
    headers = {"Authorization": f"Bearer {access_token}"}
    for domain in ONLINE_ONBOARDING_INTEGRATIONS:
        for entry in await websocket.call("config_entries/get", domain=domain):
            async with session.delete(
                f"{url}/api/config/config_entries/entry/{entry['entry_id']}",
                headers=headers,
            ) as response:
                await _json(response)


async def _ignore_installation_repairs(websocket: _Websocket) -> None:
    """Dismiss the repairs about how the demo runs Home Assistant, not about WHOOP.

    Home Assistant in a Python virtual environment is a deprecated installation method, and the ``http:`` YAML
    of ``config/configuration.yaml`` is deprecated since Home Assistant 2026.10.
    """
    issues = (await websocket.call("repairs/list_issues"))["issues"]
    for issue in issues:
        if (issue["domain"], issue["issue_id"]) in INSTALLATION_REPAIRS and not issue[
            "ignored"
        ]:
            await websocket.call(
                "repairs/ignore_issue",
                domain=issue["domain"],
                issue_id=issue["issue_id"],
                ignore=True,
            )


async def _make_ready(
    session: aiohttp.ClientSession,
    home: DemoHome,
    process: subprocess.Popen[bytes],
    sandbox_url: str,
) -> str:
    await wait_until_up(session, f"{sandbox_url}/")
    await wait_until_up(session, f"{home.url}/auth/providers", process)
    access_token = await onboard(session, home.url)
    await wait_until_running(session, home.url, access_token)
    async with _Websocket.connect(session, home.url, access_token) as websocket:
        await _store_sandbox_credentials(websocket)
        await _confirm_http_config(websocket)
        await _remove_internet_integrations(session, home.url, access_token, websocket)
        await _ignore_installation_repairs(websocket)
    return access_token


async def make_ready(
    home: DemoHome, process: subprocess.Popen[bytes], sandbox_url: str
) -> str:
    """Wait for the sandbox and Home Assistant, onboard, store the credentials; return a token.

    Raises:
        DemoError: Something failed, or it took longer than ``STARTUP_SECONDS``.
    """
    try:
        async with (
            asyncio.timeout(STARTUP_SECONDS),
            aiohttp.ClientSession() as session,
        ):
            return await _make_ready(session, home, process, sandbox_url)
    except TimeoutError:
        msg = f"not ready after {STARTUP_SECONDS} s"
        raise DemoError(msg) from None


async def websocket_call(
    home: DemoHome, access_token: str, command: str, **fields: object
) -> Any:
    """Send one websocket command to the demo's Home Assistant; return its result.

    For browser tests that set up what a person would set up elsewhere (an external URL, a
    dashboard), through Home Assistant's own API.
    """
    async with (
        asyncio.timeout(30),
        aiohttp.ClientSession() as session,
        _Websocket.connect(session, home.url, access_token) as websocket,
    ):
        return await websocket.call(command, **fields)


def banner(home: DemoHome, sandbox_url: str, seconds: float) -> str:
    """Return what the demo prints once it is ready."""
    return f"""
The WHOOP demo is ready (in {seconds:.0f} s).

  Home Assistant   {home.url}
  Log in as        {DEMO_USERNAME} / {DEMO_PASSWORD}
  Sandbox          {sandbox_url}/  (WhatsApp messages: {sandbox_url}/graph/_sandbox/messages)

  1. Settings > Devices & services > Add integration > WHOOP > "A WHOOP account".
     The sandbox's credentials are already stored: on the sandbox's page, click "Authorize".
     Back in Home Assistant, open the new device: recovery, sleep, strain, workout sensors.
  2. Add integration > WHOOP > "A WhatsApp sender": access token
     {ACCESS_TOKEN}, phone number ID {PHONE_NUMBER_ID}.
  3. "Add recipient" (e.g. Alice, +44 7700 900123), delivery "Template always", template
     {ALERT_TEMPLATE}; then Developer tools > Actions > notify.send_message to
     notify.alice_whatsapp, and see the message on the sandbox's messages page.

  Home Assistant's log: {home.log_file}
  Ctrl-C stops Home Assistant and the sandbox.
"""


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process of the demo if it still runs (politely first)."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _serve(home: DemoHome, sandbox_url: str, started: float) -> int:
    """Start, make ready, announce; run until Home Assistant stops; return its exit status."""
    process = home.start()
    try:
        asyncio.run(make_ready(home, process, sandbox_url))
        sys.stdout.write(banner(home, sandbox_url, time.monotonic() - started))
        sys.stdout.flush()
        # Settings > Restart makes Home Assistant exit asking to be started again.
        while process.wait() == RESTART_EXIT_CODE:
            process = home.start()
        return process.returncode
    finally:
        stop(process)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.e2e.demo_home", description=__doc__
    )
    parser.add_argument("--config-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8123)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the demo's Home Assistant until it stops; return its exit status."""
    arguments = parse_arguments(argv)
    sandbox_url = os.environ.get("WHOOP_API_URL", "").rstrip("/")
    if not sandbox_url:
        sys.stderr.write("WHOOP_API_URL must point at the sandbox\n")
        return 2
    started = time.monotonic()
    home = DemoHome(arguments.config_dir.resolve(), arguments.port)
    if port_in_use(home.port):
        sys.stderr.write(
            f"Port {home.port} is in use: is a Home Assistant already running?\n"
        )
        return 1
    home.prepare()
    try:
        return _serve(home, sandbox_url, started)
    except DemoError as err:
        sys.stderr.write(f"The demo did not start: {err}\nSee {home.log_file}\n")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""Issue 15.1: refreshes ask scope=offline, keep the sign-in over many of them, keep the grant.

WHOOP (and the sandbox) issues a new refresh token only to a refresh that asks ``scope=offline``;
the answer to such a refresh may name ``offline`` alone, which must not shrink what the member
granted (entities are built from the granted scopes at each setup).
"""

from collections.abc import AsyncIterator
import json
import time

from aiohttp import ClientSession, web
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.whoop.const import DOMAIN, WHOOP_URL_VARIABLE
from custom_components.whoop.whoop.cadence import STRAIN_INTERVAL
from sandbox.app import Sandbox
from sandbox.whoop import ALL_SCOPES
from tests.integration.conftest import SetUpEntry

TOKEN_ROUTE = "POST /oauth/oauth2/token"
TOKEN_PATH = "/oauth/oauth2/token"
# One entity of each data family.
FAMILY_ENTITIES = (
    "sensor.john_smith_recovery",
    "sensor.john_smith_sleep_performance",
    "sensor.john_smith_day_strain",
    "sensor.john_smith_workout_strain",
    "sensor.john_smith_weight",
)


def _reauth_flows(hass: HomeAssistant) -> list[object]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


def _expire_token(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    token = {**entry.data["token"], "expires_at": time.time() - 1}
    hass.config_entries.async_update_entry(entry, data={**entry.data, "token": token})


async def _strain_poll(hass: HomeAssistant, polls: int) -> None:
    """Fire the ``polls``-th strain poll since setup (timers run on the real clock)."""
    async_fire_time_changed(hass, dt_util.utcnow() + STRAIN_INTERVAL * polls)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_every_refresh_asks_scope_offline_and_the_sign_in_lasts(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    sandbox.whoop.reset_log()

    # Five access tokens in a row expire; each poll refreshes with the token the last one got.
    for poll in range(1, 6):
        _expire_token(hass, entry)
        await _strain_poll(hass, poll)
        state = hass.states.get("sensor.john_smith_day_strain")
        assert state is not None
        assert state.state != STATE_UNAVAILABLE

    refreshes = [r for r in sandbox.whoop.requests if r.key == TOKEN_ROUTE]
    assert [r.status for r in refreshes] == [200] * 5
    assert {r.scope for r in refreshes} == {"offline"}
    assert all("refresh_token" in r.form_fields for r in refreshes)
    assert entry.state is ConfigEntryState.LOADED
    assert not _reauth_flows(hass)


@pytest.fixture
async def offline_only_answers(
    sandbox: Sandbox, socket_enabled: None, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[None]:
    """Put a proxy before the sandbox whose token answers say ``"scope": "offline"`` alone."""

    async def forward(request: web.Request) -> web.Response:
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in {"authorization", "content-type", "accept"}
        }
        async with (
            ClientSession() as session,
            session.request(
                request.method,
                f"{sandbox.url}{request.path_qs}",
                data=await request.read(),
                headers=headers,
            ) as answer,
        ):
            body = await answer.read()
            if request.path == TOKEN_PATH and answer.status == 200:
                body = json.dumps({**json.loads(body), "scope": "offline"}).encode()
            return web.Response(
                status=answer.status, body=body, content_type=answer.content_type
            )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    monkeypatch.setenv(WHOOP_URL_VARIABLE, f"http://127.0.0.1:{port}")
    try:
        yield
    finally:
        await runner.cleanup()


@pytest.mark.usefixtures("offline_only_answers")
async def test_a_refresh_answer_naming_only_offline_keeps_every_family(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    granted = entry.data["token"]["scope"]
    assert set(granted.split()) == set(ALL_SCOPES)
    sandbox.whoop.reset_log()

    _expire_token(hass, entry)
    await _strain_poll(hass, 1)
    assert [r.status for r in sandbox.whoop.requests if r.key == TOKEN_ROUTE] == [200]
    # Entities are built from the granted scopes when the entry is set up: reload it.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.data["token"]["scope"] == granted
    for entity_id in FAMILY_ENTITIES:
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert state.state != STATE_UNAVAILABLE, entity_id

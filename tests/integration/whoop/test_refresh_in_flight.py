"""A refresh WHOOP has received is finished and stored, whatever happens to whoever asked for it.

WHOOP rotates the refresh token on receipt (the sandbox's ``answer_late`` fault rotates, then holds
the answer), so a reload, an unload or Home Assistant stopping while the answer is on its way must
not lose it: the next setup would send the spent refresh token and lose the sign-in.
"""

import asyncio
from collections.abc import Callable
from datetime import timedelta
import time

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.whoop.const import DOMAIN
from custom_components.whoop.whoop.auth import oauth, refresher
from custom_components.whoop.whoop.cadence import STRAIN_INTERVAL
from sandbox.app import Sandbox
from sandbox.whoop import JOHN
from tests.integration.conftest import EntryFactory, SetUpEntry

TOKEN_ROUTE = "POST /oauth/oauth2/token"
TOKEN_PATH = "/oauth/oauth2/token"
STRAIN = "sensor.john_smith_day_strain"
# WHOOP's answer arrives this long after it rotated the tokens.
LATE = 1.0


def _reauth_flows(hass: HomeAssistant) -> list[object]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


def _token_answers(sandbox: Sandbox) -> list[int]:
    return [r.status for r in sandbox.whoop.requests if r.key == TOKEN_ROUTE]


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def _until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait (real time, bounded) until ``condition`` holds."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - the sandbox offers no event to await
            await asyncio.sleep(0.01)


def _expire_token(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    token = {**entry.data["token"], "expires_at": time.time() - 1}
    hass.config_entries.async_update_entry(entry, data={**entry.data, "token": token})


def _next_strain_poll(hass: HomeAssistant) -> None:
    # Time-driven, not frozen: the sandbox holds its answer with a real (short) sleep.
    async_fire_time_changed(
        hass, dt_util.utcnow() + STRAIN_INTERVAL + timedelta(minutes=1)
    )


@pytest.fixture
async def refresh_at_whoop(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> MockConfigEntry:
    """Set up John, then let the strain poll refresh an expired token; WHOOP answers late.

    Returns once WHOOP has rotated the tokens and while its answer is still on the way.
    """
    entry = await set_up_entry()
    _expire_token(hass, entry)
    sandbox.whoop.reset_log()
    sandbox.whoop.faults.add("answer_late", path=TOKEN_PATH, delay=LATE)

    _next_strain_poll(hass)
    await _until(lambda: not sandbox.whoop.faults.armed)  # WHOOP has the refresh
    await asyncio.sleep(0.1)  # and has rotated the tokens
    assert not _token_answers(sandbox)  # its answer is not back yet
    return entry


async def _assert_signed_in(
    hass: HomeAssistant, sandbox: Sandbox, entry: MockConfigEntry
) -> None:
    """One refresh reached WHOOP, its answer is stored, and the stored token works."""
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert not _reauth_flows(hass)
    assert _token_answers(sandbox) == [200]
    assert entry.data["token"]["expires_at"] > time.time() + 3000
    assert _state(hass, STRAIN) != STATE_UNAVAILABLE
    # The stored refresh token is the live one: the next refresh gets through too.
    _expire_token(hass, entry)
    await entry.runtime_data.client.get_profile()
    assert _token_answers(sandbox) == [200, 200]


async def test_a_reload_during_a_refresh_keeps_the_sign_in(
    hass: HomeAssistant, sandbox: Sandbox, refresh_at_whoop: MockConfigEntry
) -> None:
    entry = refresh_at_whoop
    loop = asyncio.get_running_loop()
    started = loop.time()

    assert await hass.config_entries.async_reload(entry.entry_id)

    # The new setup waited for the refresh in flight instead of sending its spent token.
    assert loop.time() - started < LATE + 2
    await _assert_signed_in(hass, sandbox, entry)


async def test_without_a_reload_the_late_answer_is_simply_awaited(
    hass: HomeAssistant, sandbox: Sandbox, refresh_at_whoop: MockConfigEntry
) -> None:
    await _assert_signed_in(hass, sandbox, refresh_at_whoop)


async def test_an_unload_then_setup_during_a_refresh_keeps_the_sign_in(
    hass: HomeAssistant, sandbox: Sandbox, refresh_at_whoop: MockConfigEntry
) -> None:
    entry = refresh_at_whoop

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert await hass.config_entries.async_setup(entry.entry_id)

    await _assert_signed_in(hass, sandbox, entry)


async def test_an_unloaded_entry_still_stores_the_refresh_answer(
    hass: HomeAssistant, sandbox: Sandbox, refresh_at_whoop: MockConfigEntry
) -> None:
    entry = refresh_at_whoop
    spent = entry.data["token"]["refresh_token"]

    assert await hass.config_entries.async_unload(entry.entry_id)
    await _until(lambda: entry.data["token"]["refresh_token"] != spent)

    assert _token_answers(sandbox) == [200]
    assert entry.data["token"]["expires_at"] > time.time() + 3000


async def test_stopping_during_a_refresh_stores_its_answer(
    hass: HomeAssistant,
    sandbox: Sandbox,
    refresh_at_whoop: MockConfigEntry,
    hass_storage: dict[str, object],
) -> None:
    entry = refresh_at_whoop
    spent = entry.data["token"]["refresh_token"]

    await hass.async_stop()

    assert _token_answers(sandbox) == [200]
    stored = hass_storage["core.config_entries"]
    assert isinstance(stored, dict)
    [stored_entry] = [
        e for e in stored["data"]["entries"] if e["entry_id"] == entry.entry_id
    ]
    refresh_token = stored_entry["data"]["token"]["refresh_token"]
    assert refresh_token != spent
    # What the next start will send is what WHOOP expects.
    assert sandbox.whoop.tokens.refresh(refresh_token)["refresh_token"]


async def test_a_hanging_token_endpoint_fails_the_poll_in_bounded_time(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 20 s in production; a second keeps the test short, the mechanism is the same.
    monkeypatch.setattr(oauth, "TOKEN_REQUEST_TIMEOUT", 1.0, raising=False)
    entry = await set_up_entry()
    _expire_token(hass, entry)
    sandbox.whoop.faults.add("hang", path=TOKEN_PATH)
    loop = asyncio.get_running_loop()
    started = loop.time()

    _next_strain_poll(hass)
    async with asyncio.timeout(
        10
    ):  # without a bound: 120 s here, aiohttp's 300 s at WHOOP
        await hass.async_block_till_done(wait_background_tasks=True)

    assert loop.time() - started < 3
    assert _state(hass, STRAIN) == STATE_UNAVAILABLE
    assert entry.state is ConfigEntryState.LOADED
    # No answer says nothing about the grant: nobody asked to sign in, retried at the next poll.
    assert not _reauth_flows(hass)
    _next_strain_poll(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    answered = [
        r for r in sandbox.whoop.requests if r.path == TOKEN_PATH and r.status != 499
    ]
    assert len(answered) == 1


async def test_a_hanging_token_endpoint_at_setup_retries_the_setup(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(oauth, "TOKEN_REQUEST_TIMEOUT", 1.0, raising=False)
    sandbox.whoop.faults.add("hang", path=TOKEN_PATH)

    async with asyncio.timeout(10):
        entry = await set_up_entry(expires_in=-10)

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not _reauth_flows(hass)


def test_token_requests_are_bounded_like_data_requests() -> None:
    assert oauth.TOKEN_REQUEST_TIMEOUT == 20.0


async def test_removing_an_entry_during_a_refresh_revokes_with_its_answer(
    hass: HomeAssistant,
    sandbox: Sandbox,
    refresh_at_whoop: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = refresh_at_whoop

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    # The removal waited for the refresh in flight instead of spending the rotated token.
    assert _token_answers(sandbox) == [200]
    revocations = [
        r.status
        for r in sandbox.whoop.requests
        if r.path == "/developer/v2/user/access"
    ]
    assert revocations == [204]
    assert hass.config_entries.async_get_entry(entry.entry_id) is None
    assert "Traceback" not in caplog.text
    assert sandbox.whoop.tokens.is_revoked(JOHN.user_id)


async def test_a_refused_refresh_token_is_not_sent_again_after_a_reload(
    hass: HomeAssistant,
    sandbox: Sandbox,
    credentials: None,
    whoop_entry: EntryFactory,
) -> None:
    entry = whoop_entry(expires_in=-10)
    entry.add_to_hass(hass)
    sandbox.whoop.revoke(JOHN.user_id)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _token_answers(sandbox) == [400]

    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    # WHOOP refused it once: sending it again could only fail again.
    assert _token_answers(sandbox) == [400]
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert len(_reauth_flows(hass)) == 1


async def test_a_token_without_a_refresh_token_asks_to_sign_in(
    hass: HomeAssistant,
    sandbox: Sandbox,
    credentials: None,
    whoop_entry: EntryFactory,
) -> None:
    entry = whoop_entry(expires_in=-10)
    token = dict(entry.data["token"])
    del token["refresh_token"]
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        data={**entry.data, "token": token},
    )
    entry.add_to_hass(hass)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert len(_reauth_flows(hass)) == 1
    assert not _token_answers(sandbox)


async def test_a_refusal_nobody_waits_for_still_asks_to_sign_in(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    _expire_token(hass, entry)
    sandbox.whoop.revoke(JOHN.user_id)
    sandbox.whoop.reset_log()
    sandbox.whoop.faults.add("answer_late", path=TOKEN_PATH, delay=LATE)
    _next_strain_poll(hass)
    await _until(lambda: not sandbox.whoop.faults.armed)

    # The entry is unloaded before WHOOP's invalid_grant arrives: no poll is left to report it.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await _until(lambda: bool(_token_answers(sandbox)))
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _token_answers(sandbox) == [400]
    assert len(_reauth_flows(hass)) == 1


# Mutation testing (script/mutants) found these unguarded: the text of the entry's setup error once
# WHOOP refused the refresh token, and how long a stop waits for a refresh whose answer is late.

SIGN_IN_AGAIN = (
    "WHOOP no longer accepts this account's sign-in. Sign in again from the"
    " notification in Settings"  # Home Assistant drops the final full stop
)


async def test_after_a_refused_refresh_token_the_entry_says_to_sign_in_again(
    hass: HomeAssistant,
    sandbox: Sandbox,
    credentials: None,
    whoop_entry: EntryFactory,
) -> None:
    entry = whoop_entry(expires_in=-10)
    entry.add_to_hass(hass)
    sandbox.whoop.revoke(JOHN.user_id)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    # The next setup does not send the refused refresh token again: it says why.
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert _token_answers(sandbox) == [400]
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == SIGN_IN_AGAIN


async def test_stopping_waits_for_a_late_refresh_answer_as_long_as_a_request_may_take(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A request may take 1 s here; the stop waits that plus the margin for the answer.
    monkeypatch.setattr(oauth, "TOKEN_REQUEST_TIMEOUT", 1.0)
    monkeypatch.setattr(refresher, "SHUTDOWN_MARGIN", 1.0)
    entry: MockConfigEntry = await set_up_entry()
    spent = entry.data["token"]["refresh_token"]
    token = {**entry.data["token"], "expires_at": time.time() - 1}
    hass.config_entries.async_update_entry(entry, data={**entry.data, "token": token})
    sandbox.whoop.reset_log()
    sandbox.whoop.faults.add("answer_late", path=TOKEN_PATH, delay=0.5)
    async_fire_time_changed(
        hass, dt_util.utcnow() + STRAIN_INTERVAL + timedelta(minutes=1)
    )
    await _until(lambda: not sandbox.whoop.faults.armed)  # WHOOP has the refresh

    await hass.async_stop()

    assert _token_answers(sandbox) == [200]
    assert entry.data["token"]["refresh_token"] != spent

"""What the user reads when the sign-in is lost, and stopping Home Assistant around refreshes.

Mutation testing (script/mutants) found these unguarded: the text of the entry's setup error once
WHOOP refused the refresh token, and how long a stop waits for a refresh whose answer is late.
"""

import asyncio
from collections.abc import Callable
from datetime import timedelta
import time

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.whoop.whoop.auth import oauth, refresher
from custom_components.whoop.whoop.cadence import STRAIN_INTERVAL
from sandbox.app import Sandbox
from sandbox.whoop import JOHN
from tests.integration.conftest import EntryFactory, SetUpEntry

TOKEN_ROUTE = "POST /oauth/oauth2/token"
TOKEN_PATH = "/oauth/oauth2/token"
SIGN_IN_AGAIN = (
    "WHOOP no longer accepts this account's sign-in. Sign in again from the"
    " notification in Settings"  # Home Assistant drops the final full stop
)


def _token_answers(sandbox: Sandbox) -> list[int]:
    return [r.status for r in sandbox.whoop.requests if r.key == TOKEN_ROUTE]


async def _until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - the sandbox offers no event to await
            await asyncio.sleep(0.01)


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

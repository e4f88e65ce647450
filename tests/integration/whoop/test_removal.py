"""Deleting a WHOOP account tells WHOOP to revoke the app's access (which also stops its webhooks)."""

from homeassistant.core import HomeAssistant
import pytest

from sandbox.app import Sandbox
from sandbox.whoop import JOHN
from tests.integration.conftest import SetUpEntry

REVOKE_ROUTE = "DELETE /developer/v2/user/access"
TOKEN_ROUTE = "POST /oauth/oauth2/token"


async def test_deleting_the_account_revokes_access_at_whoop(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    sandbox.whoop.reset_log()

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert sandbox.whoop.request_counts()[REVOKE_ROUTE] == 1
    assert hass.config_entries.async_get_entry(entry.entry_id) is None
    # The member's grant is gone: WHOOP no longer serves data for it.
    assert sandbox.whoop.tokens.is_revoked(JOHN.user_id)


async def test_an_expired_token_is_refreshed_once_for_the_revocation(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry(expires_in=0)
    sandbox.whoop.reset_log()
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "token": {**entry.data["token"], "expires_at": 0}}
    )

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    counts = sandbox.whoop.request_counts()
    assert counts[TOKEN_ROUTE] == 1
    assert counts[REVOKE_ROUTE] == 1


async def test_the_entry_is_removed_even_when_whoop_fails(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await set_up_entry()
    sandbox.whoop.faults.add("server_error", path="/developer/v2/user/access")

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert hass.config_entries.async_get_entry(entry.entry_id) is None
    assert "Could not tell WHOOP to revoke access" in caplog.text

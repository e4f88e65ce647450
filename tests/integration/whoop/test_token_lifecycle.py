"""Rotating refresh tokens: one refresh at a time, scope=offline, reauth only when access is gone."""

import asyncio
import time

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest

from custom_components.whoop.const import DOMAIN
from sandbox.app import Sandbox
from sandbox.whoop import JOHN
from tests.integration.conftest import (
    EntryFactory,
    SetUpEntry,
    async_let_every_coordinator_look,
)

TOKEN_ROUTE = "POST /oauth/oauth2/token"


def _reauth_flows(hass: HomeAssistant) -> list[object]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def test_an_expired_token_is_refreshed_once_with_scope_offline(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry(expires_in=-10)

    assert entry.state is ConfigEntryState.LOADED
    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 1
    refresh = next(r for r in sandbox.whoop.requests if r.key == TOKEN_ROUTE)
    assert refresh.status == 200
    # A refresh (not a new sign-in) that asks scope=offline, so WHOOP rotates the refresh token.
    assert "refresh_token" in refresh.form_fields
    assert "code" not in refresh.form_fields
    assert refresh.scope == "offline"
    assert entry.data["token"]["expires_at"] > time.time() + 3000
    # The refreshed token still says what the member granted at sign-in.
    assert "read:recovery" in entry.data["token"]["scope"].split()


async def test_fifty_concurrent_requests_with_an_expired_token_share_one_refresh(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    client = entry.runtime_data.client
    refresh_token_before = entry.data["token"]["refresh_token"]
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "token": {**entry.data["token"], "expires_at": 0}}
    )
    sandbox.whoop.reset_log()

    profiles = await asyncio.gather(*(client.get_profile() for _ in range(50)))

    assert {profile.user_id for profile in profiles} == {JOHN.user_id}
    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 1
    assert entry.data["token"]["refresh_token"] != refresh_token_before
    assert entry.state is ConfigEntryState.LOADED
    assert not _reauth_flows(hass)


async def test_a_token_change_does_not_reload_the_entry(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    runtime_before = entry.runtime_data
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "token": {**entry.data["token"], "expires_at": 0}}
    )
    sandbox.whoop.reset_log()
    await async_let_every_coordinator_look(hass)  # the polls refresh the token first
    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 1
    assert entry.runtime_data is runtime_before
    assert entry.state is ConfigEntryState.LOADED


async def test_a_revoked_grant_starts_reauth_and_keeps_the_entry(
    hass: HomeAssistant,
    sandbox: Sandbox,
    credentials: None,
    whoop_entry: EntryFactory,
) -> None:
    entry = whoop_entry(expires_in=-10)
    entry.add_to_hass(hass)
    data_before = dict(entry.data)
    sandbox.whoop.revoke(JOHN.user_id)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert len(_reauth_flows(hass)) == 1
    assert dict(entry.data) == data_before
    token_answers = [r.status for r in sandbox.whoop.requests if r.key == TOKEN_ROUTE]
    assert token_answers == [400]


async def test_a_rejected_access_token_is_refreshed_before_asking_the_user(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    await set_up_entry()
    # WHOOP rejects the current access token once, before its announced expiry.
    sandbox.whoop.faults.add("server_error", path="/developer/v2/", status=401)
    sandbox.whoop.reset_log()

    await async_let_every_coordinator_look(hass)

    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 1
    assert not _reauth_flows(hass)
    for entity_id in ("sensor.john_smith_recovery", "sensor.john_smith_day_strain"):
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state != STATE_UNAVAILABLE


async def test_data_calls_rejected_after_a_refresh_start_reauth(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    coordinator = next(iter(entry.runtime_data.coordinators))
    sandbox.whoop.faults.add("server_error", path="/developer/v2/", status=401, count=2)

    await coordinator.async_refresh()
    await hass.async_block_till_done()

    assert not coordinator.last_update_success
    assert len(_reauth_flows(hass)) == 1
    assert entry.data["token"]["refresh_token"]


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_transient_token_errors_retry_later_without_reauth(
    hass: HomeAssistant,
    sandbox: Sandbox,
    credentials: None,
    whoop_entry: EntryFactory,
    status: int,
) -> None:
    entry = whoop_entry(expires_in=-10)
    entry.add_to_hass(hass)
    sandbox.whoop.faults.add("token_server_error", status=status)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not _reauth_flows(hass)
    assert entry.data["token"]["refresh_token"]


async def test_two_rejections_of_one_token_share_one_refresh(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    coordinators = entry.runtime_data
    sandbox.whoop.faults.add("server_error", path="/developer/v2/", status=401, count=2)
    sandbox.whoop.reset_log()

    await asyncio.gather(
        coordinators.recovery.async_refresh(), coordinators.strain.async_refresh()
    )

    assert coordinators.recovery.last_update_success
    assert coordinators.strain.last_update_success
    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 1


@pytest.mark.parametrize(
    ("dropped", "loaded"),
    [(["access_token"], False), (["scope"], True)],
)
async def test_a_refresh_answer_missing_fields(
    hass: HomeAssistant,
    sandbox: Sandbox,
    credentials: None,
    whoop_entry: EntryFactory,
    dropped: list[str],
    loaded: bool,
) -> None:
    entry = whoop_entry(expires_in=-10)
    entry.add_to_hass(hass)
    scope_before = entry.data["token"]["scope"]
    sandbox.whoop.faults.add(
        "missing_fields", path="/oauth/oauth2/token", fields=dropped
    )

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    # No access token: retry later, never reauth. No scope: what was granted still holds.
    assert (entry.state is ConfigEntryState.LOADED) is loaded
    assert not _reauth_flows(hass)
    assert entry.data["token"]["scope"] == scope_before


async def test_a_rejection_of_an_already_replaced_token_spends_no_refresh(
    hass: HomeAssistant, sandbox: Sandbox, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    coordinators = entry.runtime_data
    # Recovery's request reaches WHOOP a second late, after strain's 401 got the token
    # refreshed, which killed the token recovery's request carries: WHOOP rejects it too.
    sandbox.whoop.faults.add("slow", path="/developer/v2/recovery", delay=1.0)
    sandbox.whoop.faults.add("server_error", path="/developer/v2/cycle", status=401)
    sandbox.whoop.reset_log()

    await asyncio.gather(
        coordinators.recovery.async_refresh(), coordinators.strain.async_refresh()
    )

    assert coordinators.recovery.last_update_success
    assert coordinators.strain.last_update_success
    recovery_answers = [
        r.status for r in sandbox.whoop.requests if r.path == "/developer/v2/recovery"
    ]
    assert recovery_answers[0] == 401
    # Recovery finds its rejected token replaced already: it retries with the new one.
    assert sandbox.whoop.request_counts()[TOKEN_ROUTE] == 1

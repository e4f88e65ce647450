"""The daily token check: a repair issue a week before expiry, renewal by exchange, reauth at the end."""

from datetime import datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.whoop.const import DOMAIN
from sandbox.graph import APP_SECRET, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    SENDER_NAME,
    SetUpSender,
)
from tests.integration.whatsapp.test_notify import notify

TOKEN = "EAASixtyDayToken"


def _issue(
    hass: HomeAssistant, entry: MockConfigEntry, key: str
) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{key}_{entry.entry_id}")


def _reauth_started(hass: HomeAssistant) -> bool:
    return any(
        flow["context"]["source"] == "reauth"
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    )


async def _days_later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, days: float
) -> None:
    freezer.tick(timedelta(days=days))
    async_fire_time_changed(hass)
    # The daily check runs as a background task.
    await hass.async_block_till_done(wait_background_tasks=True)


def _expiring_token(graph: GraphSandbox, days: float) -> datetime:
    expires_at = dt_util.utcnow().replace(microsecond=0) + timedelta(days=days)
    graph.add_token(TOKEN, expires_at=expires_at)
    return expires_at


async def test_a_week_before_expiry_a_repair_issue_names_the_date(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
) -> None:
    expires_at = _expiring_token(graph, days=10.5)
    entry = await set_up_sender(access_token=TOKEN)
    assert _issue(hass, entry, "whatsapp_token_expiring") is None

    for _ in range(3):
        await _days_later(hass, freezer, 1)
    assert _issue(hass, entry, "whatsapp_token_expiring") is None

    await _days_later(hass, freezer, 1)  # 6.5 days left

    issue = _issue(hass, entry, "whatsapp_token_expiring")
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders == {
        "sender": SENDER_NAME,
        "date": dt_util.as_local(expires_at).date().isoformat(),
    }
    assert not _reauth_started(hass)


async def test_an_expired_token_starts_reauthentication(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
) -> None:
    _expiring_token(graph, days=1.5)
    entry = await set_up_sender(access_token=TOKEN)
    assert _issue(hass, entry, "whatsapp_token_expiring") is not None

    await _days_later(hass, freezer, 1)
    assert not _reauth_started(hass)
    await _days_later(hass, freezer, 1)

    assert _reauth_started(hass)
    assert _issue(hass, entry, "whatsapp_token_expiring") is None


async def test_a_revoked_token_found_by_the_daily_check_starts_reauthentication(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
) -> None:
    _expiring_token(graph, days=50)
    await set_up_sender(access_token=TOKEN)
    graph.revoke_token(TOKEN)

    await _days_later(hass, freezer, 1)

    assert _reauth_started(hass)


async def test_a_token_expired_by_home_assistants_clock_starts_reauthentication(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Meta's clock lags: it still accepts a token that has expired by Home Assistant's clock.
    _expiring_token(graph, days=50)
    await set_up_sender(access_token=TOKEN)
    graph.tokens[TOKEN].expires_at = dt_util.utcnow() + timedelta(hours=12)
    graph.clock.freeze()

    await _days_later(hass, freezer, 1)

    assert _reauth_started(hass)


async def test_a_failed_daily_check_is_tried_again_the_next_day(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _expiring_token(graph, days=7.5)
    entry = await set_up_sender(access_token=TOKEN)
    graph.fail_next_raw(503, endpoint="debug_token")

    await _days_later(hass, freezer, 1)

    assert "Could not check the WhatsApp token" in caplog.text
    assert TOKEN not in caplog.text
    assert _issue(hass, entry, "whatsapp_token_expiring") is None
    assert not _reauth_started(hass)
    await _days_later(hass, freezer, 1)
    assert _issue(hass, entry, "whatsapp_token_expiring") is not None


async def test_with_app_credentials_the_token_is_extended_and_stored(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
) -> None:
    _expiring_token(graph, days=11.5)
    entry = await set_up_sender(access_token=TOKEN, app_credentials=True)
    runtime = entry.runtime_data

    await _days_later(hass, freezer, 1)  # 10.5 days left: not yet
    assert entry.data["access_token"] == TOKEN
    await _days_later(hass, freezer, 1)  # 9.5 days left: extended

    new_token = entry.data["access_token"]
    assert new_token != TOKEN
    assert entry.data["app_secret"] == APP_SECRET
    expires_at = graph.tokens[new_token].expires_at
    assert expires_at is not None
    assert expires_at - dt_util.utcnow() > timedelta(days=59)
    # Not reloaded, and sends use the new token from now on.
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is runtime
    graph.revoke_token(TOKEN)
    graph.open_window(ALICE)
    await notify(hass, ALICE_ENTITY, "Still here")
    assert len(graph.messages_to(ALICE)) == 1
    last = runtime.token_watch.last_info
    assert last is not None
    assert last.expires_at is not None
    assert last.expires_at - dt_util.utcnow() > timedelta(days=59)
    assert _issue(hass, entry, "whatsapp_token_expiring") is None


async def test_a_token_close_to_expiry_at_setup_is_extended_at_once(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    _expiring_token(graph, days=2)
    entry = await set_up_sender(access_token=TOKEN, app_credentials=True)

    assert entry.data["access_token"] != TOKEN
    assert _issue(hass, entry, "whatsapp_token_renewal_failed") is None


async def test_a_failing_renewal_warns_a_week_ahead(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _expiring_token(graph, days=9.5)
    graph.fail_next(
        1, message="Error validating client secret.", endpoint="access_token", count=5
    )
    entry = await set_up_sender(access_token=TOKEN, app_credentials=True)
    await _days_later(hass, freezer, 1)  # 8.5 days left: renewal failed, no issue yet
    assert "Could not extend the WhatsApp token" in caplog.text
    assert APP_SECRET not in caplog.text
    assert _issue(hass, entry, "whatsapp_token_renewal_failed") is None

    await _days_later(hass, freezer, 2)  # 6.5 days left

    issue = _issue(hass, entry, "whatsapp_token_renewal_failed")
    assert issue is not None
    assert _issue(hass, entry, "whatsapp_token_expiring") is None
    assert entry.data["access_token"] == TOKEN


async def test_a_permanent_token_raises_no_issue(
    hass: HomeAssistant, set_up_sender: SetUpSender, freezer: FrozenDateTimeFactory
) -> None:
    entry = await set_up_sender()
    await _days_later(hass, freezer, 400)
    assert _issue(hass, entry, "whatsapp_token_expiring") is None
    # No issue of any kind: neither expiring, nor renewal failed, nor anything else.
    assert [
        issue_id for (domain, issue_id) in ir.async_get(hass).issues if domain == DOMAIN
    ] == []
    assert not _reauth_started(hass)

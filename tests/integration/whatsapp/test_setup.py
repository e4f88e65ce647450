"""Setting up and unloading a WhatsApp sender: the checks at setup and what each failure leads to."""

from collections.abc import Callable
from datetime import timedelta

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from custom_components.whoop.const import DOMAIN
from sandbox.graph import ACCESS_TOKEN, PHONE_NUMBER_ID, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE_ENTITY,
    SetUpSender,
)


def _revoke(graph: GraphSandbox) -> None:
    graph.revoke_token(ACCESS_TOKEN)


def _expire(graph: GraphSandbox) -> None:
    graph.tokens[ACCESS_TOKEN].expires_at = dt_util.utcnow() - timedelta(days=1)


def _remove_messaging_permission(graph: GraphSandbox) -> None:
    graph.tokens[ACCESS_TOKEN].scopes = ("whatsapp_business_management",)


def _take_the_number_away(graph: GraphSandbox) -> None:
    graph.tokens[ACCESS_TOKEN].phone_number_ids = ()


def _delete_the_number(graph: GraphSandbox) -> None:
    del graph.phone_numbers[PHONE_NUMBER_ID]


@pytest.mark.parametrize(
    ("arrange", "reason"),
    [
        (_revoke, "no longer accepts the access token"),
        (_expire, "no longer accepts the access token"),
        (_remove_messaging_permission, "lacks the whatsapp_business_messaging"),
        (_take_the_number_away, "cannot use its phone number"),
        (_delete_the_number, "cannot use its phone number"),
    ],
)
async def test_a_sender_that_cannot_send_asks_for_reauthentication(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    arrange: Callable[[GraphSandbox], None],
    reason: str,
) -> None:
    arrange(graph)

    entry = await set_up_sender()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert reason in (entry.reason or "")
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == "reauth"
    assert hass.states.get(ALICE_ENTITY) is None


@pytest.mark.parametrize("endpoint", ["debug_token", "phone_number"])
async def test_an_unreachable_graph_api_is_retried(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox, endpoint: str
) -> None:
    graph.fail_next_raw(503, body="Service unavailable", endpoint=endpoint)

    entry = await set_up_sender()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "HTTP 503" in (entry.reason or "")
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


async def test_unloading_a_sender_removes_its_entities_from_service(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()
    assert hass.states.get(ALICE_ENTITY) is not None

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.NOT_LOADED
    state = hass.states.get(ALICE_ENTITY)
    assert state is not None
    assert state.state == STATE_UNAVAILABLE


async def test_a_title_change_alone_does_not_reload(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()
    runtime = entry.runtime_data

    hass.config_entries.async_update_entry(entry, title="Family alerts")
    await hass.async_block_till_done()

    assert entry.runtime_data is runtime
    assert entry.state is ConfigEntryState.LOADED

"""Adding, reauthenticating and reconfiguring a WhatsApp sender, validated by the sandbox's Graph API."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntryState,
    FlowType,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.util import dt as dt_util
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.whoop.const import DOMAIN
from custom_components.whoop.entry_kind import EntryKind
from sandbox.graph import (
    ACCESS_TOKEN,
    APP_ID,
    APP_SECRET,
    PHONE_NUMBER_ID,
    GraphSandbox,
)
from tests.integration.whatsapp.conftest import (
    SENDER_NAME,
    SENDER_TITLE,
    SetUpSender,
    sender_entry,
)

EXPIRING_TOKEN = "EAAExpiringSystemUserToken"
MANAGEMENT_ONLY = ("whatsapp_business_management",)


async def _start(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "whatsapp_sender"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "whatsapp_sender"
    return dict(result)


async def _submit(
    hass: HomeAssistant,
    result: dict[str, Any],
    token: str = ACCESS_TOKEN,
    phone_number_id: str = PHONE_NUMBER_ID,
    **renewal: str,
) -> dict[str, Any]:
    return dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                "access_token": token,
                "phone_number_id": phone_number_id,
                "token_renewal": renewal,
            },
        )
    )


async def test_adding_a_sender_with_a_permanent_token(
    hass: HomeAssistant, graph: GraphSandbox
) -> None:
    result = await _submit(hass, await _start(hass), f"  {ACCESS_TOKEN} ")

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == SENDER_TITLE
    assert result["data"] == {
        "entry_type": EntryKind.WHATSAPP_SENDER,
        "access_token": ACCESS_TOKEN,
        "phone_number_id": PHONE_NUMBER_ID,
    }
    entry = result["result"]
    assert entry.unique_id == PHONE_NUMBER_ID
    # The flow goes on to add the first recipient.
    flow_type, flow_id = result["next_flow"]
    assert flow_type is FlowType.CONFIG_SUBENTRIES_FLOW
    [recipient_flow] = [
        flow
        for flow in hass.config_entries.subentries.async_progress()
        if flow["flow_id"] == flow_id
    ]
    assert recipient_flow["handler"] == (entry.entry_id, "recipient")
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_app_credentials_are_not_kept_for_a_permanent_token(
    hass: HomeAssistant,
) -> None:
    result = await _submit(
        hass, await _start(hass), app_id=APP_ID, app_secret=APP_SECRET
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "app_id" not in result["data"]
    assert "app_secret" not in result["data"]


async def test_an_expiring_token_is_extended_with_the_app_credentials(
    hass: HomeAssistant, graph: GraphSandbox
) -> None:
    graph.add_token(EXPIRING_TOKEN, expires_at=dt_util.utcnow() + timedelta(hours=20))

    result = await _submit(
        hass,
        await _start(hass),
        EXPIRING_TOKEN,
        app_id=f" {APP_ID}",
        app_secret=APP_SECRET,
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    stored = result["data"]["access_token"]
    assert stored != EXPIRING_TOKEN
    expires_at = graph.tokens[stored].expires_at
    assert expires_at is not None
    assert expires_at - dt_util.utcnow() > timedelta(days=59)
    assert result["data"]["app_id"] == APP_ID
    assert result["data"]["app_secret"] == APP_SECRET


async def test_an_expiring_token_without_app_credentials_is_kept(
    hass: HomeAssistant, graph: GraphSandbox
) -> None:
    graph.add_token(EXPIRING_TOKEN, expires_at=dt_util.utcnow() + timedelta(days=50))
    result = await _submit(hass, await _start(hass), EXPIRING_TOKEN)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["access_token"] == EXPIRING_TOKEN


def _unknown_token(graph: GraphSandbox) -> str:
    return "EAAUnknownToken"


def _expired_token(graph: GraphSandbox) -> str:
    graph.add_token("EAAExpired", expires_at=dt_util.utcnow() - timedelta(minutes=1))
    return "EAAExpired"


def _revoked_token(graph: GraphSandbox) -> str:
    graph.add_token("EAARevoked")
    graph.revoke_token("EAARevoked")
    return "EAARevoked"


def _management_only_token(graph: GraphSandbox) -> str:
    graph.add_token("EAAManagement", scopes=MANAGEMENT_ONLY)
    return "EAAManagement"


def _token_without_the_number(graph: GraphSandbox) -> str:
    graph.add_token("EAAOtherAccount", phone_number_ids=())
    return "EAAOtherAccount"


def _invalid_in_debug_token(graph: GraphSandbox) -> str:
    # debug_token itself answers (authorised), but says the token is not valid.
    graph.fail_next(190, endpoint="debug_token")
    return ACCESS_TOKEN


@pytest.mark.parametrize(
    ("make_token", "error"),
    [
        (_unknown_token, "invalid_token"),
        (_expired_token, "token_expired"),
        (_revoked_token, "invalid_token"),
        (_management_only_token, "missing_permission"),
        (_token_without_the_number, "unknown_phone_number_id"),
        (_invalid_in_debug_token, "invalid_token"),
    ],
)
async def test_token_errors(
    hass: HomeAssistant,
    graph: GraphSandbox,
    make_token: Any,
    error: str,
) -> None:
    result = await _submit(hass, await _start(hass), make_token(graph))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}


async def test_token_expired_by_home_assistants_clock(
    hass: HomeAssistant, graph: GraphSandbox, freezer: FrozenDateTimeFactory
) -> None:
    # Meta's clock still accepts the token, Home Assistant's is past its expiry: the token is
    # as good as expired and would be refused any moment.
    graph.add_token(
        "EAAAlmostExpired", expires_at=dt_util.utcnow() + timedelta(minutes=5)
    )
    graph.clock.freeze()
    result = await _start(hass)
    freezer.tick(timedelta(minutes=6))
    result = await _submit(hass, result, "EAAAlmostExpired")
    assert result["errors"] == {"base": "token_expired"}


async def test_unknown_phone_number_id(hass: HomeAssistant) -> None:
    result = await _submit(hass, await _start(hass), phone_number_id="999999999")
    assert result["errors"] == {"base": "unknown_phone_number_id"}


@pytest.mark.parametrize(
    ("renewal", "error"),
    [
        ({"app_id": "999", "app_secret": APP_SECRET}, "invalid_app_credentials"),
        ({"app_id": APP_ID, "app_secret": "wrong"}, "invalid_app_credentials"),
    ],
)
async def test_wrong_app_credentials(
    hass: HomeAssistant,
    graph: GraphSandbox,
    renewal: dict[str, str],
    error: str,
) -> None:
    graph.add_token(EXPIRING_TOKEN, expires_at=dt_util.utcnow() + timedelta(days=2))
    result = await _submit(hass, await _start(hass), EXPIRING_TOKEN, **renewal)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    # Everything typed is offered back, the token and the secret too.
    assert _form_values(result) == {
        "access_token": EXPIRING_TOKEN,
        "phone_number_id": PHONE_NUMBER_ID,
        "token_renewal": renewal,
    }


def _form_values(result: Mapping[str, Any]) -> dict[str, Any]:
    """What the form's fields hold when shown: their suggested values, as the frontend fills them."""

    def values(schema: vol.Schema) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for key, value in schema.schema.items():
            if isinstance(value, section):
                shown[str(key)] = values(value.schema)
            elif (key.description or {}).get("suggested_value") is not None:
                shown[str(key)] = key.description["suggested_value"]
        return shown

    return values(result["data_schema"])


async def test_a_form_error_keeps_what_was_typed_so_fixing_one_field_is_enough(
    hass: HomeAssistant,
) -> None:
    result = await _submit(hass, await _start(hass), phone_number_id="999999999")
    assert result["errors"] == {"base": "unknown_phone_number_id"}

    # The person corrects the phone number ID only and submits what the form now holds.
    retry = _form_values(result) | {"phone_number_id": PHONE_NUMBER_ID}
    result = dict(
        await hass.config_entries.flow.async_configure(result["flow_id"], retry)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["access_token"] == ACCESS_TOKEN


async def test_token_exchange_unreachable(
    hass: HomeAssistant, graph: GraphSandbox
) -> None:
    graph.add_token(EXPIRING_TOKEN, expires_at=dt_util.utcnow() + timedelta(days=2))
    graph.fail_next_raw(502, body="Bad gateway", endpoint="access_token")
    result = await _submit(
        hass, await _start(hass), EXPIRING_TOKEN, app_id=APP_ID, app_secret=APP_SECRET
    )
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.parametrize("endpoint", ["debug_token", "phone_number"])
async def test_graph_unreachable(
    hass: HomeAssistant, graph: GraphSandbox, endpoint: str
) -> None:
    graph.fail_next_raw(503, body="Service unavailable", endpoint=endpoint)
    result = await _submit(hass, await _start(hass))
    assert result["errors"] == {"base": "cannot_connect"}


async def test_unexpected_graph_answer(
    hass: HomeAssistant, graph: GraphSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    graph.fail_next_raw(
        200, body="<html>", content_type="text/html", endpoint="phone_number"
    )
    result = await _submit(hass, await _start(hass))
    assert result["errors"] == {"base": "unknown"}
    assert ACCESS_TOKEN not in caplog.text


async def test_the_user_fixes_an_error_and_goes_on(
    hass: HomeAssistant, graph: GraphSandbox
) -> None:
    result = await _start(hass)
    result = await _submit(hass, result, "EAAWrong")
    assert result["errors"] == {"base": "invalid_token"}
    result = await _submit(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_a_number_is_added_only_once(hass: HomeAssistant) -> None:
    sender_entry().add_to_hass(hass)
    result = await _submit(hass, await _start(hass))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "whatsapp_already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


# Reauthentication -----------------------------------------------------------------------------


async def _reauth_form(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "whatsapp_reauth"
    assert result["description_placeholders"]["sender"] == SENDER_NAME
    return dict(result)


async def _reauth(
    hass: HomeAssistant, result: dict[str, Any], token: str
) -> dict[str, Any]:
    return dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"access_token": token}
        )
    )


async def test_reauth_of_a_loaded_sender_reloads_it_with_the_new_token(
    hass: HomeAssistant, graph: GraphSandbox, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()
    old_runtime = entry.runtime_data
    graph.add_token("EAANewToken")

    result = await _reauth(hass, await _reauth_form(hass, entry), "EAANewToken")
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["access_token"] == "EAANewToken"
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not old_runtime


async def test_reauth_brings_back_a_sender_whose_token_died(
    hass: HomeAssistant, graph: GraphSandbox
) -> None:
    graph.add_token("EAADying")
    graph.revoke_token("EAADying")
    entry = sender_entry(access_token="EAADying")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == "reauth"

    result = await _reauth(hass, {"flow_id": flow["flow_id"]}, ACCESS_TOKEN)
    await hass.async_block_till_done()

    assert result["reason"] == "reauth_successful"
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_with_a_token_for_another_number_aborts(
    hass: HomeAssistant, graph: GraphSandbox, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()
    result = await _reauth(
        hass, await _reauth_form(hass, entry), _token_without_the_number(graph)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_phone_number"
    assert entry.data["access_token"] == ACCESS_TOKEN


async def test_reauth_shows_token_errors(
    hass: HomeAssistant, graph: GraphSandbox, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()
    result = await _reauth(hass, await _reauth_form(hass, entry), _expired_token(graph))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "token_expired"}


# Reconfiguration ------------------------------------------------------------------------------


async def _reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, **user_input: Any
) -> dict[str, Any]:
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "whatsapp_reconfigure"
    return dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"phone_number_id": PHONE_NUMBER_ID, "token_renewal": {}} | user_input,
        )
    )


async def test_reconfigure_suggests_the_current_settings(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender(app_credentials=True)
    result = await entry.start_reconfigure_flow(hass)
    suggested = {
        str(key): key.description
        for key in result["data_schema"].schema
        if getattr(key, "description", None)
    }
    assert suggested == {"phone_number_id": {"suggested_value": PHONE_NUMBER_ID}}
    renewal = result["data_schema"].schema[
        next(key for key in result["data_schema"].schema if str(key) == "token_renewal")
    ]
    assert {
        str(key): key.description for key in renewal.schema.schema if key.description
    } == {"app_id": {"suggested_value": APP_ID}}


async def test_reconfigure_adds_app_credentials_and_extends_the_token(
    hass: HomeAssistant, graph: GraphSandbox, set_up_sender: SetUpSender
) -> None:
    graph.add_token(EXPIRING_TOKEN, expires_at=dt_util.utcnow() + timedelta(days=5))
    entry = await set_up_sender(access_token=EXPIRING_TOKEN)

    result = await _reconfigure(
        hass,
        entry,
        access_token=EXPIRING_TOKEN,
        token_renewal={"app_id": APP_ID, "app_secret": APP_SECRET},
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert entry.data["app_id"] == APP_ID
    assert entry.data["access_token"] != EXPIRING_TOKEN
    assert entry.state is ConfigEntryState.LOADED
    assert (
        entry.runtime_data.token_watch.settings.access_token
        == entry.data["access_token"]
    )


async def test_reconfigure_to_another_number(
    hass: HomeAssistant, graph: GraphSandbox, set_up_sender: SetUpSender
) -> None:
    graph.add_phone_number("222222222", "+1 555-010-0222", "Acme")
    graph.add_token("EAABoth", phone_number_ids=(PHONE_NUMBER_ID, "222222222"))
    entry = await set_up_sender()

    result = await _reconfigure(
        hass, entry, access_token="EAABoth", phone_number_id="222222222"
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == "222222222"
    assert entry.title == "WhatsApp Acme (+1 ••• 222)"
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_a_number_set_up_already_aborts(
    hass: HomeAssistant, graph: GraphSandbox, set_up_sender: SetUpSender
) -> None:
    MockConfigEntry(domain=DOMAIN, unique_id="222222222").add_to_hass(hass)
    entry = await set_up_sender()
    result = await _reconfigure(
        hass, entry, access_token=ACCESS_TOKEN, phone_number_id="222222222"
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "whatsapp_already_configured"


async def test_reconfigure_shows_errors(
    hass: HomeAssistant, graph: GraphSandbox, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()
    result = await _reconfigure(hass, entry, access_token="EAAWrong")
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_token"}
    assert entry.data["access_token"] == ACCESS_TOKEN

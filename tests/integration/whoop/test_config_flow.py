"""Adding a WHOOP account: the menu, the OAuth2 dance on the sandbox's page, reauth, reconfigure."""

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.whoop.const import CONF_ENTRY_TYPE, DOMAIN
from custom_components.whoop.entry_kind import EntryKind
from custom_components.whoop.whoop import repairs as whoop_repairs
from sandbox.app import Sandbox
from sandbox.whoop import ALL_SCOPES, JANE, JOHN
from tests.integration.conftest import EntryFactory, SetUpEntry
from tests.integration.whoop.conftest import authorize_on_sandbox

pytestmark = pytest.mark.usefixtures("current_request_with_host", "credentials")

REDIRECT_URI = "https://example.com/auth/external/callback"


async def _start_whoop_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["whoop_account", "whatsapp_sender"]
    return dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "whoop_account"}
        )
    )


async def _come_back(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    result: dict[str, Any],
    redirect: URL,
) -> dict[str, Any]:
    """Follow WHOOP's redirect into Home Assistant and let the flow finish."""
    assert str(redirect.with_query(None)) == REDIRECT_URI
    client = await hass_client_no_auth()
    response = await client.get(f"/auth/external/callback?{redirect.query_string}")
    assert response.status == 200
    return dict(await hass.config_entries.flow.async_configure(result["flow_id"]))


async def _confirm_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry
) -> dict[str, Any]:
    """Open Reconfigure: a form naming the member, then WHOOP's page."""
    result = dict(await entry.start_reconfigure_flow(hass))
    assert result["step_id"] == "reconfigure_confirm"
    assert result["description_placeholders"] == {"name": entry.title}
    result = dict(await hass.config_entries.flow.async_configure(result["flow_id"], {}))
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    return result


async def test_full_oauth_dance_creates_the_member_entry(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
) -> None:
    result = await _start_whoop_flow(hass)
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    authorize_url = URL(result["url"])
    assert str(authorize_url.with_query(None)) == f"{sandbox.url}/oauth/oauth2/auth"
    assert authorize_url.query["client_id"] == "sandbox-client-id"
    assert set(authorize_url.query["scope"].split()) == {*ALL_SCOPES}
    assert "offline" in authorize_url.query["scope"].split()

    redirect = await authorize_on_sandbox(result["url"])
    result = await _come_back(hass, hass_client_no_auth, result, redirect)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "John Smith"
    assert result["result"].unique_id == str(JOHN.user_id)
    data = result["data"]
    assert data[CONF_ENTRY_TYPE] == EntryKind.WHOOP_ACCOUNT
    assert data["auth_implementation"] == DOMAIN
    assert data["token"]["refresh_token"]
    assert data["token"]["expires_in"] == 3600
    assert len(data["webhook_id"]) == 64
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.john_smith_recovery") is not None


async def test_a_second_member_is_added_with_the_same_credentials(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    set_up_entry: SetUpEntry,
) -> None:
    await set_up_entry()
    result = await _start_whoop_flow(hass)
    redirect = await authorize_on_sandbox(result["url"], user_id=JANE.user_id)
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Jane Doe"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


async def test_the_same_member_twice_is_refused(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    set_up_entry: SetUpEntry,
) -> None:
    await set_up_entry()
    result = await _start_whoop_flow(hass)
    redirect = await authorize_on_sandbox(result["url"])
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_partial_scopes_create_only_the_granted_families(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    granted = [s for s in ALL_SCOPES if s not in {"read:workout", "read:sleep"}]
    result = await _start_whoop_flow(hass)
    redirect = await authorize_on_sandbox(result["url"], scopes=granted)
    result = await _come_back(hass, hass_client_no_auth, result, redirect)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] == "partial_scopes"
    assert result["description_placeholders"] == {"missing": "sleep, workout"}
    await hass.async_block_till_done()
    assert hass.states.get("sensor.john_smith_recovery") is not None
    assert hass.states.get("sensor.john_smith_day_strain") is not None
    assert hass.states.get("sensor.john_smith_total_sleep") is None
    assert hass.states.get("sensor.john_smith_last_workout") is None


async def test_without_the_profile_scope_the_member_cannot_be_identified(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    result = await _start_whoop_flow(hass)
    redirect = await authorize_on_sandbox(
        result["url"], scopes=[s for s in ALL_SCOPES if s != "read:profile"]
    )
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "missing_profile_scope"
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_denying_access_aborts(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    result = await _start_whoop_flow(hass)
    redirect = await authorize_on_sandbox(result["url"], decision="deny")
    assert redirect.query["error"] == "access_denied"
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "user_rejected_authorize"


@pytest.mark.parametrize(
    ("fault", "params", "reason"),
    [
        ("server_error", {}, "cannot_connect"),
        ("server_error", {"status": 401}, "oauth_unauthorized"),
        ("malformed_json", {}, "invalid_response"),
    ],
)
async def test_profile_errors_abort_with_a_reason(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    fault: str,
    params: dict[str, Any],
    reason: str,
) -> None:
    result = await _start_whoop_flow(hass)
    redirect = await authorize_on_sandbox(result["url"])
    sandbox.whoop.faults.add(fault, path="/developer/v2/user/profile", **params)
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


async def test_reauth_with_the_same_account_keeps_the_entry(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    old_refresh_token = entry.data["token"]["refresh_token"]
    result = dict(await entry.start_reauth_flow(hass))
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] == {"name": "John Smith"}
    result = dict(await hass.config_entries.flow.async_configure(result["flow_id"], {}))
    redirect = await authorize_on_sandbox(result["url"])
    result = await _come_back(hass, hass_client_no_auth, result, redirect)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["token"]["refresh_token"] != old_refresh_token
    assert entry.unique_id == str(JOHN.user_id)
    assert (
        entry.data["webhook_id"] == "whoop-webhook-10129"
    )  # the dashboard URL still works
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_with_another_account_is_refused(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    token_before = dict(entry.data["token"])
    result = dict(await entry.start_reauth_flow(hass))
    result = dict(await hass.config_entries.flow.async_configure(result["flow_id"], {}))
    redirect = await authorize_on_sandbox(result["url"], user_id=JANE.user_id)
    result = await _come_back(hass, hass_client_no_auth, result, redirect)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    # The message names the member the entry belongs to.
    assert result["description_placeholders"] == {"name": "John Smith"}
    assert entry.data["token"] == token_before

    # The prompt stays: a new reauthentication and its "sign in again" issue take the old one's place.
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert [flow["context"]["entry_id"] for flow in flows] == [entry.entry_id]
    issue = ir.async_get(hass).async_get_issue(
        "homeassistant", f"config_entry_reauth_{DOMAIN}_{entry.entry_id}"
    )
    assert issue is not None
    assert issue.data == {"flow_id": flows[0]["flow_id"]}

    # Signing in as the right member then ends it.
    result = dict(
        await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {})
    )
    redirect = await authorize_on_sandbox(result["url"])
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert (
        ir.async_get(hass).async_get_issue(
            "homeassistant", f"config_entry_reauth_{DOMAIN}_{entry.entry_id}"
        )
        is None
    )


async def test_reconfigure_with_another_account_names_the_member(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    result = await _confirm_reconfigure(hass, entry)
    redirect = await authorize_on_sandbox(result["url"], user_id=JANE.user_id)
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["reason"] == "wrong_account"
    assert result["description_placeholders"] == {"name": "John Smith"}
    await hass.async_block_till_done()
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_reconfigure_grants_more_scopes(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    whoop_entry: EntryFactory,
) -> None:
    entry = whoop_entry(scopes=[s for s in ALL_SCOPES if s != "read:workout"])
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.john_smith_last_workout") is None

    result = await _confirm_reconfigure(hass, entry)
    redirect = await authorize_on_sandbox(result["url"])
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert hass.states.get("sensor.john_smith_last_workout") is not None


async def test_reconfigure_with_fewer_scopes_raises_a_repair_that_reconfigures(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    assert hass.states.get("sensor.john_smith_last_workout") is not None
    result = await _confirm_reconfigure(hass, entry)
    redirect = await authorize_on_sandbox(
        result["url"],
        scopes=[s for s in ALL_SCOPES if s not in {"read:workout", "read:sleep"}],
    )
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    issue_id = f"missing_scopes_{entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "name": "John Smith",
        "missing": "sleep, workout",
    }
    # The dropped families' entities are kept, unavailable, with their registry entries.
    registry = er.async_get(hass)
    assert registry.async_get("sensor.john_smith_last_workout") is not None
    assert hass.states.get("sensor.john_smith_last_workout").state == "unavailable"
    assert hass.states.get("sensor.john_smith_recovery").state != "unavailable"

    # The repair's fix flow explains, then hands over to the account's Reconfigure.
    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == 200
    fix = await response.json()
    assert fix["step_id"] == "confirm"
    assert fix["description_placeholders"]["missing"] == "sleep, workout"
    response = await client.post(f"/api/repairs/issues/fix/{fix['flow_id']}", json={})
    fix = await response.json()
    assert fix["type"] == "abort"
    assert fix["reason"] == "reconfigure_started"
    flow_type, flow_id = fix["next_flow"]
    assert flow_type == "config_flow"
    reconfigure = hass.config_entries.flow.async_get(flow_id)
    assert reconfigure["context"]["source"] == "reconfigure"
    assert reconfigure["context"]["entry_id"] == entry.entry_id
    # A form first: WHOOP's sign-in URL needs the browser's address, which only the config
    # flow's own requests carry.
    assert reconfigure["step_id"] == "reconfigure_confirm"
    # The issue stays until the scopes are granted.
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None

    result = dict(await hass.config_entries.flow.async_configure(flow_id, {}))
    redirect = await authorize_on_sandbox(result["url"])
    result = await _come_back(hass, hass_client_no_auth, result, redirect)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert hass.states.get("sensor.john_smith_last_workout").state != "unavailable"


async def test_deleting_the_account_forgets_its_repair(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    result = await _confirm_reconfigure(hass, entry)
    redirect = await authorize_on_sandbox(
        result["url"], scopes=[s for s in ALL_SCOPES if s != "read:body_measurement"]
    )
    await _come_back(hass, hass_client_no_auth, result, redirect)
    await hass.async_block_till_done()
    issue_id = f"missing_scopes_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_the_repair_of_a_deleted_account_goes_away(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    ir.async_create_issue(
        hass,
        DOMAIN,
        "missing_scopes_gone",
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="missing_scopes",
        translation_placeholders={"name": "John Smith", "missing": "sleep"},
        data={"entry_id": "gone"},
    )
    assert await async_setup_component(hass, DOMAIN, {})
    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix",
        json={"handler": DOMAIN, "issue_id": "missing_scopes_gone"},
    )
    fix = await response.json()
    assert fix["type"] == "abort"
    assert fix["reason"] == "entry_removed"
    assert ir.async_get(hass).async_get_issue(DOMAIN, "missing_scopes_gone") is None


def test_a_missing_scopes_issue_without_its_entry_id_is_refused() -> None:
    with pytest.raises(TypeError):
        whoop_repairs.async_create_fix_flow(None)

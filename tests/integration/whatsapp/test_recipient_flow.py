"""Adding, editing and deleting recipients: the subentry flow and the notify entities it changes."""

from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.whoop.const import SUBENTRY_TYPE_RECIPIENT
from sandbox.graph import ALERT_TEMPLATE, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    BOB,
    BOB_ENTITY,
    SetUpSender,
    recipient,
    sender_entry,
)


async def _start(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_id: str | None = None
) -> dict[str, Any]:
    context: dict[str, Any] = {"source": SOURCE_USER}
    if subentry_id is not None:
        context = {"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id}
    return dict(
        await hass.config_entries.subentries.async_init(
            (entry.entry_id, SUBENTRY_TYPE_RECIPIENT), context=context
        )
    )


async def _configure(
    hass: HomeAssistant, result: dict[str, Any], user_input: dict[str, Any]
) -> dict[str, Any]:
    return dict(
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], user_input
        )
    )


def _subentry_id(entry: MockConfigEntry, title: str) -> str:
    return next(
        subentry_id
        for subentry_id, subentry in entry.subentries.items()
        if subentry.title == title
    )


async def test_adding_a_text_recipient_adds_its_entity_without_reload(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    entry = await set_up_sender()
    runtime = entry.runtime_data

    result = await _start(hass, entry)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await _configure(
        hass,
        result,
        {
            "name": " Bob ",
            "phone_number": "+49 (0)151 1234-5678",
            "delivery_mode": "text",
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Bob"
    assert result["data"] == {"phone_number": BOB, "delivery_mode": "text"}
    assert result["unique_id"] == BOB
    assert entry.runtime_data is runtime  # not reloaded
    assert hass.states.get(BOB_ENTITY) is not None
    graph.open_window(BOB)
    await hass.services.async_call(
        "notify",
        "send_message",
        {"entity_id": BOB_ENTITY, "message": "Hello"},
        blocking=True,
    )
    assert [message.text for message in graph.messages_to(BOB)] == ["Hello"]


async def test_a_number_without_country_code_takes_home_assistants_country(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    hass.config.country = "DE"
    entry = await set_up_sender()
    result = await _start(hass, entry)
    result = await _configure(
        hass,
        result,
        {"name": "Bob", "phone_number": "0151 12345678", "delivery_mode": "text"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["phone_number"] == BOB


async def test_automatic_recipient_asks_for_the_template(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()
    result = await _start(hass, entry)
    result = await _configure(
        hass,
        result,
        {"name": "Bob", "phone_number": BOB, "delivery_mode": "automatic"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "template"
    assert result["description_placeholders"] == {"name": "Bob"}

    result = await _configure(
        hass,
        result,
        {
            "template_name": ALERT_TEMPLATE,
            "template_language": "en_US",
            "template_parameters": "title_and_message",
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "phone_number": BOB,
        "delivery_mode": "automatic",
        "template_name": ALERT_TEMPLATE,
        "template_language": "en_US",
        "template_parameters": "title_and_message",
    }
    assert hass.states.get(BOB_ENTITY) is not None


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        (
            {"template_name": "Whoop Alert", "template_language": "en_US"},
            {"template_name": "invalid_template_name"},
        ),
        (
            {"template_name": "whoop_alert", "template_language": "english"},
            {"template_language": "invalid_language"},
        ),
        (
            {"template_parameters": "named", "title_parameter": "title"},
            {"message_parameter": "parameter_name_required"},
        ),
        (
            {
                "template_parameters": "named",
                "message_parameter": "1message",
                "title_parameter": "Title",
            },
            {
                "message_parameter": "invalid_parameter_name",
                "title_parameter": "invalid_parameter_name",
            },
        ),
    ],
)
async def test_template_step_errors(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    user_input: dict[str, Any],
    errors: dict[str, str],
) -> None:
    entry = await set_up_sender()
    result = await _start(hass, entry)
    result = await _configure(
        hass, result, {"name": "Bob", "phone_number": BOB, "delivery_mode": "template"}
    )
    defaults = {
        "template_name": "whoop_alert",
        "template_language": "en_US",
        "template_parameters": "title_and_message",
    }
    result = await _configure(hass, result, defaults | user_input)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "template"
    assert result["errors"] == errors

    # The user corrects the form and the recipient is created.
    result = await _configure(
        hass,
        result,
        defaults
        | {
            "template_parameters": "named",
            "template_name": "whoop_alert_named",
            "message_parameter": "message",
            "title_parameter": "title",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["message_parameter"] == "message"
    assert result["data"]["title_parameter"] == "title"


@pytest.mark.parametrize(
    ("phone_number", "error"),
    [
        ("not a number", "invalid_phone_number"),
        ("12", "invalid_phone_number"),
        (ALICE, "phone_number_taken"),
        ("+44 7700 900123", "phone_number_taken"),
    ],
)
async def test_recipient_number_errors(
    hass: HomeAssistant, set_up_sender: SetUpSender, phone_number: str, error: str
) -> None:
    entry = await set_up_sender()
    result = await _start(hass, entry)
    result = await _configure(
        hass,
        result,
        {"name": "Bob", "phone_number": phone_number, "delivery_mode": "text"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"phone_number": error}


async def test_editing_a_recipient_renames_its_device_and_changes_its_mode(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    graph.add_template(ALERT_TEMPLATE, "en_GB", body="Alert: {{1}}, {{2}}")
    entry = await set_up_sender(recipient("Alice", delivery_mode="automatic"))
    runtime = entry.runtime_data
    alice = _subentry_id(entry, "Alice")

    result = await _start(hass, entry, alice)
    assert result["step_id"] == "reconfigure"
    result = await _configure(
        hass,
        result,
        {"name": "Alice Smith", "phone_number": ALICE, "delivery_mode": "template"},
    )
    assert result["step_id"] == "template"
    result = await _configure(
        hass,
        result,
        {
            "template_name": "whoop_alert",
            "template_language": "en_GB",
            "template_parameters": "title_and_message",
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    subentry = entry.subentries[alice]
    assert subentry.title == "Alice Smith"
    assert subentry.data["delivery_mode"] == "template"
    assert subentry.data["template_language"] == "en_GB"
    assert entry.runtime_data is runtime
    entity = er.async_get(hass).async_get(ALICE_ENTITY)
    assert entity is not None
    device = dr.async_get(hass).async_get(entity.device_id or "")
    assert device is not None
    assert device.name == "Alice Smith"


async def test_switching_a_recipient_to_text_drops_the_template(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender(recipient("Alice", delivery_mode="automatic"))
    alice = _subentry_id(entry, "Alice")

    result = await _start(hass, entry, alice)
    result = await _configure(
        hass, result, {"name": "Alice", "phone_number": ALICE, "delivery_mode": "text"}
    )

    assert result["reason"] == "reconfigure_successful"
    assert dict(entry.subentries[alice].data) == {
        "phone_number": ALICE,
        "delivery_mode": "text",
    }


async def test_editing_cannot_take_another_recipients_number(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender(recipient("Alice"), recipient("Bob", BOB))
    result = await _start(hass, entry, _subentry_id(entry, "Alice"))
    result = await _configure(
        hass, result, {"name": "Alice", "phone_number": BOB, "delivery_mode": "text"}
    )
    assert result["errors"] == {"phone_number": "phone_number_taken"}


async def test_deleting_a_recipient_removes_its_entity_and_device(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender(recipient("Alice"), recipient("Bob", BOB))
    entity = er.async_get(hass).async_get(BOB_ENTITY)
    assert entity is not None
    device_id = entity.device_id or ""

    assert hass.config_entries.async_remove_subentry(entry, _subentry_id(entry, "Bob"))
    await hass.async_block_till_done()

    assert hass.states.get(BOB_ENTITY) is None
    assert er.async_get(hass).async_get(BOB_ENTITY) is None
    assert dr.async_get(hass).async_get(device_id) is None
    assert hass.states.get(ALICE_ENTITY) is not None
    assert entry.state is ConfigEntryState.LOADED


async def test_recipient_added_back_after_deletion_gets_an_entity_again(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender(recipient("Alice"), recipient("Bob", BOB))
    hass.config_entries.async_remove_subentry(entry, _subentry_id(entry, "Bob"))
    await hass.async_block_till_done()

    result = await _start(hass, entry)
    await _configure(
        hass, result, {"name": "Bob", "phone_number": BOB, "delivery_mode": "text"}
    )
    await hass.async_block_till_done()

    assert hass.states.get(BOB_ENTITY) is not None


async def test_named_parameters_without_a_title(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    graph.add_template("home_alert", "en", body="Home: {{text}}")
    entry = await set_up_sender()
    result = await _start(hass, entry)
    result = await _configure(
        hass, result, {"name": "Bob", "phone_number": BOB, "delivery_mode": "template"}
    )
    result = await _configure(
        hass,
        result,
        {
            "template_name": "home_alert",
            "template_language": "en",
            "template_parameters": "named",
            "message_parameter": " text ",
            "title_parameter": "  ",
        },
    )
    assert result["data"] == {
        "phone_number": BOB,
        "delivery_mode": "template",
        "template_name": "home_alert",
        "template_language": "en",
        "template_parameters": "named",
        "message_parameter": "text",
    }


async def _template_form(
    hass: HomeAssistant, entry: MockConfigEntry, name: str = "Bob"
) -> dict[str, Any]:
    result = await _start(hass, entry)
    return await _configure(
        hass, result, {"name": name, "phone_number": BOB, "delivery_mode": "template"}
    )


def _offered_templates(result: dict[str, Any]) -> list[dict[str, str]]:
    key = next(k for k in result["data_schema"].schema if k == "template_name")
    return list(result["data_schema"].schema[key].config["options"])


async def test_the_approved_templates_are_offered(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    graph.add_template(ALERT_TEMPLATE, "de", body="Alarm: {{1}} {{2}}")
    graph.add_template("paused_alert", body="Paused {{1}}", status="PAUSED")
    result = await _template_form(hass, await set_up_sender())

    assert result["step_id"] == "template"
    assert next(iter(result["data_schema"].schema)) == "template_name"
    assert _offered_templates(result) == [
        {"value": "whoop_alert", "label": "whoop_alert (de, en_US)"},
        {"value": "whoop_alert_named", "label": "whoop_alert_named (en_US)"},
        {
            "value": "whoop_alert_quick_reply",
            "label": "whoop_alert_quick_reply (en_US)",
        },
    ]


@pytest.mark.parametrize(
    ("user_input", "errors", "placeholders"),
    [
        (
            {"template_name": "no_such_template"},
            {"template_name": "template_not_found"},
            {},
        ),
        (
            {"template_language": "de"},
            {"template_language": "template_language_not_found"},
            {"languages": "en_US"},
        ),
        (
            {"template_name": "paused_alert"},
            {"template_name": "template_not_approved"},
            {"status": "paused"},
        ),
        (
            {"template_name": "header_alert"},
            {"base": "template_header_parameters"},
            {},
        ),
        (
            {"template_parameters": "message"},
            {"template_parameters": "template_parameter_count"},
            {"count": "2", "parameters": "1, 2"},
        ),
        (
            {"template_parameters": "none"},
            {"template_parameters": "template_parameter_count"},
            {"count": "2", "parameters": "1, 2"},
        ),
        (
            {"template_parameters": "named", "message_parameter": "message"},
            {"template_parameters": "template_parameter_names"},
            {"count": "2", "parameters": "1, 2"},
        ),
        (
            {
                "template_name": "whoop_alert_named",
                "template_parameters": "named",
                "message_parameter": "message",
            },
            {"template_parameters": "template_parameter_names"},
            {"count": "2", "parameters": "title, message"},
        ),
        (
            {"template_name": "whoop_alert_named"},
            {"template_parameters": "template_parameter_count"},
            {"count": "2", "parameters": "title, message"},
        ),
    ],
)
async def test_a_template_that_would_fail_at_the_first_send_is_refused(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    user_input: dict[str, str],
    errors: dict[str, str],
    placeholders: dict[str, str],
) -> None:
    graph.add_template("paused_alert", body="Paused {{1}} {{2}}", status="PAUSED")
    graph.add_template("header_alert", body="{{1}} {{2}}", header="For {{1}}")
    result = await _template_form(hass, await set_up_sender())
    typed = {
        "template_name": ALERT_TEMPLATE,
        "template_language": "en_US",
        "template_parameters": "title_and_message",
    } | user_input
    result = await _configure(hass, result, typed)

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert result["description_placeholders"] == {"name": "Bob"} | placeholders
    # What was typed stays in the form.
    key = next(k for k in result["data_schema"].schema if k == "template_name")
    assert key.description == {"suggested_value": typed["template_name"]}


async def test_a_matching_named_template_is_accepted(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    result = await _template_form(hass, await set_up_sender())
    result = await _configure(
        hass,
        result,
        {
            "template_name": "whoop_alert_named",
            "template_language": "en_US",
            "template_parameters": "named",
            "title_parameter": "title",
            "message_parameter": "message",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_a_token_that_cannot_read_templates_leaves_them_unchecked(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    graph.add_token("EAAMessagingOnly", scopes=("whatsapp_business_messaging",))
    entry = await set_up_sender(access_token="EAAMessagingOnly")
    result = await _template_form(hass, entry)

    # The form says it cannot check, and takes what is typed.
    assert result["step_id"] == "template_unchecked"
    result = await _configure(
        hass,
        result,
        {
            "template_name": "not_in_the_account",
            "template_language": "en_US",
            "template_parameters": "message",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["template_name"] == "not_in_the_account"


async def test_when_meta_does_not_answer_the_templates_are_unchecked(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    entry = await set_up_sender()
    graph.fail_next(2, endpoint="message_templates")
    result = await _template_form(hass, entry)
    assert result["step_id"] == "template_unchecked"


async def test_templates_of_a_sender_not_loaded_are_read_with_its_stored_token(
    hass: HomeAssistant, graph: GraphSandbox
) -> None:
    entry = sender_entry(recipient())
    entry.add_to_hass(hass)
    result = await _template_form(hass, entry)
    assert result["step_id"] == "template"

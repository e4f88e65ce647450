"""Setting up Meta webhooks (the sender's Configure dialog) and a recipient's reply options."""

from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.components.cloud import CloudNotConnected
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.whoop.const import SUBENTRY_TYPE_RECIPIENT
from custom_components.whoop.whatsapp.webhooks import cloudhook
from sandbox.graph import APP_SECRET, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    BOB,
    SetUpMeta,
    SetUpSender,
    recipient,
)

EXTERNAL_URL = "https://home.example.org"
CLOUDHOOK_URL = "https://hooks.nabu.casa/abc"


async def _open(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    return dict(await hass.config_entries.options.async_init(entry.entry_id))


async def _submit(
    hass: HomeAssistant,
    result: dict[str, Any],
    user_input: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return dict(
        await hass.config_entries.options.async_configure(result["flow_id"], user_input)
    )


async def test_setting_up_webhooks_shows_url_and_token_and_meta_can_verify(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    hass.config.external_url = EXTERNAL_URL
    entry = await set_up_sender()

    result = await _open(hass, entry)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "whatsapp_webhook"
    result = await _submit(hass, result, {"app_secret": "  "})
    assert result["errors"] == {"app_secret": "app_secret_required"}
    result = await _submit(hass, result, {"app_secret": "not a secret at all"})
    assert result["errors"] == {"app_secret": "invalid_app_secret"}
    result = await _submit(hass, result, {"app_secret": f" {APP_SECRET} "})

    assert result["step_id"] == "whatsapp_webhook_info"
    assert result["errors"] == {}
    placeholders = result["description_placeholders"]
    url: str = placeholders["callback_url"]
    token: str = placeholders["verify_token"]
    assert url.startswith(f"{EXTERNAL_URL}/api/webhook/")
    assert len(token) >= 32
    result = await _submit(hass, result, {})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["app_secret"] == APP_SECRET
    assert entry.options["verify_token"] == token
    assert url.endswith(entry.options["webhook_id"])
    # The entry reloaded with its webhook: Meta's handshake with the shown token passes.
    assert entry.runtime_data.webhook is not None
    client = await hass_client_no_auth()
    local = str(client.make_url(url.removeprefix(EXTERNAL_URL)))
    graph.webhooks.auto_deliver = False
    await graph.webhooks.subscribe(local, token, app_secret=APP_SECRET)


async def test_opening_the_dialog_again_keeps_url_token_and_secret(
    hass: HomeAssistant, set_up_meta: SetUpMeta
) -> None:
    hass.config.external_url = EXTERNAL_URL
    meta = await set_up_meta()
    options = dict(meta.entry.options)

    result = await _open(hass, meta.entry)
    result = await _submit(hass, result, {})  # the secret may be left empty now
    assert result["description_placeholders"]["verify_token"] == options["verify_token"]
    result = await _submit(hass, result, {})
    await hass.async_block_till_done()

    assert dict(meta.entry.options) == options


async def test_without_a_public_url_the_dialog_says_so(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()

    result = await _open(hass, entry)
    result = await _submit(hass, result, {"app_secret": APP_SECRET})

    assert result["errors"] == {"base": "no_public_url"}
    assert result["description_placeholders"]["callback_url"].startswith(
        "/api/webhook/"
    )


async def test_with_home_assistant_cloud_a_cloudhook_is_made_and_deleted_with_the_sender(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()
    hass.config.components.add("cloud")
    with (
        patch.object(cloudhook.cloud, "async_active_subscription", return_value=True),
        patch.object(
            cloudhook.cloud,
            "async_get_or_create_cloudhook",
            AsyncMock(return_value=CLOUDHOOK_URL),
        ) as create,
        patch.object(cloudhook.cloud, "async_delete_cloudhook", AsyncMock()) as delete,
    ):
        result = await _open(hass, entry)
        result = await _submit(hass, result, {"app_secret": APP_SECRET})
        assert result["description_placeholders"]["callback_url"] == CLOUDHOOK_URL
        result = await _submit(hass, result, {})
        await hass.async_block_till_done()
        webhook_id = entry.options["webhook_id"]
        create.assert_awaited_once_with(hass, webhook_id)
        assert entry.options["cloudhook_url"] == CLOUDHOOK_URL

        assert await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()

    delete.assert_awaited_once_with(hass, webhook_id)


async def test_cloud_that_cannot_make_a_cloudhook_falls_back_to_the_external_url(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    hass.config.external_url = EXTERNAL_URL
    entry = await set_up_sender()
    hass.config.components.add("cloud")
    with (
        patch.object(cloudhook.cloud, "async_active_subscription", return_value=True),
        patch.object(
            cloudhook.cloud,
            "async_get_or_create_cloudhook",
            AsyncMock(side_effect=CloudNotConnected),
        ),
        patch.object(
            cloudhook.cloud,
            "async_delete_cloudhook",
            AsyncMock(side_effect=CloudNotConnected),
        ) as delete,
    ):
        result = await _open(hass, entry)
        result = await _submit(hass, result, {"app_secret": APP_SECRET})
        assert result["description_placeholders"]["callback_url"].startswith(
            EXTERNAL_URL
        )
        await _submit(hass, result, {})
        await hass.async_block_till_done()
        assert "cloudhook_url" not in entry.options
        assert await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()

    delete.assert_not_awaited()


async def test_removing_a_sender_forgets_its_windows_and_deliveries(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    hass_storage: dict[str, Any],
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    assert await hass.config_entries.async_unload(meta.entry.entry_id)
    entry_id = meta.entry.entry_id
    assert f"whoop.whatsapp_windows.{entry_id}" in hass_storage
    assert f"whoop.whatsapp_webhook_seen.{entry_id}" in hass_storage

    assert await hass.config_entries.async_remove(entry_id)
    await hass.async_block_till_done()

    assert f"whoop.whatsapp_windows.{entry_id}" not in hass_storage
    assert f"whoop.whatsapp_webhook_seen.{entry_id}" not in hass_storage


async def _recipient_flow(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    user_input: dict[str, Any],
    subentry_id: str | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {"source": SOURCE_USER}
    if subentry_id is not None:
        context = {"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id}
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE_RECIPIENT), context=context
    )
    return dict(
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], user_input
        )
    )


async def test_a_recipient_gets_reply_options(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender()

    result = await _recipient_flow(
        hass,
        entry,
        {
            "name": "Bob",
            "phone_number": BOB,
            "delivery_mode": "text",
            "replies": {
                "mark_as_read": True,
                "buttons_template": " whoop_question ",
                "assist": True,
                "agent_id": "conversation.home_assistant",
            },
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "phone_number": BOB,
        "delivery_mode": "text",
        "mark_as_read": True,
        "buttons_template": "whoop_question",
        "assist": True,
        "agent_id": "conversation.home_assistant",
    }


@pytest.mark.parametrize("name", ["Whoop Question", "with-dash", "ä"])
async def test_a_bad_buttons_template_name_is_refused(
    hass: HomeAssistant, set_up_sender: SetUpSender, name: str
) -> None:
    entry = await set_up_sender()

    result = await _recipient_flow(
        hass,
        entry,
        {
            "name": "Bob",
            "phone_number": BOB,
            "delivery_mode": "text",
            "replies": {"buttons_template": name},
        },
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"replies": "invalid_buttons_template"}


async def test_editing_a_recipient_suggests_and_keeps_its_reply_options(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    entry = await set_up_sender(recipient(mark_as_read=True, buttons_template="ask"))
    subentry_id = next(iter(entry.subentries))
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE_RECIPIENT),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    replies = next(
        value for key, value in result["data_schema"].schema.items() if key == "replies"
    )
    suggested = {
        str(key): key.description["suggested_value"]
        for key in replies.schema.schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested == {"mark_as_read": True, "buttons_template": "ask"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Alice",
            "phone_number": ALICE,
            "delivery_mode": "text",
            "replies": {"mark_as_read": False},
        },
    )

    assert result["type"] is FlowResultType.ABORT
    assert dict(entry.subentries[subentry_id].data) == {
        "phone_number": ALICE,
        "delivery_mode": "text",
    }

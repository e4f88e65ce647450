"""Two-way edge cases: late and stray webhooks, stored state that cannot be read, pruning."""

from datetime import timedelta
import json
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.cloud import CloudNotConnected
from homeassistant.components.notify import ATTR_MESSAGE
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
import pytest

from custom_components.whoop.const import DOMAIN
from custom_components.whoop.whatsapp.webhooks import cloudhook
from sandbox.graph import GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    ALICE_EVENTS,
    ALICE_WINDOW,
    SetUpMeta,
    recipient,
    webhook_options,
)
from tests.integration.whatsapp.test_two_way_webhook import (
    inbound_body,
    post,
    signature,
)


async def notify(hass: HomeAssistant, message: str) -> None:
    await hass.services.async_call(
        "notify",
        "send_message",
        {ATTR_ENTITY_ID: ALICE_ENTITY, ATTR_MESSAGE: message},
        blocking=True,
    )


def status_body(message_id: str, status: str) -> bytes:
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "metadata": {
                                    "phone_number_id": GraphSandbox.PHONE_NUMBER_ID
                                },
                                "statuses": [
                                    {
                                        "id": message_id,
                                        "status": status,
                                        "timestamp": "1795176000",
                                        "recipient_id": ALICE.removeprefix("+"),
                                    }
                                ],
                            },
                        }
                    ]
                }
            ],
        }
    ).encode()


async def post_signed(url: str, body: bytes) -> int:
    return await post(url, body, {"X-Hub-Signature-256": signature(body)})


async def test_an_older_message_arriving_late_does_not_move_the_window_back(
    hass: HomeAssistant, set_up_meta: SetUpMeta
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    window = hass.states.get(ALICE_WINDOW).state

    # A message of a year ago, retried by Meta only now.
    assert await post_signed(meta.url, inbound_body(message_id="wamid.old")) == 200
    await hass.async_block_till_done(wait_background_tasks=True)

    assert hass.states.get(ALICE_WINDOW).state == window
    assert hass.states.get(ALICE_EVENTS).attributes["message_id"] == "wamid.old"


async def test_a_status_after_a_failure_changes_nothing(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="text"))
    await notify(hass, "outside the window")
    await meta.deliver()
    failed = hass.states.get(ALICE_EVENTS)
    assert failed.attributes["event_type"] == "failed"

    [message] = graph.failed_messages
    assert (
        await post_signed(meta.url, status_body(message.message_id, "delivered")) == 200
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    assert hass.states.get(ALICE_EVENTS) == failed


async def test_old_messages_are_forgotten(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    freezer: FrozenDateTimeFactory,
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="template"))
    await notify(hass, "first")
    [first] = graph.messages_to(ALICE)
    freezer.tick(timedelta(days=3))
    await notify(hass, "three days later")

    assert len(meta.entry.runtime_data.receipts) == 1
    assert await post_signed(meta.url, status_body(first.message_id, "read")) == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(ALICE_EVENTS).state == STATE_UNKNOWN


@pytest.mark.parametrize(
    ("windows", "seen"),
    [
        ({"last_inbound": ["not", "a", "mapping"]}, {"seen": "not a list"}),
        ({"last_inbound": {"some_recipient": "not a date", "1": 5}}, {"seen": [1, 2]}),
    ],
)
async def test_stored_state_that_cannot_be_read_is_skipped(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    hass_storage: dict[str, Any],
    windows: dict[str, Any],
    seen: dict[str, Any],
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    entry_id = meta.entry.entry_id
    assert await hass.config_entries.async_unload(entry_id)
    # What another version, or a damaged disk, left behind.
    hass_storage[f"{DOMAIN}.whatsapp_windows.{entry_id}"]["data"] = windows
    hass_storage[f"{DOMAIN}.whatsapp_webhook_seen.{entry_id}"]["data"] = seen
    assert await hass.config_entries.async_setup(entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(ALICE_WINDOW).state == STATE_UNKNOWN
    # The message is handled again: what was seen could not be read.
    graph.webhooks.replay(graph.webhooks.deliveries[-1].delivery_id)
    await meta.deliver()
    assert hass.states.get(ALICE_WINDOW).state != STATE_UNKNOWN


async def test_a_cloudhook_that_cannot_be_deleted_is_logged(
    hass: HomeAssistant, set_up_meta: SetUpMeta, caplog: pytest.LogCaptureFixture
) -> None:
    meta = await set_up_meta()
    hass.config_entries.async_update_entry(
        meta.entry,
        options=webhook_options() | {"cloudhook_url": "https://hooks.example/1"},
    )
    await hass.async_block_till_done()
    hass.config.components.add("cloud")
    with patch.object(
        cloudhook.cloud,
        "async_delete_cloudhook",
        AsyncMock(side_effect=CloudNotConnected),
    ):
        assert await hass.config_entries.async_remove(meta.entry.entry_id)
        await hass.async_block_till_done()

    assert "Could not delete the Home Assistant Cloud webhook" in caplog.text


async def test_a_cloudhook_without_the_cloud_is_left_alone(
    hass: HomeAssistant, set_up_meta: SetUpMeta
) -> None:
    meta = await set_up_meta()
    hass.config_entries.async_update_entry(
        meta.entry,
        options=webhook_options() | {"cloudhook_url": "https://hooks.example/1"},
    )
    await hass.async_block_till_done()
    with patch.object(cloudhook.cloud, "async_delete_cloudhook", AsyncMock()) as delete:
        assert await hass.config_entries.async_remove(meta.entry.entry_id)
        await hass.async_block_till_done()

    delete.assert_not_awaited()


async def test_buttons_template_of_a_text_recipient_takes_the_question_alone(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    graph.add_template("question", body="{{1}}", buttons=("Yes", "No"))
    await set_up_meta(recipient(delivery_mode="text", buttons_template="question"))

    await hass.services.async_call(
        DOMAIN,
        "send_whatsapp_buttons",
        {
            ATTR_ENTITY_ID: ALICE_ENTITY,
            "message": "Skip today's workout?",
            "buttons": [{"id": "yes", "title": "Yes"}, {"id": "no", "title": "No"}],
        },
        blocking=True,
        return_response=True,
    )

    [sent] = graph.messages_to(ALICE)
    assert sent.template_name == "question"
    assert sent.body_parameters == ("Skip today's workout?",)

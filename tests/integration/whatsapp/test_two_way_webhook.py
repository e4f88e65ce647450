"""The sender's Meta webhook over HTTP: the handshake, and what is refused before anything happens."""

import hashlib
import hmac
import json
import logging

import aiohttp
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.whoop.whatsapp.webhooks.inbound import EVENT_MESSAGE
from sandbox.graph import APP_SECRET, PHONE_NUMBER_ID, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_EVENTS,
    VERIFY_TOKEN,
    WEBHOOK_ID,
    SetUpMeta,
    SetUpSender,
)

ALICE_WA_ID = ALICE.removeprefix("+")


def inbound_body(
    text: str = "status",
    *,
    message_id: str = "wamid.forged",
    phone_number_id: str = PHONE_NUMBER_ID,
) -> bytes:
    """Return Meta's body of a text from Alice."""
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {"phone_number_id": phone_number_id},
                                "messages": [
                                    {
                                        "from": ALICE_WA_ID,
                                        "id": message_id,
                                        "timestamp": "1763640000",
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status


def record(hass: HomeAssistant, event_type: str) -> list[Event]:
    events: list[Event] = []
    hass.bus.async_listen(event_type, events.append)
    return events


async def test_metas_handshake_is_answered_with_the_challenge(
    hass: HomeAssistant, set_up_meta: SetUpMeta
) -> None:
    meta = await set_up_meta()
    # set_up_meta subscribed the sandbox, which checked the echo; the same by hand:
    async with aiohttp.ClientSession() as session:
        query = {
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        }
        async with session.get(meta.url, params=query) as response:
            assert response.status == 200
            assert response.content_type == "text/plain"
            assert await response.text() == "1158201444"
        for wrong in (
            {**query, "hub.verify_token": "guessed"},
            {**query, "hub.mode": "unsubscribe"},
            {"hub.mode": "subscribe", "hub.challenge": "1"},
        ):
            async with session.get(meta.url, params=wrong) as response:
                assert response.status == 403
                assert "1158201444" not in await response.text()


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({}, inbound_body(), 401),
        (
            {"X-Hub-Signature-256": signature(inbound_body(), "wrong")},
            inbound_body(),
            401,
        ),
        ({"X-Hub-Signature-256": "sha256=00"}, inbound_body(), 401),
        ({"X-Hub-Signature-256": signature(b"{")}, b"{", 400),
        ({"X-Hub-Signature-256": signature(b"[]")}, b"[]", 400),
        (
            {"X-Hub-Signature-256": signature(b"x" * (256 * 1024 + 1))},
            b"x" * (256 * 1024 + 1),
            413,
        ),
    ],
    ids=["unsigned", "wrong-secret", "short", "not-json", "not-an-object", "oversized"],
)
async def test_refused_posts_change_nothing(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    headers: dict[str, str],
    body: bytes,
    status: int,
) -> None:
    meta = await set_up_meta()
    messages = record(hass, EVENT_MESSAGE)

    assert await post(meta.url, body, headers) == status
    await hass.async_block_till_done()

    assert messages == []
    assert hass.states.get(ALICE_EVENTS).state == STATE_UNKNOWN
    assert graph.messages == []
    assert graph.marked_read == []
    assert not meta.entry.runtime_data.windows.is_open(ALICE_WA_ID)


async def test_an_oversized_chunked_body_is_refused_without_a_length(
    hass: HomeAssistant, set_up_meta: SetUpMeta
) -> None:
    meta = await set_up_meta()

    async def chunks():  # noqa: ANN202 - an async generator of bytes
        for _ in range(20):
            yield b"x" * 16384

    async with (
        aiohttp.ClientSession() as session,
        session.post(
            meta.url, data=chunks(), headers={"X-Hub-Signature-256": "sha256=00"}
        ) as response,
    ):
        assert response.status == 413


async def test_a_signed_message_is_answered_200_and_fires_once(
    hass: HomeAssistant, set_up_meta: SetUpMeta
) -> None:
    meta = await set_up_meta()
    messages = record(hass, EVENT_MESSAGE)
    body = inbound_body("hello", message_id="wamid.one")
    headers = {"X-Hub-Signature-256": signature(body)}

    assert await post(meta.url, body, headers) == 200
    assert (
        await post(meta.url, body, headers) == 200
    )  # Meta's retry of the same delivery
    await hass.async_block_till_done()

    assert [event.data["text"] for event in messages] == ["hello"]


async def test_events_for_another_business_number_are_ignored(
    hass: HomeAssistant, set_up_meta: SetUpMeta
) -> None:
    meta = await set_up_meta()
    messages = record(hass, EVENT_MESSAGE)
    body = inbound_body(phone_number_id="999999999999999")

    assert await post(meta.url, body, {"X-Hub-Signature-256": signature(body)}) == 200
    await hass.async_block_till_done()

    assert messages == []
    assert hass.states.get(ALICE_EVENTS).state == STATE_UNKNOWN


async def test_forged_requests_do_not_flood_the_log(
    hass: HomeAssistant, set_up_meta: SetUpMeta, caplog: pytest.LogCaptureFixture
) -> None:
    meta = await set_up_meta()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for _ in range(20):
            assert await post(meta.url, inbound_body(), {}) == 401

    warnings = [
        record
        for record in caplog.records
        if "Refused a WhatsApp webhook" in record.message
    ]
    assert len(warnings) == 1


async def test_without_webhooks_the_url_answers_nothing(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    await set_up_sender()
    client = await hass_client_no_auth()

    response = await client.get(
        f"/api/webhook/{WEBHOOK_ID}",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1",
        },
    )
    # Home Assistant answers unknown webhooks 200 with nothing, to tell nothing.
    assert await response.text() != "1"

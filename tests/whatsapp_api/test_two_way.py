"""Two-way building blocks on the wire: reply buttons, template quick replies, mark as read.

The sandbox does not emulate interactive messages or read receipts (it answers 131051), so these
tests record what the client sends to a Graph stand-in on 127.0.0.1.
"""

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
import re

import aiohttp
from aiohttp import web
import pytest

from custom_components.whoop.whatsapp_api import (
    ReplyButton,
    WhatsAppClient,
    WhatsAppMessageError,
    quick_reply_components,
    reply_buttons_content,
)
from sandbox.graph import ACCESS_TOKEN, PHONE_NUMBER_ID, GraphSandbox

PERSON = "+44 7700 900123"
WAMID = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQjY1QzFGMzA2NDQ5QjQ3RDAA"
SKIP = ReplyButton(id="skip", title="Skip")
LATER = ReplyButton(id="later", title="Remind me later")


@dataclass
class RecordingGraph:
    """Records the JSON bodies posted to ``/messages`` and answers like Meta."""

    url: str = ""
    bodies: list[Mapping[str, object]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)


@pytest.fixture
async def recording_graph(socket_enabled: None) -> AsyncIterator[RecordingGraph]:
    """Serve :class:`RecordingGraph` on a free port of 127.0.0.1."""
    state = RecordingGraph()

    async def messages(request: web.Request) -> web.Response:
        body = await request.json()
        state.bodies.append(body)
        state.authorizations.append(request.headers.get("Authorization", ""))
        if body.get("status") == "read":
            return web.json_response({"success": True})
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [
                    {"input": body["to"], "wa_id": body["to"].removeprefix("+")}
                ],
                "messages": [{"id": WAMID}],
            }
        )

    app = web.Application()
    app.router.add_post("/v26.0/{phone_number_id}/messages", messages)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


@pytest.fixture
def recording_client(
    session: aiohttp.ClientSession, recording_graph: RecordingGraph
) -> WhatsAppClient:
    """A client whose Graph is the recording stand-in."""
    return WhatsAppClient(
        session, ACCESS_TOKEN, PHONE_NUMBER_ID, base_url=recording_graph.url
    )


async def test_send_buttons(
    recording_client: WhatsAppClient, recording_graph: RecordingGraph
) -> None:
    sent = await recording_client.send_buttons(
        PERSON, "Recovery 18 %. Skip today's workout?", [SKIP, LATER], reply_to=WAMID
    )

    assert sent.message_id == WAMID
    assert recording_graph.bodies == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "+447700900123",
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": "Recovery 18 %. Skip today's workout?"},
                "action": {
                    "buttons": [
                        {"type": "reply", "reply": {"id": "skip", "title": "Skip"}},
                        {
                            "type": "reply",
                            "reply": {"id": "later", "title": "Remind me later"},
                        },
                    ]
                },
            },
            "context": {"message_id": WAMID},
        }
    ]
    assert recording_graph.authorizations == [f"Bearer {ACCESS_TOKEN}"]


async def test_template_with_quick_reply_payloads(
    recording_client: WhatsAppClient, recording_graph: RecordingGraph
) -> None:
    await recording_client.send_template(
        PERSON,
        "whoop_low_recovery",
        "en_US",
        body_parameters=["18 %"],
        button_payloads=["skip", "snooze"],
    )

    [body] = recording_graph.bodies
    assert body["template"] == {
        "name": "whoop_low_recovery",
        "language": {"code": "en_US"},
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "18 %"}]},
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": "skip"}],
            },
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "1",
                "parameters": [{"type": "payload", "payload": "snooze"}],
            },
        ],
    }


async def test_mark_as_read(
    recording_client: WhatsAppClient, recording_graph: RecordingGraph
) -> None:
    await recording_client.mark_as_read(WAMID)

    assert recording_graph.bodies == [
        {"messaging_product": "whatsapp", "status": "read", "message_id": WAMID}
    ]


@pytest.mark.parametrize("message_id", ["", "w" * 257])
async def test_mark_as_read_refuses_a_bad_id_without_a_request(
    recording_client: WhatsAppClient, recording_graph: RecordingGraph, message_id: str
) -> None:
    with pytest.raises(WhatsAppMessageError, match="1 to 256 characters"):
        await recording_client.mark_as_read(message_id)

    assert recording_graph.bodies == []


@pytest.mark.parametrize(
    ("body", "buttons", "reason"),
    [
        ("", [SKIP], "needs a body"),
        (" \n", [SKIP], "needs a body"),
        ("x" * 1025, [SKIP], "at most 1024 characters"),
        ("Body", [], "1 to 3 buttons (got 0)"),
        ("Body", [SKIP, LATER, ReplyButton("a", "A"), ReplyButton("b", "B")], "got 4"),
        ("Body", [ReplyButton("a", "x" * 21)], "Button 1's title holds at most 20"),
        ("Body", [SKIP, ReplyButton("a", " ")], "Button 2's title is empty"),
        ("Body", [ReplyButton("i" * 257, "A")], "Button 1's id holds at most 256"),
        ("Body", [ReplyButton("", "A")], "Button 1's id is empty"),
        ("Body", [SKIP, ReplyButton("skip", "Other")], "same id"),
        ("Body", [SKIP, ReplyButton("other", "Skip")], "same title"),
    ],
)
async def test_button_messages_outside_whatsapp_s_limits_are_refused(
    recording_client: WhatsAppClient,
    recording_graph: RecordingGraph,
    body: str,
    buttons: list[ReplyButton],
    reason: str,
) -> None:
    with pytest.raises(WhatsAppMessageError, match=re.escape(reason)):
        await recording_client.send_buttons(PERSON, body, buttons)

    assert recording_graph.bodies == []


def test_the_longest_button_message_that_fits() -> None:
    buttons = [ReplyButton("i" * 256, "t" * 20), LATER, SKIP]

    content = reply_buttons_content("b" * 1024, buttons)

    assert len(content["action"]["buttons"]) == 3  # type: ignore[index]


@pytest.mark.parametrize(
    ("payloads", "reason"),
    [
        (["p"] * 11, "at most 10 buttons"),
        (["ok", ""], "Button 2's payload is empty"),
        (["p" * 257], "Button 1's payload holds at most 256"),
    ],
)
async def test_bad_quick_reply_payloads_are_refused(
    recording_client: WhatsAppClient,
    recording_graph: RecordingGraph,
    payloads: list[str],
    reason: str,
) -> None:
    with pytest.raises(WhatsAppMessageError, match=reason):
        await recording_client.send_template(
            PERSON, "whoop_low_recovery", "en_US", button_payloads=payloads
        )

    assert recording_graph.bodies == []


def test_one_text_is_not_a_list_of_payloads() -> None:
    with pytest.raises(TypeError, match="not one text"):
        quick_reply_components("skip")


async def test_the_sandbox_delivers_button_messages_inside_the_window(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    sent = await client.send_buttons("+4915123456789", "Skip?", [SKIP])

    delivered = graph.messages[-1]
    assert delivered.type == "interactive"
    assert [button.id for button in delivered.buttons] == [SKIP.id]
    assert sent.message_id

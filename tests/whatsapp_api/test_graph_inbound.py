"""People answering through the Graph sandbox, and the message types they answer: over HTTP on 127.0.0.1."""

from html.parser import HTMLParser
from typing import Any

import aiohttp
import pytest

from sandbox.graph import PHONE_NUMBER_ID, GraphSandbox

from . import test_graph_webhooks as webhooks
from .conftest import RECIPIENT
from .test_graph_sandbox import post
from .test_graph_webhooks import (
    STRANGER,
    Receiver,
    buttons_message,
    call,
    quick_reply_template,
    send,
    text,
)

# The webhook tests' fixtures, shared.
receiver = webhooks.receiver
hooked = webhooks.hooked
admin_url = webhooks.admin_url
messages_url = webhooks.messages_url

STRANGER_WA_ID = STRANGER.removeprefix("+")


def inbound_message(receiver: Receiver, position: int = -1) -> dict[str, Any]:
    """The value of an inbound webhook: checks Meta's envelope, returns the value."""
    value = receiver.values()[position]
    assert value["metadata"]["phone_number_id"] == PHONE_NUMBER_ID
    assert len(value["messages"]) == 1
    return value


# Inbound messages -------------------------------------------------------------------------


async def test_a_text_reaches_the_callback_and_opens_the_window(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    refused, _ = await post(session, messages_url, text(to=STRANGER))
    status, inbound = await call(
        session,
        "POST",
        f"{admin_url}/inbound",
        {"from": STRANGER, "text": "status?", "name": "Jane"},
    )
    await hooked.webhooks.deliver_due()
    accepted, _ = await post(session, messages_url, text(to=STRANGER))

    assert (refused, status, accepted) == (400, 201, 200)
    value = inbound_message(receiver)
    assert value["contacts"] == [{"profile": {"name": "Jane"}, "wa_id": STRANGER_WA_ID}]
    message = value["messages"][0]
    assert message == {
        "from": STRANGER_WA_ID,
        "id": inbound["id"],
        "timestamp": str(int(hooked.clock.now().timestamp())),
        "type": "text",
        "text": {"body": "status?"},
    }
    assert message["id"].startswith("wamid.")
    assert hooked.window_open(STRANGER)
    _, listing = await call(session, "GET", f"{admin_url}/inbound")
    assert listing["inbound"][0]["summary"] == "status?"
    assert listing["inbound"][0]["profile_name"] == "Jane"


async def test_the_profile_name_is_remembered(
    hooked: GraphSandbox, receiver: Receiver
) -> None:
    hooked.receive_text(RECIPIENT, "one", name="Alice")
    hooked.receive_text(RECIPIENT, "two")
    hooked.receive_text(STRANGER, "three")
    await hooked.webhooks.deliver_due()

    names = [value["contacts"][0]["profile"]["name"] for value in receiver.values()]
    assert names == ["Alice", "Alice", "Sandbox Person"]


async def test_tapping_a_reply_button(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    wamid = await send(
        session, messages_url, buttons_message([("skip", "Skip"), ("go", "Go anyway")])
    )
    status, _ = await call(
        session,
        "POST",
        f"{admin_url}/inbound",
        {"type": "tap", "message_id": wamid, "button": "go"},
    )
    await call(
        session,
        "POST",
        f"{admin_url}/inbound",
        {"type": "tap", "message_id": wamid, "button": "Skip"},
    )
    await hooked.webhooks.deliver_due()

    assert status == 201
    go, skip = (inbound_message(receiver, -2), inbound_message(receiver, -1))
    for value, (button_id, title) in (
        (go, ("go", "Go anyway")),
        (skip, ("skip", "Skip")),
    ):
        message = value["messages"][0]
        assert message["type"] == "interactive"
        assert message["from"] == RECIPIENT.removeprefix("+")
        assert message["context"] == {"from": "16505550199", "id": wamid}
        assert message["interactive"] == {
            "type": "button_reply",
            "button_reply": {"id": button_id, "title": title},
        }


async def test_tapping_a_template_quick_reply(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    wamid = await send(session, messages_url, quick_reply_template(to=STRANGER))
    for button in ("rest-ok", "Snooze"):
        await call(
            session,
            "POST",
            f"{admin_url}/inbound",
            {"type": "tap", "message_id": wamid, "button": button},
        )
    await hooked.webhooks.deliver_due()

    ok, snooze = (
        inbound_message(receiver, -2)["messages"][0],
        inbound_message(receiver, -1)["messages"][0],
    )
    assert ok["type"] == "button"
    assert ok["button"] == {"payload": "rest-ok", "text": "OK"}
    assert ok["context"] == {"from": "16505550199", "id": wamid}
    # Without a payload in the send, the tap carries the button's text.
    assert snooze["button"] == {"payload": "Snooze", "text": "Snooze"}
    assert hooked.window_open(STRANGER)


async def test_sending_an_image(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    admin_url: str,
) -> None:
    _, generated = await call(
        session,
        "POST",
        f"{admin_url}/inbound",
        {"type": "image", "from": STRANGER, "caption": "my chart"},
    )
    upload = hooked.store_upload("x.png", "image/png", b"\x89PNG")
    await call(
        session,
        "POST",
        f"{admin_url}/inbound",
        {"type": "image", "from": STRANGER, "media_id": upload.media_id},
    )
    await hooked.webhooks.deliver_due()

    first, second = (
        inbound_message(receiver, -2)["messages"][0],
        inbound_message(receiver, -1)["messages"][0],
    )
    assert first["type"] == "image"
    media_id = generated["media_id"]
    assert first["image"] == {
        "mime_type": "image/jpeg",
        "sha256": hooked.uploads[media_id].sha256,
        "id": media_id,
        "caption": "my chart",
    }
    assert second["image"] == {
        "mime_type": "image/png",
        "sha256": upload.sha256,
        "id": upload.media_id,
    }
    assert hooked.window_open(STRANGER)


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"type": "voice", "from": RECIPIENT}, 400, "type must be"),
        ({"from": RECIPIENT}, 400, "text must be"),
        ({"from": "12", "text": "hi"}, 400, "Not a phone number"),
        ({"from": RECIPIENT, "text": "   "}, 400, "empty"),
        ({"from": RECIPIENT, "text": "x" * 4097}, 400, "longer than 4096"),
        ({"from": RECIPIENT, "text": "x", "name": "n" * 101}, 400, "longer than 100"),
        (
            {"type": "image", "from": RECIPIENT, "caption": "c" * 1025},
            400,
            "longer than 1024",
        ),
        ({"type": "tap", "message_id": "wamid.none", "button": "x"}, 404, "unknown"),
        ({"type": "image", "from": RECIPIENT, "media_id": "404"}, 404, "unknown"),
    ],
)
async def test_bad_inbound_requests(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
    body: Any,
    status: int,
    fragment: str,
) -> None:
    got, answer = await call(session, "POST", f"{admin_url}/inbound", body)

    assert got == status
    assert fragment in answer["error"]
    assert graph.inbound == []


async def test_tapping_a_button_the_message_lacks(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    wamid = await send(session, messages_url, text())
    status, answer = await call(
        session,
        "POST",
        f"{admin_url}/inbound",
        {"type": "tap", "message_id": wamid, "button": "Skip"},
    )

    assert status == 400
    assert "no button" in answer["error"]


# Sending interactive messages and templates with quick replies ------------------------------


async def test_interactive_message_is_recorded_with_its_buttons(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    buttons = [("a", "A" * 20), ("b", "Two"), ("c", "Three")]
    wamid = await send(session, messages_url, buttons_message(buttons))
    _, listing = await call(session, "GET", f"{admin_url}/messages.json")

    (message,) = listing["messages"]
    assert message["id"] == wamid
    assert message["type"] == "interactive"
    assert message["text"] == "Recovery is low. Skip the workout?"
    assert message["buttons"] == [
        {"id": button_id, "title": title} for button_id, title in buttons
    ]
    assert message["summary"].endswith(f"[{'A' * 20} | Two | Three]")


def _interactive(**interactive: Any) -> dict[str, Any]:
    body = buttons_message([("skip", "Skip")])
    body["interactive"] = body["interactive"] | interactive
    return body


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        (
            buttons_message([("1", "a"), ("2", "b"), ("3", "c"), ("4", "d")]),
            131009,
            "at most 3 buttons",
        ),
        (buttons_message([("1", "x" * 21)]), 131009, "Max length is 20"),
        (buttons_message([("1", "a"), ("1", "b")]), 131009, "unique"),
        (buttons_message([("x" * 257, "a")]), 131009, "Max length is 256"),
        (buttons_message([]), 131008, "buttons'] is required"),
        (buttons_message([("1", "")]), 131008, "reply id and title"),
        (_interactive(type="list"), 131051, "type button only"),
        (_interactive(body={"text": ""}), 131008, "['text'] is required"),
        (_interactive(body="x"), 131008, "interactive['body'] is required"),
        (_interactive(body={"text": "x" * 1025}), 131009, "1024"),
        (_interactive(action=None), 131008, "action'] is required"),
        (
            _interactive(action={"buttons": [{"type": "url", "reply": {}}]}),
            131009,
            "type reply",
        ),
        (_interactive(action={"buttons": ["x"]}), 100, "must be an object"),
        (text() | {"type": "interactive"}, 131008, "interactive is required"),
    ],
)
async def test_invalid_interactive_messages(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    messages_url: str,
    body: dict[str, Any],
    code: int,
    fragment: str,
) -> None:
    status, answer = await post(session, messages_url, body)

    assert status == 400
    assert answer["error"]["code"] == code
    assert fragment in answer["error"]["error_data"]["details"]
    assert graph.messages == []


async def test_interactive_outside_the_window_is_refused_in_sync_mode(
    graph: GraphSandbox, session: aiohttp.ClientSession, messages_url: str
) -> None:
    status, answer = await post(
        session, messages_url, buttons_message([("skip", "Skip")], to=STRANGER)
    )

    assert status == 400
    assert answer["error"]["code"] == 131047


def _button(index: Any, payload: Any = "p", **extra: Any) -> dict[str, Any]:
    return {
        "type": "button",
        "sub_type": "quick_reply",
        "index": index,
        "parameters": [{"type": "payload", "payload": payload}],
    } | extra


@pytest.mark.parametrize(
    ("buttons", "code", "fragment"),
    [
        ([_button("2")], 131009, "no quick-reply button at index 2"),
        ([_button(-1)], 131009, "index must be"),
        ([_button("one")], 131009, "index must be"),
        ([_button(0, payload="")], 131008, "one parameter of type payload"),
        ([_button(0, parameters=[])], 131008, "one parameter of type payload"),
        ([_button(0, sub_type="url")], 100, "quick_reply buttons only"),
    ],
)
async def test_invalid_quick_reply_components(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    messages_url: str,
    buttons: list[Any],
    code: int,
    fragment: str,
) -> None:
    status, answer = await post(
        session, messages_url, quick_reply_template(buttons=buttons)
    )

    assert status == 400
    assert answer["error"]["code"] == code
    assert fragment in answer["error"]["error_data"]["details"]


async def test_quick_reply_payloads_by_index(
    graph: GraphSandbox, session: aiohttp.ClientSession, messages_url: str
) -> None:
    await send(
        session,
        messages_url,
        quick_reply_template(buttons=[_button(1, payload="later")]),
    )

    (message,) = graph.messages
    assert [(button.id, button.title) for button in message.buttons] == [
        ("OK", "OK"),
        ("later", "Snooze"),
    ]


async def test_templates_with_quick_replies_through_the_admin_api(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    status, added = await call(
        session,
        "POST",
        f"{admin_url}/templates",
        {"name": "ask", "body": "Skip today?", "buttons": ["Yes", "No"]},
    )
    wamid = await send(
        session,
        messages_url,
        {
            "messaging_product": "whatsapp",
            "to": STRANGER,
            "type": "template",
            "template": {"name": "ask", "language": {"code": "en_US"}},
        },
    )

    assert status == 201
    assert added["buttons"] == ["Yes", "No"]
    tapped = graph.tap(wamid, "No")
    assert tapped.message["button"] == {"payload": "No", "text": "No"}


# Mark as read -----------------------------------------------------------------------------


async def test_mark_as_read_is_recorded(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    inbound = graph.receive_text(RECIPIENT, "hello")
    status, body = await post(
        session,
        messages_url,
        {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": inbound.message_id,
        },
    )
    _, listing = await call(session, "GET", f"{admin_url}/inbound")

    assert (status, body) == (200, {"success": True})
    assert listing["marked_read"] == [inbound.message_id]
    assert graph.messages == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"messaging_product": "whatsapp", "status": "read"}, 131009),
        ({"messaging_product": "whatsapp", "status": "read", "message_id": 5}, 131009),
        (
            {
                "messaging_product": "whatsapp",
                "status": "seen",
                "message_id": "wamid.x",
            },
            100,
        ),
        ({"status": "read", "message_id": "wamid.x"}, 100),
    ],
)
async def test_bad_mark_as_read(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    messages_url: str,
    body: dict[str, Any],
    code: int,
) -> None:
    status, answer = await post(session, messages_url, body)

    assert status == 400
    assert answer["error"]["code"] == code
    assert graph.marked_read == []


async def test_mark_as_read_needs_a_token(
    graph: GraphSandbox, session: aiohttp.ClientSession, messages_url: str
) -> None:
    status, answer = await post(
        session,
        messages_url,
        {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.x"},
        headers={},
    )

    assert status == 401
    assert answer["error"]["code"] == 104


# The messages page ------------------------------------------------------------------------


class Page(HTMLParser):
    """The ids, forms and conversations of the messages page."""

    def __init__(self) -> None:
        """Start empty."""
        super().__init__()
        self.ids: dict[str, dict[str, str]] = {}
        self.forms: list[dict[str, str]] = []
        self.turns: list[dict[str, str]] = []
        self._turn: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect ids, forms with their hidden fields, and conversation turns."""
        attributes = {key: value or "" for key, value in attrs}
        if "id" in attributes:
            self.ids[attributes["id"]] = attributes | {"tag": tag}
        if tag == "form":
            self.forms.append(attributes)
        if tag == "input" and attributes.get("type") == "hidden":
            self.forms[-1][attributes["name"]] = attributes["value"]
        if tag == "button" and self.forms:
            self.forms[-1]["button-id"] = attributes.get("id", "")
        if tag == "li" and "turn" in attributes.get("class", ""):
            self._turn = attributes | {"text": ""}
            self.turns.append(self._turn)

    def handle_endtag(self, tag: str) -> None:
        """Close a turn."""
        if tag == "li":
            self._turn = None

    def handle_data(self, data: str) -> None:
        """Collect a turn's text."""
        if self._turn is not None:
            self._turn["text"] += data

    def form_with_button(self, button_id: str) -> dict[str, str]:
        """The form holding the button with ``button_id``."""
        return next(form for form in self.forms if form.get("button-id") == button_id)


async def load_page(session: aiohttp.ClientSession, admin_url: str) -> Page:
    """GET the messages page and parse it."""
    async with session.get(f"{admin_url}/messages") as response:
        assert response.status == 200
        page = Page()
        page.feed(await response.text())
    return page


async def submit(
    session: aiohttp.ClientSession, admin_url: str, form: dict[str, str], **fields: str
) -> None:
    """Submit a form as a browser does; expect the redirect back to the page."""
    data = {
        key: value
        for key, value in form.items()
        if key not in {"method", "action", "class", "id", "button-id"}
    } | fields
    async with session.post(
        f"{admin_url}/{form['action']}", data=data, allow_redirects=False
    ) as response:
        assert response.status == 303, await response.text()
        assert response.headers["Location"].split("#")[0].endswith("/_sandbox/messages")


async def test_the_page_lets_a_person_answer(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    wamid = await send(
        session, messages_url, buttons_message([("skip", "Skip"), ("go", "Go")])
    )
    page = await load_page(session, admin_url)
    wa_id = RECIPIENT.removeprefix("+")

    assert page.ids[f"conversation-{wa_id}"]["tag"] == "section"
    assert page.ids["tap-1-0"]["tag"] == "button"
    await submit(session, admin_url, page.form_with_button("tap-1-1"))
    await submit(session, admin_url, page.form_with_button("read-1"))
    await submit(
        session, admin_url, page.form_with_button(f"reply-send-{wa_id}"), text="Thanks!"
    )
    await submit(
        session, admin_url, page.form_with_button(f"image-send-{wa_id}"), caption="me"
    )
    await submit(
        session,
        admin_url,
        page.form_with_button("write-send"),
        **{"from": STRANGER, "text": "Hi", "name": "Bob"},
    )
    await hooked.webhooks.deliver_due()

    messages = [
        value["messages"][0] for value in receiver.values() if "messages" in value
    ]
    assert [message["type"] for message in messages] == [
        "interactive",
        "text",
        "image",
        "text",
    ]
    assert messages[0]["interactive"]["button_reply"] == {"id": "go", "title": "Go"}
    assert messages[0]["context"]["id"] == wamid
    assert messages[1]["text"] == {"body": "Thanks!"}
    assert messages[2]["image"]["caption"] == "me"
    assert messages[3]["from"] == STRANGER.removeprefix("+")
    assert ("read", wamid) in receiver.statuses()

    page = await load_page(session, admin_url)
    assert f"conversation-{STRANGER.removeprefix('+')}" in page.ids
    assert "read-1" not in page.ids
    mine = [turn for turn in page.turns if turn["data-message-id"] == wamid]
    assert mine[0]["data-status"] == "read"
    assert [turn["class"] for turn in page.turns][:5] == ["turn sent"] + [
        "turn received"
    ] * 3 + ["turn received"]


async def test_page_forms_refuse_bad_input(
    graph: GraphSandbox, session: aiohttp.ClientSession, admin_url: str
) -> None:
    async with session.post(
        f"{admin_url}/messages/reply", data={"from": "12", "text": "x"}
    ) as response:
        assert response.status == 400
    async with session.post(
        f"{admin_url}/messages/read", data={"message_id": "wamid.none"}
    ) as response:
        assert response.status == 404
    async with session.post(
        f"{admin_url}/messages/reply", data={f"f{n}": "x" for n in range(20)}
    ) as response:
        assert response.status == 400
    assert graph.inbound == []


async def test_clearing_messages_forgets_every_conversation(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    await call(session, "PATCH", f"{admin_url}/settings", {"window_mode": "async"})
    await send(session, messages_url, text())
    await send(session, messages_url, text(to=STRANGER))
    graph.mark_as_read(graph.receive_text(RECIPIENT, "hi").message_id)
    await call(session, "DELETE", f"{admin_url}/messages")
    page = await load_page(session, admin_url)

    assert (graph.messages, graph.failed_messages, graph.inbound) == ([], [], [])
    assert (graph.statuses, graph.marked_read) == ({}, [])
    assert page.turns == []
    assert graph.window_open(RECIPIENT)

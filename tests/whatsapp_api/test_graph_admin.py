"""The Graph sandbox's admin endpoints and its messages page, over HTTP."""

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import aiohttp
import pytest

from custom_components.whoop.whatsapp_api import (
    WhatsAppAuthenticationError,
    WhatsAppClient,
    WhatsAppOutsideWindowError,
    WhatsAppRateLimitError,
    WhatsAppRecipientNotAllowedError,
    WhatsAppTemporaryError,
)
from sandbox.graph import GraphSandbox

from .conftest import RECIPIENT, START

PERSON = "+33612345678"


class MessageRows(HTMLParser):
    """Collects the text of each message row of the page, and its data attributes."""

    def __init__(self) -> None:
        """Start with no rows."""
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self._in_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a row at each message row."""
        attributes = dict(attrs)
        if tag == "tr" and attributes.get("class") == "message":
            self._in_row = True
            self.rows.append(
                {key: value or "" for key, value in attributes.items()} | {"text": ""}
            )

    def handle_endtag(self, tag: str) -> None:
        """Close the row."""
        if tag == "tr":
            self._in_row = False

    def handle_data(self, data: str) -> None:
        """Collect the text inside a row."""
        if self._in_row:
            self.rows[-1]["text"] += data


@pytest.fixture
def admin_url(graph_url: str) -> str:
    """The admin prefix."""
    return f"{graph_url}/_sandbox"


async def call(
    session: aiohttp.ClientSession, method: str, url: str, body: Any = None
) -> tuple[int, Any]:
    """Call an admin endpoint and return the status and the JSON answer."""
    async with session.request(method, url, json=body) as response:
        return response.status, await response.json()


async def test_messages_page_lists_newest_first(
    client: WhatsAppClient,
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
) -> None:
    graph.clock.advance(timedelta(minutes=1))
    await client.send_text(RECIPIENT, "First <b>bold</b> & more")
    graph.clock.advance(timedelta(minutes=1))
    await client.send_template(
        PERSON, "whoop_alert", "en_US", body_parameters=["Low recovery", "Rest"]
    )
    graph.clock.advance(timedelta(minutes=1))
    media_id = await client.upload_media(b"\x89PNG", "image/png", "chart.png")
    await client.send_image(RECIPIENT, media_id=media_id, caption="Chart")
    await client.send_document(
        RECIPIENT, link="https://example.com/r.pdf", filename="r.pdf"
    )

    async with session.get(f"{admin_url}/messages") as response:
        page = await response.text()
    parser = MessageRows()
    parser.feed(page)

    assert response.content_type == "text/html"
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert [row["data-type"] for row in parser.rows] == [
        "document",
        "image",
        "template",
        "text",
    ]
    document, image, template, text = parser.rows
    assert "https://example.com/r.pdf" in document["text"]
    assert "r.pdf" in document["text"]
    assert f"uploaded media {media_id}" in image["text"]
    assert "Chart" in image["text"]
    assert template["data-to"] == PERSON
    assert "whoop_alert (en_US)" in template["text"]
    assert "WHOOP alert: Low recovery" in template["text"]
    assert "2026-11-20 12:02:00" in template["text"]
    assert "First <b>bold</b> & more" in text["text"]
    assert text["data-message-id"] == graph.messages[0].message_id
    assert "4 message(s)" in page


async def test_empty_messages_page(
    session: aiohttp.ClientSession, admin_url: str
) -> None:
    async with session.get(f"{admin_url}/messages") as response:
        page = await response.text()

    assert 'id="empty"' in page
    assert "0 message(s)" in page


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/messages.json", {}),
        ("/messages?format=json", {}),
        ("/messages", {"Accept": "application/json"}),
    ],
)
async def test_messages_as_json(
    client: WhatsAppClient,
    session: aiohttp.ClientSession,
    admin_url: str,
    path: str,
    headers: dict[str, str],
) -> None:
    await client.send_text(RECIPIENT, "one")
    await client.send_text(RECIPIENT, "two")

    async with session.get(admin_url + path, headers=headers) as response:
        body = await response.json()

    assert [message["text"] for message in body["messages"]] == ["two", "one"]
    assert body["messages"][0]["to"] == RECIPIENT
    assert body["messages"][0]["at"] == START.isoformat()
    assert body["messages"][0]["summary"] == "two"


async def test_clear_messages_and_list_uploads(
    client: WhatsAppClient,
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
) -> None:
    await client.send_text(RECIPIENT, "one")
    media_id = await client.upload_media(b"%PDF", "application/pdf", "r.pdf")

    status, _ = await call(session, "DELETE", f"{admin_url}/messages")
    _, uploads = await call(session, "GET", f"{admin_url}/uploads")

    assert status == 200
    assert graph.messages == []
    assert uploads["uploads"][0]["id"] == media_id
    assert uploads["uploads"][0]["file_size"] == 4
    assert len(uploads["uploads"][0]["sha256"]) == 64


async def test_templates(
    client: WhatsAppClient, session: aiohttp.ClientSession, admin_url: str
) -> None:
    status, added = await call(
        session,
        "POST",
        f"{admin_url}/templates",
        {"name": "whoop_sleep", "language": "de", "body": "Schlaf: {{hours}} h"},
    )
    _, listing = await call(session, "GET", f"{admin_url}/templates")
    await client.send_template(
        RECIPIENT, "whoop_sleep", "de", body_parameters={"hours": "7,5"}
    )

    assert status == 201
    assert added["parameter_format"] == "NAMED"
    assert {(t["name"], t["language"]) for t in listing["templates"]} == {
        ("whoop_alert", "en_US"),
        ("whoop_alert_named", "en_US"),
        ("whoop_alert_quick_reply", "en_US"),
        ("whoop_sleep", "de"),
    }
    assert next(t for t in listing["templates"] if t["name"] == "whoop_alert")[
        "body_parameters"
    ] == ["1", "2"]


async def test_tokens(
    client: WhatsAppClient,
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
) -> None:
    expires = (START + timedelta(days=1)).isoformat()
    status, _ = await call(
        session,
        "POST",
        f"{admin_url}/tokens",
        {
            "token": "t2",
            "expires_at": expires,
            "scopes": ["whatsapp_business_messaging"],
        },
    )
    client.set_access_token("t2")
    info = await client.debug_token()
    revoked, _ = await call(
        session, "POST", f"{admin_url}/tokens/revoke", {"token": "t2"}
    )
    missing, _ = await call(
        session, "POST", f"{admin_url}/tokens/revoke", {"token": "nope"}
    )

    assert status == 201
    assert info.expires_at == START + timedelta(days=1)
    assert (revoked, missing) == (200, 404)
    with pytest.raises(WhatsAppAuthenticationError):
        await client.send_text(RECIPIENT, "Hi")
    assert graph.tokens["t2"].revoked


async def test_windows(
    client: WhatsAppClient, session: aiohttp.ClientSession, admin_url: str
) -> None:
    status, opened = await call(
        session, "POST", f"{admin_url}/windows", {"phone": PERSON}
    )
    await client.send_text(PERSON, "Inside the window")
    _, windows = await call(session, "GET", f"{admin_url}/windows")
    await call(session, "POST", f"{admin_url}/windows/close", {"phone": PERSON})

    assert status == 200
    assert opened["closes_at"] == str(START + timedelta(hours=24))
    assert windows[PERSON] == (START + timedelta(hours=24)).isoformat()
    with pytest.raises(WhatsAppOutsideWindowError):
        await client.send_text(PERSON, "Closed")


async def test_window_opened_at_a_given_time(
    client: WhatsAppClient, session: aiohttp.ClientSession, admin_url: str
) -> None:
    yesterday = (START - timedelta(hours=25)).isoformat()

    await call(
        session, "POST", f"{admin_url}/windows", {"phone": PERSON, "at": yesterday}
    )

    with pytest.raises(WhatsAppOutsideWindowError):
        await client.send_text(PERSON, "Too late")


async def test_failures(
    client: WhatsAppClient, session: aiohttp.ClientSession, admin_url: str
) -> None:
    await call(
        session,
        "POST",
        f"{admin_url}/failures",
        {"code": 131056, "count": 1, "recipient": RECIPIENT},
    )
    await call(
        session,
        "POST",
        f"{admin_url}/failures/raw",
        {"status": 503, "endpoint": "phone_number"},
    )

    with pytest.raises(WhatsAppRateLimitError):
        await client.send_text(RECIPIENT, "Hi")
    with pytest.raises(WhatsAppTemporaryError):
        await client.get_phone_number()
    await call(session, "POST", f"{admin_url}/failures", {"code": 190})
    await call(session, "DELETE", f"{admin_url}/failures")
    await client.send_text(RECIPIENT, "Hi")


async def test_settings(
    client: WhatsAppClient,
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
) -> None:
    _, before = await call(session, "GET", f"{admin_url}/settings")
    _, after = await call(
        session,
        "PATCH",
        f"{admin_url}/settings",
        {
            "pair_interval": 2.5,
            "allow_list": ["+16505551234"],
            "unregistered_numbers": [],
        },
    )

    defaults = {
        "window_mode": "sync",
        "sent_delay": 0.0,
        "delivered_delay": 0.0,
        "out_of_order": False,
        "retry_delay": 1.0,
        "max_attempts": 5,
        "duplicate": False,
        "auto_deliver": True,
        "delivery_interval": 0.05,
    }
    assert before == {
        "pair_interval": 0.0,
        "allow_list": None,
        "unregistered_numbers": [graph.NOT_ON_WHATSAPP_NUMBER],
        **defaults,
    }
    assert after == {
        "pair_interval": 2.5,
        "allow_list": ["+16505551234"],
        "unregistered_numbers": [],
        **defaults,
    }
    with pytest.raises(WhatsAppRecipientNotAllowedError):
        await client.send_text(RECIPIENT, "Hi")
    await call(session, "PATCH", f"{admin_url}/settings", {"allow_list": None})
    assert graph.allow_list is None


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/tokens", "not json", "must be JSON"),
        ("/tokens", [1], "JSON object"),
        ("/tokens", {}, "token must be a non-empty string"),
        ("/tokens", {"token": "t", "scopes": "all"}, "scopes must be a list"),
        ("/tokens", {"token": "t", "expires_at": "tomorrow"}, "ISO 8601"),
        ("/tokens", {"token": "t", "expires_at": "2026-11-21T12:00:00"}, "time zone"),
        ("/windows", {"phone": "not a number"}, "Not a phone number"),
        ("/windows/close", {"phone": "12"}, "Not a phone number"),
        ("/failures", {"code": "190"}, "code must be an integer"),
        ("/failures", {"code": 190, "endpoint": "webhooks"}, "Unknown endpoint"),
        ("/failures/raw", {"status": 500, "body": 5}, "body must be a string"),
        ("/failures/raw", {"status": 500, "delay": -1}, "not negative"),
        ("/failures/raw", {"status": 500, "endpoint": "nowhere"}, "Unknown endpoint"),
        ("/templates", {"name": "x"}, "body must be a non-empty string"),
    ],
)
async def test_bad_admin_requests(
    session: aiohttp.ClientSession, admin_url: str, path: str, body: Any, fragment: str
) -> None:
    kwargs: dict[str, Any] = {"data": body} if isinstance(body, str) else {"json": body}

    async with session.post(admin_url + path, **kwargs) as response:
        answer = await response.json()

    assert response.status == 400
    assert fragment in answer["error"]


async def test_json_summaries_say_what_the_person_got(
    client: WhatsAppClient, session: aiohttp.ClientSession, admin_url: str
) -> None:
    await client.send_template(
        RECIPIENT, "whoop_alert", "en_US", body_parameters=["Low recovery", "Rest"]
    )
    await client.send_image(
        RECIPIENT, link="https://example.com/a.png", caption="Chart"
    )
    media_id = await client.upload_media(b"%PDF", "application/pdf", "r.pdf")
    await client.send_document(RECIPIENT, media_id=media_id, filename="r.pdf")

    _, body = await call(session, "GET", f"{admin_url}/messages.json")

    assert [message["summary"] for message in body["messages"]] == [
        f"document media {media_id} · r.pdf",
        "image https://example.com/a.png · Chart",
        "template whoop_alert (en_US): WHOOP alert: Low recovery\n\nRest\n\nSent by Home Assistant.",
    ]


async def test_bad_settings(session: aiohttp.ClientSession, admin_url: str) -> None:
    async with session.patch(
        f"{admin_url}/settings", json={"pair_interval": "fast"}
    ) as response:
        answer = await response.json()

    assert response.status == 400
    assert "pair_interval" in answer["error"]

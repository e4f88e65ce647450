"""The Graph sandbox's webhooks over real HTTP on 127.0.0.1: handshake, statuses, retries, inbound."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
import hashlib
import hmac
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from sandbox.graph import PHONE_NUMBER_ID, GraphSandbox
from sandbox.graph.webhooks import SubscriptionError

from .conftest import RECIPIENT
from .test_graph_sandbox import post

VERIFY_TOKEN = "sandbox-verify-token"
SECRET = "receiver-app-secret"
STRANGER = "+33699887766"
"""A person who never wrote: their window is closed."""
RECIPIENT_WA_ID = RECIPIENT.removeprefix("+")


@dataclass
class Receiver:
    """An app's webhook endpoint: answers the handshake, records POSTs, answers ``answers`` in turn."""

    url: str = ""
    verify_token: str = VERIFY_TOKEN
    echo: str | None = None
    """What to answer the handshake with (None: the challenge)."""
    answers: list[int] = field(default_factory=list)
    """Statuses for the next POSTs, first first; 200 once empty."""
    handshakes: list[dict[str, str]] = field(default_factory=list)
    posts: list[tuple[str, bytes]] = field(default_factory=list)

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's handshake, the way an app answers it."""
        query = dict(request.query)
        self.handshakes.append(query)
        if (
            query.get("hub.mode") != "subscribe"
            or query.get("hub.verify_token") != self.verify_token
        ):
            return web.Response(status=403)
        return web.Response(text=self.echo or query["hub.challenge"])

    async def receive(self, request: web.Request) -> web.Response:
        """Record the webhook and its signature."""
        self.posts.append(
            (request.headers.get("X-Hub-Signature-256", ""), await request.read())
        )
        return web.Response(status=self.answers.pop(0) if self.answers else 200)

    def bodies(self) -> list[dict[str, Any]]:
        """The webhooks received, parsed, oldest first."""
        return [json.loads(body) for _, body in self.posts]

    def values(self) -> list[dict[str, Any]]:
        """The ``entry[0].changes[0].value`` of each webhook."""
        return [body["entry"][0]["changes"][0]["value"] for body in self.bodies()]

    def statuses(self) -> list[tuple[str, str]]:
        """``(status, wamid)`` of each status webhook, in the order received."""
        return [
            (value["statuses"][0]["status"], value["statuses"][0]["id"])
            for value in self.values()
            if "statuses" in value
        ]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A webhook receiver served on 127.0.0.1."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_get("/whatsapp", receiver.verify)
    app.router.add_post("/whatsapp", receiver.receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/whatsapp"
    try:
        yield receiver
    finally:
        await runner.cleanup()


@pytest.fixture
async def hooked(graph: GraphSandbox, receiver: Receiver) -> GraphSandbox:
    """The graph, subscribed to ``receiver``, posting only when a test says so."""
    graph.webhooks.auto_deliver = False
    await graph.webhooks.subscribe(receiver.url, VERIFY_TOKEN, app_secret=SECRET)
    return graph


@pytest.fixture
def admin_url(graph_url: str) -> str:
    """The admin prefix."""
    return f"{graph_url}/_sandbox"


@pytest.fixture
def messages_url(graph_url: str) -> str:
    """The send endpoint of the sandbox number."""
    return f"{graph_url}/v26.0/{PHONE_NUMBER_ID}/messages"


async def call(
    session: aiohttp.ClientSession, method: str, url: str, body: Any = None
) -> tuple[int, Any]:
    """Call an admin endpoint and return the status and the JSON answer."""
    async with session.request(method, url, json=body) as response:
        return response.status, await response.json()


def text(to: str = RECIPIENT, body: str = "Hi") -> dict[str, Any]:
    """A text message."""
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "text",
        "text": {"body": body},
    }


def buttons_message(
    buttons: list[tuple[str, str]], to: str = RECIPIENT
) -> dict[str, Any]:
    """An interactive reply-button message."""
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Recovery is low. Skip the workout?"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": button_id, "title": title}}
                    for button_id, title in buttons
                ]
            },
        },
    }


def quick_reply_template(
    to: str = RECIPIENT, buttons: list[Any] | None = None
) -> dict[str, Any]:
    """The quick-reply template, the first button's payload set."""
    components: list[Any] = [
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "Low recovery"},
                {"type": "text", "text": "Rest today?"},
            ],
        }
    ]
    components += (
        [
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": "rest-ok"}],
            }
        ]
        if buttons is None
        else buttons
    )
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {
            "name": "whoop_alert_quick_reply",
            "language": {"code": "en_US"},
            "components": components,
        },
    }


async def send(
    session: aiohttp.ClientSession, messages_url: str, body: dict[str, Any]
) -> str:
    """Send, expect 200, return the wamid."""
    status, answer = await post(session, messages_url, body)
    assert status == 200, answer
    return str(answer["messages"][0]["id"])


# The subscription handshake ---------------------------------------------------------------


async def test_subscription_performs_metas_handshake(
    graph: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    admin_url: str,
) -> None:
    status, body = await call(
        session,
        "POST",
        f"{admin_url}/webhooks/subscribe",
        {
            "callback_url": receiver.url,
            "verify_token": VERIFY_TOKEN,
            "app_secret": SECRET,
        },
    )
    _, listing = await call(session, "GET", f"{admin_url}/webhooks")

    assert status == 201
    assert body["phone_number_id"] == PHONE_NUMBER_ID
    assert body["callback_url"] == receiver.url
    (handshake,) = receiver.handshakes
    assert handshake["hub.mode"] == "subscribe"
    assert handshake["hub.verify_token"] == VERIFY_TOKEN
    assert handshake["hub.challenge"].isdigit()
    assert listing["subscriptions"] == [body]
    assert SECRET not in json.dumps(listing)
    assert VERIFY_TOKEN not in json.dumps(listing)


@pytest.mark.parametrize(
    ("verify_token", "echo", "reason"),
    [
        ("wrong-token", None, "HTTP 403"),
        (VERIFY_TOKEN, "not the challenge", "did not echo"),
    ],
)
async def test_subscription_fails_unless_the_challenge_is_echoed(
    graph: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    admin_url: str,
    verify_token: str,
    echo: str | None,
    reason: str,
) -> None:
    receiver.echo = echo
    status, body = await call(
        session,
        "POST",
        f"{admin_url}/webhooks/subscribe",
        {"callback_url": receiver.url, "verify_token": verify_token},
    )

    assert status == 400
    assert reason in body["error"]
    assert graph.webhooks.subscriptions == {}
    await call(
        session, "POST", f"{admin_url}/inbound", {"from": RECIPIENT, "text": "hi"}
    )
    assert graph.webhooks.deliveries == []


async def test_subscription_to_an_unreachable_callback_fails(
    graph: GraphSandbox, unused_tcp_port: int
) -> None:
    with pytest.raises(SubscriptionError, match="could not be reached"):
        await graph.webhooks.subscribe(
            f"http://127.0.0.1:{unused_tcp_port}/hook", VERIFY_TOKEN
        )


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"verify_token": "t"}, "callback_url must be"),
        ({"callback_url": "ftp://x", "verify_token": "t"}, "http(s) URL"),
        ({"callback_url": "http://x", "verify_token": ""}, "verify_token must be"),
        (
            {"callback_url": "http://x", "verify_token": "t", "phone_number_id": "9"},
            "Unknown phone number id",
        ),
    ],
)
async def test_bad_subscriptions(
    session: aiohttp.ClientSession, admin_url: str, body: Any, fragment: str
) -> None:
    status, answer = await call(
        session, "POST", f"{admin_url}/webhooks/subscribe", body
    )
    assert status == 400
    assert fragment in answer["error"]


async def test_unsubscribed_numbers_get_no_webhooks(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    admin_url: str,
    messages_url: str,
) -> None:
    await send(session, messages_url, text())
    await call(session, "DELETE", f"{admin_url}/webhooks")
    await send(session, messages_url, text())
    _, delivered = await call(session, "POST", f"{admin_url}/webhooks/deliver")

    assert delivered == {"attempted": 2}
    assert receiver.posts == []
    assert [delivery.state for delivery in hooked.webhooks.deliveries] == [
        "unsubscribed",
        "unsubscribed",
    ]


# Status webhooks --------------------------------------------------------------------------


async def test_accepted_send_posts_signed_sent_then_delivered(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
    admin_url: str,
) -> None:
    wamid = await send(session, messages_url, text())
    _, delivered = await call(session, "POST", f"{admin_url}/webhooks/deliver")

    assert delivered == {"attempted": 2}
    assert receiver.statuses() == [("sent", wamid), ("delivered", wamid)]
    for signature, body in receiver.posts:
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert signature == f"sha256={expected}"
    first = receiver.bodies()[0]
    assert first["object"] == "whatsapp_business_account"
    change = first["entry"][0]["changes"][0]
    assert change["field"] == "messages"
    assert change["value"]["messaging_product"] == "whatsapp"
    assert change["value"]["metadata"] == {
        "display_phone_number": "16505550199",
        "phone_number_id": PHONE_NUMBER_ID,
    }
    sent = change["value"]["statuses"][0]
    assert sent["recipient_id"] == RECIPIENT_WA_ID
    assert sent["timestamp"] == str(int(hooked.clock.now().timestamp()))
    assert sent["pricing"]["category"] == "service"
    assert "errors" not in sent
    assert hooked.status_of(wamid) == "delivered"


async def test_read_only_when_the_recipient_reads(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
    admin_url: str,
) -> None:
    first = await send(session, messages_url, text(body="one"))
    second = await send(session, messages_url, text(body="two"))
    await hooked.webhooks.deliver_due()
    assert "read" not in {status for status, _ in receiver.statuses()}

    status, body = await call(
        session, "POST", f"{admin_url}/read", {"message_id": first}
    )
    await hooked.webhooks.deliver_due()
    assert status == 200
    assert body["read"] == [first]
    assert receiver.statuses()[-1] == ("read", first)

    _, body = await call(session, "POST", f"{admin_url}/read", {"phone": RECIPIENT})
    await hooked.webhooks.deliver_due()
    assert body["read"] == [second]
    assert receiver.statuses()[-1] == ("read", second)
    read_value = receiver.values()[-1]["statuses"][0]
    assert "pricing" not in read_value
    _, listing = await call(session, "GET", f"{admin_url}/messages.json")
    assert [message["status"] for message in listing["messages"]] == ["read", "read"]

    status, _ = await call(
        session, "POST", f"{admin_url}/read", {"message_id": "wamid.x"}
    )
    assert status == 404


async def test_template_outside_the_window_is_delivered_with_its_category(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
) -> None:
    wamid = await send(session, messages_url, quick_reply_template(to=STRANGER))
    await hooked.webhooks.deliver_due()

    assert receiver.statuses() == [("sent", wamid), ("delivered", wamid)]
    assert receiver.values()[0]["statuses"][0]["pricing"]["category"] == "utility"


# The 24-hour window: sync (default) and async -----------------------------------------------


async def test_sync_window_mode_refuses_at_once_and_is_the_default(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
) -> None:
    status, body = await post(session, messages_url, text(to=STRANGER))
    await hooked.webhooks.deliver_due()

    assert GraphSandbox().window_mode == "sync"
    assert status == 400
    assert body["error"]["code"] == 131047
    assert receiver.posts == []


@pytest.mark.parametrize(
    "message",
    [text(to=STRANGER), buttons_message([("skip", "Skip")], to=STRANGER)],
    ids=["text", "interactive"],
)
async def test_async_window_mode_accepts_then_fails_through_the_webhook(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
    admin_url: str,
    message: dict[str, Any],
) -> None:
    _, settings = await call(
        session, "PATCH", f"{admin_url}/settings", {"window_mode": "async"}
    )
    wamid = await send(session, messages_url, message)
    await hooked.webhooks.deliver_due()

    assert settings["window_mode"] == "async"
    assert receiver.statuses() == [("failed", wamid)]
    failed = receiver.values()[0]["statuses"][0]
    assert failed["recipient_id"] == STRANGER.removeprefix("+")
    (error,) = failed["errors"]
    assert error["code"] == 131047
    assert error["title"] == "Re-engagement message"
    assert "24 hours" in error["error_data"]["details"]
    assert hooked.messages == []
    assert [failed.message_id for failed in hooked.failed_messages] == [wamid]
    _, listing = await call(session, "GET", f"{admin_url}/messages.json")
    assert listing["failed_messages"][0]["status"] == "failed"
    status, _ = await call(session, "POST", f"{admin_url}/read", {"message_id": wamid})
    assert status == 404


def test_window_mode_is_a_constructor_argument() -> None:
    assert GraphSandbox(window_mode="async").window_mode == "async"
    with pytest.raises(ValueError, match="Unknown window mode"):
        GraphSandbox(window_mode="later")


# Unkindness: retries, duplicates, order, delays ----------------------------------------------


async def test_failed_deliveries_are_retried_with_growing_delays(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
) -> None:
    hooked.sent_delay = 0
    hooked.delivered_delay = 3600  # only "sent" in this test
    receiver.answers = [500, 503, 204]
    wamid = await send(session, messages_url, text())
    outbox = hooked.webhooks
    attempts = [await outbox.deliver_due()]
    for step in (0.0, 1.0, 1.0, 1.0, 2.0, 4.0):
        hooked.clock.advance(timedelta(seconds=step))
        attempts.append(await outbox.deliver_due())

    # 500 at 0 s, 503 at 1 s, 204 (not 200) at 3 s, 200 at 7 s.
    assert attempts == [1, 0, 1, 0, 1, 0, 1]
    assert len(receiver.posts) == 4
    assert {body for _, body in receiver.posts} == {receiver.posts[0][1]}
    sent = outbox.deliveries[0]
    assert sent.state == "delivered"
    assert [attempt.status for attempt in sent.attempts] == [500, 503, 204, 200]
    assert receiver.statuses()[-1] == ("sent", wamid)


async def test_retries_are_bounded(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    admin_url: str,
) -> None:
    _, settings = await call(
        session,
        "PATCH",
        f"{admin_url}/settings",
        {"max_attempts": 2, "retry_delay": 10},
    )
    receiver.answers = [500] * 10
    await call(
        session, "POST", f"{admin_url}/inbound", {"from": RECIPIENT, "text": "x"}
    )
    for _ in range(4):
        await call(session, "POST", f"{admin_url}/webhooks/deliver")
        hooked.clock.advance(timedelta(seconds=60))
    _, listing = await call(session, "GET", f"{admin_url}/webhooks")

    assert settings["max_attempts"] == 2
    assert len(receiver.posts) == 2
    (delivery,) = listing["deliveries"]
    assert delivery["state"] == "gave_up"
    assert [attempt["status"] for attempt in delivery["attempts"]] == [500, 500]


async def test_an_unreachable_callback_is_retried(
    hooked: GraphSandbox, unused_tcp_port: int
) -> None:
    subscription = hooked.webhooks.subscriptions[PHONE_NUMBER_ID]
    hooked.webhooks.subscriptions[PHONE_NUMBER_ID] = type(subscription)(
        phone_number_id=PHONE_NUMBER_ID,
        callback_url=f"http://127.0.0.1:{unused_tcp_port}/gone",
        verify_token=VERIFY_TOKEN,
        app_secret=SECRET,
        verified_at=subscription.verified_at,
    )
    hooked.receive_text(RECIPIENT, "hello")
    await hooked.webhooks.deliver_due()

    (delivery,) = hooked.webhooks.deliveries
    assert delivery.state == "pending"
    assert [attempt.status for attempt in delivery.attempts] == [None]
    assert delivery.due_at == hooked.clock.now() + timedelta(seconds=1)


async def test_duplicates_on_purpose(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
    admin_url: str,
) -> None:
    await call(session, "PATCH", f"{admin_url}/settings", {"duplicate": True})
    wamid = await send(session, messages_url, text())
    await hooked.webhooks.deliver_due()
    assert receiver.statuses() == [
        ("sent", wamid),
        ("sent", wamid),
        ("delivered", wamid),
        ("delivered", wamid),
    ]
    assert receiver.posts[0][1] == receiver.posts[1][1]

    await call(session, "PATCH", f"{admin_url}/settings", {"duplicate": False})
    status, replayed = await call(
        session, "POST", f"{admin_url}/webhooks/replay", {"delivery_id": 1}
    )
    await hooked.webhooks.deliver_due()
    assert status == 201
    assert replayed["summary"] == f"sent {wamid}"
    assert receiver.posts[-1] == receiver.posts[0]
    status, _ = await call(
        session, "POST", f"{admin_url}/webhooks/replay", {"delivery_id": 99}
    )
    assert status == 404


async def test_statuses_out_of_order_on_request(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
    admin_url: str,
) -> None:
    await call(session, "PATCH", f"{admin_url}/settings", {"out_of_order": True})
    wamid = await send(session, messages_url, text())
    await hooked.webhooks.deliver_due()

    assert receiver.statuses() == [("delivered", wamid), ("sent", wamid)]


async def test_status_delays_follow_the_sandbox_clock(
    hooked: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
    admin_url: str,
) -> None:
    _, settings = await call(
        session,
        "PATCH",
        f"{admin_url}/settings",
        {"sent_delay": 1, "delivered_delay": 5},
    )
    wamid = await send(session, messages_url, text())
    await hooked.webhooks.deliver_due()
    assert receiver.statuses() == []

    hooked.clock.advance(timedelta(seconds=1))
    await hooked.webhooks.deliver_due()
    assert receiver.statuses() == [("sent", wamid)]

    hooked.clock.advance(timedelta(seconds=4))
    await hooked.webhooks.deliver_due()
    assert receiver.statuses() == [("sent", wamid), ("delivered", wamid)]
    delivered = receiver.values()[1]["statuses"][0]
    assert delivered["timestamp"] == str(int(hooked.clock.now().timestamp()))
    assert settings["sent_delay"] == 1.0


async def test_the_served_sandbox_delivers_by_itself(
    graph: GraphSandbox,
    receiver: Receiver,
    session: aiohttp.ClientSession,
    messages_url: str,
) -> None:
    await graph.webhooks.subscribe(receiver.url, VERIFY_TOKEN, app_secret=SECRET)
    wamid = await send(session, messages_url, text())
    for _ in range(100):  # at most 5 s
        if len(receiver.posts) == 2:
            break
        await asyncio.sleep(0.05)

    assert receiver.statuses() == [("sent", wamid), ("delivered", wamid)]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"window_mode": "later"}, "Unknown window mode"),
        ({"max_attempts": 0}, "between 1 and 20"),
        ({"max_attempts": 21}, "between 1 and 20"),
        ({"retry_delay": -1}, "not negative"),
        ({"delivery_interval": 0}, "at least 0.01"),
        ({"duplicate": "yes"}, "true or false"),
        ({"colour": "red"}, "Unknown settings"),
        ({"out_of_order": True, "sent_delay": -1}, "not negative"),
    ],
)
async def test_bad_webhook_settings_change_nothing(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    admin_url: str,
    body: Any,
    fragment: str,
) -> None:
    status, answer = await call(session, "PATCH", f"{admin_url}/settings", body)

    assert status == 400
    assert fragment in answer["error"]
    assert graph.out_of_order is False
    assert graph.window_mode == "sync"

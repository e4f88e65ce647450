"""Webhook signatures follow WHOOP's algorithm; webhook bodies parse strictly."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
import json

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.whoop.whoop_api import (
    MAX_WEBHOOK_BODY_BYTES,
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
    WEBHOOK_TIMESTAMP_TOLERANCE,
    WebhookEvent,
    WebhookRejection,
    WhoopResponseError,
    WhoopWebhookError,
    compute_webhook_signature,
    verify_webhook_delivery,
    verify_webhook_signature,
)
from sandbox.whoop.webhooks import WebhookEvent as SandboxEvent, post_webhook

from .examples import WEBHOOK_BODY, WEBHOOK_SECRET, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP


def test_whoop_test_vector() -> None:
    assert (
        compute_webhook_signature(WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY)
        == WEBHOOK_SIGNATURE
    )
    assert verify_webhook_signature(
        WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY, WEBHOOK_SIGNATURE
    )


@pytest.mark.parametrize(
    ("secret", "timestamp", "body", "signature"),
    [
        ("wrong-secret", WEBHOOK_TIMESTAMP, WEBHOOK_BODY, WEBHOOK_SIGNATURE),
        (WEBHOOK_SECRET, "1748241241001", WEBHOOK_BODY, WEBHOOK_SIGNATURE),
        (WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY + b" ", WEBHOOK_SIGNATURE),
        (
            WEBHOOK_SECRET,
            WEBHOOK_TIMESTAMP,
            # The same JSON re-serialised with spaces: the signature covers raw bytes.
            json.dumps(json.loads(WEBHOOK_BODY)).encode(),
            WEBHOOK_SIGNATURE,
        ),
        (WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY, WEBHOOK_SIGNATURE[:-2]),
        (WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY, ""),
        (WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY, "jxyIeoYVFjA1krHgN0rPNi—"),
    ],
)
def test_anything_changed_fails_verification(
    secret: str, timestamp: str, body: bytes, signature: str
) -> None:
    assert not verify_webhook_signature(secret, timestamp, body, signature)


def test_event_from_test_vector_body() -> None:
    event = WebhookEvent.from_api(json.loads(WEBHOOK_BODY))

    assert event == WebhookEvent(
        user_id=10129,
        id="ecfc6a15-4661-442f-a9a4-f160dd7afae8",
        event_type="sleep.updated",
        trace_id="e369c784-5100-49e8-8098-75d35c47b31b",
    )
    assert (event.resource, event.action, event.is_deletion) == (
        "sleep",
        "updated",
        False,
    )


def test_deletion_event() -> None:
    body = json.loads(WEBHOOK_BODY) | {"type": "recovery.deleted"}

    event = WebhookEvent.from_api(body)

    assert (event.resource, event.action, event.is_deletion) == (
        "recovery",
        "deleted",
        True,
    )


def test_event_type_added_later_still_parses() -> None:
    body = json.loads(WEBHOOK_BODY) | {"type": "cycle.updated"}

    assert WebhookEvent.from_api(body).resource == "cycle"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "sleep"}, "'type' should look like 'sleep.updated'"),
        ({"type": ".updated"}, "'type' should look like"),
        ({"type": "sleep."}, "'type' should look like"),
        ({"type": None}, "'type' is missing"),
        ({"id": 93845}, "'id' should be a string, got number"),
        ({"user_id": "10129"}, "'user_id' should be an integer, got string"),
        ({"trace_id": ""}, "'trace_id' should be a non-empty string"),
    ],
)
def test_malformed_events(changes: dict[str, object], message: str) -> None:
    body = json.loads(WEBHOOK_BODY) | changes

    with pytest.raises(WhoopResponseError, match=message):
        WebhookEvent.from_api(body)


def test_event_that_is_not_an_object() -> None:
    with pytest.raises(WhoopResponseError, match="expected a JSON object, got array"):
        WebhookEvent.from_api([json.loads(WEBHOOK_BODY)])


# The instant WHOOP's test vector was signed.
SIGNED_AT = datetime.fromtimestamp(int(WEBHOOK_TIMESTAMP) / 1000, tz=UTC)


def _verify(
    timestamp: str | None = WEBHOOK_TIMESTAMP,
    signature: str | None = WEBHOOK_SIGNATURE,
    body: bytes = WEBHOOK_BODY,
    now: datetime = SIGNED_AT,
) -> None:
    verify_webhook_delivery(
        WEBHOOK_SECRET, timestamp=timestamp, signature=signature, body=body, now=now
    )


def _rejection(**changes: object) -> WhoopWebhookError:
    with pytest.raises(WhoopWebhookError) as caught:
        _verify(**changes)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    "offset",
    [timedelta(0), WEBHOOK_TIMESTAMP_TOLERANCE, -WEBHOOK_TIMESTAMP_TOLERANCE],
)
def test_delivery_within_the_tolerance_passes(offset: timedelta) -> None:
    _verify(now=SIGNED_AT + offset)


@pytest.mark.parametrize(
    "offset",
    [
        WEBHOOK_TIMESTAMP_TOLERANCE + timedelta(milliseconds=1),
        -WEBHOOK_TIMESTAMP_TOLERANCE - timedelta(milliseconds=1),
        timedelta(days=1),
    ],
)
def test_a_correctly_signed_old_or_future_delivery_is_stale(offset: timedelta) -> None:
    assert _rejection(now=SIGNED_AT + offset).reason is WebhookRejection.STALE_TIMESTAMP


@pytest.mark.parametrize("timestamp", ["2001", "2100", "0"])
def test_timestamps_far_in_the_past_are_stale_even_when_signed(timestamp: str) -> None:
    signature = compute_webhook_signature(WEBHOOK_SECRET, timestamp, WEBHOOK_BODY)

    rejection = _rejection(timestamp=timestamp, signature=signature)

    assert rejection.reason is WebhookRejection.STALE_TIMESTAMP


@pytest.mark.parametrize(
    "timestamp",
    [
        None,
        "",
        "-5",
        "abc",
        " 1748241241000",
        "1748241241000.0",
        "1.748241241e12",
        "\uff11\uff17\uff14\uff18",  # full-width digits are still digits to isdecimal
        "1" * 16,
    ],
)
def test_unreadable_timestamps_are_malformed(timestamp: str | None) -> None:
    signature = compute_webhook_signature(WEBHOOK_SECRET, timestamp or "", WEBHOOK_BODY)

    rejection = _rejection(timestamp=timestamp, signature=signature)

    assert rejection.reason is WebhookRejection.MALFORMED


@pytest.mark.parametrize("signature", [None, "", "A" * 129])
def test_missing_or_oversized_signatures_are_malformed(signature: str | None) -> None:
    assert _rejection(signature=signature).reason is WebhookRejection.MALFORMED


def test_a_body_over_the_cap_is_malformed_even_when_signed() -> None:
    body = WEBHOOK_BODY + b" " * MAX_WEBHOOK_BODY_BYTES
    signature = compute_webhook_signature(WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, body)

    rejection = _rejection(body=body, signature=signature)

    assert rejection.reason is WebhookRejection.MALFORMED


@pytest.mark.parametrize(
    "changes",
    [
        {"signature": WEBHOOK_SIGNATURE[:-2] + "A="},
        {"body": WEBHOOK_BODY.replace(b"10129", b"10130")},
        # A stale, forged delivery is reported as forged.
        {"timestamp": "1748241241001", "now": SIGNED_AT + timedelta(days=3)},
    ],
)
def test_wrong_signatures_are_bad(changes: dict[str, object]) -> None:
    assert _rejection(**changes).reason is WebhookRejection.BAD_SIGNATURE


def test_rejections_reveal_no_secret_signature_or_body() -> None:
    messages = [
        str(_rejection(signature="A" * 129)),
        str(_rejection(signature=WEBHOOK_SIGNATURE[:-2] + "A=")),
        str(_rejection(now=SIGNED_AT + timedelta(hours=1))),
    ]

    for message in messages:
        for secret in (WEBHOOK_SECRET, WEBHOOK_SIGNATURE[:-2], "ecfc6a15", "10129"):
            assert secret not in message


def test_event_from_raw_body() -> None:
    assert WebhookEvent.from_body(WEBHOOK_BODY) == WebhookEvent.from_api(
        json.loads(WEBHOOK_BODY)
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "body is not valid JSON"),
        (b"\xff\xfe\x00", "body is not valid JSON"),
        (b"[" * 40_000 + b"]" * 40_000, "body is larger than 65536 bytes"),
        (b'"sleep.updated"', "expected a JSON object, got string"),
    ],
    ids=["truncated", "not utf-8", "too large", "a string"],
)
def test_malformed_raw_bodies(body: bytes, message: str) -> None:
    with pytest.raises(WhoopResponseError, match=message):
        WebhookEvent.from_body(body)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "x" * 129}, "'id' should be at most 128 characters long"),
        ({"trace_id": "t" * 129}, "'trace_id' should be at most 128"),
        ({"type": "sleep." + "u" * 59}, "'type' should be at most 64 characters"),
        ({"user_id": 2**53 + 1}, "'user_id' should be an integer from 0 to"),
        ({"user_id": -1}, "'user_id' should be an integer from 0 to"),
    ],
)
def test_event_fields_are_bounded(changes: dict[str, object], message: str) -> None:
    body = json.dumps(json.loads(WEBHOOK_BODY) | changes).encode()

    with pytest.raises(WhoopResponseError, match=message):
        WebhookEvent.from_body(body)


def test_longest_fields_accepted() -> None:
    changes = {"id": "x" * 128, "type": "sleep." + "u" * 58, "user_id": 2**53}
    body = json.dumps(json.loads(WEBHOOK_BODY) | changes).encode()

    event = WebhookEvent.from_body(body)

    assert (len(event.id), len(event.event_type), event.user_id) == (128, 64, 2**53)


class Receiver:
    """A webhook receiver as Home Assistant's side would be: capped read, verify, parse."""

    def __init__(self) -> None:
        """Start with nothing received."""
        self.outcomes: list[WebhookEvent | WebhookRejection] = []

    async def handle(self, request: web.Request) -> web.Response:
        """Verify and parse one delivery, remembering the outcome."""
        body = await request.content.read(MAX_WEBHOOK_BODY_BYTES + 1)
        try:
            verify_webhook_delivery(
                WEBHOOK_SECRET,
                timestamp=request.headers.get(WEBHOOK_TIMESTAMP_HEADER),
                signature=request.headers.get(WEBHOOK_SIGNATURE_HEADER),
                body=body,
            )
        except WhoopWebhookError as err:
            self.outcomes.append(err.reason)
            return web.Response(status=401)
        self.outcomes.append(WebhookEvent.from_body(body))
        return web.Response(status=204)


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[tuple[Receiver, str]]:
    """The receiver, listening on 127.0.0.1 for the length of the test."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/webhook", receiver.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield receiver, str(server.make_url("/webhook"))
    await server.close()


async def test_sandbox_deliveries_pass_now_and_fail_when_replayed(
    receiver: tuple[Receiver, str], http_session: aiohttp.ClientSession
) -> None:
    handler, url = receiver
    event = SandboxEvent(user_id=10129, id="ecfc6a15", type="workout.deleted")
    now = datetime.now(UTC)

    fresh = await post_webhook(http_session, url, event, WEBHOOK_SECRET, now)
    replayed = await post_webhook(
        http_session, url, event, WEBHOOK_SECRET, now - timedelta(minutes=6)
    )
    forged = await post_webhook(http_session, url, event, "not-the-secret", now)

    assert (fresh.status, replayed.status, forged.status) == (204, 401, 401)
    assert handler.outcomes == [
        WebhookEvent(
            user_id=10129,
            id="ecfc6a15",
            event_type="workout.deleted",
            trace_id=fresh.trace_id,
        ),
        WebhookRejection.STALE_TIMESTAMP,
        WebhookRejection.BAD_SIGNATURE,
    ]

"""Signed webhooks, delivered to a receiver served by the test on 127.0.0.1."""

import asyncio
import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta
import hashlib
import hmac
import json

import aiohttp
from aiohttp import web
import pytest

from sandbox.app import Sandbox
from sandbox.whoop import CLIENT_SECRET, sign

from .conftest import JANE_ID, JOHN_ID


def test_signature_matches_whoops_test_vector() -> None:
    body = (
        b'{"user_id":10129,"id":"ecfc6a15-4661-442f-a9a4-f160dd7afae8","type":"sleep.updated",'
        b'"trace_id":"e369c784-5100-49e8-8098-75d35c47b31b"}'
    )
    assert (
        sign("test-client-secret", "1748241241000", body)
        == "jxyIeoYVFjA1krHgN0rPNiKO4/RDLnwde673MGxxMmM="
    )


@dataclass
class Receiver:
    """The webhook endpoint of an app: records what arrives and answers ``status``."""

    url: str = ""
    status: int = 204
    delay: float = 0.0
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    counted: list[int] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        """Record the delivery."""
        self.received.append((dict(request.headers), await request.read()))
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.Response(status=self.status)

    async def count(self, request: web.Request) -> web.Response:
        """Read a body of any size in chunks and remember only its length."""
        size = 0
        async for chunk in request.content.iter_chunked(65_536):
            size += len(chunk)
        self.counted.append(size)
        return web.Response(status=200)

    def events(self) -> list[dict[str, object]]:
        """Return the bodies received, parsed."""
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/webhook", receiver.handle)
    app.router.add_post("/count", receiver.count)
    # A refused oversize body is not drained for long: teardown stays quick.
    runner = web.AppRunner(app, lingering_time=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    try:
        yield receiver
    finally:
        await runner.cleanup()


def john_morning(sandbox: Sandbox) -> tuple[str, timedelta]:
    """John's sleep of the sandbox's first morning, and how long until it is scored."""
    night = sandbox.whoop.plan(JOHN_ID, date(2026, 11, 20)).night
    return str(night.id), night.scored_at - sandbox.clock.now()


async def test_nothing_is_sent_without_url_or_changes(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    assert await sandbox.whoop.deliver_webhooks() == 0
    sandbox.whoop.webhook_url = receiver.url
    assert await sandbox.whoop.deliver_webhooks() == 0
    assert receiver.received == []


async def test_scored_sleep_and_recovery_are_delivered_signed(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    sandbox.whoop.webhook_url = receiver.url
    sleep_id, until_scored = john_morning(sandbox)
    sandbox.clock.advance(until_scored)
    delivered = await sandbox.whoop.deliver_webhooks()
    assert delivered == len(receiver.received) >= 2
    john_events = [event for event in receiver.events() if event["user_id"] == JOHN_ID]
    assert {"type": "sleep.updated", "id": sleep_id} in [
        {"type": e["type"], "id": e["id"]} for e in john_events
    ]
    # For a recovery the id is the sleep's UUID: there is no recovery-by-id endpoint.
    assert {"type": "recovery.updated", "id": sleep_id} in [
        {"type": e["type"], "id": e["id"]} for e in john_events
    ]
    trace_ids = [event["trace_id"] for event in receiver.events()]
    assert len(set(trace_ids)) == len(trace_ids)
    expected_timestamp = str(round(sandbox.clock.now().timestamp() * 1000))
    for headers, body in receiver.received:
        assert list(json.loads(body)) == ["user_id", "id", "type", "trace_id"]
        timestamp = headers["X-WHOOP-Signature-Timestamp"]
        assert timestamp == expected_timestamp
        digest = hmac.new(
            CLIENT_SECRET.encode(), timestamp.encode() + body, hashlib.sha256
        ).digest()
        assert hmac.compare_digest(
            headers["X-WHOOP-Signature"], base64.b64encode(digest).decode()
        )
    # Delivered once: nothing new to send right after.
    assert await sandbox.whoop.deliver_webhooks() == 0


async def test_pending_records_are_not_announced(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    sandbox.whoop.webhook_url = receiver.url
    night = sandbox.whoop.plan(JOHN_ID, date(2026, 11, 20)).night
    sandbox.clock.set(night.detected_at)
    await sandbox.whoop.deliver_webhooks()
    assert str(night.id) not in [event["id"] for event in receiver.events()]


async def test_deleted_workout_and_not_worn_night(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    sandbox.whoop.webhook_url = receiver.url
    records = sandbox.whoop.records(JANE_ID)
    workout = next(w for w in records.workouts if w.score_state == "SCORED")
    sandbox.whoop.delete_workout(workout.id)
    newest_night = next(sleep for sleep in records.sleeps if not sleep.nap)
    sandbox.whoop.mark_not_worn(
        JANE_ID,
        newest_night.start.astimezone(sandbox.whoop.members[JANE_ID].tzinfo).date()
        + timedelta(days=1),
    )
    assert await sandbox.whoop.deliver_webhooks() == 3
    assert sorted(
        (event["type"], event["id"]) for event in receiver.events()
    ) == sorted(
        [
            ("workout.deleted", str(workout.id)),
            ("sleep.deleted", str(newest_night.id)),
            ("recovery.deleted", str(newest_night.id)),
        ]
    )


async def test_revoked_member_gets_no_webhooks(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    sandbox.whoop.webhook_url = receiver.url
    sandbox.whoop.issue_tokens(JOHN_ID)
    sandbox.whoop.revoke(JOHN_ID)
    sandbox.clock.advance(timedelta(hours=3))
    await sandbox.whoop.deliver_webhooks()
    users = {event["user_id"] for event in receiver.events()}
    assert JOHN_ID not in users


async def test_failed_deliveries_are_recorded(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    receiver.status = 500
    sandbox.whoop.webhook_url = receiver.url
    sandbox.clock.advance(john_morning(sandbox)[1])
    sent = await sandbox.whoop.deliver_webhooks()
    assert sent > 0
    assert {delivery.status for delivery in sandbox.whoop.webhook_deliveries} == {500}


async def test_unreachable_receiver(sandbox: Sandbox, receiver: Receiver) -> None:
    sandbox.whoop.webhook_url = "http://127.0.0.1:9/unreachable"
    sandbox.clock.advance(john_morning(sandbox)[1])
    assert await sandbox.whoop.deliver_webhooks() > 0
    assert {delivery.status for delivery in sandbox.whoop.webhook_deliveries} == {None}
    assert JOHN_ID in {
        delivery.event.user_id for delivery in sandbox.whoop.webhook_deliveries
    }


def verify(headers: dict[str, str], body: bytes) -> bool:
    """Check a delivery's signature as a careful receiver does."""
    expected = sign(CLIENT_SECRET, headers["X-WHOOP-Signature-Timestamp"], body)
    return hmac.compare_digest(headers.get("X-WHOOP-Signature", ""), expected)


async def test_failed_delivery_is_retried_five_times_over_an_hour_same_trace_id(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    receiver.status = 500
    sandbox.whoop.webhook_url = receiver.url
    sandbox.clock.advance(john_morning(sandbox)[1])
    first = await sandbox.whoop.deliver_webhooks()
    assert first > 0
    first_sent = sandbox.clock.now()
    trace_ids = {event["trace_id"] for event in receiver.events()}
    assert len(trace_ids) == first
    assert {retry.attempt for retry in sandbox.whoop.webhook_retries} == {2}
    # Nothing is due until the clock moves.
    assert await sandbox.whoop.deliver_webhooks() == 0
    minutes = 0
    while sandbox.whoop.webhook_retries and minutes < 180:
        sandbox.clock.advance(timedelta(minutes=1))
        minutes += 1
        await sandbox.whoop.deliver_webhooks()
    assert 55 <= minutes <= 70
    deliveries = sandbox.whoop.webhook_deliveries
    assert len(deliveries) == first * 6
    assert len(receiver.received) == first * 6
    for trace_id in trace_ids:
        attempts = [d for d in deliveries if d.trace_id == trace_id]
        assert [d.attempt for d in attempts] == [1, 2, 3, 4, 5, 6]
        assert attempts[-1].at - first_sent <= timedelta(minutes=70)
        assert [d.kind for d in attempts] == ["event"] + ["retry"] * 5
    # Every retry is freshly signed at its own time, same body.
    for headers, body in receiver.received:
        assert verify(headers, body)
    assert {event["trace_id"] for event in receiver.events()} == trace_ids


async def test_a_retry_that_succeeds_ends_the_retries(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    receiver.status = 503
    sandbox.whoop.webhook_url = receiver.url
    sandbox.clock.advance(john_morning(sandbox)[1])
    first = await sandbox.whoop.deliver_webhooks()
    receiver.status = 204
    sandbox.clock.advance(timedelta(minutes=1))
    assert await sandbox.whoop.deliver_webhooks() == first
    assert sandbox.whoop.webhook_retries == []
    sandbox.clock.advance(timedelta(hours=2))
    await sandbox.whoop.deliver_webhooks()
    retries = [d for d in sandbox.whoop.webhook_deliveries if d.kind == "retry"]
    assert [d.attempt for d in retries] == [2] * first


async def test_an_answer_slower_than_the_limit_counts_as_failed(
    sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    assert sandbox.whoop.webhook_answer_within == 1.0  # WHOOP's second
    receiver.delay = 0.5
    async with http.put(
        f"{sandbox.url}/_sandbox/webhook",
        json={"url": receiver.url, "answer_within_seconds": 0.2},
    ) as response:
        assert response.status == 200
    sandbox.clock.advance(john_morning(sandbox)[1])
    assert await sandbox.whoop.deliver_webhooks() > 0
    assert {d.status for d in sandbox.whoop.webhook_deliveries} == {None}
    async with http.get(f"{sandbox.url}/_sandbox/webhook") as response:
        pending = (await response.json())["pending_retries"]
    assert pending
    assert {retry["attempt"] for retry in pending} == {2}


async def send(
    http: aiohttp.ClientSession, sandbox: Sandbox, **fields: object
) -> dict[str, object]:
    body = {"user_id": JOHN_ID, "id": "ecfc6a15-4661-442f-a9a4-f160dd7afae8"}
    async with http.post(
        f"{sandbox.url}/_sandbox/webhook/send", json=body | fields
    ) as response:
        assert response.status == 201, await response.text()
        delivery: dict[str, object] = await response.json()
        return delivery


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"timestamp_offset_seconds": -600}, str(1_795_176_000_000 - 600_000)),
        ({"timestamp_offset_seconds": 600}, str(1_795_176_000_000 + 600_000)),
        ({"timestamp": "0"}, "0"),
        ({"timestamp": "-5"}, "-5"),
        ({"timestamp": "abc"}, "abc"),
        ({"timestamp": ""}, ""),
        ({}, str(1_795_176_000_000)),
    ],
)
async def test_send_with_a_chosen_signature_timestamp(
    sandbox: Sandbox,
    receiver: Receiver,
    http: aiohttp.ClientSession,
    fields: dict[str, object],
    expected: str,
) -> None:
    sandbox.whoop.webhook_url = receiver.url
    delivery = await send(http, sandbox, type="recovery.updated", **fields)
    assert delivery["status"] == 204
    assert delivery["signature_timestamp"] == expected
    [(headers, body)] = receiver.received
    assert headers["X-WHOOP-Signature-Timestamp"] == expected
    assert verify(headers, body)  # signed over the odd timestamp as sent
    assert json.loads(body)["type"] == "recovery.updated"
    assert sandbox.whoop.webhook_retries == []


@pytest.mark.parametrize("mode", ["forged", "garbage", "missing"])
async def test_send_with_a_bad_signature(
    sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession, mode: str
) -> None:
    sandbox.whoop.webhook_url = receiver.url
    await send(http, sandbox, signature=mode, trace_id="trace-1")
    [(headers, body)] = receiver.received
    assert json.loads(body)["trace_id"] == "trace-1"
    assert not verify(headers, body)
    assert ("X-WHOOP-Signature" in headers) == (mode != "missing")


async def test_send_refuses_bad_input(
    sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        f"{sandbox.url}/_sandbox/webhook/send", json={"user_id": JOHN_ID}
    ) as response:
        assert response.status == 400  # no URL set yet
    sandbox.whoop.webhook_url = receiver.url
    for body in (
        {"user_id": "John"},
        {"user_id": JOHN_ID, "signature": "sloppy"},
        {"user_id": JOHN_ID, "id": "x" * 201},
        {"user_id": JOHN_ID, "timestamp_offset_seconds": 10**12},
    ):
        async with http.post(
            f"{sandbox.url}/_sandbox/webhook/send", json=body
        ) as response:
            assert response.status == 400, body
    assert receiver.received == []


async def test_replay_is_byte_for_byte(
    sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    sandbox.whoop.webhook_url = receiver.url
    sandbox.clock.advance(john_morning(sandbox)[1])
    await sandbox.whoop.deliver_webhooks()
    original_headers, original_body = receiver.received[0]
    sandbox.clock.advance(timedelta(hours=1))
    async with http.post(
        f"{sandbox.url}/_sandbox/webhook/replay",
        json={"index": 0},
    ) as response:
        assert response.status == 201
        replayed = await response.json()
    assert replayed["kind"] == "replay"
    headers, body = receiver.received[-1]
    assert body == original_body
    for name in ("X-WHOOP-Signature", "X-WHOOP-Signature-Timestamp"):
        assert headers[name] == original_headers[name]
    async with http.post(
        f"{sandbox.url}/_sandbox/webhook/replay", json={"index": 10_000}
    ) as response:
        assert response.status == 400


async def test_oversize_body_is_streamed_and_refused_by_a_careful_receiver(
    sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    sandbox.whoop.webhook_url = receiver.url  # aiohttp's receiver caps bodies at 1 MiB
    async with http.post(
        f"{sandbox.url}/_sandbox/webhook/oversize", json={"megabytes": 20}
    ) as response:
        assert response.status == 201
        delivery = await response.json()
    assert delivery["status"] in {413, None}
    assert delivery["kind"] == "oversize"
    assert sandbox.whoop.webhook_deliveries[-1].body == b""  # never held whole
    assert delivery["signature_timestamp"] is None  # unauthenticated


async def test_oversize_body_arrives_whole_at_a_receiver_that_reads_it(
    sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    sandbox.whoop.webhook_url = receiver.url.replace("/webhook", "/count")
    delivery = await sandbox.whoop.send_oversize_webhook(3, signed=True)
    assert delivery.status == 200
    assert receiver.counted == [3 * 1024 * 1024]
    assert "X-WHOOP-Signature" in delivery.headers
    for megabytes in (0, 65):
        async with http.post(
            f"{sandbox.url}/_sandbox/webhook/oversize", json={"megabytes": megabytes}
        ) as response:
            assert response.status == 400

"""Signed webhooks, delivered to a receiver served by the test on 127.0.0.1."""

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta
import hashlib
import hmac
import json

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
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        """Record the delivery."""
        self.received.append((dict(request.headers), await request.read()))
        return web.Response(status=self.status)

    def events(self) -> list[dict[str, object]]:
        """Return the bodies received, parsed."""
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/webhook", receiver.handle)
    runner = web.AppRunner(app)
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

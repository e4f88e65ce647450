"""WHOOP's signed webhooks: what changed since the last delivery, and how each is signed and sent."""

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
import hashlib
import hmac
import json
import uuid

import aiohttp

from .records import MemberRecords, ScoreState, format_timestamp

SIGNATURE_HEADER = "X-WHOOP-Signature"
TIMESTAMP_HEADER = "X-WHOOP-Signature-Timestamp"
_DELIVERY_TIMEOUT = aiohttp.ClientTimeout(total=10)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return WHOOP's signature: base64(HMAC-SHA256(secret, timestamp + raw body))."""
    digest = hmac.new(
        secret.encode(), timestamp.encode() + body, hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One event: ``type`` is e.g. ``sleep.updated``; for recoveries ``id`` is the sleep's UUID."""

    user_id: int
    id: str
    type: str

    def body(self, trace_id: str) -> bytes:
        """Return the raw JSON body WHOOP posts for this event."""
        payload = {
            "user_id": self.user_id,
            "id": self.id,
            "type": self.type,
            "trace_id": trace_id,
        }
        return json.dumps(payload, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One attempt to post an event: ``status`` None when the receiver could not be reached."""

    event: WebhookEvent
    trace_id: str
    status: int | None
    at: datetime

    def as_json(self) -> dict[str, object]:
        """Describe the delivery for the admin API."""
        return {
            "user_id": self.event.user_id,
            "id": self.event.id,
            "type": self.event.type,
            "trace_id": self.trace_id,
            "status": self.status,
            "at": format_timestamp(self.at),
        }


# (kind, record id) -> (user id, updated_at): the webhook-worthy state of finished records.
type Snapshot = dict[tuple[str, str], tuple[int, datetime]]


def snapshot(all_records: Iterable[MemberRecords]) -> Snapshot:
    """Return the scored or unscorable sleeps, recoveries and workouts, keyed for ``changes``."""
    final = (ScoreState.SCORED, ScoreState.UNSCORABLE)
    state: Snapshot = {}
    for records in all_records:
        for sleep in records.sleeps:
            if sleep.score_state in final:
                state["sleep", str(sleep.id)] = (sleep.user_id, sleep.updated_at)
        for recovery in records.recoveries:
            if recovery.score_state in final:
                state["recovery", str(recovery.sleep_id)] = (
                    recovery.user_id,
                    recovery.updated_at,
                )
        for workout in records.workouts:
            if workout.score_state in final:
                state["workout", str(workout.id)] = (
                    workout.user_id,
                    workout.updated_at,
                )
    return state


def changes(before: Snapshot, after: Snapshot) -> list[WebhookEvent]:
    """Return the events that turn ``before`` into ``after``: new or changed, then deleted."""
    events = [
        WebhookEvent(user_id=user_id, id=record_id, type=f"{kind}.updated")
        for (kind, record_id), (user_id, updated_at) in after.items()
        if before.get((kind, record_id), (user_id, None))[1] != updated_at
    ]
    events.extend(
        WebhookEvent(user_id=user_id, id=record_id, type=f"{kind}.deleted")
        for (kind, record_id), (user_id, _) in before.items()
        if (kind, record_id) not in after
    )
    return events


async def post_webhook(
    session: aiohttp.ClientSession,
    url: str,
    event: WebhookEvent,
    secret: str,
    now: datetime,
) -> WebhookDelivery:
    """Post ``event`` to ``url``, signed with ``secret`` at ``now``, with a fresh trace id."""
    trace_id = str(uuid.uuid4())
    body = event.body(trace_id)
    timestamp = str(round(now.timestamp() * 1000))
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        TIMESTAMP_HEADER: timestamp,
    }
    try:
        async with session.post(
            url, data=body, headers=headers, timeout=_DELIVERY_TIMEOUT
        ) as response:
            status: int | None = response.status
    except aiohttp.ClientError, TimeoutError:
        status = None
    return WebhookDelivery(event=event, trace_id=trace_id, status=status, at=now)

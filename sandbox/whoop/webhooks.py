"""WHOOP's signed webhooks: what changed since the last delivery, and how each is signed and sent."""

import base64
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
import hashlib
import hmac
import json
from typing import Final
import uuid

import aiohttp

from .records import MemberRecords, ScoreState, format_timestamp

SIGNATURE_HEADER = "X-WHOOP-Signature"
TIMESTAMP_HEADER = "X-WHOOP-Signature-Timestamp"
ANSWER_WITHIN_SECONDS: Final = 1.0
"""WHOOP wants a 2xx within a second; a slower answer counts as a failed delivery."""
RETRY_DELAYS: Final = (
    timedelta(minutes=1),
    timedelta(minutes=4),
    timedelta(minutes=10),
    timedelta(minutes=15),
    timedelta(minutes=30),
)
"""After a failed attempt, the wait before the next: five retries over about an hour."""
MAX_OVERSIZE_MEGABYTES: Final = 64
OVERSIZE_TIMEOUT: Final = aiohttp.ClientTimeout(total=30)
_CHUNK: Final = 64 * 1024


class SignatureMode(StrEnum):
    """How a hand-sent delivery is signed."""

    VALID = "valid"
    """Signed with the app's client secret, as WHOOP signs."""
    FORGED = "forged"
    """Well-formed, but signed with another secret."""
    GARBAGE = "garbage"
    """Not base64 at all."""
    MISSING = "missing"
    """No signature header (the timestamp header is still sent)."""


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
    """One attempt to post an event: ``status`` None when no answer came within the limit.

    ``attempt`` is 1 for the first post and 2-6 for WHOOP's retries; ``kind`` says how it was
    made (``event``, ``retry``, ``sent``, ``replay`` or ``oversize``). ``body`` and ``headers``
    are the exact bytes and headers posted (an oversize body is not kept).
    """

    event: WebhookEvent
    trace_id: str
    status: int | None
    at: datetime
    attempt: int = 1
    kind: str = "event"
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        """Whether the receiver answered 2xx in time."""
        return self.status is not None and 200 <= self.status < 300

    def as_json(self) -> dict[str, object]:
        """Describe the delivery for the admin API."""
        return {
            "user_id": self.event.user_id,
            "id": self.event.id,
            "type": self.event.type,
            "trace_id": self.trace_id,
            "status": self.status,
            "at": format_timestamp(self.at),
            "attempt": self.attempt,
            "kind": self.kind,
            "signature_timestamp": self.headers.get(TIMESTAMP_HEADER),
        }


@dataclass(frozen=True, slots=True)
class PendingRetry:
    """A failed delivery WHOOP will post again, with the same trace id, once ``due_at`` comes."""

    event: WebhookEvent
    trace_id: str
    attempt: int
    """The number the next attempt will have (2-6)."""
    due_at: datetime

    def as_json(self) -> dict[str, object]:
        """Describe the retry for the admin API."""
        return {
            "user_id": self.event.user_id,
            "id": self.event.id,
            "type": self.event.type,
            "trace_id": self.trace_id,
            "attempt": self.attempt,
            "due_at": format_timestamp(self.due_at),
        }


def next_retry(delivery: WebhookDelivery) -> PendingRetry | None:
    """Return the retry WHOOP schedules after ``delivery``, or None (it succeeded, or no tries are left)."""
    if delivery.succeeded or delivery.attempt > len(RETRY_DELAYS):
        return None
    return PendingRetry(
        event=delivery.event,
        trace_id=delivery.trace_id,
        attempt=delivery.attempt + 1,
        due_at=delivery.at + RETRY_DELAYS[delivery.attempt - 1],
    )


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


def signed_headers(
    secret: str, timestamp: str, body: bytes, mode: SignatureMode = SignatureMode.VALID
) -> dict[str, str]:
    """Return the headers of a delivery of ``body`` with the raw ``timestamp`` header value."""
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp}
    if mode is SignatureMode.VALID:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    elif mode is SignatureMode.FORGED:
        headers[SIGNATURE_HEADER] = sign("not-" + secret, timestamp, body)
    elif mode is SignatureMode.GARBAGE:
        headers[SIGNATURE_HEADER] = "%%% not base64 %%%"
    return headers


def timestamp_header(now: datetime) -> str:
    """Return WHOOP's signature timestamp for ``now``: Unix milliseconds."""
    return str(round(now.timestamp() * 1000))


async def post_webhook(
    session: aiohttp.ClientSession,
    url: str,
    event: WebhookEvent,
    secret: str,
    now: datetime,
    *,
    trace_id: str | None = None,
    attempt: int = 1,
    answer_within: float = ANSWER_WITHIN_SECONDS,
) -> WebhookDelivery:
    """Post ``event`` to ``url``, signed with ``secret`` at ``now`` (a fresh trace id unless given)."""
    trace_id = trace_id or str(uuid.uuid4())
    body = event.body(trace_id)
    headers = signed_headers(secret, timestamp_header(now), body)
    status = await post_raw(session, url, body, headers, answer_within)
    return WebhookDelivery(
        event=event,
        trace_id=trace_id,
        status=status,
        at=now,
        attempt=attempt,
        kind="event" if attempt == 1 else "retry",
        body=body,
        headers=headers,
    )


async def post_raw(
    session: aiohttp.ClientSession,
    url: str,
    body: bytes | AsyncIterator[bytes],
    headers: Mapping[str, str],
    answer_within: float,
) -> int | None:
    """Post ``body`` as is; return the status, or None when no answer came in time."""
    try:
        async with session.post(
            url,
            data=body,
            headers=dict(headers),
            timeout=aiohttp.ClientTimeout(total=answer_within),
        ) as response:
            return response.status
    except aiohttp.ClientError, TimeoutError:
        return None


async def oversize_body(megabytes: float, user_id: int) -> AsyncIterator[bytes]:
    """Yield a JSON-looking body of ``megabytes`` MB in chunks, never holding it whole."""
    total = round(megabytes * 1024 * 1024)
    head = f'{{"user_id":{user_id},"type":"sleep.updated","padding":"'.encode()
    tail = b'"}'
    yield head
    left = max(0, total - len(head) - len(tail))
    chunk = b"x" * _CHUNK
    while left > 0:
        yield chunk[: min(left, _CHUNK)]
        left -= _CHUNK
    yield tail

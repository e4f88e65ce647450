"""WHOOP webhooks: verifying a delivery and the event model.

WHOOP signs each delivery with
``base64(HMAC-SHA256(key=client_secret, msg=timestamp + raw_body))`` and sends it in
``X-WHOOP-Signature``, with the timestamp (milliseconds) in
``X-WHOOP-Signature-Timestamp``. ``verify_webhook_delivery`` checks the body size, the
signature and that the timestamp is recent, so a recorded delivery cannot be replayed.
"""

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
import hashlib
import hmac
import json
import re
from typing import Annotated, Self

from ._fields import ApiModel, Identifier, Integer
from ._parsing import FieldReader
from .const import MAX_WEBHOOK_BODY_BYTES, WEBHOOK_TIMESTAMP_TOLERANCE
from .exceptions import WhoopError, WhoopResponseError
from .models import RECORD_ID

# Milliseconds since the epoch: ASCII digits only, no sign, no spaces, no exponent.
_TIMESTAMP_PATTERN = re.compile(r"[0-9]{1,15}")
# A base64 HMAC-SHA256 is 44 characters; anything much longer is not a signature.
_MAX_SIGNATURE_LENGTH = 128
_MAX_EVENT_TYPE_LENGTH = 64


class WebhookRejection(StrEnum):
    """Which check a webhook delivery failed."""

    MALFORMED = "malformed"
    """A header is missing or unreadable, or the body is too large."""
    BAD_SIGNATURE = "bad_signature"
    """The signature does not match: not from WHOOP, or altered on the way."""
    STALE_TIMESTAMP = "stale_timestamp"
    """Correctly signed, but too far from now: a replay, or a clock far off."""


class WhoopWebhookError(WhoopError):
    """A webhook delivery failed verification; ``reason`` says which check.

    The message names the check only: never the secret, signature or body.
    """

    def __init__(self, message: str, *, reason: WebhookRejection) -> None:
        """Initialise the error with the failed check."""
        super().__init__(message)
        self.reason = reason


def compute_webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Return the base64 signature WHOOP sends for ``body`` delivered at ``timestamp``.

    Args:
        secret: The app's client secret, the HMAC key.
        timestamp: The ``X-WHOOP-Signature-Timestamp`` header, exactly as received.
        body: The raw request body, exactly as received (not re-serialised JSON).
    """
    digest = hmac.new(
        secret.encode(), timestamp.encode() + body, hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_webhook_signature(
    secret: str, timestamp: str, body: bytes, signature: str
) -> bool:
    """Return whether ``signature`` is WHOOP's signature of ``body`` at ``timestamp``.

    Checks the signature only, not whether the timestamp is recent: a receiver should
    call ``verify_webhook_delivery``. The comparison takes constant time.

    Args:
        secret: The app's client secret, the HMAC key.
        timestamp: The ``X-WHOOP-Signature-Timestamp`` header, exactly as received.
        body: The raw request body, exactly as received.
        signature: The ``X-WHOOP-Signature`` header.
    """
    expected = compute_webhook_signature(secret, timestamp, body)
    # Compare bytes: compare_digest refuses str holding non-ASCII characters.
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def verify_webhook_delivery(
    secret: str,
    *,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: datetime | None = None,
) -> None:
    """Check that a delivery is WHOOP's, unaltered and recent; return if so.

    The checks, in order: the headers are present and readable and the body is at most
    ``MAX_WEBHOOK_BODY_BYTES``; the signature matches; the timestamp lies within
    ``WEBHOOK_TIMESTAMP_TOLERANCE`` of ``now`` (either side).

    Args:
        secret: The app's client secret, the HMAC key.
        timestamp: The ``X-WHOOP-Signature-Timestamp`` header, ``None`` if absent.
        signature: The ``X-WHOOP-Signature`` header, ``None`` if absent.
        body: The raw request body, exactly as received.
        now: The current time; the system clock by default.

    Raises:
        WhoopWebhookError: A check failed; its ``reason`` says which.
    """
    if timestamp is None or not _TIMESTAMP_PATTERN.fullmatch(timestamp):
        msg = "webhook signature timestamp is missing or not milliseconds"
        raise WhoopWebhookError(msg, reason=WebhookRejection.MALFORMED)
    if not signature or len(signature) > _MAX_SIGNATURE_LENGTH:
        msg = "webhook signature is missing or too long"
        raise WhoopWebhookError(msg, reason=WebhookRejection.MALFORMED)
    if len(body) > MAX_WEBHOOK_BODY_BYTES:
        msg = f"webhook body is larger than {MAX_WEBHOOK_BODY_BYTES} bytes"
        raise WhoopWebhookError(msg, reason=WebhookRejection.MALFORMED)
    if not verify_webhook_signature(secret, timestamp, body, signature):
        msg = "webhook signature does not match"
        raise WhoopWebhookError(msg, reason=WebhookRejection.BAD_SIGNATURE)
    now_milli = (now or datetime.now(UTC)).timestamp() * 1000
    tolerance_milli = WEBHOOK_TIMESTAMP_TOLERANCE.total_seconds() * 1000
    if abs(now_milli - int(timestamp)) > tolerance_milli:
        msg = "webhook signature timestamp is outside the tolerated window"
        raise WhoopWebhookError(msg, reason=WebhookRejection.STALE_TIMESTAMP)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventType(Identifier):
    """``<resource>.<action>``, both non-empty, kept as sent."""

    def parse(self, reader: FieldReader, key: str) -> str:
        """Return the event type."""
        event_type = Identifier.parse(self, reader, key)
        resource, separator, action = event_type.partition(".")
        if not (separator and resource and action):
            msg = (
                f"{reader.record_name}: field '{key}' should look like 'sleep.updated'"
            )
            raise WhoopResponseError(msg)
        return event_type


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookEvent(ApiModel):
    """One webhook delivery: a record of a member was updated (or created) or deleted.

    For ``recovery.*`` events ``id`` is the UUID of the sleep the recovery comes from:
    resolve it with sleep -> ``cycle_id`` -> the cycle's recovery. Event types are kept
    as sent so that a type WHOOP adds later still parses; callers ignore the resources
    they do not know.
    """

    user_id: Annotated[int, Integer(allowed=RECORD_ID)]
    id: Annotated[str, Identifier()]
    event_type: Annotated[str, EventType(key="type", max_length=_MAX_EVENT_TYPE_LENGTH)]
    """``<resource>.<action>``, e.g. ``sleep.updated``."""
    trace_id: Annotated[str, Identifier()]
    """Identifies the event: WHOOP may deliver it twice with the same trace id."""

    @property
    def resource(self) -> str:
        """What changed: ``recovery``, ``sleep`` or ``workout``."""
        return self.event_type.partition(".")[0]

    @property
    def action(self) -> str:
        """What happened: ``updated`` (new records too) or ``deleted``."""
        return self.event_type.partition(".")[2]

    @property
    def is_deletion(self) -> bool:
        """Whether the record was deleted."""
        return self.action == "deleted"

    @classmethod
    def from_body(cls, body: bytes) -> Self:
        """Parse a raw webhook body (verify it first).

        Raises:
            WhoopResponseError: The body is too large, not JSON or not an event.
        """
        if len(body) > MAX_WEBHOOK_BODY_BYTES:
            msg = f"{cls.__name__}: body is larger than {MAX_WEBHOOK_BODY_BYTES} bytes"
            raise WhoopResponseError(msg)
        try:
            data: object = json.loads(body)
        except (ValueError, RecursionError) as err:
            msg = f"{cls.__name__}: body is not valid JSON"
            raise WhoopResponseError(msg) from err
        return cls.from_api(data)

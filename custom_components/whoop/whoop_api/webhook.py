"""WHOOP webhooks: signature verification and the event model.

WHOOP signs each delivery with
``base64(HMAC-SHA256(key=client_secret, msg=timestamp + raw_body))`` and sends it in
``X-WHOOP-Signature``, with the timestamp (milliseconds) in
``X-WHOOP-Signature-Timestamp``.
"""

import base64
from dataclasses import dataclass
import hashlib
import hmac
from typing import Self

from ._parsing import FieldReader
from .exceptions import WhoopResponseError


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

    The comparison takes constant time: it leaks nothing about the expected signature.

    Args:
        secret: The app's client secret, the HMAC key.
        timestamp: The ``X-WHOOP-Signature-Timestamp`` header, exactly as received.
        body: The raw request body, exactly as received.
        signature: The ``X-WHOOP-Signature`` header.
    """
    expected = compute_webhook_signature(secret, timestamp, body)
    # Compare bytes: compare_digest refuses str holding non-ASCII characters.
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookEvent:
    """One webhook delivery: a record of a member was updated (or created) or deleted.

    For ``recovery.*`` events ``id`` is the UUID of the sleep the recovery comes from:
    resolve it with sleep -> ``cycle_id`` -> the cycle's recovery.
    """

    user_id: int
    id: str
    event_type: str
    """``<resource>.<action>``, e.g. ``sleep.updated``."""
    trace_id: str
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
    def from_api(cls, data: object) -> Self:
        """Parse a decoded webhook body.

        Event types are kept as sent (``<resource>.<action>``) so that a type WHOOP adds
        later still parses; callers ignore the resources they do not know.

        Raises:
            WhoopResponseError: ``data`` is not a well-formed webhook body.
        """
        reader = FieldReader(data, cls.__name__)
        event_type = reader.identifier("type")
        resource, separator, action = event_type.partition(".")
        if not (separator and resource and action):
            msg = f"{cls.__name__}: field 'type' should look like 'sleep.updated'"
            raise WhoopResponseError(msg)
        return cls(
            user_id=reader.integer("user_id"),
            id=reader.identifier("id"),
            event_type=event_type,
            trace_id=reader.identifier("trace_id"),
        )

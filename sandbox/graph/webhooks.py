"""Meta's WhatsApp webhooks: the subscription handshake, the payloads, the signature, the posting."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
import hashlib
import hmac
import json
import secrets
from typing import Final

import aiohttp
from yarl import URL

from .constants import BUSINESS_ACCOUNT_ID

SIGNATURE_HEADER: Final = "X-Hub-Signature-256"
DELIVERY_TIMEOUT: Final = aiohttp.ClientTimeout(total=5)
"""Meta wants a fast 200; a receiver slower than this counts as not answering."""
_CHALLENGE_MAX_BYTES: Final = 1024

STATE_PENDING: Final = "pending"
STATE_DELIVERED: Final = "delivered"
STATE_GAVE_UP: Final = "gave_up"
STATE_UNSUBSCRIBED: Final = "unsubscribed"


def sign(app_secret: str, body: bytes) -> str:
    """Return Meta's ``X-Hub-Signature-256`` value: ``sha256=<hex HMAC-SHA256(app_secret, body)>``."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class SubscriptionError(Exception):
    """The callback did not pass Meta's verification handshake."""


@dataclass(frozen=True, slots=True)
class WebhookSubscription:
    """Where the webhooks of one business number go, and how they are signed."""

    phone_number_id: str
    callback_url: str
    verify_token: str = field(repr=False)
    app_secret: str = field(repr=False)
    verified_at: datetime

    def to_json(self) -> dict[str, object]:
        """Describe the subscription (without its secrets) for the admin endpoints."""
        return {
            "phone_number_id": self.phone_number_id,
            "callback_url": self.callback_url,
            "verified_at": self.verified_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One POST of a webhook: ``status`` None when the callback could not be reached in time."""

    at: datetime
    status: int | None


@dataclass(slots=True)
class WebhookDelivery:
    """One webhook the sandbox owes a callback, with its attempts so far.

    Attributes:
        delivery_id: The sandbox's number for it (admin endpoints use it).
        phone_number_id: The business number whose subscription receives it.
        kind: ``status`` or ``message`` (inbound).
        summary: What it says, e.g. ``delivered wamid.HBg...``.
        body: The raw JSON body, posted and signed as is.
        due_at: When (sandbox clock) the next attempt is due.
        state: ``pending``, ``delivered``, ``gave_up`` or ``unsubscribed``.
        attempts: The POSTs so far, oldest first.
    """

    delivery_id: int
    phone_number_id: str
    kind: str
    summary: str
    body: bytes = field(repr=False)
    due_at: datetime
    state: str = STATE_PENDING
    attempts: list[DeliveryAttempt] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """Describe the delivery for the admin endpoints."""
        return {
            "id": self.delivery_id,
            "phone_number_id": self.phone_number_id,
            "kind": self.kind,
            "summary": self.summary,
            "state": self.state,
            "due_at": self.due_at.isoformat(),
            "attempts": [
                {"at": attempt.at.isoformat(), "status": attempt.status}
                for attempt in self.attempts
            ],
            "payload": json.loads(self.body),
        }


def envelope(
    phone_number_id: str, display_digits: str, value: Mapping[str, object]
) -> bytes:
    """Wrap a change ``value`` the way Meta posts it (one entry, one change, field ``messages``)."""
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": BUSINESS_ACCOUNT_ID,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": display_digits,
                                "phone_number_id": phone_number_id,
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def status_value(
    message_id: str,
    status: str,
    recipient_id: str,
    at: datetime,
    *,
    category: str,
    errors: Sequence[Mapping[str, object]] = (),
) -> dict[str, object]:
    """Return the ``value`` of a status webhook (``sent``, ``delivered``, ``read`` or ``failed``)."""
    entry: dict[str, object] = {
        "id": message_id,
        "status": status,
        "timestamp": str(int(at.timestamp())),
        "recipient_id": recipient_id,
    }
    if status in {"sent", "delivered"}:
        entry["pricing"] = {
            "billable": category != "service",
            "pricing_model": "PMP",
            "category": category,
        }
    if errors:
        entry["errors"] = list(errors)
    return {"statuses": [entry]}


def status_error(code: int, title: str, details: str | None) -> dict[str, object]:
    """Return one entry of a ``failed`` status's ``errors``."""
    error: dict[str, object] = {"code": code, "title": title, "message": title}
    if details:
        error["error_data"] = {"details": details}
    return error


def inbound_value(
    wa_id: str, profile_name: str, message: Mapping[str, object]
) -> dict[str, object]:
    """Return the ``value`` of an inbound message webhook."""
    return {
        "contacts": [{"profile": {"name": profile_name}, "wa_id": wa_id}],
        "messages": [message],
    }


async def verify_callback(
    session: aiohttp.ClientSession, callback_url: str, verify_token: str
) -> None:
    """Perform Meta's handshake: GET the callback; it must answer 200 with the challenge.

    Raises:
        SubscriptionError: The callback refused, could not be reached or echoed something else.
    """
    challenge = str(1_000_000_000 + secrets.randbelow(1_000_000_000))
    url = URL(callback_url).update_query(
        {
            "hub.mode": "subscribe",
            "hub.challenge": challenge,
            "hub.verify_token": verify_token,
        }
    )
    try:
        async with session.get(url, timeout=DELIVERY_TIMEOUT) as response:
            status = response.status
            echoed = await response.content.read(_CHALLENGE_MAX_BYTES)
    except (aiohttp.ClientError, TimeoutError) as err:
        msg = f"The callback could not be reached: {type(err).__name__}"
        raise SubscriptionError(msg) from None
    if status != 200:  # Meta requires exactly 200
        msg = f"The callback answered the verification with HTTP {status}, not 200"
        raise SubscriptionError(msg)
    if echoed.decode(errors="replace").strip() != challenge:
        msg = "The callback did not echo hub.challenge"
        raise SubscriptionError(msg)


async def post_delivery(
    session: aiohttp.ClientSession,
    subscription: WebhookSubscription,
    delivery: WebhookDelivery,
) -> int | None:
    """POST one webhook, signed; return the HTTP status, or None when the callback did not answer."""
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(subscription.app_secret, delivery.body),
    }
    try:
        async with session.post(
            subscription.callback_url,
            data=delivery.body,
            headers=headers,
            timeout=DELIVERY_TIMEOUT,
        ) as response:
            return response.status
    except aiohttp.ClientError, TimeoutError:
        return None

"""The webhooks the Graph sandbox owes its subscribers: queued, posted when due, retried, replayed."""

import asyncio
from collections.abc import Mapping
from datetime import timedelta
import itertools
import logging
from typing import Final

import aiohttp

from sandbox.clock import SandboxClock

from .constants import APP_SECRET, PHONE_NUMBER_ID
from .webhooks import (
    STATE_DELIVERED,
    STATE_GAVE_UP,
    STATE_PENDING,
    STATE_UNSUBSCRIBED,
    DeliveryAttempt,
    WebhookDelivery,
    WebhookSubscription,
    post_delivery,
    verify_callback,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_RETRY_DELAY: Final = 1.0
DEFAULT_MAX_ATTEMPTS: Final = 5
DEFAULT_DELIVERY_INTERVAL: Final = 0.05
MAX_ATTEMPTS_LIMIT: Final = 20
"""The largest ``max_attempts`` the sandbox accepts: every retry schedule stays bounded."""
_OK: Final = 200


class WebhookOutbox:
    """Subscriptions and the webhooks queued for them.

    A webhook is due at ``due_at`` on the sandbox clock. ``deliver_due`` posts every due one, oldest
    first; one that does not get 200 is due again ``retry_delay * 2 ** (attempts - 1)`` seconds later
    (sandbox clock), until ``max_attempts`` attempts were made. The served sandbox calls
    ``deliver_due`` every ``delivery_interval`` real seconds while ``auto_deliver`` is on; tests that
    want to decide when webhooks go out turn it off and call ``deliver_due`` themselves.

    Attributes:
        subscriptions: By phone number id.
        deliveries: Every webhook queued so far, oldest first.
        retry_delay: Sandbox seconds before the first retry (doubling after each attempt).
        max_attempts: Attempts before the sandbox gives up on a webhook (1 to 20).
        duplicate: Queue every webhook twice (Meta delivers at least once).
        auto_deliver: Whether the served sandbox posts due webhooks by itself.
        delivery_interval: Real seconds between two looks at the queue when ``auto_deliver`` is on.
    """

    def __init__(self, clock: SandboxClock) -> None:
        """Start with no subscription."""
        self.clock = clock
        self.subscriptions: dict[str, WebhookSubscription] = {}
        self.deliveries: list[WebhookDelivery] = []
        self.retry_delay = DEFAULT_RETRY_DELAY
        self.max_attempts = DEFAULT_MAX_ATTEMPTS
        self.duplicate = False
        self.auto_deliver = True
        self.delivery_interval = DEFAULT_DELIVERY_INTERVAL
        self._ids = itertools.count(1)
        self._lock = asyncio.Lock()

    async def subscribe(
        self,
        callback_url: str,
        verify_token: str,
        *,
        app_secret: str = APP_SECRET,
        phone_number_id: str = PHONE_NUMBER_ID,
    ) -> WebhookSubscription:
        """Verify ``callback_url`` with Meta's handshake, then send ``phone_number_id``'s webhooks there.

        Raises:
            SubscriptionError: The handshake failed; the previous subscription (if any) stays.
        """
        async with aiohttp.ClientSession() as session:
            await verify_callback(session, callback_url, verify_token)
        subscription = WebhookSubscription(
            phone_number_id=phone_number_id,
            callback_url=callback_url,
            verify_token=verify_token,
            app_secret=app_secret,
            verified_at=self.clock.now(),
        )
        self.subscriptions[phone_number_id] = subscription
        return subscription

    def unsubscribe(self, phone_number_id: str = PHONE_NUMBER_ID) -> None:
        """Stop sending ``phone_number_id``'s webhooks (queued ones are dropped when due)."""
        self.subscriptions.pop(phone_number_id, None)

    def queue(
        self,
        phone_number_id: str,
        kind: str,
        summary: str,
        body: bytes,
        *,
        delay: float = 0.0,
    ) -> list[WebhookDelivery]:
        """Queue a webhook ``delay`` sandbox seconds from now (twice when ``duplicate``).

        Nothing is queued for a number without a subscription, as Meta sends nothing then.
        """
        if phone_number_id not in self.subscriptions:
            return []
        due_at = self.clock.now() + timedelta(seconds=delay)
        queued = [
            WebhookDelivery(
                delivery_id=next(self._ids),
                phone_number_id=phone_number_id,
                kind=kind,
                summary=summary,
                body=body,
                due_at=due_at,
            )
            for _ in range(2 if self.duplicate else 1)
        ]
        self.deliveries.extend(queued)
        return queued

    def replay(self, delivery_id: int) -> WebhookDelivery:
        """Queue a past webhook once more, due now: the same body, as Meta's duplicates are.

        Raises:
            KeyError: No webhook has that id.
        """
        original = next(
            (item for item in self.deliveries if item.delivery_id == delivery_id), None
        )
        if original is None:
            raise KeyError(delivery_id)
        copy = WebhookDelivery(
            delivery_id=next(self._ids),
            phone_number_id=original.phone_number_id,
            kind=original.kind,
            summary=original.summary,
            body=original.body,
            due_at=self.clock.now(),
        )
        self.deliveries.append(copy)
        return copy

    def pending(self) -> list[WebhookDelivery]:
        """The webhooks not yet delivered nor given up, in the order they go out."""
        return sorted(
            (item for item in self.deliveries if item.state == STATE_PENDING),
            key=lambda item: (item.due_at, item.delivery_id),
        )

    async def deliver_due(self) -> int:
        """Post every webhook due now, oldest first, once each; return how many were attempted."""
        async with self._lock:
            now = self.clock.now()
            due = [item for item in self.pending() if item.due_at <= now]
            if not due:
                return 0
            async with aiohttp.ClientSession() as session:
                for delivery in due:
                    await self._attempt(session, delivery)
            return len(due)

    async def deliver_forever(self) -> None:
        """Post due webhooks every ``delivery_interval`` seconds while ``auto_deliver`` is on."""
        while True:
            await asyncio.sleep(self.delivery_interval)
            if not self.auto_deliver:
                continue
            try:
                await self.deliver_due()
            except Exception:
                _LOGGER.exception("Delivering the Graph sandbox's webhooks failed")

    async def _attempt(
        self, session: aiohttp.ClientSession, delivery: WebhookDelivery
    ) -> None:
        subscription = self.subscriptions.get(delivery.phone_number_id)
        if subscription is None:
            delivery.state = STATE_UNSUBSCRIBED
            return
        status = await post_delivery(session, subscription, delivery)
        now = self.clock.now()
        delivery.attempts.append(DeliveryAttempt(now, status))
        if status == _OK:
            delivery.state = STATE_DELIVERED
        elif len(delivery.attempts) >= self.max_attempts:
            delivery.state = STATE_GAVE_UP
        else:
            backoff = self.retry_delay * 2 ** (len(delivery.attempts) - 1)
            delivery.due_at = now + timedelta(seconds=backoff)

    def settings(self) -> dict[str, object]:
        """The knobs, for the admin endpoints."""
        return {
            "retry_delay": self.retry_delay,
            "max_attempts": self.max_attempts,
            "duplicate": self.duplicate,
            "auto_deliver": self.auto_deliver,
            "delivery_interval": self.delivery_interval,
        }

    def to_json(self) -> Mapping[str, object]:
        """Describe subscriptions and deliveries for the admin endpoints."""
        return {
            "subscriptions": [
                subscription.to_json() for subscription in self.subscriptions.values()
            ],
            "deliveries": [delivery.to_json() for delivery in self.deliveries],
        }

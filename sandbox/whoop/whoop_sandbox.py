"""The WHOOP half of the sandbox: members, their generated data, OAuth state, faults and logs."""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
import logging
import uuid
from uuid import UUID

import aiohttp

from sandbox.clock import SandboxClock

from .constants import (
    ACCESS_TOKEN_LIFETIME_SECONDS,
    ALL_SCOPES,
    CLIENT_SECRET,
    DEFAULT_SEED,
    HISTORY_DAYS,
    MAX_HISTORY_DAYS,
)
from .faults import Faults
from .generator import DayPlan, MemberTimeline
from .members import DEFAULT_MEMBERS, Member
from .rate_limit import RateLimiter
from .records import MemberRecords
from .request_log import LoggedRequest, count_requests
from .tokens import TokenStore
from .webhooks import (
    ANSWER_WITHIN_SECONDS,
    MAX_OVERSIZE_MEGABYTES,
    OVERSIZE_TIMEOUT,
    PendingRetry,
    SignatureMode,
    WebhookDelivery,
    WebhookEvent,
    changes,
    next_retry,
    oversize_body,
    post_raw,
    post_webhook,
    signed_headers,
    snapshot,
    timestamp_header,
)

_LOGGER = logging.getLogger(__name__)
MAX_KEPT_DELIVERIES = 10_000


class UnknownMemberError(KeyError):
    """No member has this user id."""


class WhoopSandbox:
    """Everything the WHOOP API of the sandbox knows; tests drive it through this object."""

    def __init__(
        self,
        clock: SandboxClock,
        *,
        seed: int = DEFAULT_SEED,
        members: Iterable[Member] = DEFAULT_MEMBERS,
        history_days: int = HISTORY_DAYS,
    ) -> None:
        """Generate ``history_days`` days before the clock's date for each member, from ``seed``.

        A member's own ``history_days`` overrides the sandbox's.

        Raises:
            ValueError: a history is negative or longer than ten years.
        """
        self.clock = clock
        self.seed = seed
        self.members: dict[int, Member] = {member.user_id: member for member in members}
        self.faults = Faults()
        self.tokens = TokenStore(clock)
        self.rate_limiter = RateLimiter()
        self.requests: list[LoggedRequest] = []
        self.webhook_url: str | None = None
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.webhook_retries: list[PendingRetry] = []
        """Failed deliveries WHOOP will post again (same trace id) once the clock reaches them."""
        self.webhook_answer_within = ANSWER_WITHIN_SECONDS
        """Seconds a receiver has to answer before the delivery counts as failed."""
        self._timelines: dict[int, MemberTimeline] = {}
        for member in self.members.values():
            days = (
                member.history_days if member.history_days is not None else history_days
            )
            if not 0 <= days <= MAX_HISTORY_DAYS:
                msg = f"history_days must be 0 to {MAX_HISTORY_DAYS}, not {days}"
                raise ValueError(msg)
            self._timelines[member.user_id] = MemberTimeline(
                member,
                seed,
                clock.now().astimezone(member.tzinfo).date() - timedelta(days=days),
            )
        self._not_worn: dict[int, set[date]] = {
            user_id: set() for user_id in self.members
        }
        self._deleted_workouts: set[UUID] = set()
        self.deactivated: set[int] = set()
        """Members whose WHOOP membership is inactive: data calls answer 403 ``deactivated_user``."""
        # Webhooks report what changed after the sandbox started, not the whole history.
        self._delivered = snapshot(self.records(user_id) for user_id in self.members)

    def member(self, user_id: int) -> Member:
        """Return the member ``user_id``.

        Raises:
            UnknownMemberError: there is no such member.
        """
        try:
            return self.members[user_id]
        except KeyError:
            raise UnknownMemberError(user_id) from None

    def records(self, user_id: int, at: datetime | None = None) -> MemberRecords:
        """Return everything WHOOP shows for ``user_id`` at ``at`` (default: the clock's now)."""
        self.member(user_id)
        return self._timelines[user_id].records(
            at or self.clock.now(),
            not_worn=frozenset(self._not_worn[user_id]),
            deleted_workouts=frozenset(self._deleted_workouts),
        )

    def plan(self, user_id: int, day: date) -> DayPlan:
        """Return the generated plan of the member's local date ``day``.

        It tells when records will appear and be scored, e.g. ``plan(...).night.scored_at`` is
        when the night ending that morning gets its score and its recovery.
        """
        self.member(user_id)
        return self._timelines[user_id].plan(day)

    def issue_tokens(
        self,
        user_id: int,
        scopes: Iterable[str] = ALL_SCOPES,
        expires_in: int = ACCESS_TOKEN_LIFETIME_SECONDS,
    ) -> dict[str, object]:
        """Authorize ``user_id`` without the authorize page; return the token endpoint's response."""
        self.member(user_id)
        return self.tokens.issue(user_id, scopes, expires_in)

    def revoke(self, user_id: int) -> None:
        """Revoke the member's grants: data calls answer 401, refreshes ``400 invalid_grant``."""
        self.member(user_id)
        self.tokens.revoke_user(user_id)

    def set_deactivated(self, user_id: int, *, deactivated: bool = True) -> None:
        """Make the member's membership inactive (data calls answer 403), or active again."""
        self.member(user_id)
        if deactivated:
            self.deactivated.add(user_id)
        else:
            self.deactivated.discard(user_id)

    def mark_not_worn(self, user_id: int, day: date) -> None:
        """Pretend the strap was off the night ending on local date ``day``: no sleep, no recovery."""
        self.member(user_id)
        self._not_worn[user_id].add(day)

    def clear_not_worn(self, user_id: int, day: date) -> None:
        """Undo ``mark_not_worn``."""
        self.member(user_id)
        self._not_worn[user_id].discard(day)

    def delete_workout(self, workout_id: UUID | str) -> None:
        """Delete a workout, as a member can in the app (the next delivery sends ``workout.deleted``)."""
        self._deleted_workouts.add(UUID(str(workout_id)))

    def request_counts(self, user_id: int | None = None) -> Counter[str]:
        """Count logged requests by ``"GET /developer/v2/cycle"``-style route (one member's)."""
        return count_requests(self.requests, user_id)

    def reset_log(self) -> None:
        """Forget the logged requests."""
        self.requests.clear()

    async def deliver_webhooks(self) -> int:
        """Post signed webhooks for records scored, changed or deleted since the last delivery.

        Retries that are due by the clock go out too, with their first attempt's trace id; a
        delivery without a 2xx within ``webhook_answer_within`` seconds is retried up to five
        times over about an hour of sandbox time.

        Returns:
            How many webhooks were posted, retries included (0 when no ``webhook_url`` is set;
            nothing is then remembered as delivered, so setting the URL later sends them).
        """
        if self.webhook_url is None:
            return 0
        current = snapshot(self.records(user_id) for user_id in self.members)
        # WHOOP sends nothing for a member who revoked the app: those events are lost, not queued.
        events = [
            event
            for event in changes(self._delivered, current)
            if not self.tokens.is_revoked(event.user_id)
        ]
        self._delivered = current
        now = self.clock.now()
        due = [retry for retry in self.webhook_retries if retry.due_at <= now]
        self.webhook_retries = [
            retry for retry in self.webhook_retries if retry.due_at > now
        ]
        attempts = [(event, None, 1) for event in events] + [
            (retry.event, retry.trace_id, retry.attempt)
            for retry in due
            if not self.tokens.is_revoked(retry.event.user_id)
        ]
        async with aiohttp.ClientSession() as session:
            for event, trace_id, attempt in attempts:
                delivery = await post_webhook(
                    session,
                    self.webhook_url,
                    event,
                    CLIENT_SECRET,
                    now,
                    trace_id=trace_id,
                    attempt=attempt,
                    answer_within=self.webhook_answer_within,
                )
                self._record(delivery)
                retry = next_retry(delivery)
                if retry is not None:
                    self.webhook_retries.append(retry)
                _LOGGER.info(
                    "Webhook %s for %s (attempt %s): status %s",
                    event.type,
                    event.id,
                    attempt,
                    delivery.status,
                )
        return len(attempts)

    def _record(self, delivery: WebhookDelivery) -> None:
        self.webhook_deliveries.append(delivery)
        if len(self.webhook_deliveries) > MAX_KEPT_DELIVERIES:
            del self.webhook_deliveries[: MAX_KEPT_DELIVERIES // 10]

    def _require_url(self) -> str:
        if self.webhook_url is None:
            msg = "No webhook URL is set"
            raise ValueError(msg)
        return self.webhook_url

    async def send_webhook(
        self,
        event: WebhookEvent,
        *,
        trace_id: str | None = None,
        timestamp: str | None = None,
        signature: SignatureMode | str = SignatureMode.VALID,
    ) -> WebhookDelivery:
        """Post one hand-made delivery of ``event`` (no retries follow it).

        ``timestamp`` is the raw ``X-WHOOP-Signature-Timestamp`` value (any text: old, future,
        ``0``, ``-5``, ``abc``, empty); None means the clock's now in milliseconds. The signature
        covers that value as sent.

        Raises:
            ValueError: no webhook URL is set, or ``signature`` is not a ``SignatureMode``.
        """
        url = self._require_url()
        trace_id = trace_id or str(uuid.uuid4())
        body = event.body(trace_id)
        now = self.clock.now()
        raw_timestamp = timestamp_header(now) if timestamp is None else timestamp
        headers = signed_headers(
            CLIENT_SECRET, raw_timestamp, body, SignatureMode(signature)
        )
        async with aiohttp.ClientSession() as session:
            status = await post_raw(
                session, url, body, headers, self.webhook_answer_within
            )
        delivery = WebhookDelivery(
            event, trace_id, status, now, kind="sent", body=body, headers=headers
        )
        self._record(delivery)
        return delivery

    async def replay_webhook(self, index: int = -1) -> WebhookDelivery:
        """Post a past delivery again byte for byte: same body, same signature and timestamp.

        Raises:
            ValueError: no webhook URL is set, or there is no such delivery with a kept body.
        """
        url = self._require_url()
        try:
            original = self.webhook_deliveries[index]
        except IndexError:
            msg = f"No delivery number {index}"
            raise ValueError(msg) from None
        if not original.body:
            msg = "That delivery's body was not kept (oversize)"
            raise ValueError(msg)
        async with aiohttp.ClientSession() as session:
            status = await post_raw(
                session,
                url,
                original.body,
                original.headers,
                self.webhook_answer_within,
            )
        delivery = WebhookDelivery(
            original.event,
            original.trace_id,
            status,
            self.clock.now(),
            attempt=original.attempt,
            kind="replay",
            body=original.body,
            headers=original.headers,
        )
        self._record(delivery)
        return delivery

    async def send_oversize_webhook(
        self, megabytes: float = 20, *, signed: bool = False
    ) -> WebhookDelivery:
        """Stream a body of ``megabytes`` MB (at most 64), unsigned unless ``signed``.

        A signed one carries a signature over nothing in particular (the body is never held
        whole), so only a receiver that checks the size first is safe.

        Raises:
            ValueError: no webhook URL is set, or the size is out of range.
        """
        url = self._require_url()
        if not 0 < megabytes <= MAX_OVERSIZE_MEGABYTES:
            msg = f"megabytes must be above 0 and at most {MAX_OVERSIZE_MEGABYTES}"
            raise ValueError(msg)
        user_id = next(iter(self.members), 0)
        now = self.clock.now()
        headers = {"Content-Type": "application/json"}
        if signed:
            headers = signed_headers(CLIENT_SECRET, timestamp_header(now), b"")
        async with aiohttp.ClientSession() as session:
            status = await post_raw(
                session,
                url,
                oversize_body(megabytes, user_id),
                headers,
                OVERSIZE_TIMEOUT.total or ANSWER_WITHIN_SECONDS,
            )
        delivery = WebhookDelivery(
            WebhookEvent(user_id=user_id, id="", type="oversize"),
            "",
            status,
            now,
            kind="oversize",
            headers=headers,
        )
        self._record(delivery)
        return delivery

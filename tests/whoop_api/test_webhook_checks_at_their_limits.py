"""Webhook verification and paging at their limits, and the texts their errors carry.

Mutation testing (script/mutants) found these unguarded: each limit is inclusive, each refusal
says which check failed (the receiver logs it), and an event type with two dots keeps its
resource.
"""

from datetime import UTC, datetime, timedelta, timezone, tzinfo
import json

import pytest

from custom_components.whoop.whoop_api import (
    MAX_WEBHOOK_BODY_BYTES,
    WEBHOOK_TIMESTAMP_TOLERANCE,
    WebhookEvent,
    WebhookRejection,
    WhoopClient,
    WhoopResponseError,
    WhoopWebhookError,
    compute_webhook_signature,
    verify_webhook_delivery,
)

from . import examples
from .conftest import ScriptedWhoop
from .examples import WEBHOOK_BODY, WEBHOOK_SECRET, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP

SIGNED_AT = datetime.fromtimestamp(int(WEBHOOK_TIMESTAMP) / 1000, tz=UTC)


def _refusal(
    *,
    timestamp: str | None = WEBHOOK_TIMESTAMP,
    signature: str | None = WEBHOOK_SIGNATURE,
    body: bytes = WEBHOOK_BODY,
    now: datetime = SIGNED_AT,
) -> WhoopWebhookError:
    with pytest.raises(WhoopWebhookError) as caught:
        verify_webhook_delivery(
            WEBHOOK_SECRET, timestamp=timestamp, signature=signature, body=body, now=now
        )
    return caught.value


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        (
            {"timestamp": None},
            WebhookRejection.MALFORMED,
            "webhook signature timestamp is missing or not milliseconds",
        ),
        (
            {"signature": ""},
            WebhookRejection.MALFORMED,
            "webhook signature is missing or too long",
        ),
        (
            {"signature": "A" * 129},
            WebhookRejection.MALFORMED,
            "webhook signature is missing or too long",
        ),
        (
            {"body": b" " * (MAX_WEBHOOK_BODY_BYTES + 1)},
            WebhookRejection.MALFORMED,
            f"webhook body is larger than {MAX_WEBHOOK_BODY_BYTES} bytes",
        ),
        (
            {"signature": "A" * 44},
            WebhookRejection.BAD_SIGNATURE,
            "webhook signature does not match",
        ),
        (
            {"now": SIGNED_AT + WEBHOOK_TIMESTAMP_TOLERANCE + timedelta(seconds=1)},
            WebhookRejection.STALE_TIMESTAMP,
            "webhook signature timestamp is outside the tolerated window",
        ),
    ],
)
def test_each_refusal_says_which_check_failed(
    changes: dict[str, object], reason: WebhookRejection, message: str
) -> None:
    refusal = _refusal(**changes)  # type: ignore[arg-type]

    assert refusal.reason is reason
    assert str(refusal) == message


def test_a_signature_of_128_characters_is_checked_not_refused_as_malformed() -> None:
    assert _refusal(signature="A" * 128).reason is WebhookRejection.BAD_SIGNATURE


def test_a_body_of_exactly_the_largest_size_is_verified_and_parsed() -> None:
    event = json.loads(WEBHOOK_BODY)
    body = json.dumps(event).encode()
    body += b" " * (MAX_WEBHOOK_BODY_BYTES - len(body))
    assert len(body) == MAX_WEBHOOK_BODY_BYTES
    signature = compute_webhook_signature(WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, body)

    verify_webhook_delivery(
        WEBHOOK_SECRET,
        timestamp=WEBHOOK_TIMESTAMP,
        signature=signature,
        body=body,
        now=SIGNED_AT,
    )
    assert WebhookEvent.from_body(body).trace_id == event["trace_id"]


def test_without_a_given_time_the_system_clock_in_utc_decides() -> None:
    # Signed a moment ago on the system clock: accepted, whatever the local zone.
    timestamp = str(int(datetime.now(UTC).timestamp() * 1000))
    signature = compute_webhook_signature(WEBHOOK_SECRET, timestamp, WEBHOOK_BODY)

    verify_webhook_delivery(
        WEBHOOK_SECRET, timestamp=timestamp, signature=signature, body=WEBHOOK_BODY
    )


def test_an_event_type_with_two_dots_keeps_its_resource() -> None:
    event = {**json.loads(WEBHOOK_BODY), "type": "sleep.updated.v2"}

    parsed = WebhookEvent.from_body(json.dumps(event).encode())

    assert parsed.resource == "sleep"
    assert parsed.action == "updated.v2"


async def test_a_cursor_of_the_largest_length_is_followed(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue_page([examples.workout()], cursor="x" * 1024)
    scripted_whoop.queue_page([examples.workout()])

    workouts = await scripted_client.get_workouts()

    assert len(workouts) == 2
    assert scripted_whoop.requests[1].query["nextToken"] == "x" * 1024


class _NoOffset(tzinfo):
    """A time zone that knows no offset: as naive as no zone at all."""

    def utcoffset(self, dt: datetime | None) -> None:
        return None

    def dst(self, dt: datetime | None) -> None:
        return None

    def tzname(self, dt: datetime | None) -> None:
        return None


async def test_a_start_whose_zone_has_no_offset_is_refused_before_any_request(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    with pytest.raises(
        ValueError, match=r"^start and end must be timezone-aware datetimes$"
    ):
        await scripted_client.get_cycles(start=datetime(2026, 1, 1, tzinfo=_NoOffset()))

    assert scripted_whoop.requests == []


@pytest.mark.usefixtures("far_east_local_time")
async def test_recoveries_ask_their_window_in_utc_whatever_the_local_time(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue_page([])

    await scripted_client.get_recoveries(
        start=datetime(2026, 4, 1, 19, 0, tzinfo=timezone(timedelta(hours=-5))),
        end=datetime(2026, 4, 25, tzinfo=UTC),
    )

    assert scripted_whoop.requests[0].query == {
        "limit": "25",
        "start": "2026-04-02T00:00:00.000Z",
        "end": "2026-04-25T00:00:00.000Z",
    }


@pytest.mark.parametrize("event_type", [".sleep.updated", "sleep.", ".updated"])
def test_an_event_type_without_a_resource_or_an_action_is_refused(
    event_type: str,
) -> None:
    event = {**json.loads(WEBHOOK_BODY), "type": event_type}

    with pytest.raises(WhoopResponseError, match=r"should look like 'sleep\.updated'"):
        WebhookEvent.from_body(json.dumps(event).encode())

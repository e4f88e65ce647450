"""Webhook signatures follow WHOOP's algorithm; webhook bodies parse strictly."""

import json

import pytest

from custom_components.whoop.whoop_api import (
    WebhookEvent,
    WhoopResponseError,
    compute_webhook_signature,
    verify_webhook_signature,
)

from .examples import WEBHOOK_BODY, WEBHOOK_SECRET, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP


def test_whoop_test_vector() -> None:
    assert (
        compute_webhook_signature(WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY)
        == WEBHOOK_SIGNATURE
    )
    assert verify_webhook_signature(
        WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY, WEBHOOK_SIGNATURE
    )


@pytest.mark.parametrize(
    ("secret", "timestamp", "body", "signature"),
    [
        ("wrong-secret", WEBHOOK_TIMESTAMP, WEBHOOK_BODY, WEBHOOK_SIGNATURE),
        (WEBHOOK_SECRET, "1748241241001", WEBHOOK_BODY, WEBHOOK_SIGNATURE),
        (WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY + b" ", WEBHOOK_SIGNATURE),
        (
            WEBHOOK_SECRET,
            WEBHOOK_TIMESTAMP,
            # The same JSON re-serialised with spaces: the signature covers raw bytes.
            json.dumps(json.loads(WEBHOOK_BODY)).encode(),
            WEBHOOK_SIGNATURE,
        ),
        (WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY, WEBHOOK_SIGNATURE[:-2]),
        (WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY, ""),
        (WEBHOOK_SECRET, WEBHOOK_TIMESTAMP, WEBHOOK_BODY, "jxyIeoYVFjA1krHgN0rPNi—"),
    ],
)
def test_anything_changed_fails_verification(
    secret: str, timestamp: str, body: bytes, signature: str
) -> None:
    assert not verify_webhook_signature(secret, timestamp, body, signature)


def test_event_from_test_vector_body() -> None:
    event = WebhookEvent.from_api(json.loads(WEBHOOK_BODY))

    assert event == WebhookEvent(
        user_id=10129,
        id="ecfc6a15-4661-442f-a9a4-f160dd7afae8",
        event_type="sleep.updated",
        trace_id="e369c784-5100-49e8-8098-75d35c47b31b",
    )
    assert (event.resource, event.action, event.is_deletion) == (
        "sleep",
        "updated",
        False,
    )


def test_deletion_event() -> None:
    body = json.loads(WEBHOOK_BODY) | {"type": "recovery.deleted"}

    event = WebhookEvent.from_api(body)

    assert (event.resource, event.action, event.is_deletion) == (
        "recovery",
        "deleted",
        True,
    )


def test_event_type_added_later_still_parses() -> None:
    body = json.loads(WEBHOOK_BODY) | {"type": "cycle.updated"}

    assert WebhookEvent.from_api(body).resource == "cycle"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "sleep"}, "'type' should look like 'sleep.updated'"),
        ({"type": ".updated"}, "'type' should look like"),
        ({"type": "sleep."}, "'type' should look like"),
        ({"type": None}, "'type' is missing"),
        ({"id": 93845}, "'id' should be a string, got number"),
        ({"user_id": "10129"}, "'user_id' should be an integer, got string"),
        ({"trace_id": ""}, "'trace_id' should be a non-empty string"),
    ],
)
def test_malformed_events(changes: dict[str, object], message: str) -> None:
    body = json.loads(WEBHOOK_BODY) | changes

    with pytest.raises(WhoopResponseError, match=message):
        WebhookEvent.from_api(body)


def test_event_that_is_not_an_object() -> None:
    with pytest.raises(WhoopResponseError, match="expected a JSON object, got array"):
        WebhookEvent.from_api([json.loads(WEBHOOK_BODY)])

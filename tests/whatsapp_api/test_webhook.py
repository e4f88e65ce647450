"""Webhook building blocks: the verification handshake, the signature and typed events."""

import contextlib
from datetime import UTC, datetime
import hashlib
import hmac
import json
import re

from hypothesis import given, strategies as st
import pytest

from custom_components.whoop.whatsapp_api import (
    WEBHOOK_BODY_MAX_BYTES,
    InboundMessage,
    MessageStatus,
    StatusUpdate,
    WhatsAppErrorKind,
    WhatsAppOutsideWindowError,
    WhatsAppResponseError,
    WhatsAppTemporaryError,
    WhatsAppWebhookError,
    is_valid_signature,
    parse_webhook,
    verify_subscription,
)

APP_SECRET = "sandbox-app-secret"  # a test value
PHONE_NUMBER_ID = "106540352242922"
PERSON = "447700900123"  # Ofcom's drama range
WAMID = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQjY1QzFGMzA2NDQ5QjQ3RDAA"
SENT_WAMID = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSRkY4QkUyQjZCQjg1MzM3NjAA"
AT = datetime(2025, 12, 3, 22, 13, 20, tzinfo=UTC)


def _sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _body(value: dict[str, object], field: str = "messages") -> bytes:
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "field": field,
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "15550100123",
                                    "phone_number_id": PHONE_NUMBER_ID,
                                },
                                **value,
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def _inbound(message: dict[str, object], name: str | None = "Alice") -> bytes:
    contacts = [{"profile": {"name": name}, "wa_id": PERSON}] if name else []
    return _body(
        {
            "contacts": contacts,
            "messages": [
                {"from": PERSON, "id": WAMID, "timestamp": "1764800000", **message}
            ],
        }
    )


# The handshake


def test_the_handshake_echoes_the_challenge() -> None:
    assert verify_subscription("subscribe", "my-token", "1158201444", "my-token") == (
        "1158201444"
    )


@pytest.mark.parametrize(
    ("mode", "token", "challenge", "expected"),
    [
        ("subscribe", "wrong", "1158201444", "my-token"),
        ("unsubscribe", "my-token", "1158201444", "my-token"),
        (None, "my-token", "1158201444", "my-token"),
        ("subscribe", None, "1158201444", "my-token"),
        ("subscribe", "my-token", None, "my-token"),
        ("subscribe", "my-token", "", "my-token"),
        ("subscribe", "my-token", "1" * 257, "my-token"),
        ("subscribe", "", "1158201444", ""),  # no token set up: nobody verifies
    ],
)
def test_the_handshake_refuses(
    mode: str | None, token: str | None, challenge: str | None, expected: str
) -> None:
    assert verify_subscription(mode, token, challenge, expected) is None


# The signature


def test_a_correct_signature_is_accepted() -> None:
    body = _inbound({"type": "text", "text": {"body": "status"}})

    assert is_valid_signature(APP_SECRET, body, _sign(body))
    assert is_valid_signature(
        APP_SECRET, body, _sign(body).upper().replace("SHA256=", "sha256=")
    )


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=",
        "sha256=abc",
        "sha1=" + "0" * 40,
        "sha256=" + "0" * 64,
        _sign(b"{}", "another-secret"),
    ],
)
def test_a_wrong_signature_is_refused(signature: str | None) -> None:
    assert not is_valid_signature(APP_SECRET, b"{}", signature)


def test_a_changed_body_or_no_secret_is_refused() -> None:
    body = b'{"object": "whatsapp_business_account"}'

    assert not is_valid_signature(APP_SECRET, body + b" ", _sign(body))
    assert not is_valid_signature("", body, _sign(body, ""))


def test_a_body_over_the_cap_is_refused_even_when_signed() -> None:
    body = b" " * (WEBHOOK_BODY_MAX_BYTES + 1)

    assert not is_valid_signature(APP_SECRET, body, _sign(body))
    with pytest.raises(WhatsAppWebhookError, match="exceeds"):
        parse_webhook(body)


@given(st.binary(max_size=512))
def test_any_body_signed_with_the_secret_is_accepted(body: bytes) -> None:
    assert is_valid_signature(APP_SECRET, body, _sign(body))
    assert not is_valid_signature(APP_SECRET + "x", body, _sign(body))


# Statuses


@pytest.mark.parametrize("status", list(MessageStatus))
def test_a_status_update(status: MessageStatus) -> None:
    body = _body(
        {
            "statuses": [
                {
                    "id": SENT_WAMID,
                    "status": status.value,
                    "timestamp": "1764800000",
                    "recipient_id": PERSON,
                }
            ]
        }
    )

    assert parse_webhook(body) == (
        StatusUpdate(
            phone_number_id=PHONE_NUMBER_ID,
            message_id=SENT_WAMID,
            status=status,
            timestamp=AT,
            recipient_id=PERSON,
        ),
    )


def test_a_failed_status_carries_classified_errors() -> None:
    body = _body(
        {
            "statuses": [
                {
                    "id": SENT_WAMID,
                    "status": "failed",
                    "timestamp": "1764800000",
                    "recipient_id": PERSON,
                    "errors": [
                        {
                            "code": 131047,
                            "title": "Re-engagement message",
                            "message": "Re-engagement message",
                            "error_data": {
                                "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
                            },
                        },
                        {"code": 131016, "title": "Service unavailable"},
                        {"title": "No code"},
                    ],
                }
            ]
        }
    )

    [update] = parse_webhook(body)

    assert isinstance(update, StatusUpdate)
    window, temporary, unknown = update.errors
    assert isinstance(window, WhatsAppOutsideWindowError)
    assert window.code == 131047
    assert window.http_status is None
    assert "24 hours" in (window.details or "")
    assert isinstance(temporary, WhatsAppTemporaryError)
    assert temporary.kind is WhatsAppErrorKind.RETRY_ONCE
    assert temporary.message == "Service unavailable"
    assert isinstance(unknown, WhatsAppResponseError)


def test_unknown_statuses_fields_and_objects_are_ignored() -> None:
    deleted = _body(
        {
            "statuses": [
                {
                    "id": SENT_WAMID,
                    "status": "deleted",
                    "timestamp": "1764800000",
                    "recipient_id": PERSON,
                }
            ]
        }
    )

    assert parse_webhook(deleted) == ()
    assert parse_webhook(_body({"statuses": []})) == ()
    assert (
        parse_webhook(
            _body({"event": "APPROVED"}, field="message_template_status_update")
        )
        == ()
    )
    assert parse_webhook(b'{"object": "page", "entry": [{"changes": 5}]}') == ()
    assert parse_webhook(b'{"object": "whatsapp_business_account"}') == ()


# Inbound messages


def test_an_inbound_text() -> None:
    body = _inbound({"type": "text", "text": {"body": "status"}})

    assert parse_webhook(body) == (
        InboundMessage(
            phone_number_id=PHONE_NUMBER_ID,
            message_id=WAMID,
            sender=PERSON,
            timestamp=AT,
            type="text",
            text="status",
            profile_name="Alice",
        ),
    )


def test_a_reply_button_press() -> None:
    body = _inbound(
        {
            "type": "interactive",
            "context": {"from": "15550100123", "id": SENT_WAMID},
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": "skip", "title": "Skip"},
            },
        }
    )

    [message] = parse_webhook(body)

    assert isinstance(message, InboundMessage)
    assert (message.type, message.button_id, message.button_title) == (
        "interactive",
        "skip",
        "Skip",
    )
    assert message.context_id == SENT_WAMID
    assert message.text is None


def test_a_template_quick_reply_press() -> None:
    body = _inbound(
        {
            "type": "button",
            "context": {"id": SENT_WAMID},
            "button": {"payload": "snooze", "text": "Later"},
        },
        name=None,
    )

    [message] = parse_webhook(body)

    assert isinstance(message, InboundMessage)
    assert (message.button_id, message.button_title, message.context_id) == (
        "snooze",
        "Later",
        SENT_WAMID,
    )
    assert message.profile_name is None


def test_a_list_reply_and_an_unknown_interactive_type() -> None:
    [listed] = parse_webhook(
        _inbound(
            {
                "type": "interactive",
                "interactive": {
                    "type": "list_reply",
                    "list_reply": {"id": "r2", "title": "Two"},
                },
            }
        )
    )
    [flow] = parse_webhook(
        _inbound({"type": "interactive", "interactive": {"type": "nfm_reply"}})
    )

    assert isinstance(listed, InboundMessage)
    assert (listed.button_id, listed.button_title) == ("r2", "Two")
    assert isinstance(flow, InboundMessage)
    assert (flow.type, flow.button_id) == ("interactive", None)


def test_an_inbound_image() -> None:
    [message] = parse_webhook(
        _inbound(
            {
                "type": "image",
                "image": {
                    "caption": "My sleep",
                    "mime_type": "image/jpeg",
                    "sha256": "abc",
                    "id": "1003383421387256",
                },
            }
        )
    )

    assert isinstance(message, InboundMessage)
    assert (message.type, message.text, message.media_id, message.mime_type) == (
        "image",
        "My sleep",
        "1003383421387256",
        "image/jpeg",
    )


def test_a_type_the_client_does_not_know_keeps_its_basics() -> None:
    [reaction] = parse_webhook(
        _inbound(
            {"type": "reaction", "reaction": {"emoji": "👍", "message_id": SENT_WAMID}}
        )
    )
    [unsupported] = parse_webhook(_inbound({"type": "unsupported"}))

    assert isinstance(reaction, InboundMessage)
    assert (reaction.type, reaction.sender, reaction.text) == ("reaction", PERSON, None)
    assert isinstance(unsupported, InboundMessage)
    assert unsupported.type == "unsupported"


def test_long_strings_are_cut() -> None:
    body = _inbound({"type": "text", "text": {"body": "x" * 10_000}}, name="N" * 1000)

    [message] = parse_webhook(body)

    assert isinstance(message, InboundMessage)
    assert len(message.text or "") == 4096
    assert len(message.profile_name or "") == 256


def test_statuses_and_messages_of_a_batch_come_in_order() -> None:
    value = {
        "contacts": [{"profile": {"name": "Bob"}, "wa_id": 16505550123}],
        "statuses": [
            {
                "id": SENT_WAMID,
                "status": "read",
                "timestamp": 1764800000,
                "recipient_id": PERSON,
            }
        ],
        "messages": [
            {
                "from": "16505550123",
                "id": WAMID,
                "timestamp": "1764800000",
                "type": "text",
                "text": {"body": "ok"},
            }
        ],
    }

    status, message = parse_webhook(_body(value))

    assert isinstance(status, StatusUpdate)
    assert status.status is MessageStatus.READ
    assert isinstance(message, InboundMessage)
    assert message.profile_name == "Bob"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON"),
        (b"[]", "an object for the body"),
        (b'{"object": "whatsapp_business_account", "entry": {}}', "array for entry"),
        (b'{"object": "whatsapp_business_account", "entry": [1]}', "object for entry"),
        (
            b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages"}]}]}',
            "object for value",
        ),
        (_body({"messages": [{"type": "text"}]}), "'id'"),
        (_inbound({"type": "text"}).replace(b'"1764800000"', b'"soon"'), "timestamp"),
        (_inbound({"type": 5}), "'type'"),
        (_inbound({"type": "text", "text": {"body": 5}}), "'body'"),
        (_inbound({"type": "text", "context": []}), "object for context"),
        (_inbound({"type": "text"}).replace(WAMID.encode(), b"w" * 300), "'id'"),
        (
            _body(
                {
                    "statuses": [
                        {
                            "id": SENT_WAMID,
                            "status": "sent",
                            "timestamp": "1",
                            "recipient_id": PERSON,
                            "errors": [7],
                        }
                    ]
                }
            ),
            "errors[]",
        ),
        (
            json.dumps(
                {
                    "object": "whatsapp_business_account",
                    "entry": [
                        {
                            "changes": [
                                {"field": "messages", "value": {"messages": [{}]}}
                            ]
                        }
                    ],
                }
            ).encode(),
            "metadata",
        ),
        (
            _body(
                {
                    "contacts": [5],
                    "messages": [
                        {"from": PERSON, "id": WAMID, "timestamp": "1", "type": "text"}
                    ],
                }
            ),
            "contacts[]",
        ),
    ],
)
def test_malformed_bodies_raise_the_client_s_error(body: bytes, reason: str) -> None:
    with pytest.raises(WhatsAppWebhookError, match=re.escape(reason)):
        parse_webhook(body)


def test_contacts_without_a_profile_or_id_are_skipped() -> None:
    body = _body(
        {
            "contacts": [
                {"wa_id": PERSON},
                {"profile": {"name": "X"}},
                {"profile": {}, "wa_id": PERSON},
            ],
            "messages": [
                {"from": PERSON, "id": WAMID, "timestamp": "1", "type": "text"}
            ],
        }
    )

    [message] = parse_webhook(body)

    assert isinstance(message, InboundMessage)
    assert message.profile_name is None
    assert message.timestamp == datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)


@given(st.binary(max_size=256))
def test_arbitrary_bytes_never_raise_anything_else(body: bytes) -> None:
    with contextlib.suppress(WhatsAppWebhookError):
        parse_webhook(body)

"""WhatsApp webhooks without a web server: the handshake, the signature and typed events.

Meta calls the webhook with ``GET`` once to verify it (:func:`verify_subscription`) and then
``POST``s batches of delivery statuses and inbound messages, signed with the app secret
(:func:`is_valid_signature`, then :func:`parse_webhook`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
import hashlib
import hmac
import json
from typing import Final

from ._responses import error_from_graph
from .exceptions import WhatsAppError, WhatsAppWebhookError

WEBHOOK_BODY_MAX_BYTES: Final = 256 * 1024
"""The largest webhook body read; Meta's batches are a few kilobytes."""

SIGNATURE_HEADER: Final = "X-Hub-Signature-256"
_SIGNATURE_PREFIX: Final = "sha256="
_SHA256_HEX_LENGTH: Final = 64

CHALLENGE_MAX_LENGTH: Final = 256
ID_MAX_LENGTH: Final = 256
"""The longest id (wamid, wa_id, button id or payload) accepted."""
NAME_MAX_LENGTH: Final = 256
"""Profile names and button titles are cut to this."""
TEXT_MAX_LENGTH: Final = 4096
"""Message texts and captions are cut to this (WhatsApp's own limit)."""
_ERRORS_MAX: Final = 8
_OBJECT_TYPE: Final = "whatsapp_business_account"
_FIELD: Final = "messages"
_REPLY_TYPES: Final = ("button_reply", "list_reply")
_MEDIA_TYPES: Final = ("image", "video", "audio", "document", "sticker")


class MessageStatus(StrEnum):
    """What happened to a message the business sent."""

    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


_STATUSES: Final = frozenset(status.value for status in MessageStatus)


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A delivery status of a message the business sent.

    Attributes:
        phone_number_id: The business number that sent the message.
        message_id: The ``wamid.`` the send returned.
        status: Sent, delivered, read or failed.
        timestamp: When it happened.
        recipient_id: The recipient's WhatsApp id (digits only).
        errors: Why it failed, classified like send errors (e.g. WhatsAppOutsideWindowError
            for 131047); empty unless ``status`` is failed.
    """

    phone_number_id: str
    message_id: str
    status: MessageStatus
    timestamp: datetime
    recipient_id: str
    errors: tuple[WhatsAppError, ...] = ()


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message a person sent to the business number (their 24-hour window opens with it).

    Attributes:
        phone_number_id: The business number it was sent to.
        message_id: Its ``wamid.``, for :meth:`WhatsAppClient.mark_as_read` and replies.
        sender: The person's WhatsApp id (digits only).
        timestamp: When it was sent.
        type: ``text``, ``button``, ``interactive``, ``image``... as WhatsApp names it.
        text: The text of a text message, or the caption of media.
        button_id: A reply button's id, or a template quick-reply button's payload.
        button_title: The pressed button's label.
        context_id: The ``wamid.`` of the business message it answers, if any.
        profile_name: The name the person gave WhatsApp, if Meta sent it.
        media_id: The id of an image, video, audio, document or sticker.
        mime_type: That media's MIME type.
    """

    phone_number_id: str
    message_id: str
    sender: str
    timestamp: datetime
    type: str
    text: str | None = None
    button_id: str | None = None
    button_title: str | None = None
    context_id: str | None = None
    profile_name: str | None = None
    media_id: str | None = None
    mime_type: str | None = None


type WebhookEvent = StatusUpdate | InboundMessage


def verify_subscription(
    mode: str | None,
    verify_token: str | None,
    challenge: str | None,
    expected_token: str,
) -> str | None:
    """Answer Meta's verification ``GET``: the challenge to echo, or ``None`` for a 403.

    Args:
        mode: The ``hub.mode`` query parameter (``subscribe``).
        verify_token: The ``hub.verify_token`` query parameter.
        challenge: The ``hub.challenge`` query parameter.
        expected_token: The verify token the user entered in Meta's app dashboard.
    """
    if mode != "subscribe" or verify_token is None or not expected_token:
        return None
    if not challenge or len(challenge) > CHALLENGE_MAX_LENGTH:
        return None
    if not hmac.compare_digest(verify_token.encode(), expected_token.encode()):
        return None
    return challenge


def is_valid_signature(app_secret: str, body: bytes, signature: str | None) -> bool:
    """Whether ``X-Hub-Signature-256`` is the HMAC-SHA256 of the raw body with the app secret.

    The comparison takes constant time; a body over :data:`WEBHOOK_BODY_MAX_BYTES` is refused.
    """
    if not app_secret or signature is None or len(body) > WEBHOOK_BODY_MAX_BYTES:
        return False
    received = signature.strip().removeprefix(_SIGNATURE_PREFIX)
    if len(received) != _SHA256_HEX_LENGTH:
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), received.lower().encode())


def parse_webhook(body: bytes) -> tuple[WebhookEvent, ...]:
    """Return the statuses and inbound messages of a webhook ``POST`` body, in order.

    Changes of other fields, other objects and unknown status values are ignored.

    Raises:
        WhatsAppWebhookError: The body is too large, not JSON, or breaks the shapes Meta
            documents (e.g. a message without an id).
    """
    if len(body) > WEBHOOK_BODY_MAX_BYTES:
        msg = f"The webhook body exceeds {WEBHOOK_BODY_MAX_BYTES} bytes"
        raise WhatsAppWebhookError(msg)
    try:
        document: object = json.loads(body)
    except ValueError as err:
        msg = "The webhook body is not JSON"
        raise WhatsAppWebhookError(msg) from err
    root = _object(document, "the body")
    if root.get("object") != _OBJECT_TYPE:
        return ()
    events: list[WebhookEvent] = []
    for entry in _list(root.get("entry", []), "entry"):
        for change in _list(_object(entry, "entry[]").get("changes", []), "changes"):
            change_object = _object(change, "changes[]")
            if change_object.get("field") == _FIELD:
                events += _value_events(_object(change_object.get("value"), "value"))
    return tuple(events)


def _value_events(value: Mapping[str, object]) -> list[WebhookEvent]:
    statuses = _list(value.get("statuses", []), "statuses")
    messages = _list(value.get("messages", []), "messages")
    if not statuses and not messages:
        return []
    metadata = _object(value.get("metadata"), "metadata")
    phone_number_id = _id(metadata, "phone_number_id")
    names = _profile_names(_list(value.get("contacts", []), "contacts"))
    events: list[WebhookEvent] = []
    for status in statuses:
        update = _status(phone_number_id, _object(status, "statuses[]"))
        if update is not None:
            events.append(update)
    for message in messages:
        inbound = _inbound(phone_number_id, _object(message, "messages[]"))
        events.append(replace(inbound, profile_name=names.get(inbound.sender)))
    return events


def _status(phone_number_id: str, status: Mapping[str, object]) -> StatusUpdate | None:
    value = status.get("status")
    if not isinstance(value, str) or value not in _STATUSES:
        return None  # e.g. "deleted" or a status WhatsApp adds later
    state = MessageStatus(value)
    errors = _list(status.get("errors", []), "errors")[:_ERRORS_MAX]
    return StatusUpdate(
        phone_number_id=phone_number_id,
        message_id=_id(status, "id"),
        status=state,
        timestamp=_timestamp(status),
        recipient_id=_id(status, "recipient_id"),
        errors=tuple(
            error_from_graph(None, _object(error, "errors[]"), _keep)
            for error in errors
        ),
    )


def _inbound(phone_number_id: str, message: Mapping[str, object]) -> InboundMessage:
    kind = _text(message, "type", ID_MAX_LENGTH, required=True) or ""
    context = message.get("context")
    inbound = InboundMessage(
        phone_number_id=phone_number_id,
        message_id=_id(message, "id"),
        sender=_id(message, "from"),
        timestamp=_timestamp(message),
        type=kind,
        context_id=(
            _optional_id(_object(context, "context"), "id")
            if context is not None
            else None
        ),
    )
    content = message.get(kind)
    if not isinstance(content, Mapping):
        return inbound  # a type without content, or one the client does not know
    if kind == "text":
        return replace(inbound, text=_text(content, "body", TEXT_MAX_LENGTH))
    if kind == "button":  # a template's quick-reply button
        return replace(
            inbound,
            button_id=_optional_id(content, "payload"),
            button_title=_text(content, "text", NAME_MAX_LENGTH),
        )
    if kind == "interactive":
        reply = next(
            (
                content[key]
                for key in _REPLY_TYPES
                if isinstance(content.get(key), Mapping)
            ),
            None,
        )
        if isinstance(reply, Mapping):
            return replace(
                inbound,
                button_id=_optional_id(reply, "id"),
                button_title=_text(reply, "title", NAME_MAX_LENGTH),
            )
        return inbound
    if kind in _MEDIA_TYPES:
        return replace(
            inbound,
            text=_text(content, "caption", TEXT_MAX_LENGTH),
            media_id=_optional_id(content, "id"),
            mime_type=_text(content, "mime_type", NAME_MAX_LENGTH),
        )
    return inbound


def _profile_names(contacts: Sequence[object]) -> dict[str, str]:
    names: dict[str, str] = {}
    for contact in contacts:
        contact_object = _object(contact, "contacts[]")
        profile = contact_object.get("profile")
        wa_id = _optional_id(contact_object, "wa_id")
        if wa_id is None or not isinstance(profile, Mapping):
            continue
        name = _text(profile, "name", NAME_MAX_LENGTH)
        if name is not None:
            names[wa_id] = name
    return names


def _keep(text: str) -> str:
    return text  # webhook errors carry no secret of the client's


def _object(value: object, what: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        msg = f"Expected an object for {what}"
        raise WhatsAppWebhookError(msg)
    return value


def _list(value: object, what: str) -> Sequence[object]:
    if not isinstance(value, list):
        msg = f"Expected an array for {what}"
        raise WhatsAppWebhookError(msg)
    return value


def _text(
    data: Mapping[str, object], key: str, limit: int, *, required: bool = False
) -> str | None:
    """Return the string at ``key`` cut to ``limit`` characters (``None`` when absent)."""
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        msg = f"Missing or invalid field {key!r}"
        raise WhatsAppWebhookError(msg)
    return value[:limit]


def _optional_id(data: Mapping[str, object], key: str) -> str | None:
    if data.get(key) is None:
        return None
    return _id(data, key)


def _id(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # phone number ids sometimes come as numbers
    if not isinstance(value, str) or not value or len(value) > ID_MAX_LENGTH:
        msg = f"Missing or invalid id {key!r}"
        raise WhatsAppWebhookError(msg)
    return value


def _timestamp(data: Mapping[str, object]) -> datetime:
    value = data.get("timestamp")
    text = str(value) if isinstance(value, int | str) else ""
    # Seconds since 1970 as a string; ten or eleven digits until the year 5138.
    if not (text.isascii() and text.isdigit()) or len(text) > 11:  # noqa: PLR2004
        msg = "Missing or invalid field 'timestamp'"
        raise WhatsAppWebhookError(msg)
    return datetime.fromtimestamp(int(text), UTC)

"""Messages a person answers by pressing a button: reply buttons and template quick replies."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .exceptions import WhatsAppMessageError

REPLY_BUTTONS_MAX: Final = 3
REPLY_BUTTON_TITLE_MAX_LENGTH: Final = 20
REPLY_BUTTON_ID_MAX_LENGTH: Final = 256
INTERACTIVE_BODY_MAX_LENGTH: Final = 1024

QUICK_REPLY_BUTTONS_MAX: Final = 10
"""A template has at most ten buttons."""
QUICK_REPLY_PAYLOAD_MAX_LENGTH: Final = 256
"""Bounded like a reply button's id: the payload comes back in the webhook."""


@dataclass(frozen=True, slots=True)
class ReplyButton:
    """A reply button: the person sees ``title``; the webhook brings back ``id``.

    Attributes:
        id: What the webhook reports when the button is pressed (1 to 256 characters).
        title: The button's label (1 to 20 characters).
    """

    id: str
    title: str


def reply_buttons_content(
    body: str, buttons: Sequence[ReplyButton]
) -> dict[str, object]:
    """Return the ``interactive`` object of a reply-button message.

    Raises:
        WhatsAppMessageError: The body is empty or too long, there are no or too many buttons,
            or a button's id or title is empty, too long or repeated.
    """
    if not body.strip():
        msg = "A button message needs a body"
        raise WhatsAppMessageError(msg)
    if len(body) > INTERACTIVE_BODY_MAX_LENGTH:
        msg = f"A button message's body holds at most {INTERACTIVE_BODY_MAX_LENGTH} characters (got {len(body)})"
        raise WhatsAppMessageError(msg)
    if not 1 <= len(buttons) <= REPLY_BUTTONS_MAX:
        msg = f"A button message has 1 to {REPLY_BUTTONS_MAX} buttons (got {len(buttons)})"
        raise WhatsAppMessageError(msg)
    for number, button in enumerate(buttons, start=1):
        _check_length(
            f"Button {number}'s title", button.title, REPLY_BUTTON_TITLE_MAX_LENGTH
        )
        _check_length(f"Button {number}'s id", button.id, REPLY_BUTTON_ID_MAX_LENGTH)
    # WhatsApp could not tell which of two buttons with one id or title was pressed.
    for field in ("id", "title"):
        if len({getattr(button, field) for button in buttons}) < len(buttons):
            msg = f"Two buttons have the same {field}"
            raise WhatsAppMessageError(msg)
    return {
        "type": "button",
        "body": {"text": body},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": button.id, "title": button.title}}
                for button in buttons
            ]
        },
    }


def quick_reply_components(payloads: Sequence[str]) -> list[dict[str, object]]:
    """Return the template components giving each quick-reply button its payload, in order.

    Raises:
        WhatsAppMessageError: Too many payloads, or one is empty or too long.
    """
    if isinstance(payloads, str):
        msg = "Button payloads are a list of texts, not one text"
        raise TypeError(msg)
    if len(payloads) > QUICK_REPLY_BUTTONS_MAX:
        msg = f"A template has at most {QUICK_REPLY_BUTTONS_MAX} buttons (got {len(payloads)})"
        raise WhatsAppMessageError(msg)
    components: list[dict[str, object]] = []
    for index, payload in enumerate(payloads):
        _check_length(
            f"Button {index + 1}'s payload", payload, QUICK_REPLY_PAYLOAD_MAX_LENGTH
        )
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": payload}],
            }
        )
    return components


def _check_length(what: str, text: str, limit: int) -> None:
    if not text.strip():
        msg = f"{what} is empty"
        raise WhatsAppMessageError(msg)
    if len(text) > limit:
        msg = f"{what} holds at most {limit} characters (got {len(text)})"
        raise WhatsAppMessageError(msg)

"""What the Graph sandbox stores: tokens, phone numbers, uploads, received messages, failures."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
import hashlib
from typing import Final

ANY_ENDPOINT: Final = "*"
ENDPOINTS: Final = frozenset(
    {
        "messages",
        "media",
        "phone_number",
        "debug_token",
        "access_token",
        "message_templates",
        ANY_ENDPOINT,
    }
)
"""Names of the Graph endpoints a failure can be aimed at."""


@dataclass(slots=True)
class SandboxToken:
    """An access token the sandbox knows."""

    token: str = field(repr=False)
    token_type: str
    scopes: tuple[str, ...]
    phone_number_ids: tuple[str, ...]
    issued_at: datetime
    expires_at: datetime | None = None
    revoked: bool = False

    def expired(self, now: datetime) -> bool:
        """Whether the token has expired at ``now``."""
        return self.expires_at is not None and now >= self.expires_at


@dataclass(slots=True)
class BusinessPhoneNumber:
    """A business phone number of the sandbox's WhatsApp Business Account."""

    phone_number_id: str
    display_phone_number: str
    verified_name: str
    registered: bool = True
    quality_rating: str = "GREEN"


@dataclass(frozen=True, slots=True)
class UploadedMedia:
    """A file uploaded through ``POST /{phone_number_id}/media``."""

    media_id: str
    filename: str
    mime_type: str
    data: bytes = field(repr=False)
    uploaded_at: datetime

    @property
    def sha256(self) -> str:
        """The file's SHA-256, hex."""
        return hashlib.sha256(self.data).hexdigest()

    def to_json(self) -> dict[str, object]:
        """Describe the upload (without its bytes) for the admin endpoints."""
        return {
            "id": self.media_id,
            "filename": self.filename,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
            "sha256": self.sha256,
            "uploaded_at": self.uploaded_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Button:
    """A button the recipient can tap: a reply button (id, title) or a template quick reply (payload, text)."""

    id: str
    title: str

    def to_json(self) -> dict[str, str]:
        """Describe the button for the admin endpoints."""
        return {"id": self.id, "title": self.title}


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """A message the sandbox accepted, as the recipient would get it.

    Attributes:
        message_id: The ``wamid.`` returned to the sender.
        phone_number_id: The business number it was sent from.
        to: The recipient, E.164 with ``+``.
        wa_id: The recipient's WhatsApp id (digits).
        type: ``text``, ``template``, ``interactive``, ``image`` or ``document``.
        at: When it arrived, by the sandbox clock.
        text: The text of a text message, or a template's body with its parameters filled in.
        template_name: The template's name.
        template_language: The template's language code.
        body_parameters: The template body's parameter values, in the order sent.
        header_parameters: The template header's parameter values.
        parameter_names: The names of named body parameters (empty for positional ones).
        media_link: The link of an image or document sent by link.
        media_id: The upload id of an image or document sent by id.
        caption: The caption of an image or document.
        filename: The file name of a document.
        reply_to: The ``wamid.`` the message quotes.
        preview_url: Whether a link preview was asked for.
        buttons: The reply buttons of an interactive message, or a template's quick replies (id is
            the payload the tap returns).
        category: The pricing category: ``service`` for free-form, else the template's (lower case).
        payload: The request body as sent.
    """

    message_id: str
    phone_number_id: str
    to: str
    wa_id: str
    type: str
    at: datetime
    text: str | None = None
    template_name: str | None = None
    template_language: str | None = None
    body_parameters: tuple[str, ...] = ()
    header_parameters: tuple[str, ...] = ()
    parameter_names: tuple[str, ...] = ()
    media_link: str | None = None
    media_id: str | None = None
    caption: str | None = None
    filename: str | None = None
    reply_to: str | None = None
    preview_url: bool = False
    buttons: tuple[Button, ...] = ()
    category: str = "service"
    payload: Mapping[str, object] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def summary(self) -> str:
        """One line saying what the recipient got, for people reading the messages page."""
        match self.type:
            case "template":
                return f"template {self.template_name} ({self.template_language}): {self.text}"
            case "image" | "document":
                source = self.media_link or f"media {self.media_id}"
                parts = [f"{self.type} {source}", self.filename, self.caption]
                return " · ".join(part for part in parts if part)
            case "interactive":
                titles = " | ".join(button.title for button in self.buttons)
                return f"{self.text} [{titles}]"
            case _:
                return self.text or ""

    def to_json(self) -> dict[str, object]:
        """Describe the message for the admin endpoints."""
        return {
            "id": self.message_id,
            "phone_number_id": self.phone_number_id,
            "to": self.to,
            "wa_id": self.wa_id,
            "type": self.type,
            "at": self.at.isoformat(),
            "text": self.text,
            "template_name": self.template_name,
            "template_language": self.template_language,
            "body_parameters": list(self.body_parameters),
            "header_parameters": list(self.header_parameters),
            "parameter_names": list(self.parameter_names),
            "media_link": self.media_link,
            "media_id": self.media_id,
            "caption": self.caption,
            "filename": self.filename,
            "reply_to": self.reply_to,
            "preview_url": self.preview_url,
            "buttons": [button.to_json() for button in self.buttons],
            "summary": self.summary,
        }


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message a person sent to the business (through the admin API or the messages page).

    Attributes:
        message_id: Its ``wamid.``.
        phone_number_id: The business number it was sent to.
        wa_id: The sender's WhatsApp id (digits).
        profile_name: The sender's profile name, as webhooks carry it.
        type: ``text``, ``interactive`` (reply button), ``button`` (template quick reply) or ``image``.
        at: When it was sent, by the sandbox clock.
        text: The text, the tapped button's title or the image's caption.
        button_id: The tapped reply button's id, or the quick reply's payload.
        context_id: The ``wamid.`` of the message it answers (taps).
        media_id: The image's media id.
        message: The message object as the webhook carries it.
    """

    message_id: str
    phone_number_id: str
    wa_id: str
    profile_name: str
    type: str
    at: datetime
    text: str | None = None
    button_id: str | None = None
    context_id: str | None = None
    media_id: str | None = None
    message: Mapping[str, object] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def summary(self) -> str:
        """One line saying what the person sent."""
        match self.type:
            case "interactive" | "button":
                return f"tapped {self.text}"
            case "image":
                return " · ".join(
                    part for part in (f"image {self.media_id}", self.text) if part
                )
            case _:
                return self.text or ""

    def to_json(self) -> dict[str, object]:
        """Describe the message for the admin endpoints."""
        return {
            "id": self.message_id,
            "phone_number_id": self.phone_number_id,
            "from": f"+{self.wa_id}",
            "wa_id": self.wa_id,
            "profile_name": self.profile_name,
            "type": self.type,
            "at": self.at.isoformat(),
            "text": self.text,
            "button_id": self.button_id,
            "context_id": self.context_id,
            "media_id": self.media_id,
            "summary": self.summary,
            "message": dict(self.message),
        }


@dataclass(slots=True)
class InjectedFailure:
    """A Graph error the next matching requests get instead of their normal answer."""

    code: int
    subcode: int | None = None
    count: int = 1
    recipient: str | None = None  # digits; None matches every recipient
    details: str | None = None
    message: str | None = None
    endpoint: str = "messages"


@dataclass(slots=True)
class RawFailure:
    """A bare HTTP answer (a proxy's error page, a broken body) for the next matching requests."""

    status: int
    body: str = ""
    content_type: str = "text/plain"
    count: int = 1
    delay: float = 0.0
    endpoint: str = ANY_ENDPOINT

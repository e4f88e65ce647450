"""Typed results of the WhatsApp Cloud API client, built from Graph API responses."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
import re
from typing import Final, Self

from ._json import (
    JSONObject,
    as_list,
    as_object,
    optional_int,
    optional_str,
    required_str,
    str_list,
)
from .const import SCOPE_MANAGEMENT, SCOPE_MESSAGING
from .exceptions import WhatsAppResponseError


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the Cloud API accepted (accepted, not yet delivered).

    Attributes:
        message_id: The ``wamid.`` id, used by status webhooks and replies.
        wa_id: The recipient's WhatsApp id (digits only).
        message_status: ``accepted`` or similar when Meta includes it (templates), else ``None``.
        shortened_parameters: Template parameters the client shortened to fit, e.g. ``body.2``.
    """

    message_id: str
    wa_id: str
    message_status: str | None = None
    shortened_parameters: tuple[str, ...] = ()

    @classmethod
    def from_graph(cls, data: JSONObject) -> Self:
        """Build from the body of a successful ``POST /{phone_number_id}/messages``."""
        contacts = as_list(data.get("contacts"), "contacts")
        messages = as_list(data.get("messages"), "messages")
        if not contacts or not messages:
            msg = "The send response names no contact or no message"
            raise WhatsAppResponseError(msg)
        message = as_object(messages[0], "messages[0]")
        return cls(
            message_id=required_str(message, "id"),
            wa_id=required_str(as_object(contacts[0], "contacts[0]"), "wa_id"),
            message_status=optional_str(message, "message_status"),
        )


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """The business phone number the client sends from.

    Attributes:
        phone_number_id: The Graph id of the number (not the number itself).
        display_phone_number: The number as WhatsApp shows it, e.g. ``+1 555-010-0123``.
        verified_name: The business name people see.
        quality_rating: ``GREEN``, ``YELLOW``, ``RED`` or ``UNKNOWN`` when Meta reports it.
    """

    phone_number_id: str
    display_phone_number: str
    verified_name: str
    quality_rating: str | None = None

    @classmethod
    def from_graph(cls, data: JSONObject) -> Self:
        """Build from the body of ``GET /{phone_number_id}``."""
        return cls(
            phone_number_id=required_str(data, "id"),
            display_phone_number=required_str(data, "display_phone_number"),
            verified_name=required_str(data, "verified_name"),
            quality_rating=optional_str(data, "quality_rating"),
        )


@dataclass(frozen=True, slots=True)
class GranularScope:
    """A permission limited to some objects (for WhatsApp: business account ids)."""

    scope: str
    target_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What ``debug_token`` tells about the client's access token.

    Attributes:
        is_valid: Whether Meta accepts the token now.
        type: ``SYSTEM_USER``, ``USER``, ``APP``...
        expires_at: When it expires; ``None`` when it never does.
        scopes: The permissions granted.
        granular_scopes: The permissions with the objects they are limited to.
        app_id: The app the token belongs to.
        application: That app's name.
    """

    is_valid: bool
    type: str | None
    expires_at: datetime | None
    scopes: tuple[str, ...]
    granular_scopes: tuple[GranularScope, ...] = ()
    app_id: str | None = None
    application: str | None = None

    @property
    def can_send_messages(self) -> bool:
        """Whether the token is valid and has ``whatsapp_business_messaging``."""
        return self.is_valid and SCOPE_MESSAGING in self.scopes

    @property
    def managed_business_account_ids(self) -> tuple[str, ...]:
        """The WhatsApp Business Account ids the token may manage (e.g. read templates of).

        Meta lists them as the targets of the granular ``whatsapp_business_management`` scope.
        """
        return tuple(
            dict.fromkeys(
                target
                for granular in self.granular_scopes
                if granular.scope == SCOPE_MANAGEMENT
                for target in granular.target_ids
            )
        )

    @classmethod
    def from_graph(cls, body: JSONObject) -> Self:
        """Build from the body of ``GET /debug_token`` (``{"data": {...}}``)."""
        data = as_object(body.get("data"), "data")
        is_valid = data.get("is_valid")
        if not isinstance(is_valid, bool):
            msg = "Missing or invalid field 'is_valid'"
            raise WhatsAppResponseError(msg)
        # Meta writes 0 (or leaves the field out) for a token that never expires.
        expires_at = optional_int(data, "expires_at")
        return cls(
            is_valid=is_valid,
            type=optional_str(data, "type"),
            expires_at=datetime.fromtimestamp(expires_at, UTC) if expires_at else None,
            scopes=str_list(data, "scopes"),
            granular_scopes=tuple(
                _granular_scope(item)
                for item in as_list(data.get("granular_scopes", []), "granular_scopes")
            ),
            app_id=optional_str(data, "app_id"),
            application=optional_str(data, "application"),
        )


def _granular_scope(value: object) -> GranularScope:
    item = as_object(value, "granular_scopes[]")
    return GranularScope(
        scope=required_str(item, "scope"), target_ids=str_list(item, "target_ids")
    )


@dataclass(frozen=True, slots=True)
class ExchangedToken:
    """A new token from ``fb_exchange_token``.

    Attributes:
        access_token: The new token (a secret: left out of ``repr``).
        expires_in: Seconds until it expires; ``None`` when Meta does not say.
        token_type: ``bearer``.
    """

    access_token: str = field(repr=False)
    expires_in: int | None
    token_type: str = "bearer"  # noqa: S105  # the OAuth token type, not a secret

    @classmethod
    def from_graph(cls, data: JSONObject) -> Self:
        """Build from the body of ``GET /oauth/access_token``."""
        return cls(
            access_token=required_str(data, "access_token"),
            expires_in=optional_int(data, "expires_in"),
            token_type=optional_str(data, "token_type") or "bearer",
        )


_PLACEHOLDER: Final = re.compile(r"\{\{\s*(\w+)\s*\}\}")
TEMPLATE_STATUS_APPROVED: Final = "APPROVED"


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """A message template of a WhatsApp Business Account, in one language.

    Attributes:
        name: The template's name, e.g. ``whoop_alert``.
        language: Its language code, e.g. ``en_US``.
        status: ``APPROVED``, ``PENDING``, ``REJECTED``, ``PAUSED``, ``DISABLED``...
        category: ``UTILITY``, ``MARKETING`` or ``AUTHENTICATION``.
        body_parameters: The body's placeholders in order of first appearance (``1``, ``2`` or
            names).
        header_parameters: The text header's placeholders (at most one).
        named: Whether the template takes named parameters (``parameter_format`` ``NAMED``).
    """

    name: str
    language: str
    status: str
    category: str | None = None
    body_parameters: tuple[str, ...] = ()
    header_parameters: tuple[str, ...] = ()
    named: bool = False

    @property
    def is_approved(self) -> bool:
        """Whether Meta delivers it now."""
        return self.status == TEMPLATE_STATUS_APPROVED

    @classmethod
    def from_graph(cls, data: JSONObject) -> Self:
        """Build from one item of ``GET /{waba_id}/message_templates``."""
        body = header = ""
        for item in as_list(data.get("components", []), "components"):
            component = as_object(item, "components[]")
            kind = optional_str(component, "type")
            if kind == "BODY":
                body = optional_str(component, "text") or ""
            elif kind == "HEADER" and optional_str(component, "format") == "TEXT":
                header = optional_str(component, "text") or ""
        return cls(
            name=required_str(data, "name"),
            language=required_str(data, "language"),
            status=required_str(data, "status"),
            category=optional_str(data, "category"),
            body_parameters=_placeholders(body),
            header_parameters=_placeholders(header),
            named=optional_str(data, "parameter_format") == "NAMED",
        )


def _placeholders(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(match.group(1) for match in _PLACEHOLDER.finditer(text)))

"""What a WhatsApp sender entry and its recipient subentries store, and typed views of it.

The config flow writes these keys; setup, delivery and diagnostics read them back through
:class:`SenderSettings` and :class:`RecipientSettings` rather than poking at raw dictionaries.
:func:`create_client` is the one place a Cloud API client is made from stored settings.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Self

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.const import CONF_ACCESS_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..const import whatsapp_base_url
from ..whatsapp_api import WhatsAppClient

# Sender (config entry) data.
CONF_PHONE_NUMBER_ID: Final = "phone_number_id"
CONF_APP_ID: Final = "app_id"
CONF_APP_SECRET: Final = "app_secret"  # noqa: S105 - the key of the secret, not the secret

# Recipient (config subentry) data; the recipient's name is the subentry title.
CONF_PHONE_NUMBER: Final = "phone_number"
CONF_DELIVERY_MODE: Final = "delivery_mode"
CONF_TEMPLATE_NAME: Final = "template_name"
CONF_TEMPLATE_LANGUAGE: Final = "template_language"
CONF_TEMPLATE_PARAMETERS: Final = "template_parameters"
CONF_TITLE_PARAMETER: Final = "title_parameter"
CONF_MESSAGE_PARAMETER: Final = "message_parameter"
# Two-way options of a recipient (all optional: a recipient made before them has none).
CONF_MARK_AS_READ: Final = "mark_as_read"
CONF_BUTTONS_TEMPLATE: Final = "buttons_template"
CONF_ASSIST: Final = "assist"
CONF_AGENT_ID: Final = "agent_id"

# Meta webhooks of a sender: in the entry's options (the Configure dialog writes them), so
# reauthentication and reconfiguration, which rewrite the data, leave them alone.
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_VERIFY_TOKEN: Final = "verify_token"  # noqa: S105 - the key of the token, not the token
CONF_CLOUDHOOK_URL: Final = "cloudhook_url"

DEFAULT_TEMPLATE_LANGUAGE: Final = "en_US"
# A template that wants a title gets this one when a notification comes without one: Meta refuses
# an empty parameter.
DEFAULT_TITLE: Final = "Home Assistant"


class DeliveryMode(StrEnum):
    """How a notification reaches a recipient."""

    TEXT = "text"
    """Free-form text: delivered only within 24 hours of the person's last message."""
    TEMPLATE = "template"
    """Always the approved template: delivered at any time."""
    AUTOMATIC = "automatic"
    """Text, and the template when WhatsApp answers that the 24-hour window is closed (131047)."""


class TemplateParameters(StrEnum):
    """How a notification's title and message fill the template's body parameters."""

    TITLE_AND_MESSAGE = "title_and_message"
    """Body parameter 1 is the title, 2 the message."""
    MESSAGE = "message"
    """Body parameter 1 is the message; the title is not sent."""
    NAMED = "named"
    """Named parameters: the message (and optionally the title) under names of the user's choice."""
    NONE = "none"
    """A template without parameters: its fixed text says that something happened."""


@dataclass(frozen=True, slots=True)
class SenderSettings:
    """How to reach the Cloud API as one business phone number.

    Attributes:
        access_token: The system user (or other) token; a secret, kept out of ``repr``.
        phone_number_id: The Graph id of the business phone number.
        app_id: The Meta app id, when the user gave one for token renewal.
        app_secret: The app secret that goes with ``app_id``; a secret, kept out of ``repr``.
    """

    access_token: str = field(repr=False)
    phone_number_id: str
    app_id: str | None = None
    app_secret: str | None = field(default=None, repr=False)

    @property
    def can_renew_token(self) -> bool:
        """Whether the token can be extended by Meta's token exchange (needs the app's id and secret)."""
        return bool(self.app_id and self.app_secret)

    @classmethod
    def from_entry(cls, entry: ConfigEntry) -> Self:
        """Read the settings of a sender entry."""
        return cls.from_data(entry.data)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Read the settings from sender entry data."""
        return cls(
            access_token=data[CONF_ACCESS_TOKEN],
            phone_number_id=data[CONF_PHONE_NUMBER_ID],
            app_id=data.get(CONF_APP_ID),
            app_secret=data.get(CONF_APP_SECRET),
        )

    def as_data(self) -> dict[str, Any]:
        """Return the entry data keys these settings are stored under (without the entry type)."""
        data: dict[str, Any] = {
            CONF_ACCESS_TOKEN: self.access_token,
            CONF_PHONE_NUMBER_ID: self.phone_number_id,
        }
        if self.can_renew_token:
            data[CONF_APP_ID] = self.app_id
            data[CONF_APP_SECRET] = self.app_secret
        return data


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """Where Meta posts a sender's statuses and inbound messages, and how they are checked.

    Attributes:
        webhook_id: The Home Assistant webhook id (``/api/webhook/<id>``); a secret of sorts.
        verify_token: What the user enters in Meta's dashboard for the handshake.
        app_secret: The Meta app's secret: the key of ``X-Hub-Signature-256``.
        cloudhook_url: The Home Assistant Cloud URL forwarding to the webhook, if one was made.
    """

    webhook_id: str = field(repr=False)
    verify_token: str = field(repr=False)
    app_secret: str = field(repr=False)
    cloudhook_url: str | None = field(default=None, repr=False)

    @classmethod
    def from_entry(cls, entry: ConfigEntry) -> Self | None:
        """Read a sender's webhook settings (``None``: webhooks are not set up)."""
        options = entry.options
        if not all(
            options.get(key)
            for key in (CONF_WEBHOOK_ID, CONF_VERIFY_TOKEN, CONF_APP_SECRET)
        ):
            return None
        return cls(
            webhook_id=options[CONF_WEBHOOK_ID],
            verify_token=options[CONF_VERIFY_TOKEN],
            app_secret=options[CONF_APP_SECRET],
            cloudhook_url=options.get(CONF_CLOUDHOOK_URL),
        )

    def as_options(self) -> dict[str, Any]:
        """Return the entry options these settings are stored as."""
        options: dict[str, Any] = {
            CONF_WEBHOOK_ID: self.webhook_id,
            CONF_VERIFY_TOKEN: self.verify_token,
            CONF_APP_SECRET: self.app_secret,
        }
        if self.cloudhook_url:
            options[CONF_CLOUDHOOK_URL] = self.cloudhook_url
        return options


@dataclass(frozen=True, slots=True)
class TemplateSettings:
    """The approved template a recipient gets, and how a notification fills it.

    Attributes:
        name: The template's name in WhatsApp Manager.
        language: Its language code, e.g. ``en_US``.
        parameters: How title and message map to its body parameters.
        title_parameter: The parameter name of the title (named parameters only; optional).
        message_parameter: The parameter name of the message (named parameters only).
    """

    name: str
    language: str
    parameters: TemplateParameters
    title_parameter: str | None = None
    message_parameter: str | None = None


@dataclass(frozen=True, slots=True)
class RecipientSettings:
    """One person notifications go to.

    Attributes:
        name: What the user calls them (the subentry title).
        phone_number: Their number in E.164 with the ``+``.
        delivery_mode: Text, template, or text falling back to the template.
        template: The template, for the template and automatic modes.
        mark_as_read: Mark their messages read (blue ticks) when they arrive.
        buttons_template: The template with quick-reply buttons that asks a question outside
            the 24-hour window (its body parameter 1 is the question).
        assist: Answer their texts with the conversation agent ``agent_id``.
        agent_id: The conversation agent (``None``: Home Assistant's own).
        subentry_id: The recipient's subentry id (their entities' unique id).
    """

    name: str
    phone_number: str
    delivery_mode: DeliveryMode
    template: TemplateSettings | None = None
    mark_as_read: bool = False
    buttons_template: str | None = None
    assist: bool = False
    agent_id: str | None = None
    subentry_id: str = ""

    @property
    def wa_id(self) -> str:
        """Their WhatsApp id as webhooks name them: the number's digits."""
        return self.phone_number.removeprefix("+")

    @classmethod
    def from_subentry(cls, subentry: ConfigSubentry) -> Self:
        """Read a recipient subentry."""
        data = subentry.data
        template = None
        if template_name := data.get(CONF_TEMPLATE_NAME):
            template = TemplateSettings(
                name=template_name,
                language=data.get(CONF_TEMPLATE_LANGUAGE, DEFAULT_TEMPLATE_LANGUAGE),
                parameters=TemplateParameters(
                    data.get(
                        CONF_TEMPLATE_PARAMETERS, TemplateParameters.TITLE_AND_MESSAGE
                    )
                ),
                title_parameter=data.get(CONF_TITLE_PARAMETER) or None,
                message_parameter=data.get(CONF_MESSAGE_PARAMETER) or None,
            )
        return cls(
            name=subentry.title,
            phone_number=data[CONF_PHONE_NUMBER],
            delivery_mode=DeliveryMode(data[CONF_DELIVERY_MODE]),
            template=template,
            mark_as_read=bool(data.get(CONF_MARK_AS_READ, False)),
            buttons_template=data.get(CONF_BUTTONS_TEMPLATE) or None,
            assist=bool(data.get(CONF_ASSIST, False)),
            agent_id=data.get(CONF_AGENT_ID) or None,
            subentry_id=subentry.subentry_id,
        )


def create_client(hass: HomeAssistant, settings: SenderSettings) -> WhatsAppClient:
    """Return a Cloud API client for ``settings`` on Home Assistant's shared HTTP session.

    The Graph base URL comes from ``whatsapp_base_url()`` (the sandbox in development and tests).
    """
    return WhatsAppClient(
        async_get_clientsession(hass),
        settings.access_token,
        settings.phone_number_id,
        base_url=whatsapp_base_url(),
    )

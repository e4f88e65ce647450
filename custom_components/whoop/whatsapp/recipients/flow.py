"""Subentry flow of a WhatsApp recipient: who, their number, and how notifications reach them.

The "Replies" section holds what concerns messages from them (Meta webhooks needed): blue ticks,
the template that asks with buttons outside the 24-hour window, and asking Home Assistant.

When the sender's token may read its WhatsApp Business Account's templates (the
``whatsapp_business_management`` permission), the template step offers the approved ones and checks
name, language and parameters against them, so a wrong template fails here rather than at the first
send. When it may not, the step says so and takes what is typed.
"""

import asyncio
from collections.abc import Iterable, Mapping, Sequence
import logging
import re
from typing import Any, Final

from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntryState,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    ConversationAgentSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from ...entry_kind import is_whatsapp_sender
from ...whatsapp_api import (
    InvalidPhoneNumberError,
    MessageTemplate,
    WhatsAppError,
    normalize_phone_number,
)
from ..settings import (
    CONF_AGENT_ID,
    CONF_ASSIST,
    CONF_BUTTONS_TEMPLATE,
    CONF_DELIVERY_MODE,
    CONF_MARK_AS_READ,
    CONF_MESSAGE_PARAMETER,
    CONF_PHONE_NUMBER,
    CONF_TEMPLATE_LANGUAGE,
    CONF_TEMPLATE_NAME,
    CONF_TEMPLATE_PARAMETERS,
    CONF_TITLE_PARAMETER,
    DEFAULT_TEMPLATE_LANGUAGE,
    DeliveryMode,
    SenderSettings,
    TemplateParameters,
    create_client,
)

_LOGGER = logging.getLogger(__name__)

# Reading the templates must not hold the form up for long: after this, the step goes on unchecked.
TEMPLATE_READ_TIMEOUT: Final = 30
# A token usually manages one business account; a few are read, no more.
MAX_BUSINESS_ACCOUNTS: Final = 3
# How many body parameters each way of filling them needs (named ones are checked by name).
_PARAMETER_COUNT: Final = {
    TemplateParameters.TITLE_AND_MESSAGE: 2,
    TemplateParameters.MESSAGE: 1,
    TemplateParameters.NONE: 0,
}

_TEXT: Final = TextSelector()
SECTION_REPLIES: Final = "replies"
REPLY_KEYS: Final = (
    CONF_MARK_AS_READ,
    CONF_BUTTONS_TEMPLATE,
    CONF_ASSIST,
    CONF_AGENT_ID,
)

REPLIES_SCHEMA: Final = vol.Schema(
    {
        vol.Optional(CONF_MARK_AS_READ, default=False): BooleanSelector(),
        vol.Optional(CONF_BUTTONS_TEMPLATE): _TEXT,
        vol.Optional(CONF_ASSIST, default=False): BooleanSelector(),
        vol.Optional(CONF_AGENT_ID): ConversationAgentSelector(),
    }
)

RECIPIENT_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_NAME): _TEXT,
        vol.Required(CONF_PHONE_NUMBER): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEL)
        ),
        vol.Required(
            CONF_DELIVERY_MODE, default=DeliveryMode.AUTOMATIC.value
        ): SelectSelector(
            SelectSelectorConfig(
                options=[mode.value for mode in DeliveryMode],
                mode=SelectSelectorMode.LIST,
                translation_key="delivery_mode",
            )
        ),
        # Optional: a recipient made before replies existed, or a test, may leave it out.
        vol.Optional(SECTION_REPLIES, default={}): section(
            REPLIES_SCHEMA, {"collapsed": True}
        ),
    }
)
TEMPLATE_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_TEMPLATE_NAME): _TEXT,
        vol.Required(CONF_TEMPLATE_LANGUAGE, default=DEFAULT_TEMPLATE_LANGUAGE): _TEXT,
        vol.Required(
            CONF_TEMPLATE_PARAMETERS, default=TemplateParameters.TITLE_AND_MESSAGE.value
        ): SelectSelector(
            SelectSelectorConfig(
                options=[mapping.value for mapping in TemplateParameters],
                mode=SelectSelectorMode.LIST,
                translation_key="template_parameters",
            )
        ),
        vol.Optional(CONF_TITLE_PARAMETER): _TEXT,
        vol.Optional(CONF_MESSAGE_PARAMETER): _TEXT,
    }
)

# Meta's rules: template names are lowercase letters, digits and underscores; so are named
# parameters (not starting with a digit); languages look like en, en_US or zh_CN.
_TEMPLATE_NAME: Final = re.compile(r"^[a-z0-9_]{1,512}$")
_PARAMETER_NAME: Final = re.compile(r"^[a-z_][a-z0-9_]*$")
_LANGUAGE: Final = re.compile(r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$")


class RecipientSubentryFlowHandler(ConfigSubentryFlow):
    """Add or edit a WhatsApp recipient: who, their number, and how notifications reach them."""

    def __init__(self) -> None:
        """Start with nothing entered."""
        self._recipient: dict[str, Any] = {}
        self._templates: tuple[MessageTemplate, ...] | None = None
        self._templates_read = False

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add a recipient."""
        return await self._async_step_recipient("user", user_input, current=None)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Edit a recipient."""
        subentry = self._get_reconfigure_subentry()
        current = {
            CONF_NAME: subentry.title,
            **subentry.data,
            SECTION_REPLIES: {
                key: subentry.data[key] for key in REPLY_KEYS if key in subentry.data
            },
        }
        return await self._async_step_recipient(
            "reconfigure", user_input, current=current
        )

    async def async_step_template(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Choose one of the approved templates and how a notification fills its parameters."""
        return await self._async_step_template(user_input)

    async def async_step_template_unchecked(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Name a template the integration cannot check (its list could not be read)."""
        return await self._async_step_template(user_input)

    async def _async_step_template(
        self, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        templates = await self._async_read_templates()
        errors: dict[str, str] = {}
        placeholders = {"name": self._recipient[CONF_NAME]}
        if user_input is not None:
            errors = _template_errors(user_input)
            if not errors and templates is not None:
                errors, found = _template_mismatch(templates, user_input)
                placeholders |= found
            if not errors:
                return self._async_finish(_template_data(user_input))
        suggested = user_input
        if suggested is None and self.source != SOURCE_USER:
            suggested = dict(self._get_reconfigure_subentry().data)
        schema = (
            TEMPLATE_SCHEMA
            if templates is None
            else _schema_offering(t for t in templates if t.is_approved)
        )
        return self.async_show_form(
            step_id="template_unchecked" if templates is None else "template",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_read_templates(self) -> tuple[MessageTemplate, ...] | None:
        """Return the business account's templates, or ``None`` when they cannot be read."""
        if self._templates_read:
            return self._templates
        self._templates_read = True
        entry = self._get_entry()
        settings = (
            entry.runtime_data.token_watch.settings
            if is_whatsapp_sender(entry) and entry.state is ConfigEntryState.LOADED
            else SenderSettings.from_entry(entry)
        )
        client = create_client(self.hass, settings)
        templates: list[MessageTemplate] = []
        try:
            async with asyncio.timeout(TEMPLATE_READ_TIMEOUT):
                token = await client.debug_token()
                accounts = token.managed_business_account_ids[:MAX_BUSINESS_ACCOUNTS]
                for account in accounts:
                    templates.extend(await client.list_message_templates(account))
        except (WhatsAppError, TimeoutError) as err:
            # The client's errors name no token; the step goes on without the list.
            _LOGGER.info("Cannot read the WhatsApp templates to check: %s", err)
            return None
        if not accounts:
            _LOGGER.info(
                "The WhatsApp token manages no business account: templates unchecked"
            )
            return None
        self._templates = tuple(templates)
        return self._templates

    async def _async_step_recipient(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        current: Mapping[str, Any] | None,
    ) -> SubentryFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            replies = _replies(user_input.get(SECTION_REPLIES) or {})
            phone_number = ""
            try:
                phone_number = normalize_phone_number(
                    user_input[CONF_PHONE_NUMBER], self.hass.config.country
                )
            except InvalidPhoneNumberError:
                errors[CONF_PHONE_NUMBER] = "invalid_phone_number"
            else:
                if self._number_taken(phone_number):
                    errors[CONF_PHONE_NUMBER] = "phone_number_taken"
            buttons_template = replies.get(CONF_BUTTONS_TEMPLATE)
            if buttons_template and not _TEMPLATE_NAME.match(buttons_template):
                errors[SECTION_REPLIES] = "invalid_buttons_template"
            if not errors:
                self._recipient = {
                    CONF_NAME: user_input[CONF_NAME].strip(),
                    CONF_PHONE_NUMBER: phone_number,
                    CONF_DELIVERY_MODE: user_input[CONF_DELIVERY_MODE],
                    **replies,
                }
                if user_input[CONF_DELIVERY_MODE] == DeliveryMode.TEXT:
                    return self._async_finish({})
                return await self.async_step_template()
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                RECIPIENT_SCHEMA, user_input or current
            ),
            errors=errors,
        )

    def _number_taken(self, phone_number: str) -> bool:
        editing = (
            None
            if self.source == SOURCE_USER
            else self._get_reconfigure_subentry().subentry_id
        )
        return any(
            subentry.unique_id == phone_number and subentry.subentry_id != editing
            for subentry in self._get_entry().subentries.values()
        )

    def _async_finish(self, template_data: Mapping[str, Any]) -> SubentryFlowResult:
        name = self._recipient[CONF_NAME]
        phone_number = self._recipient[CONF_PHONE_NUMBER]
        data: dict[str, Any] = {
            CONF_PHONE_NUMBER: phone_number,
            CONF_DELIVERY_MODE: self._recipient[CONF_DELIVERY_MODE],
            **{
                key: self._recipient[key]
                for key in REPLY_KEYS
                if key in self._recipient
            },
            **template_data,
        }
        if self.source == SOURCE_USER:
            return self.async_create_entry(
                title=name, data=data, unique_id=phone_number
            )
        return self.async_update_and_abort(
            self._get_entry(),
            self._get_reconfigure_subentry(),
            title=name,
            data=data,
            unique_id=phone_number,
        )


def _template_errors(user_input: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _TEMPLATE_NAME.match(user_input[CONF_TEMPLATE_NAME].strip()):
        errors[CONF_TEMPLATE_NAME] = "invalid_template_name"
    if not _LANGUAGE.match(user_input[CONF_TEMPLATE_LANGUAGE].strip()):
        errors[CONF_TEMPLATE_LANGUAGE] = "invalid_language"
    if user_input[CONF_TEMPLATE_PARAMETERS] == TemplateParameters.NAMED:
        message_parameter = user_input.get(CONF_MESSAGE_PARAMETER, "").strip()
        title_parameter = user_input.get(CONF_TITLE_PARAMETER, "").strip()
        if not message_parameter:
            errors[CONF_MESSAGE_PARAMETER] = "parameter_name_required"
        elif not _PARAMETER_NAME.match(message_parameter):
            errors[CONF_MESSAGE_PARAMETER] = "invalid_parameter_name"
        if title_parameter and not _PARAMETER_NAME.match(title_parameter):
            errors[CONF_TITLE_PARAMETER] = "invalid_parameter_name"
    return errors


def _schema_offering(approved: Iterable[MessageTemplate]) -> vol.Schema:
    """Return the template form with the approved templates to choose from."""
    languages: dict[str, list[str]] = {}
    for template in approved:
        languages.setdefault(template.name, []).append(template.language)
    choice = SelectSelector(
        SelectSelectorConfig(
            options=[
                SelectOptionDict(
                    value=name, label=f"{name} ({', '.join(sorted(codes))})"
                )
                for name, codes in sorted(languages.items())
            ],
            mode=SelectSelectorMode.DROPDOWN,
            # A name typed by hand still gets checked, with an error naming what is wrong.
            custom_value=True,
        )
    )
    # The choice takes the name field's place, first in the form.
    return vol.Schema(
        {
            vol.Required(CONF_TEMPLATE_NAME): choice,
            **{
                key: value
                for key, value in TEMPLATE_SCHEMA.schema.items()
                if key != CONF_TEMPLATE_NAME
            },
        }
    )


def _template_mismatch(
    templates: Sequence[MessageTemplate], user_input: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """Check the choice against the account's templates; return errors and their placeholders."""
    name = user_input[CONF_TEMPLATE_NAME].strip()
    language = user_input[CONF_TEMPLATE_LANGUAGE].strip()
    same_name = [template for template in templates if template.name == name]
    if not same_name:
        return {CONF_TEMPLATE_NAME: "template_not_found"}, {}
    template = next((t for t in same_name if t.language == language), None)
    if template is None:
        languages = ", ".join(sorted(t.language for t in same_name))
        return {CONF_TEMPLATE_LANGUAGE: "template_language_not_found"}, {
            "languages": languages
        }
    if not template.is_approved:
        return {CONF_TEMPLATE_NAME: "template_not_approved"}, {
            "status": template.status.lower()
        }
    if template.header_parameters:
        return {"base": "template_header_parameters"}, {}
    parameters = ", ".join(template.body_parameters) or "-"
    found = {"parameters": parameters, "count": str(len(template.body_parameters))}
    mapping = user_input[CONF_TEMPLATE_PARAMETERS]
    if mapping == TemplateParameters.NAMED:
        wanted = {user_input.get(CONF_MESSAGE_PARAMETER, "").strip()}
        if title := user_input.get(CONF_TITLE_PARAMETER, "").strip():
            wanted.add(title)
        if not template.named or set(template.body_parameters) != wanted:
            return {CONF_TEMPLATE_PARAMETERS: "template_parameter_names"}, found
    elif (
        template.named
        or len(template.body_parameters)
        != _PARAMETER_COUNT[TemplateParameters(mapping)]
    ):
        return {CONF_TEMPLATE_PARAMETERS: "template_parameter_count"}, found
    return {}, {}


def _template_data(user_input: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        CONF_TEMPLATE_NAME: user_input[CONF_TEMPLATE_NAME].strip(),
        CONF_TEMPLATE_LANGUAGE: user_input[CONF_TEMPLATE_LANGUAGE].strip(),
        CONF_TEMPLATE_PARAMETERS: user_input[CONF_TEMPLATE_PARAMETERS],
    }
    if user_input[CONF_TEMPLATE_PARAMETERS] == TemplateParameters.NAMED:
        data[CONF_MESSAGE_PARAMETER] = user_input[CONF_MESSAGE_PARAMETER].strip()
        if title_parameter := user_input.get(CONF_TITLE_PARAMETER, "").strip():
            data[CONF_TITLE_PARAMETER] = title_parameter
    return data


def _replies(replies: Mapping[str, Any]) -> dict[str, Any]:
    """Return the reply options to store: only those switched on or given (off is the default)."""
    data: dict[str, Any] = {
        key: True for key in (CONF_MARK_AS_READ, CONF_ASSIST) if replies.get(key)
    }
    if buttons_template := (replies.get(CONF_BUTTONS_TEMPLATE) or "").strip():
        data[CONF_BUTTONS_TEMPLATE] = buttons_template
    if agent_id := (replies.get(CONF_AGENT_ID) or "").strip():
        data[CONF_AGENT_ID] = agent_id
    return data

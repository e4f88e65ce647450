"""Config flow steps of a WhatsApp sender (a business phone number) and of its recipients.

The sender is checked against the Graph API before anything is stored: the token must be valid,
unexpired and allowed to send messages (``whatsapp_business_messaging``), and the phone number id
must name a number the token can use. The entry is titled after the number and its business name.
A token that expires is extended right away by Meta's token exchange when the app id and secret
are given, which also proves them right; for a token that never expires they serve no purpose and
are not stored.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
import logging
import re
from typing import Any, Final, override

from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    FlowType,
    SubentryFlowContext,
    SubentryFlowResult,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.util import dt as dt_util
import probatio as vol

from .const import CONF_ENTRY_TYPE, ENTRY_TYPE_WHATSAPP, SUBENTRY_TYPE_RECIPIENT
from .whatsapp_api import (
    InvalidPhoneNumberError,
    PhoneNumber,
    WhatsAppAuthenticationError,
    WhatsAppConnectionError,
    WhatsAppError,
    WhatsAppInvalidParameterError,
    WhatsAppPermissionError,
    WhatsAppRateLimitError,
    WhatsAppTemporaryError,
    normalize_phone_number,
)
from .whatsapp_config import (
    CONF_APP_ID,
    CONF_APP_SECRET,
    CONF_DELIVERY_MODE,
    CONF_MESSAGE_PARAMETER,
    CONF_PHONE_NUMBER,
    CONF_PHONE_NUMBER_ID,
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

SECTION_TOKEN_RENEWAL: Final = "token_renewal"  # noqa: S105 - a form section name, no secret

_PASSWORD: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_TEXT: Final = TextSelector()

SENDER_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_ACCESS_TOKEN): _PASSWORD,
        vol.Required(CONF_PHONE_NUMBER_ID): _TEXT,
        vol.Required(SECTION_TOKEN_RENEWAL): section(
            vol.Schema(
                {
                    vol.Optional(CONF_APP_ID): _TEXT,
                    vol.Optional(CONF_APP_SECRET): _PASSWORD,
                }
            ),
            {"collapsed": True},
        ),
    }
)
REAUTH_SCHEMA: Final = vol.Schema({vol.Required(CONF_ACCESS_TOKEN): _PASSWORD})

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


@dataclass(frozen=True, slots=True)
class _CheckedSender:
    """A sender the Graph API accepted, with the settings to store (maybe a renewed token)."""

    settings: SenderSettings
    phone_number: PhoneNumber

    @property
    def title(self) -> str:
        """The entry title, e.g. ``WhatsApp +1 555-0100 (Acme)``."""
        return f"WhatsApp {self.phone_number.display_phone_number} ({self.phone_number.verified_name})"

    @property
    def data(self) -> dict[str, Any]:
        """The entry data."""
        return {CONF_ENTRY_TYPE: ENTRY_TYPE_WHATSAPP, **self.settings.as_data()}


class _SenderRefusedError(Exception):
    """The sender cannot be used; ``error`` is the form error to show."""

    def __init__(self, *, error: str) -> None:
        super().__init__(error)
        self.error = error


async def _async_check_sender(
    hass: HomeAssistant, settings: SenderSettings
) -> _CheckedSender:
    """Check a sender against the Graph API the way sending will use it.

    Raises:
        _SenderRefusedError: With the form error that names the problem.
    """
    client = create_client(hass, settings)
    now = dt_util.utcnow()
    try:
        token = await client.debug_token()
        if token.expires_at is not None and token.expires_at <= now:
            raise _SenderRefusedError(error="token_expired")
        if not token.can_send_messages:
            raise _SenderRefusedError(
                error="missing_permission" if token.is_valid else "invalid_token"
            )
        try:
            phone_number = await client.get_phone_number()
        except (WhatsAppInvalidParameterError, WhatsAppPermissionError) as err:
            # Graph answers the same for an id that does not exist and one the token cannot see.
            raise _SenderRefusedError(error="unknown_phone_number_id") from err
    except WhatsAppAuthenticationError as err:
        raise _SenderRefusedError(
            error="token_expired" if err.expired else "invalid_token"
        ) from err
    except WhatsAppError as err:
        raise _SenderRefusedError(error=_graph_failure(err)) from err

    if token.expires_at is None:
        # Nothing to renew: do not keep the app secret around.
        settings = replace(settings, app_id=None, app_secret=None)
    elif settings.app_id and settings.app_secret:
        try:
            exchanged = await client.exchange_token(
                settings.app_id, settings.app_secret
            )
        except WhatsAppError as err:
            raise _SenderRefusedError(
                error="cannot_connect"
                if _is_unreachable(err)
                else "invalid_app_credentials"
            ) from err
        settings = replace(settings, access_token=exchanged.access_token)
    return _CheckedSender(settings=settings, phone_number=phone_number)


def _is_unreachable(err: WhatsAppError) -> bool:
    # A temporary error with a Graph code is how Meta says "wrong client secret" (code 1); a bare
    # 5xx has no code.
    return isinstance(err, WhatsAppConnectionError | WhatsAppRateLimitError) or (
        isinstance(err, WhatsAppTemporaryError) and err.code is None
    )


def _graph_failure(err: WhatsAppError) -> str:
    if isinstance(
        err, WhatsAppConnectionError | WhatsAppRateLimitError | WhatsAppTemporaryError
    ):
        return "cannot_connect"
    _LOGGER.error("The Graph API refused the sender check: %s", err)
    return "unknown"


def _settings_from_form(user_input: Mapping[str, Any]) -> SenderSettings:
    renewal: Mapping[str, Any] = user_input.get(SECTION_TOKEN_RENEWAL, {})
    return SenderSettings(
        access_token=user_input[CONF_ACCESS_TOKEN].strip(),
        phone_number_id=user_input[CONF_PHONE_NUMBER_ID].strip(),
        app_id=(renewal.get(CONF_APP_ID) or "").strip() or None,
        app_secret=(renewal.get(CONF_APP_SECRET) or "").strip() or None,
    )


class WhatsAppSenderFlowMixin(ConfigFlow):
    """Steps adding, reauthenticating and reconfiguring a WhatsApp sender."""

    async def async_step_whatsapp_sender(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add a WhatsApp sender: a business phone number and a token that may send from it."""
        errors: dict[str, str] = {}
        if user_input is not None:
            settings = _settings_from_form(user_input)
            await self.async_set_unique_id(settings.phone_number_id)
            self._abort_if_unique_id_configured(error="whatsapp_already_configured")
            try:
                checked = await _async_check_sender(self.hass, settings)
            except _SenderRefusedError as err:
                errors["base"] = err.error
            else:
                return self.async_create_entry(title=checked.title, data=checked.data)
        return self.async_show_form(
            step_id="whatsapp_sender",
            data_schema=self.add_suggested_values_to_schema(
                SENDER_SCHEMA, _without_secrets(user_input)
            ),
            errors=errors,
        )

    async def async_step_whatsapp_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Give a WhatsApp sender a new token for the same phone number."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            settings = replace(
                SenderSettings.from_entry(entry),
                access_token=user_input[CONF_ACCESS_TOKEN].strip(),
            )
            try:
                checked = await _async_check_sender(self.hass, settings)
            except _SenderRefusedError as err:
                if err.error == "unknown_phone_number_id":
                    return self.async_abort(
                        reason="wrong_phone_number",
                        description_placeholders={"sender": entry.title},
                    )
                errors["base"] = err.error
            else:
                return self._async_update_sender(entry, checked)
        return self.async_show_form(
            step_id="whatsapp_reauth",
            data_schema=REAUTH_SCHEMA,
            errors=errors,
            description_placeholders={"sender": entry.title},
        )

    async def async_step_whatsapp_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change a WhatsApp sender's token, phone number id or app credentials."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            settings = _settings_from_form(user_input)
            if settings.phone_number_id != entry.unique_id:
                await self.async_set_unique_id(
                    settings.phone_number_id, raise_on_progress=False
                )
                self._abort_if_unique_id_configured(error="whatsapp_already_configured")
            try:
                checked = await _async_check_sender(self.hass, settings)
            except _SenderRefusedError as err:
                errors["base"] = err.error
            else:
                return self._async_update_sender(entry, checked)
        current = SenderSettings.from_entry(entry)
        suggested = _without_secrets(user_input) or {
            CONF_PHONE_NUMBER_ID: current.phone_number_id,
            SECTION_TOKEN_RENEWAL: {CONF_APP_ID: current.app_id}
            if current.app_id
            else {},
        }
        return self.async_show_form(
            step_id="whatsapp_reconfigure",
            data_schema=self.add_suggested_values_to_schema(SENDER_SCHEMA, suggested),
            errors=errors,
            description_placeholders={"sender": entry.title},
        )

    @override
    async def async_on_create_entry(self, result: ConfigFlowResult) -> ConfigFlowResult:
        """Go on to adding the first recipient of a new sender: without one it sends nothing."""
        entry: ConfigEntry = result["result"]
        if entry.data.get(CONF_ENTRY_TYPE) == ENTRY_TYPE_WHATSAPP:
            recipient_flow = await self.hass.config_entries.subentries.async_init(
                (entry.entry_id, SUBENTRY_TYPE_RECIPIENT),
                context=SubentryFlowContext(source=SOURCE_USER),
            )
            result["next_flow"] = (
                FlowType.CONFIG_SUBENTRIES_FLOW,
                recipient_flow["flow_id"],
            )
        return await super().async_on_create_entry(result)

    def _async_update_sender(
        self, entry: ConfigEntry, checked: _CheckedSender
    ) -> ConfigFlowResult:
        changes: dict[str, Any] = {
            "unique_id": checked.settings.phone_number_id,
            "title": checked.title,
            "data": checked.data,
        }
        if entry.state is ConfigEntryState.LOADED:
            # The loaded entry's update listener reloads it on a new connection.
            return self.async_update_and_abort(entry, **changes)
        return self.async_update_reload_and_abort(entry, **changes)


def _without_secrets(user_input: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return form input to suggest again, without the token and the app secret."""
    if user_input is None:
        return None
    suggested = {
        key: value for key, value in user_input.items() if key != CONF_ACCESS_TOKEN
    }
    if renewal := user_input.get(SECTION_TOKEN_RENEWAL):
        suggested[SECTION_TOKEN_RENEWAL] = {
            key: value for key, value in renewal.items() if key != CONF_APP_SECRET
        }
    return suggested


class RecipientSubentryFlowHandler(ConfigSubentryFlow):
    """Add or edit a WhatsApp recipient: who, their number, and how notifications reach them."""

    def __init__(self) -> None:
        """Start with nothing entered."""
        self._recipient: dict[str, Any] = {}

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
        current = {CONF_NAME: subentry.title, **subentry.data}
        return await self._async_step_recipient(
            "reconfigure", user_input, current=current
        )

    async def async_step_template(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Choose the template and how a notification fills its parameters."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _template_errors(user_input)
            if not errors:
                return self._async_finish(_template_data(user_input))
        suggested = user_input
        if suggested is None and self.source != SOURCE_USER:
            suggested = dict(self._get_reconfigure_subentry().data)
        return self.async_show_form(
            step_id="template",
            data_schema=self.add_suggested_values_to_schema(TEMPLATE_SCHEMA, suggested),
            errors=errors,
            description_placeholders={"name": self._recipient[CONF_NAME]},
        )

    async def _async_step_recipient(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        current: Mapping[str, Any] | None,
    ) -> SubentryFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                phone_number = normalize_phone_number(
                    user_input[CONF_PHONE_NUMBER], self.hass.config.country
                )
            except InvalidPhoneNumberError:
                errors[CONF_PHONE_NUMBER] = "invalid_phone_number"
            else:
                if self._number_taken(phone_number):
                    errors[CONF_PHONE_NUMBER] = "phone_number_taken"
                else:
                    self._recipient = {
                        CONF_NAME: user_input[CONF_NAME].strip(),
                        CONF_PHONE_NUMBER: phone_number,
                        CONF_DELIVERY_MODE: user_input[CONF_DELIVERY_MODE],
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
        data = {
            CONF_PHONE_NUMBER: phone_number,
            CONF_DELIVERY_MODE: self._recipient[CONF_DELIVERY_MODE],
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

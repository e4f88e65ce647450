"""Config flow steps of a WhatsApp sender (a business phone number): add, reauthenticate, change.

The sender is checked against the Graph API before anything is stored: the token must be valid,
unexpired and allowed to send messages (``whatsapp_business_messaging``), and the phone number id
must name a number the token can use. The entry is titled after the business name and the number,
masked: the title shows up in Home Assistant's own log lines and repairs.
A token that expires is extended right away by Meta's token exchange when the app id and secret
are given, which also proves them right; for a token that never expires they serve no purpose and
are not stored.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
import logging
from typing import Any, Final, override

from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    FlowType,
    SubentryFlowContext,
)
from homeassistant.const import CONF_ACCESS_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.util import dt as dt_util
import probatio as vol

from ..const import SUBENTRY_TYPE_RECIPIENT
from ..entry_kind import EntryKind, is_whatsapp_sender
from ..whatsapp_api import (
    PhoneNumber,
    WhatsAppAuthenticationError,
    WhatsAppConnectionError,
    WhatsAppError,
    WhatsAppInvalidParameterError,
    WhatsAppPermissionError,
    WhatsAppRateLimitError,
    WhatsAppTemporaryError,
)
from .masking import mask_numbers_in, sender_name, sender_title
from .settings import (
    CONF_APP_ID,
    CONF_APP_SECRET,
    CONF_PHONE_NUMBER_ID,
    SenderSettings,
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


@dataclass(frozen=True, slots=True)
class _CheckedSender:
    """A sender the Graph API accepted, with the settings to store (maybe a renewed token)."""

    settings: SenderSettings
    phone_number: PhoneNumber

    @property
    def title(self) -> str:
        """The entry title, e.g. ``WhatsApp Acme (+1 650 ••• 199)``: no full number, it ends up in logs."""
        return sender_title(self.phone_number)

    @property
    def data(self) -> dict[str, Any]:
        """The entry data."""
        return {**EntryKind.WHATSAPP_SENDER.entry_data(), **self.settings.as_data()}


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
    _LOGGER.error(
        "The Graph API refused the sender check: %s", mask_numbers_in(str(err))
    )
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
        # After an error the form keeps all that was typed, the token too (an emptied required
        # field would block the retry): it goes back only to the browser that sent it. A stored
        # token is never suggested.
        return self.async_show_form(
            step_id="whatsapp_sender",
            data_schema=self.add_suggested_values_to_schema(SENDER_SCHEMA, user_input),
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
                        description_placeholders={"sender": sender_name(entry)},
                    )
                errors["base"] = err.error
            else:
                return self._async_update_sender(entry, checked)
        return self.async_show_form(
            step_id="whatsapp_reauth",
            data_schema=self.add_suggested_values_to_schema(REAUTH_SCHEMA, user_input),
            errors=errors,
            description_placeholders={"sender": sender_name(entry)},
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
        suggested = user_input or {
            CONF_PHONE_NUMBER_ID: current.phone_number_id,
            SECTION_TOKEN_RENEWAL: {CONF_APP_ID: current.app_id}
            if current.app_id
            else {},
        }
        return self.async_show_form(
            step_id="whatsapp_reconfigure",
            data_schema=self.add_suggested_values_to_schema(SENDER_SCHEMA, suggested),
            errors=errors,
            description_placeholders={"sender": sender_name(entry)},
        )

    @override
    async def async_on_create_entry(self, result: ConfigFlowResult) -> ConfigFlowResult:
        """Go on to adding the first recipient of a new sender: without one it sends nothing."""
        entry: ConfigEntry = result["result"]
        if is_whatsapp_sender(entry):
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

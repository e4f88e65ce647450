"""Config flow: a WHOOP account (OAuth2) or a WhatsApp sender, chosen from a menu."""

from collections.abc import Mapping
import logging
from typing import Any, override

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_TOKEN
from homeassistant.core import callback
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import (
    CONF_ENTRY_TYPE,
    DOMAIN,
    ENTRY_TYPE_WHATSAPP,
    ENTRY_TYPE_WHOOP,
    SUBENTRY_TYPE_RECIPIENT,
    whoop_base_url,
)
from .scopes import PROFILE_SCOPE, REQUESTED_SCOPES, missing_data_families
from .whatsapp_config_flow import RecipientSubentryFlowHandler, WhatsAppSenderFlowMixin
from .whoop_api import (
    WhoopAuthenticationError,
    WhoopClient,
    WhoopError,
    WhoopResponseError,
)
from .whoop_webhook import CONF_WEBHOOK_ID, webhook_url

_LOGGER = logging.getLogger(__name__)


class WhoopConfigFlow(
    WhatsAppSenderFlowMixin,
    config_entry_oauth2_flow.AbstractOAuth2FlowHandler,
    domain=DOMAIN,
):
    """Add a WHOOP account through OAuth2, or a WhatsApp sender (see WhatsAppSenderFlowMixin)."""

    DOMAIN = DOMAIN
    VERSION = 1

    @property
    @override
    def logger(self) -> logging.Logger:
        """Return the logger of the OAuth2 steps."""
        return _LOGGER

    @property
    @override
    def extra_authorize_data(self) -> dict[str, Any]:
        """Ask for every read scope, and offline for a refresh token."""
        return {"scope": " ".join(REQUESTED_SCOPES)}

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """WhatsApp senders have recipients; WHOOP accounts have no subentries."""
        if config_entry.data.get(CONF_ENTRY_TYPE) == ENTRY_TYPE_WHATSAPP:
            return {SUBENTRY_TYPE_RECIPIENT: RecipientSubentryFlowHandler}
        return {}

    @classmethod
    @callback
    @override
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """WHOOP accounts have a Configure dialog: it shows their webhook URL."""
        return config_entry.data.get(CONF_ENTRY_TYPE) != ENTRY_TYPE_WHATSAPP

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Return the WHOOP account's Configure dialog."""
        return WebhookInfoFlow()

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user choose what to add."""
        return self.async_show_menu(
            step_id="user", menu_options=["whoop_account", "whatsapp_sender"]
        )

    async def async_step_whoop_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Start the OAuth2 dance with WHOOP."""
        return await self.async_step_pick_implementation()

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start reauthentication of whichever kind of entry lost access."""
        if entry_data.get(CONF_ENTRY_TYPE) == ENTRY_TYPE_WHATSAPP:
            return await self.async_step_whatsapp_reauth()
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Tell the user WHOOP access was lost, then sign in again."""
        if user_input is None:
            return self.async_show_form(
                step_id="reauth_confirm",
                description_placeholders={"name": self._get_reauth_entry().title},
            )
        return await self.async_step_pick_implementation()

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in again (e.g. to grant more scopes), or change a WhatsApp sender."""
        if (
            self._get_reconfigure_entry().data.get(CONF_ENTRY_TYPE)
            == ENTRY_TYPE_WHATSAPP
        ):
            return await self.async_step_whatsapp_reconfigure(user_input)
        return await self.async_step_pick_implementation()

    @override
    async def async_oauth_create_entry(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Identify the WHOOP member, then create or update their entry."""
        granted = set(data[CONF_TOKEN].get("scope", "").split())
        if PROFILE_SCOPE not in granted:
            return self.async_abort(reason="missing_profile_scope")

        access_token: str = data[CONF_TOKEN][CONF_ACCESS_TOKEN]

        async def token_provider() -> str:
            return access_token

        client = WhoopClient(
            async_get_clientsession(self.hass),
            token_provider,
            base_url=whoop_base_url(),
        )
        try:
            profile = await client.get_profile()
        except WhoopAuthenticationError:
            return self.async_abort(reason="oauth_unauthorized")
        except WhoopResponseError:
            _LOGGER.exception(
                "WHOOP answered the profile request with something unexpected"
            )
            return self.async_abort(reason="invalid_response")
        except WhoopError as err:
            _LOGGER.warning("Could not reach WHOOP to read the profile: %s", err)
            return self.async_abort(reason="cannot_connect")

        await self.async_set_unique_id(str(profile.user_id))
        data = {**data, CONF_ENTRY_TYPE: ENTRY_TYPE_WHOOP}
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            entry = (
                self._get_reauth_entry()
                if self.source == SOURCE_REAUTH
                else self._get_reconfigure_entry()
            )
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            # Merge: the entry keeps what it has beyond the token (its webhook id).
            return self.async_update_reload_and_abort(entry, data_updates=data)
        self._abort_if_unique_id_configured()

        # The member's webhook URL for the WHOOP dashboard; reauth and reconfigure keep it.
        data[CONF_WEBHOOK_ID] = webhook.async_generate_id()
        title = (
            " ".join(filter(None, (profile.first_name, profile.last_name))) or "WHOOP"
        )
        if missing := missing_data_families(granted):
            # Only the granted data families get entities; say which are left out.
            return self.async_create_entry(
                title=title,
                data=data,
                description="partial_scopes",
                description_placeholders={"missing": ", ".join(sorted(missing))},
            )
        return self.async_create_entry(title=title, data=data)


class WebhookInfoFlow(OptionsFlow):
    """Show the URL to set in the WHOOP developer dashboard for instant updates."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook URL; there is nothing to change."""
        if user_input is not None:
            return self.async_create_entry(data={})
        url = webhook_url(self.hass, self.config_entry)
        return self.async_show_form(
            step_id="init",
            description_placeholders={
                "webhook_url": url or "(set Home Assistant's external URL first)"
            },
        )

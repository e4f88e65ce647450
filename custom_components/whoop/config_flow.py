"""Config flow: a WHOOP account (OAuth2) or a WhatsApp sender, chosen from a menu.

The steps of each kind live with that kind (whoop/config_flow.py, whatsapp/sender_flow.py,
whatsapp/recipients/flow.py); this class puts them behind one menu and sends reauthentication and
reconfiguration to the kind of the entry concerned.
"""

from collections.abc import Mapping
from typing import Any, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.core import callback

from .const import DOMAIN, SUBENTRY_TYPE_RECIPIENT
from .entry_kind import EntryKind, entry_kind
from .whatsapp.recipients.flow import RecipientSubentryFlowHandler
from .whatsapp.sender_flow import WhatsAppSenderFlowMixin
from .whatsapp.webhooks.configure_flow import WhatsAppWebhookFlow
from .whoop.config_flow import WhoopAccountFlowMixin
from .whoop.options_flow import WebhookInfoFlow


class WhoopConfigFlow(WhatsAppSenderFlowMixin, WhoopAccountFlowMixin, domain=DOMAIN):
    """Add a WHOOP account or a WhatsApp sender."""

    DOMAIN = DOMAIN
    VERSION = 1

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """WhatsApp senders have recipients; WHOOP accounts have no subentries."""
        if entry_kind(config_entry) is EntryKind.WHATSAPP_SENDER:
            return {SUBENTRY_TYPE_RECIPIENT: RecipientSubentryFlowHandler}
        return {}

    @classmethod
    @callback
    @override
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Both kinds have a Configure dialog: the webhook of a WHOOP account or of Meta."""
        return True

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Return the Configure dialog of the entry's kind."""
        if entry_kind(config_entry) is EntryKind.WHATSAPP_SENDER:
            return WhatsAppWebhookFlow()
        return WebhookInfoFlow()

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user choose what to add."""
        return self.async_show_menu(
            step_id="user", menu_options=["whoop_account", "whatsapp_sender"]
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start reauthentication of whichever kind of entry lost access."""
        if entry_kind(self._get_reauth_entry()) is EntryKind.WHATSAPP_SENDER:
            return await self.async_step_whatsapp_reauth()
        return await self.async_step_reauth_confirm()

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in again (e.g. to grant more scopes), or change a WhatsApp sender."""
        if entry_kind(self._get_reconfigure_entry()) is EntryKind.WHATSAPP_SENDER:
            return await self.async_step_whatsapp_reconfigure(user_input)
        return await self.async_step_reconfigure_confirm()

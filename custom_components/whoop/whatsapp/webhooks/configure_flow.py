"""A WhatsApp sender's Configure dialog: Meta webhooks (receipts, replies, the 24-hour window).

The user gives the Meta app's secret (the key of every webhook's signature); the dialog then shows
the callback URL and the verify token to enter in Meta's App Dashboard, and the steps there. The
webhook id and the verify token are generated once and kept, so the dashboard settings stay right
when the dialog is opened again (e.g. to enter a new app secret).
"""

import re
import secrets
from typing import Any, Final

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from ..settings import CONF_APP_SECRET, WebhookSettings
from .cloudhook import async_create_cloudhook
from .endpoint import callback_url

_PASSWORD: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
# Meta's app secrets are 32 hexadecimal digits; allow room, refuse what is surely no secret.
_APP_SECRET: Final = re.compile(r"^\S{16,128}$")
_VERIFY_TOKEN_BYTES: Final = 24


class WhatsAppWebhookFlow(OptionsFlow):
    """Set up Meta webhooks for a WhatsApp sender, or show their settings again."""

    def __init__(self) -> None:
        """Start with nothing decided."""
        self._settings: WebhookSettings | None = None

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Go to the webhook step (``init`` is shared with the WHOOP account's dialog)."""
        return await self.async_step_whatsapp_webhook()

    async def async_step_whatsapp_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the app secret (kept when left empty and one is stored)."""
        current = WebhookSettings.from_entry(self.config_entry)
        errors: dict[str, str] = {}
        if user_input is not None:
            app_secret = (user_input.get(CONF_APP_SECRET) or "").strip()
            if not app_secret and current is not None:
                app_secret = current.app_secret
            if not app_secret:
                errors[CONF_APP_SECRET] = "app_secret_required"
            elif not _APP_SECRET.match(app_secret):
                errors[CONF_APP_SECRET] = "invalid_app_secret"
            else:
                webhook_id = (
                    current.webhook_id if current else webhook.async_generate_id()
                )
                cloudhook = (
                    current.cloudhook_url
                    if current
                    else await async_create_cloudhook(self.hass, webhook_id)
                )
                self._settings = WebhookSettings(
                    webhook_id=webhook_id,
                    verify_token=current.verify_token
                    if current
                    else secrets.token_urlsafe(_VERIFY_TOKEN_BYTES),
                    app_secret=app_secret,
                    cloudhook_url=cloudhook,
                )
                return await self.async_step_whatsapp_webhook_info()
        schema = vol.Schema(
            {
                vol.Optional(CONF_APP_SECRET)
                if current
                else vol.Required(CONF_APP_SECRET): _PASSWORD
            }
        )
        return self.async_show_form(
            step_id="whatsapp_webhook",
            data_schema=schema,
            errors=errors,
            description_placeholders={"sender": self.config_entry.title},
        )

    async def async_step_whatsapp_webhook_info(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the callback URL, the verify token and what to do in Meta's App Dashboard."""
        settings = self._settings
        assert settings is not None  # noqa: S101 - only reached from the step before
        if user_input is not None:
            return self.async_create_entry(data=settings.as_options())
        url = callback_url(self.hass, settings)
        return self.async_show_form(
            step_id="whatsapp_webhook_info",
            errors={} if url else {"base": "no_public_url"},
            description_placeholders={
                "callback_url": url or webhook.async_generate_path(settings.webhook_id),
                "verify_token": settings.verify_token,
            },
        )

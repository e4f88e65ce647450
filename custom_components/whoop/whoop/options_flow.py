"""The WHOOP account's Configure dialog: the webhook URL to set in WHOOP's developer dashboard."""

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow

from .webhook import webhook_url


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

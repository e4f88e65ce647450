"""The WHOOP account's Configure dialog: the webhook URL to set in WHOOP's developer dashboard."""

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow

from .cloudhook import UrlSource, async_whoop_webhook_url


class WebhookInfoFlow(OptionsFlow):
    """Show the URL to set in the WHOOP developer dashboard for instant updates."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook URL (Home Assistant Cloud's, else the external one)."""
        if user_input is not None:
            return self.async_create_entry(data={})
        found = await async_whoop_webhook_url(self.hass, self.config_entry)
        if found is None:
            return self.async_abort(reason="no_webhook_url")
        url, source = found
        return self.async_show_form(
            step_id="cloud" if source is UrlSource.CLOUD else "init",
            description_placeholders={"webhook_url": url},
        )

    async def async_step_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Close the dialog that showed the Home Assistant Cloud URL."""
        return self.async_create_entry(data={})

"""The WHOOP account's Configure dialog: where instant updates come from, to read, not to change.

A WHOOP account has no options. The dialog tells the webhook URL to set in WHOOP's developer
dashboard (Home Assistant Cloud's when there is a subscription, else the external URL) and ends
there, with a Close button: no form whose Submit would change nothing.
"""

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow

from .cloudhook import UrlSource, async_whoop_webhook_url


class WebhookInfoFlow(OptionsFlow):
    """Show the URL to set in the WHOOP developer dashboard for instant updates."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook URL (or what Home Assistant needs first) and close."""
        found = await async_whoop_webhook_url(self.hass, self.config_entry)
        if found is None:
            return self.async_abort(reason="no_webhook_url")
        url, source = found
        return self.async_abort(
            reason="webhook_info_cloud"
            if source is UrlSource.CLOUD
            else "webhook_info",
            description_placeholders={"webhook_url": url},
        )

"""The WHOOP account's Configure dialog: where instant updates come from, to read, not to change.

A WHOOP account has no options. The dialog tells the webhook URL to set in WHOOP's developer
dashboard and ends there, with a Close button: no form whose Submit would change nothing.
"""

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow

from .webhook import webhook_url


class WebhookInfoFlow(OptionsFlow):
    """Show the URL to set in the WHOOP developer dashboard for instant updates."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook URL (or what Home Assistant needs first) and close."""
        if url := webhook_url(self.hass, self.config_entry):
            return self.async_abort(
                reason="webhook_info", description_placeholders={"webhook_url": url}
            )
        return self.async_abort(reason="webhook_needs_external_url")

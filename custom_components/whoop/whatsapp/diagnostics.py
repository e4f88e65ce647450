"""Diagnostics of a WhatsApp sender: its settings, token state and recipients, secrets redacted."""

from typing import Any, Final

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_ACCESS_TOKEN
from homeassistant.core import HomeAssistant

from .runtime_data import WhatsAppConfigEntry
from .settings import CONF_APP_SECRET, CONF_PHONE_NUMBER, RecipientSettings

# The token and the app secret are secrets; phone numbers identify people (the business number
# appears in the entry title too).
TO_REDACT: Final = {
    CONF_ACCESS_TOKEN,
    CONF_APP_SECRET,
    CONF_PHONE_NUMBER,
    "display_phone_number",
    "title",
}


async def async_get_sender_diagnostics(
    hass: HomeAssistant, entry: WhatsAppConfigEntry
) -> dict[str, Any]:
    """Return what helps to understand a WhatsApp sender's problems, without secrets or numbers."""
    diagnostics: dict[str, Any] = {
        "entry": {
            "title": entry.title,
            "state": entry.state.value,
            "data": dict(entry.data),
        },
        "recipients": [
            _recipient(subentry_settings) for subentry_settings in _recipients(entry)
        ],
    }
    if entry.state is ConfigEntryState.LOADED:
        runtime = entry.runtime_data
        token = runtime.token_watch.last_info
        diagnostics["business_number"] = {
            "display_phone_number": runtime.phone_number.display_phone_number,
            "verified_name": runtime.phone_number.verified_name,
            "quality_rating": runtime.phone_number.quality_rating,
        }
        diagnostics["token"] = (
            None
            if token is None
            else {
                "type": token.type,
                "is_valid": token.is_valid,
                "expires_at": token.expires_at.isoformat()
                if token.expires_at
                else None,
                "scopes": list(token.scopes),
                "can_send_messages": token.can_send_messages,
                "has_app_credentials": runtime.token_watch.settings.can_renew_token,
            }
        )
        diagnostics["queued_sends"] = sum(runtime.sender.pending_by_recipient.values())
        # The webhook's id, verify token and secret are secrets: only whether it is set up.
        diagnostics["webhooks"] = {
            "configured": runtime.webhook is not None,
            "cloudhook": bool(runtime.webhook and runtime.webhook.cloudhook_url),
            "tracked_messages": len(runtime.receipts),
        }
    return async_redact_data(diagnostics, TO_REDACT)


def _recipients(entry: WhatsAppConfigEntry) -> list[RecipientSettings]:
    return [
        RecipientSettings.from_subentry(subentry)
        for subentry in entry.subentries.values()
    ]


def _recipient(recipient: RecipientSettings) -> dict[str, Any]:
    template = recipient.template
    return {
        CONF_PHONE_NUMBER: recipient.phone_number,
        "delivery_mode": recipient.delivery_mode.value,
        "template": None
        if template is None
        else {
            "name": template.name,
            "language": template.language,
            "parameters": template.parameters.value,
            "title_parameter": template.title_parameter,
            "message_parameter": template.message_parameter,
        },
    }

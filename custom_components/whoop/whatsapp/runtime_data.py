"""What a WhatsApp sender entry holds while loaded, and the typed entry."""

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from ..const import DOMAIN
from ..whatsapp_api import PhoneNumber
from .delivery.sender import WhatsAppSender
from .token_watch import TokenWatch


@dataclass(frozen=True, slots=True)
class WhatsAppRuntimeData:
    """What a WhatsApp sender entry holds while loaded.

    Attributes:
        phone_number: The business number, as the Cloud API described it at setup.
        sender: Delivers messages (per-recipient queues, retries, errors).
        token_watch: Watches the token's expiry; holds the settings in use.
    """

    phone_number: PhoneNumber
    sender: WhatsAppSender
    token_watch: TokenWatch


type WhatsAppConfigEntry = ConfigEntry[WhatsAppRuntimeData]


def signal_recipients_changed(entry_id: str) -> str:
    """Return the dispatcher signal sent when a sender's recipients (subentries) may have changed."""
    return f"{DOMAIN}_{entry_id}_whatsapp_recipients_changed"

"""What a WhatsApp sender entry holds while loaded, and the typed entry."""

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from ..const import DOMAIN
from ..whatsapp_api import PhoneNumber
from .conversation_window import ConversationWindows
from .delivery.sender import WhatsAppSender
from .settings import WebhookSettings
from .token_watch import TokenWatch
from .webhooks.endpoint import SeenDeliveries
from .webhooks.receipts import Receipts


@dataclass(frozen=True, slots=True)
class WhatsAppRuntimeData:
    """What a WhatsApp sender entry holds while loaded.

    Attributes:
        phone_number: The business number, as the Cloud API described it at setup.
        sender: Delivers messages (per-recipient queues, retries, errors).
        token_watch: Watches the token's expiry; holds the settings in use.
        receipts: What became of each message sent (statuses from the webhook).
        windows: Each recipient's 24-hour window, from their last inbound message.
        webhook: The webhook settings in use (``None``: webhooks are not set up).
        seen: The webhook deliveries already handled (with webhooks only).
    """

    phone_number: PhoneNumber
    sender: WhatsAppSender
    token_watch: TokenWatch
    receipts: Receipts
    windows: ConversationWindows
    webhook: WebhookSettings | None = None
    seen: SeenDeliveries | None = None


type WhatsAppConfigEntry = ConfigEntry[WhatsAppRuntimeData]


def signal_recipients_changed(entry_id: str) -> str:
    """Return the dispatcher signal sent when a sender's recipients (subentries) may have changed."""
    return f"{DOMAIN}_{entry_id}_whatsapp_recipients_changed"

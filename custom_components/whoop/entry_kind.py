"""Which kind a config entry is: a WHOOP account (OAuth2) or a WhatsApp sender (a business number).

The one place that reads the entry's kind: everything else asks `entry_kind` or the two type guards,
which also tell the type checker which runtime data the entry holds.
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeIs

from homeassistant.config_entries import ConfigEntry

from .const import CONF_ENTRY_TYPE

if TYPE_CHECKING:
    from .whatsapp.runtime_data import WhatsAppConfigEntry
    from .whoop.coordinator import WhoopConfigEntry


class EntryKind(StrEnum):
    """The two kinds of config entry, as stored in the entry's data."""

    WHOOP_ACCOUNT = "whoop_account"
    WHATSAPP_SENDER = "whatsapp_sender"

    def entry_data(self) -> dict[str, Any]:
        """Return what a new entry's data holds to say its kind."""
        return {CONF_ENTRY_TYPE: self.value}


def entry_kind(entry: ConfigEntry) -> EntryKind:
    """Return the kind of ``entry`` (entries made before there were two kinds are WHOOP accounts)."""
    if entry.data.get(CONF_ENTRY_TYPE) == EntryKind.WHATSAPP_SENDER:
        return EntryKind.WHATSAPP_SENDER
    return EntryKind.WHOOP_ACCOUNT


def is_whoop_account(entry: ConfigEntry) -> TypeIs[WhoopConfigEntry]:
    """Tell whether ``entry`` is a WHOOP account."""
    return entry_kind(entry) is EntryKind.WHOOP_ACCOUNT


def is_whatsapp_sender(entry: ConfigEntry) -> TypeIs[WhatsAppConfigEntry]:
    """Tell whether ``entry`` is a WhatsApp sender."""
    return entry_kind(entry) is EntryKind.WHATSAPP_SENDER

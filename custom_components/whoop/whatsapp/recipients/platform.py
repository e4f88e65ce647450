"""Adding a recipient's entities of one platform: now, and for each recipient added later.

Every entity of a recipient belongs to the recipient's device; entities of deleted recipients go
with their subentry.
"""

from collections.abc import Callable

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN, SUBENTRY_TYPE_RECIPIENT
from ..runtime_data import WhatsAppConfigEntry, signal_recipients_changed


def recipient_device(subentry: ConfigSubentry) -> DeviceInfo:
    """Return the device of a recipient: the person, named as the user calls them.

    Whichever platform is set up first creates it, so every entity describes it in full.
    """
    return DeviceInfo(
        identifiers={(DOMAIN, subentry.subentry_id)},
        name=subentry.title,
        entry_type=DeviceEntryType.SERVICE,
        manufacturer="Meta",
        model="WhatsApp recipient",
    )


@callback
def async_add_recipient_entities(
    hass: HomeAssistant,
    entry: WhatsAppConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    create: Callable[[WhatsAppConfigEntry, ConfigSubentry], Entity],
) -> None:
    """Add ``create``'s entity for each recipient now and for each one added later."""
    added: set[str] = set()

    @callback
    def async_add_new_recipients() -> None:
        added.intersection_update(entry.subentries)
        for subentry_id, subentry in entry.subentries.items():
            if (
                subentry.subentry_type != SUBENTRY_TYPE_RECIPIENT
                or subentry_id in added
            ):
                continue
            added.add(subentry_id)
            async_add_entities(
                [create(entry, subentry)], config_subentry_id=subentry_id
            )

    async_add_new_recipients()
    entry.async_on_unload(
        async_dispatcher_connect(
            hass, signal_recipients_changed(entry.entry_id), async_add_new_recipients
        )
    )

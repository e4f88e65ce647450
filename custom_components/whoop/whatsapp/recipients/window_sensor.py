"""A recipient's 24-hour window as a sensor: "WhatsApp window open until" (a timestamp).

Unknown until the person writes (through the webhook); then the time their window closes, which
stays shown once it passed: "closed since".
"""

from datetime import datetime
from typing import override

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..conversation_window import signal_window_changed
from ..runtime_data import WhatsAppConfigEntry
from .platform import async_add_recipient_entities, recipient_device

# The window moves with webhooks; nothing is polled.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WhatsAppConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a window sensor per recipient."""
    async_add_recipient_entities(hass, entry, async_add_entities, WhatsAppWindowSensor)


class WhatsAppWindowSensor(SensorEntity):
    """When the recipient's 24-hour window closes."""

    _attr_has_entity_name = True
    _attr_translation_key = "window_open_until"
    _attr_device_class = SensorDeviceClass.TIMESTAMP
    _attr_should_poll = False

    def __init__(self, entry: WhatsAppConfigEntry, subentry: ConfigSubentry) -> None:
        """Represent the window of the recipient ``subentry`` of the sender ``entry``."""
        self._entry = entry
        self._subentry_id = subentry.subentry_id
        self._attr_unique_id = f"{subentry.subentry_id}_window"
        self._attr_device_info = recipient_device(subentry)

    @property
    @override
    def native_value(self) -> datetime | None:
        """When the window closes (or closed); unknown if they never wrote."""
        return self._entry.runtime_data.windows.open_until(self._subentry_id)

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the windows."""
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_window_changed(self._entry.entry_id),
                self._async_window_changed,
            )
        )

    @callback
    def _async_window_changed(self, recipient_id: str) -> None:
        if recipient_id == self._subentry_id:
            self.async_write_ha_state()

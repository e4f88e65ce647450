"""How far the history import has come, for the "History import" sensor and the log."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, override

from homeassistant.components.sensor import SensorEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.util import dt as dt_util

from ...const import DOMAIN


class ImportStatus(StrEnum):
    """The history import's state, as the sensor shows it."""

    WAITING = "waiting"
    IMPORTING = "importing"
    RATE_LIMITED = "rate_limited"
    COMPLETE = "complete"
    FAILED = "failed"


@dataclass(slots=True)
class HistoryProgress:
    """Counts of one member's import; listeners hear every change."""

    status: ImportStatus = ImportStatus.WAITING
    families_total: int = 0
    families_done: int = 0
    current_fraction: float = 0.0
    """How much of the family being imported is done, once the account's start is known."""
    records: int = 0
    requests: int = 0
    oldest: datetime | None = None
    """The oldest record reached so far (the import pages back from today)."""
    _listeners: list[Callable[[], None]] = field(default_factory=list)

    @property
    def percentage(self) -> int:
        """Share of the families imported back to the account's start."""
        if self.status is ImportStatus.COMPLETE or not self.families_total:
            return 100 if self.status is ImportStatus.COMPLETE else 0
        done = self.families_done + min(max(self.current_fraction, 0.0), 1.0)
        return min(99, round(100 * done / self.families_total))

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` on every change; return the callback that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_changed(self) -> None:
        """Tell the listeners."""
        for listener in list(self._listeners):
            listener()


class HistoryImportSensor(SensorEntity):
    """Diagnostic: how much of the member's history is imported (percent), and its state."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_translation_key = "history_import"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_native_unit_of_measurement = PERCENTAGE

    def __init__(self, entry: ConfigEntry[Any], progress: HistoryProgress) -> None:
        """Attach the sensor to the member's device."""
        member_id = str(entry.unique_id)
        self._progress = progress
        self._attr_unique_id = f"{member_id}_history_import"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, member_id)})

    @override
    async def async_added_to_hass(self) -> None:
        self.async_on_remove(
            self._progress.async_add_listener(self.async_write_ha_state)
        )

    @property
    @override
    def native_value(self) -> int:
        return self._progress.percentage

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        oldest = self._progress.oldest
        return {
            "status": self._progress.status.value,
            "records": self._progress.records,
            "requests": self._progress.requests,
            "oldest_record": dt_util.as_local(oldest).date().isoformat()
            if oldest
            else None,
        }

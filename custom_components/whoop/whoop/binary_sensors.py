"""WHOOP binary sensors: whether WHOOP is still calibrating the member's recovery."""

from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import RecoveryCoordinator, WhoopConfigEntry
from .entity import WhoopEntity

# Coordinators do all the fetching.
PARALLEL_UPDATES = 0

CALIBRATING = BinarySensorEntityDescription(
    key="recovery_calibrating",
    translation_key="recovery_calibrating",
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WhoopConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the calibrating sensor when recovery was granted."""
    if coordinator := entry.runtime_data.recovery:
        async_add_entities([WhoopCalibratingSensor(coordinator, CALIBRATING)])


class WhoopCalibratingSensor(WhoopEntity[RecoveryCoordinator], BinarySensorEntity):
    """On during the first days, while WHOOP learns the member's baseline."""

    @property
    @override
    def is_on(self) -> bool | None:
        data = self.coordinator.data
        score = data.latest.score if data.latest else None
        return score.user_calibrating if score else None

"""Base entity: every WHOOP entity belongs to the member's service device."""

from typing import Any

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..const import DOMAIN
from .coordinator import WhoopCoordinator


class WhoopEntity[CoordinatorT: WhoopCoordinator[Any]](CoordinatorEntity[CoordinatorT]):
    """An entity fed by one WHOOP coordinator; unavailable while its updates fail."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: CoordinatorT, description: EntityDescription
    ) -> None:
        """Attach the entity to the member's device."""
        super().__init__(coordinator)
        self.entity_description = description
        member_id = str(coordinator.config_entry.unique_id)
        self._attr_unique_id = f"{member_id}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, member_id)})

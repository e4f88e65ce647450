"""A stable view of a config entry's entities for syrupy snapshots.

Home Assistant's own snapshot serializer is not applied with the syrupy release the test plugin
installs, and raw registry entries carry random ids and times; this keeps what a user sees.
"""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er


def entity_snapshot(hass: HomeAssistant, config_entry_id: str) -> dict[str, Any]:
    """Return every entity of the entry: registry options, state and attributes."""
    registry = er.async_get(hass)
    view: dict[str, Any] = {}
    for entry in sorted(
        er.async_entries_for_config_entry(registry, config_entry_id),
        key=lambda entry: entry.entity_id,
    ):
        state = hass.states.get(entry.entity_id)
        view[entry.entity_id] = {
            "unique_id": entry.unique_id,
            "translation_key": entry.translation_key,
            "original_name": entry.original_name,
            "device_class": entry.original_device_class,
            "entity_category": entry.entity_category,
            "disabled_by": entry.disabled_by,
            "unit_of_measurement": entry.unit_of_measurement,
            "options": dict(entry.options),
            "state": state.state if state else None,
            "attributes": dict(state.attributes) if state else None,
        }
    return view

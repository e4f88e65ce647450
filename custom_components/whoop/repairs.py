"""Repairs platform: the fix flows of the integration's fixable issues (missing WHOOP scopes)."""

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from .whoop import repairs as whoop_repairs


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """Return the fix flow of ``issue_id`` (only the missing-scopes issue is fixable)."""
    return whoop_repairs.async_create_fix_flow(dict(data) if data else None)

"""Sensor platform: the WHOOP member's values (see whoop/sensors.py)."""

from .whoop.sensors import PARALLEL_UPDATES, async_setup_entry

__all__ = ["PARALLEL_UPDATES", "async_setup_entry"]

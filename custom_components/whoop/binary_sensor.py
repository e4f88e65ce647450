"""Binary sensor platform: whether WHOOP is still calibrating (see whoop/binary_sensors.py)."""

from .whoop.binary_sensors import PARALLEL_UPDATES, async_setup_entry

__all__ = ["PARALLEL_UPDATES", "async_setup_entry"]

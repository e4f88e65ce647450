"""Event platform: a new recovery, sleep or workout was scored (see whoop/events.py)."""

from .whoop.events import PARALLEL_UPDATES, async_setup_entry

__all__ = ["PARALLEL_UPDATES", "async_setup_entry"]

"""Calendar platform: the member's sleeps, naps and workouts (see whoop/calendar.py)."""

from .whoop.calendar import PARALLEL_UPDATES, async_setup_entry

__all__ = ["PARALLEL_UPDATES", "async_setup_entry"]

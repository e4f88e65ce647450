"""WHOOP events: fire once when a new recovery, sleep or workout is scored.

Automations trigger on them ("when today's recovery arrives"). An event fires for a record that
was scored since the last one this entity fired for, including while Home Assistant was down; a
record already known when the entity is first created does not fire.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from ..whoop_api import Recovery, Sleep, Workout
from .auth.scopes import DataFamily
from .coordinator import (
    RecoveryData,
    SleepData,
    WhoopConfigEntry,
    WhoopCoordinator,
    WorkoutData,
)
from .entity import WhoopEntity
from .sensors import recovery_zone

# Coordinators do all the fetching.
PARALLEL_UPDATES = 0

ATTR_RECORD_ID = "record_id"


@dataclass(frozen=True, kw_only=True)
class ScoredEvent:
    """An event to fire: its type and attributes, and the id of the record it is about."""

    record_id: str
    event_type: str
    updated_at: datetime
    attributes: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class WhoopEventEntityDescription(EventEntityDescription):
    """Which family feeds the event and how a scored record becomes an event."""

    family: DataFamily
    scored_fn: Callable[[Any], list[ScoredEvent]]


def _recovery_events(data: RecoveryData) -> list[ScoredEvent]:
    recovery: Recovery | None = data.latest
    if recovery is None or recovery.score is None:
        return []
    score = recovery.score
    return [
        ScoredEvent(
            record_id=str(recovery.cycle_id),
            event_type="recovery_scored",
            updated_at=recovery.updated_at,
            attributes={
                "recovery_score": score.recovery_score,
                "recovery_zone": recovery_zone(score.recovery_score),
                "heart_rate_variability": score.hrv_rmssd_milli,
                "resting_heart_rate": score.resting_heart_rate,
                "blood_oxygen": score.spo2_percentage,
                "skin_temperature": score.skin_temp_celsius,
                "calibrating": score.user_calibrating,
            },
        )
    ]


def _sleep_event(sleep: Sleep | None, event_type: str) -> list[ScoredEvent]:
    if sleep is None or sleep.score is None:
        return []
    score = sleep.score
    return [
        ScoredEvent(
            record_id=sleep.id,
            event_type=event_type,
            updated_at=sleep.updated_at,
            attributes={
                "start": sleep.start.isoformat(),
                "end": sleep.end.isoformat(),
                "sleep_performance": score.sleep_performance_percentage,
                "total_sleep_hours": _hours(score.total_sleep_time_milli),
                "sleep_need_hours": _hours(score.sleep_need_milli),
            },
        )
    ]


def _hours(milli: int | None) -> float | None:
    """Milliseconds in hours, two decimals; unknown stays unknown."""
    return None if milli is None else round(milli / 3_600_000, 2)


def _sleep_events(data: SleepData) -> list[ScoredEvent]:
    return _sleep_event(data.last_night, "sleep_scored") + _sleep_event(
        data.latest_nap, "nap_scored"
    )


def _workout_events(data: WorkoutData) -> list[ScoredEvent]:
    workout: Workout | None = data.latest
    if workout is None or workout.score is None:
        return []
    score = workout.score
    return [
        ScoredEvent(
            record_id=workout.id,
            event_type="workout_scored",
            updated_at=workout.updated_at,
            attributes={
                "sport": workout.sport_name,
                "start": workout.start.isoformat(),
                "end": workout.end.isoformat(),
                "strain": score.strain,
                "energy_kilojoule": score.kilojoule,
                "average_heart_rate": score.average_heart_rate,
                "max_heart_rate": score.max_heart_rate,
                "distance_meter": score.distance_meter,
            },
        )
    ]


EVENTS: tuple[WhoopEventEntityDescription, ...] = (
    WhoopEventEntityDescription(
        key="recovery_event",
        translation_key="recovery_event",
        family=DataFamily.RECOVERY,
        event_types=["recovery_scored"],
        scored_fn=_recovery_events,
    ),
    WhoopEventEntityDescription(
        key="sleep_event",
        translation_key="sleep_event",
        family=DataFamily.SLEEP,
        event_types=["sleep_scored", "nap_scored"],
        scored_fn=_sleep_events,
    ),
    WhoopEventEntityDescription(
        key="workout_event",
        translation_key="workout_event",
        family=DataFamily.WORKOUT,
        event_types=["workout_scored"],
        scored_fn=_workout_events,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WhoopConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the event entities of the granted families."""
    runtime_data = entry.runtime_data
    async_add_entities(
        WhoopScoredEvent(coordinator, description)
        for description in EVENTS
        if (coordinator := runtime_data.coordinator_of(description.family))
    )


class WhoopScoredEvent(WhoopEntity[WhoopCoordinator[Any]], EventEntity):
    """Fires once per newly scored record of its family."""

    entity_description: WhoopEventEntityDescription

    def __init__(
        self,
        coordinator: WhoopCoordinator[Any],
        description: WhoopEventEntityDescription,
    ) -> None:
        """Start with no record seen."""
        super().__init__(coordinator, description)
        # Per event type: the record the entity last fired for (or found already scored).
        self._seen: dict[str, str] = {}

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        restored = await self.async_get_last_state()
        last_fired = dt_util.parse_datetime(restored.state) if restored else None
        known = self._scored()
        for event in known:
            if last_fired is None or event.updated_at <= last_fired:
                # Already known before (or the entity is new): history, not news.
                self._seen[event.event_type] = event.record_id
        if restored is None and known:
            self._show_without_firing(max(known, key=lambda event: event.updated_at))
        # Whatever is left was scored while Home Assistant was not running.
        self._handle_scored(write_state=False)

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        self._handle_scored(write_state=True)

    def _show_without_firing(self, event: ScoredEvent) -> None:
        """Show a new entity's latest known record (its time, type, values), not "Unknown".

        EventEntity keeps its last event in private fields that only ``_trigger_event`` sets, and
        with the time it is called: this sets them to the record's own scoring time instead. The
        entity's first state is written when it is added; no event of this record fires later.
        """
        self._EventEntity__last_event_triggered = event.updated_at
        self._EventEntity__last_event_type = event.event_type
        self._EventEntity__last_event_attributes = {
            ATTR_RECORD_ID: event.record_id,
            **event.attributes,
        }

    def _scored(self) -> list[ScoredEvent]:
        # No data while the first update failed (e.g. an inactive membership at setup).
        data = self.coordinator.data
        return [] if data is None else self.entity_description.scored_fn(data)

    @callback
    def _handle_scored(self, *, write_state: bool) -> None:
        fired = False
        for event in self._scored():
            if self._seen.get(event.event_type) == event.record_id:
                continue
            self._seen[event.event_type] = event.record_id
            self._trigger_event(
                event.event_type, {ATTR_RECORD_ID: event.record_id, **event.attributes}
            )
            fired = True
        if fired or write_state:
            self.async_write_ha_state()

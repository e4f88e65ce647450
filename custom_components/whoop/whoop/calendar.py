"""A calendar per member: sleeps, naps and workouts as events, read from the record index.

The index (history/records.py) is filled by the history import and by the coordinators, so a
calendar view costs no request.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Final, override

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from .coordinator import WhoopConfigEntry
from .history.importer import WhoopHistory
from .history.records import CalendarRecord, RecordKind

PARALLEL_UPDATES = 0

KILOJOULE_PER_KILOCALORIE: Final = 4.184

# English, used when a translation lacks a text (en.json holds the same).
_DEFAULT_TEXTS: Final[Mapping[str, str]] = {
    "sleep": "Sleep · {duration}, {performance}",
    "sleep_unscored": "Sleep · {duration}",
    "nap": "Nap · {duration}",
    "workout": "{sport} · strain {strain}",
    "workout_unscored": "{sport}",
    "time_asleep": "Time asleep: {value}",
    "performance": "Sleep performance: {value}",
    "efficiency": "Sleep efficiency: {value}",
    "respiratory_rate": "Respiratory rate: {value} br/min",
    "strain": "Strain: {value}",
    "energy": "Energy: {value} kcal",
    "average_heart_rate": "Average heart rate: {value} bpm",
    "max_heart_rate": "Max heart rate: {value} bpm",
    "distance": "Distance: {value} km",
    "hours_minutes": "{hours} h {minutes} min",
    "minutes": "{minutes} min",
}

# WHOOP's sport names as people say them, where capitalising the first letter is not enough.
_SPORT_WORDS: Final[Mapping[str, str]] = {
    "functional-fitness": "Functional fitness",
    "hiit": "HIIT",
    "weightlifting": "Weightlifting",
    "powerlifting": "Powerlifting",
    "spin": "Spin",
    "jiu-jitsu": "Jiu jitsu",
    "activity": "Activity",
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WhoopConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the member's calendar."""
    if (history := entry.runtime_data.history) is None:
        return
    texts = await _async_texts(hass)
    async_add_entities([WhoopCalendar(entry, history, texts)])


async def _async_texts(hass: HomeAssistant) -> dict[str, str]:
    """Return the calendar's texts and sport names in the user's language."""
    found = await translation.async_get_translations(
        hass, hass.config.language, "selector", {DOMAIN}
    )
    prefix = f"component.{DOMAIN}.selector."
    texts = dict(_DEFAULT_TEXTS)
    for key, value in found.items():
        if key.startswith(f"{prefix}calendar_text.options."):
            texts[key.rsplit(".", 1)[1]] = value
        elif key.startswith(f"{prefix}sport.options."):
            texts[f"sport:{key.rsplit('.', 1)[1]}"] = value
    return texts


def sport_words(sport: str, texts: Mapping[str, str]) -> str:
    """Return a sport as people write it: "Weightlifting", "Functional fitness"."""
    key = sport.strip().lower()
    if (word := texts.get(f"sport:{key.replace('-', '_')}")) is not None:
        return word
    if (word := _SPORT_WORDS.get(key)) is not None:
        return word
    words = key.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "Workout"


def _duration(milli: int, texts: Mapping[str, str]) -> str:
    minutes_total = round(milli / 60_000)
    hours, minutes = divmod(minutes_total, 60)
    if hours:
        return texts["hours_minutes"].format(hours=hours, minutes=minutes)
    return texts["minutes"].format(minutes=minutes)


def _percent(value: float) -> str:
    return f"{value:.0f} %"


def event_of(record: CalendarRecord, texts: Mapping[str, str]) -> CalendarEvent:
    """Return the calendar event of a sleep, nap or workout."""
    if record.kind is RecordKind.WORKOUT:
        summary, lines = _workout_text(record, texts)
    else:
        summary, lines = _sleep_text(record, texts)
    return CalendarEvent(
        start=dt_util.as_local(record.start),
        end=dt_util.as_local(record.end),
        summary=summary,
        description="\n".join(lines) or None,
        uid=record.uid,
    )


def _sleep_text(
    record: CalendarRecord, texts: Mapping[str, str]
) -> tuple[str, list[str]]:
    asleep = record.total_sleep_milli
    length = (
        asleep
        if asleep is not None
        else round((record.end - record.start).total_seconds() * 1000)
    )
    duration = _duration(length, texts)
    if record.kind is RecordKind.NAP:
        summary = texts["nap"].format(duration=duration)
    elif record.sleep_performance is None:
        summary = texts["sleep_unscored"].format(duration=duration)
    else:
        summary = texts["sleep"].format(
            duration=duration, performance=_percent(record.sleep_performance)
        )
    lines: list[str] = []
    if asleep is not None:
        lines.append(texts["time_asleep"].format(value=_duration(asleep, texts)))
    if record.sleep_performance is not None:
        lines.append(
            texts["performance"].format(value=_percent(record.sleep_performance))
        )
    if record.sleep_efficiency is not None:
        lines.append(
            texts["efficiency"].format(value=_percent(record.sleep_efficiency))
        )
    if record.respiratory_rate is not None:
        lines.append(
            texts["respiratory_rate"].format(value=f"{record.respiratory_rate:.1f}")
        )
    return summary, lines


def _workout_text(
    record: CalendarRecord, texts: Mapping[str, str]
) -> tuple[str, list[str]]:
    sport = sport_words(record.sport or "", texts)
    if record.strain is None:
        summary = texts["workout_unscored"].format(sport=sport)
    else:
        summary = texts["workout"].format(sport=sport, strain=f"{record.strain:.1f}")
    lines: list[str] = []
    if record.strain is not None:
        lines.append(texts["strain"].format(value=f"{record.strain:.1f}"))
    if record.kilojoule is not None:
        kcal = record.kilojoule / KILOJOULE_PER_KILOCALORIE
        lines.append(texts["energy"].format(value=f"{kcal:.0f}"))
    if record.average_heart_rate is not None:
        lines.append(
            texts["average_heart_rate"].format(value=record.average_heart_rate)
        )
    if record.max_heart_rate is not None:
        lines.append(texts["max_heart_rate"].format(value=record.max_heart_rate))
    if record.distance_meter is not None:
        lines.append(
            texts["distance"].format(value=f"{record.distance_meter / 1000:.2f}")
        )
    return summary, lines


class WhoopCalendar(CalendarEntity):
    """The member's sleeps, naps and workouts."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_translation_key = "activities"

    def __init__(
        self, entry: WhoopConfigEntry, history: WhoopHistory, texts: Mapping[str, str]
    ) -> None:
        """Attach the calendar to the member's device."""
        member_id = str(entry.unique_id)
        self._history = history
        self._texts = texts
        self._attr_unique_id = f"{member_id}_calendar"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, member_id)})

    @override
    async def async_added_to_hass(self) -> None:
        self.async_on_remove(
            self._history.async_add_index_listener(self.async_write_ha_state)
        )

    @property
    @override
    def event(self) -> CalendarEvent | None:
        """Return the sleep or workout going on now, else the latest one."""
        now = dt_util.utcnow()
        latest = None
        for record in self._history.index:
            if record.start <= now:
                latest = record
        return event_of(latest, self._texts) if latest is not None else None

    @override
    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        return [
            event_of(record, self._texts)
            for record in self._history.index.between(start_date, end_date)
        ]

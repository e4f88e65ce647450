"""What Home Assistant should show for each record the sandbox scores, and how to tell it does.

A record counts as shown once every one of its checks holds: the sensor (or event attribute)
carries a value unique to that record, e.g. the recovery's HRV, the sleep's respiratory rate.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
import math

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from custom_components.whoop.const import DOMAIN
from sandbox.whoop import ScoreState, WhoopSandbox

# Timestamp sensors show whole seconds; WHOOP's timestamps have milliseconds.
TIMESTAMP_TOLERANCE = timedelta(seconds=1)


class RecordKind(StrEnum):
    """The kinds of scored record whose visibility the benchmark times."""

    RECOVERY = "recovery"
    SLEEP = "sleep"
    NAP = "nap"
    WORKOUT = "workout"


@dataclass(frozen=True, slots=True)
class StateCheck:
    """One entity's state (or attribute) that must equal the record's value."""

    entity_id: str
    expected: float | str | datetime
    attribute: str | None = None

    def holds(self, hass: HomeAssistant) -> bool:
        """Tell whether Home Assistant shows the expected value now."""
        state = hass.states.get(self.entity_id)
        if state is None:
            return False
        shown = state.attributes.get(self.attribute) if self.attribute else state.state
        expected = self.expected
        if isinstance(expected, datetime):
            when = dt_util.parse_datetime(str(shown))
            return when is not None and abs(when - expected) < TIMESTAMP_TOLERANCE
        if isinstance(expected, float):
            try:
                return math.isclose(float(str(shown)), expected, rel_tol=1e-9)
            except ValueError:
                return False
        return shown == expected


@dataclass(frozen=True, slots=True)
class ScoredRecord:
    """A record the sandbox scores at ``scored_at``, and what showing it means."""

    user_id: int
    kind: RecordKind
    record_id: str
    scored_at: datetime
    checks: tuple[StateCheck, ...]

    def is_shown(self, hass: HomeAssistant) -> bool:
        """Tell whether Home Assistant shows this record now."""
        return all(check.holds(hass) for check in self.checks)


class MemberEntities:
    """Entity ids of one member's WHOOP entities, found by unique id in the entity registry."""

    def __init__(self, hass: HomeAssistant, user_id: int) -> None:
        """Look up the entities of member ``user_id``."""
        self._registry = er.async_get(hass)
        self._user_id = user_id

    def get(self, platform: str, key: str) -> str:
        """Return the entity id of the entity ``key`` on ``platform``.

        Raises:
            LookupError: the integration did not create that entity.
        """
        unique_id = f"{self._user_id}_{key}"
        entity_id = self._registry.async_get_entity_id(platform, DOMAIN, unique_id)
        if entity_id is None:
            msg = f"No {platform} entity with unique id {unique_id}"
            raise LookupError(msg)
        return entity_id


class NoEntities:
    """Stands for the entities of a client that has none (the reference client): no checks."""

    def get(self, platform: str, key: str) -> str:
        """Return no entity id (checks on it are never looked at)."""
        return f"{platform}.none_{key}"


def scored_between(
    whoop: WhoopSandbox,
    user_id: int,
    entities: MemberEntities | NoEntities,
    start: datetime,
    end: datetime,
) -> list[ScoredRecord]:
    """Return the member's records scored from ``start`` (inclusive) to ``end`` (exclusive).

    A record's ``updated_at`` is the moment it became SCORED (see the sandbox's generator); the
    generator is deterministic, so asking for the records as of ``end`` sees into the future.
    """
    records = whoop.records(user_id, at=end)
    scored: list[ScoredRecord] = []

    def in_window(state: ScoreState, updated_at: datetime) -> bool:
        return state is ScoreState.SCORED and start <= updated_at < end

    for recovery in records.recoveries:
        if recovery.score is None or not in_window(
            recovery.score_state, recovery.updated_at
        ):
            continue
        scored.append(
            ScoredRecord(
                user_id,
                RecordKind.RECOVERY,
                str(recovery.cycle_id),
                recovery.updated_at,
                (
                    StateCheck(
                        entities.get("sensor", "recovery_score"),
                        float(recovery.score.recovery_score),
                    ),
                    StateCheck(
                        entities.get("sensor", "heart_rate_variability"),
                        float(recovery.score.hrv_rmssd_milli),
                    ),
                ),
            )
        )
    for sleep in records.sleeps:
        if sleep.score is None or not in_window(sleep.score_state, sleep.updated_at):
            continue
        checks = (
            # Naps have no sensors: the sleep event entity announces them.
            (
                StateCheck(
                    entities.get("event", "sleep_event"), "nap_scored", "event_type"
                ),
                StateCheck(
                    entities.get("event", "sleep_event"), str(sleep.id), "record_id"
                ),
            )
            if sleep.nap
            else (
                StateCheck(entities.get("sensor", "sleep_start"), sleep.start),
                StateCheck(
                    entities.get("sensor", "respiratory_rate"),
                    float(sleep.score.respiratory_rate),
                ),
            )
        )
        kind = RecordKind.NAP if sleep.nap else RecordKind.SLEEP
        scored.append(
            ScoredRecord(user_id, kind, str(sleep.id), sleep.updated_at, checks)
        )
    for workout in records.workouts:
        if workout.score is None or not in_window(
            workout.score_state, workout.updated_at
        ):
            continue
        scored.append(
            ScoredRecord(
                user_id,
                RecordKind.WORKOUT,
                str(workout.id),
                workout.updated_at,
                (
                    StateCheck(entities.get("sensor", "workout_start"), workout.start),
                    StateCheck(
                        entities.get("sensor", "workout_strain"),
                        float(workout.score.strain),
                    ),
                ),
            )
        )
    return scored


def unscorable_between(
    whoop: WhoopSandbox, user_id: int, start: datetime, end: datetime
) -> Counter[RecordKind]:
    """Count the member's records that turned UNSCORABLE in the window: they have no score to show."""
    records = whoop.records(user_id, at=end)
    found: Counter[RecordKind] = Counter()
    for recovery in records.recoveries:
        if _unscorable_in(recovery.score_state, recovery.updated_at, start, end):
            found[RecordKind.RECOVERY] += 1
    for sleep in records.sleeps:
        if _unscorable_in(sleep.score_state, sleep.updated_at, start, end):
            found[RecordKind.NAP if sleep.nap else RecordKind.SLEEP] += 1
    for workout in records.workouts:
        if _unscorable_in(workout.score_state, workout.updated_at, start, end):
            found[RecordKind.WORKOUT] += 1
    return found


def _unscorable_in(
    state: ScoreState, updated_at: datetime, start: datetime, end: datetime
) -> bool:
    return state is ScoreState.UNSCORABLE and start <= updated_at < end

"""Coordinators: one per WHOOP data family, each polling at the pace its data changes.

Request budget (WHOOP allows 10,000 requests a day per developer app, shared by a household):
strain changes all day and is polled every 12 minutes (one request); recovery arrives once in the
morning, so it is polled every 4 minutes only while today's is awaited and hourly after that; last
night's sleep is fetched when a new recovery arrives (and hourly for naps); workouts every 30 minutes;
body measurements every 6 hours. `script/bench` measures the resulting requests per day.
"""

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import ClassVar, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    OAuth2TokenRequestConnectionError,
    OAuth2TokenRequestError,
    OAuth2TokenRequestReauthError,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .scopes import DataFamily
from .token_provider import WhoopTokenProvider
from .whoop_api import (
    BodyMeasurement,
    Cycle,
    Recovery,
    ScoreState,
    Sleep,
    WhoopAuthenticationError,
    WhoopClient,
    WhoopError,
    WhoopRateLimitError,
    Workout,
)

_LOGGER = logging.getLogger(__name__)

STRAIN_INTERVAL = timedelta(minutes=12)
AWAITING_TODAY_INTERVAL = timedelta(minutes=4)
SETTLED_INTERVAL = timedelta(hours=1)
# A cycle this old without a recovery means the strap was not worn last night: stop hurrying.
GIVE_UP_AWAITING_AFTER = timedelta(hours=16)
WORKOUT_INTERVAL = timedelta(minutes=30)
BODY_INTERVAL = timedelta(hours=6)
# One page of recent sleeps holds last night's sleep and today's naps.
RECENT_SLEEPS = 10


@dataclass(frozen=True, slots=True)
class StrainData:
    """Today's cycle (still running) and the one before it (yesterday's final strain)."""

    current: Cycle | None
    previous: Cycle | None


@dataclass(frozen=True, slots=True)
class RecoveryData:
    """The newest recovery (yesterday's when the strap was not worn last night)."""

    latest: Recovery | None


@dataclass(frozen=True, slots=True)
class SleepData:
    """Last night's sleep (naps never replace it) and the latest nap."""

    last_night: Sleep | None
    latest_nap: Sleep | None


@dataclass(frozen=True, slots=True)
class WorkoutData:
    """The newest workout."""

    latest: Workout | None


@dataclass(frozen=True, slots=True)
class BodyData:
    """Height, weight and maximum heart rate."""

    measurement: BodyMeasurement


class WhoopCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Fetch one data family; map WHOOP and token errors to what Home Assistant expects."""

    config_entry: ConfigEntry
    family: ClassVar[DataFamily]
    initial_interval: ClassVar[timedelta]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: WhoopClient,
        tokens: WhoopTokenProvider,
    ) -> None:
        """Create the coordinator of one data family."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"WHOOP {self.family} ({entry.title})",
            update_interval=self.initial_interval,
        )
        self.client = client
        self._tokens = tokens

    @abstractmethod
    async def _async_fetch(self) -> DataT:
        """Fetch the family's data from WHOOP."""

    @override
    async def _async_update_data(self) -> DataT:
        try:
            try:
                return await self._async_fetch()
            except WhoopAuthenticationError:
                # WHOOP may reject a token before its announced expiry; one refresh tells a
                # dead token from a dead grant, and only the latter needs the user.
                await self._tokens.async_refresh_rejected_token()
                return await self._async_fetch()
        except OAuth2TokenRequestReauthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="reauth_required"
            ) from err
        except WhoopAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="reauth_required"
            ) from err
        except (OAuth2TokenRequestError, OAuth2TokenRequestConnectionError) as err:
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="token_refresh_failed"
            ) from err
        except WhoopRateLimitError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                retry_after=err.retry_after,
            ) from err
        except WhoopError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err


class StrainCoordinator(WhoopCoordinator[StrainData]):
    """Today's strain, energy and heart rate; one request a poll."""

    family = DataFamily.STRAIN
    initial_interval = STRAIN_INTERVAL

    @override
    async def _async_fetch(self) -> StrainData:
        cycles = await self.client.get_cycles(limit=2, max_pages=1)
        current = cycles[0] if cycles else None
        previous = cycles[1] if len(cycles) > 1 else None
        return StrainData(current=current, previous=previous)


def awaiting_today(
    record_cycle_id: int | None,
    record_scored: bool,  # noqa: FBT001 - a plain predicate over two facts
    current_cycle: Cycle | None,
    now: datetime,
) -> bool:
    """Tell whether today's morning record (recovery or sleep) is still to come."""
    if current_cycle is None:
        return True
    if record_cycle_id == current_cycle.id and record_scored:
        return False
    return now - current_cycle.start < GIVE_UP_AWAITING_AFTER


class MorningCoordinator[DataT](WhoopCoordinator[DataT]):
    """A family scored once a day, in the morning: poll often only while it is awaited."""

    initial_interval = AWAITING_TODAY_INTERVAL

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: WhoopClient,
        tokens: WhoopTokenProvider,
        *,
        strain: StrainCoordinator | None,
    ) -> None:
        """Follow today's cycle through the strain coordinator, when its scope was granted."""
        super().__init__(hass, entry, client, tokens)
        self._strain = strain
        self._known_cycle_id: int | None = None

    def _current_cycle(self) -> Cycle | None:
        if self._strain is None or self._strain.data is None:
            return None
        return self._strain.data.current

    @abstractmethod
    def _morning_record(self, data: DataT) -> Recovery | Sleep | None:
        """Return the record whose arrival ends the morning wait."""

    @callback
    def async_follow_strain(self) -> Callable[[], None]:
        """Refresh at once when a new cycle starts; return the unsubscribe callback."""

        @callback
        def _strain_updated() -> None:
            cycle = self._current_cycle()
            if cycle is None or cycle.id == self._known_cycle_id:
                return
            self._known_cycle_id = cycle.id
            self.config_entry.async_create_background_task(
                self.hass, self.async_request_refresh(), f"{self.name} on a new cycle"
            )

        assert self._strain is not None  # noqa: S101 - only called when strain exists
        current = self._current_cycle()
        self._known_cycle_id = current.id if current else None
        return self._strain.async_add_listener(_strain_updated)

    def _next_interval(self, data: DataT, standalone_interval: timedelta) -> timedelta:
        record = self._morning_record(data)
        waiting = awaiting_today(
            record.cycle_id if record else None,
            record is not None and record.score_state is ScoreState.SCORED,
            self._current_cycle(),
            dt_util.utcnow(),
        )
        return standalone_interval if waiting else SETTLED_INTERVAL

    @override
    async def _async_update_data(self) -> DataT:
        data = await super()._async_update_data()
        self.update_interval = self._next_interval(data, self._awaiting_interval)
        return data

    @property
    @abstractmethod
    def _awaiting_interval(self) -> timedelta:
        """Return the interval while today's record is awaited."""


class RecoveryCoordinator(MorningCoordinator[RecoveryData]):
    """The newest recovery; one request a poll."""

    family = DataFamily.RECOVERY

    @override
    async def _async_fetch(self) -> RecoveryData:
        return RecoveryData(latest=await self.client.get_latest_recovery())

    @override
    def _morning_record(self, data: RecoveryData) -> Recovery | None:
        return data.latest

    @property
    @override
    def _awaiting_interval(self) -> timedelta:
        return AWAITING_TODAY_INTERVAL


class SleepCoordinator(MorningCoordinator[SleepData]):
    """Last night's sleep and the latest nap; one request a poll.

    When recovery is polled too, it leads the morning wait: a new recovery means last night's
    sleep was just scored, and refreshes this coordinator (see whoop_setup.py).
    """

    family = DataFamily.SLEEP

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: WhoopClient,
        tokens: WhoopTokenProvider,
        *,
        strain: StrainCoordinator | None,
        recovery_leads: bool,
    ) -> None:
        """Poll often in the morning only when no recovery coordinator leads the wait."""
        super().__init__(hass, entry, client, tokens, strain=strain)
        self._recovery_leads = recovery_leads

    @override
    async def _async_fetch(self) -> SleepData:
        sleeps = await self.client.get_sleeps(limit=RECENT_SLEEPS, max_pages=1)
        return SleepData(
            last_night=next((sleep for sleep in sleeps if not sleep.nap), None),
            latest_nap=next((sleep for sleep in sleeps if sleep.nap), None),
        )

    @override
    def _morning_record(self, data: SleepData) -> Sleep | None:
        return data.last_night

    @property
    @override
    def _awaiting_interval(self) -> timedelta:
        return SETTLED_INTERVAL if self._recovery_leads else AWAITING_TODAY_INTERVAL


class WorkoutCoordinator(WhoopCoordinator[WorkoutData]):
    """The newest workout; one request a poll."""

    family = DataFamily.WORKOUT
    initial_interval = WORKOUT_INTERVAL

    @override
    async def _async_fetch(self) -> WorkoutData:
        return WorkoutData(latest=await self.client.get_latest_workout())


class BodyCoordinator(WhoopCoordinator[BodyData]):
    """Height, weight and maximum heart rate; one request a poll."""

    family = DataFamily.BODY
    initial_interval = BODY_INTERVAL

    @override
    async def _async_fetch(self) -> BodyData:
        return BodyData(measurement=await self.client.get_body_measurement())

"""Coordinators: one per WHOOP data family, each polling at the pace cadence.py sets."""

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Any, ClassVar, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    OAuth2TokenRequestConnectionError,
    OAuth2TokenRequestError,
    OAuth2TokenRequestReauthError,
)
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..whoop_api import (
    BodyMeasurement,
    Cycle,
    Recovery,
    Sleep,
    WhoopAuthenticationError,
    WhoopClient,
    WhoopError,
    WhoopMembershipInactiveError,
    WhoopRateLimitError,
    Workout,
)
from .auth.scopes import DataFamily
from .auth.token_holder import WhoopTokenHolder
from .cadence import (
    AWAITING_TODAY_INTERVAL,
    BODY_INTERVAL,
    SETTLED_INTERVAL,
    STRAIN_INTERVAL,
    WEBHOOKS_QUIET_AFTER,
    WORKOUT_INTERVAL,
    WORKOUT_RECONCILE_INTERVAL,
    morning_interval,
)

if TYPE_CHECKING:
    from .history.importer import WhoopHistory

_LOGGER = logging.getLogger(__name__)

# One page of recent sleeps holds last night's sleep and today's naps.
RECENT_SLEEPS = 10
# An inactive membership is no outage: look now and then whether the member renewed it.
INACTIVE_MEMBERSHIP_INTERVAL = timedelta(hours=3)


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

    config_entry: WhoopConfigEntry
    family: ClassVar[DataFamily]
    initial_interval: ClassVar[timedelta]
    # While WHOOP webhooks arrive, polling only reconciles missed ones at this pace (None: WHOOP
    # has no webhook for the family).
    reconcile_interval: ClassVar[timedelta | None] = None

    def __init__(
        self,
        hass: HomeAssistant,
        entry: WhoopConfigEntry,
        client: WhoopClient,
        tokens: WhoopTokenHolder,
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
        self.last_push: datetime | None = None
        self.membership_inactive = False

    @abstractmethod
    async def _async_fetch(self) -> DataT:
        """Fetch the family's data from WHOOP."""

    def _pushes_flow(self) -> bool:
        """Tell whether WHOOP webhooks reached this member lately."""
        return (
            self.reconcile_interval is not None
            and self.last_push is not None
            and dt_util.utcnow() - self.last_push < WEBHOOKS_QUIET_AFTER
        )

    @override
    async def _async_update_data(self) -> DataT:
        data = await self._async_fetch_mapping_errors()
        if self.membership_inactive:
            self.membership_inactive = False
            ir.async_delete_issue(
                self.hass, DOMAIN, _inactive_issue_id(self.config_entry)
            )
        interval = self._next_interval(data)
        if self._pushes_flow():
            assert self.reconcile_interval is not None  # noqa: S101 - checked by _pushes_flow
            interval = max(interval, self.reconcile_interval)
        self.update_interval = interval
        return data

    def _next_interval(self, data: DataT) -> timedelta:
        """Return the interval after this update (constant unless a family says otherwise)."""
        return self.initial_interval

    def _report_inactive_membership(self) -> None:
        self.membership_inactive = True
        # Also the first refresh's pace, which ignores retry_after.
        self.update_interval = INACTIVE_MEMBERSHIP_INTERVAL
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            _inactive_issue_id(self.config_entry),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="membership_inactive",
            translation_placeholders={"member": self.config_entry.title},
        )

    async def _async_fetch_mapping_errors(self) -> DataT:
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
        except WhoopMembershipInactiveError as err:
            # Not the token's fault: no refresh, no reauth; tell the user, look again slowly.
            self._report_inactive_membership()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="membership_inactive",
                retry_after=INACTIVE_MEMBERSHIP_INTERVAL.total_seconds(),
            ) from err
        except WhoopError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err


def _inactive_issue_id(entry: WhoopConfigEntry) -> str:
    return f"membership_inactive_{entry.entry_id}"


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


class MorningCoordinator[DataT](WhoopCoordinator[DataT]):
    """A family scored once a day, in the morning: poll often only while it is awaited."""

    initial_interval = AWAITING_TODAY_INTERVAL
    reconcile_interval = SETTLED_INTERVAL

    def __init__(
        self,
        hass: HomeAssistant,
        entry: WhoopConfigEntry,
        client: WhoopClient,
        tokens: WhoopTokenHolder,
        *,
        strain: StrainCoordinator | None,
    ) -> None:
        """Follow ``strain`` (when granted): its new cycle announces the morning's record."""
        super().__init__(hass, entry, client, tokens)
        self._strain = strain

    @abstractmethod
    def _morning_record(self, data: DataT) -> Recovery | Sleep | None:
        """Return the record whose arrival ends the morning wait."""

    @callback
    def async_follow_strain(self) -> Callable[[], None]:
        """Refresh at once when a new cycle appears; return the unsubscribe callback.

        WHOOP creates the day's cycle when it detects the night, shortly before scoring it.
        Called once the first refreshes are done, so that the cycle known then is no news.
        """
        if (strain := self._strain) is None:
            return lambda: None
        known = (
            strain.data.current if strain.data else None
        )  # None: its first update failed
        known_cycle_id = known.id if known else None

        @callback
        def _strain_updated() -> None:
            nonlocal known_cycle_id
            cycle = strain.data.current if strain.data else None
            if cycle is None or cycle.id == known_cycle_id:
                return
            known_cycle_id = cycle.id
            self.config_entry.async_create_background_task(
                self.hass, self.async_request_refresh(), f"{self.name} on a new cycle"
            )

        return strain.async_add_listener(_strain_updated)

    @override
    def _next_interval(self, data: DataT) -> timedelta:
        strain = self._strain.data if self._strain is not None else None
        interval = morning_interval(
            self._morning_record(data),
            strain.current if strain is not None else None,
            dt_util.utcnow(),
        )
        return interval if self._leads_the_morning else max(interval, SETTLED_INTERVAL)

    @property
    def _leads_the_morning(self) -> bool:
        """Whether this coordinator polls often while today's record is awaited."""
        return True


class RecoveryCoordinator(MorningCoordinator[RecoveryData]):
    """The newest recovery; one request a poll."""

    family = DataFamily.RECOVERY

    def __init__(
        self,
        hass: HomeAssistant,
        entry: WhoopConfigEntry,
        client: WhoopClient,
        tokens: WhoopTokenHolder,
        *,
        strain: StrainCoordinator | None,
        sleep: SleepCoordinator | None,
    ) -> None:
        """Refresh ``sleep`` (when granted) first whenever a new recovery arrives.

        Last night's sleep is scored together with the recovery.
        """
        super().__init__(hass, entry, client, tokens, strain=strain)
        self.sleep = sleep

    @override
    async def _async_fetch(self) -> RecoveryData:
        latest = await self.client.get_latest_recovery()
        if self.sleep is not None and self.data is not None:
            before = self.data.latest
            if _version(before) != _version(latest):
                # Fetch the sleep first, so that whoever reacts to the new recovery (its event,
                # an automation) already sees last night's sleep.
                await self.sleep.async_refresh()
        return RecoveryData(latest=latest)

    @override
    def _morning_record(self, data: RecoveryData) -> Recovery | None:
        return data.latest


def _version(recovery: Recovery | None) -> tuple[object, ...] | None:
    """Return what changes when WHOOP scores or rescores a recovery."""
    if recovery is None:
        return None
    return (recovery.cycle_id, recovery.score_state, recovery.updated_at)


class SleepCoordinator(MorningCoordinator[SleepData]):
    """Last night's sleep and the latest nap; one request a poll.

    When recovery is polled too, it leads the morning wait: a new recovery means last night's
    sleep was just scored, and the recovery coordinator refreshes this one first.
    """

    family = DataFamily.SLEEP

    def __init__(
        self,
        hass: HomeAssistant,
        entry: WhoopConfigEntry,
        client: WhoopClient,
        tokens: WhoopTokenHolder,
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
    def _leads_the_morning(self) -> bool:
        return not self._recovery_leads


class WorkoutCoordinator(WhoopCoordinator[WorkoutData]):
    """The newest workout; one request a poll."""

    family = DataFamily.WORKOUT
    initial_interval = WORKOUT_INTERVAL
    reconcile_interval = WORKOUT_RECONCILE_INTERVAL

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


@dataclass(slots=True)
class WhoopRuntimeData:
    """What a WHOOP account entry holds while loaded: one coordinator per granted family.

    A family the member did not grant has no coordinator (None) and no entities.
    """

    client: WhoopClient
    tokens: WhoopTokenHolder
    strain: StrainCoordinator | None
    recovery: RecoveryCoordinator | None
    sleep: SleepCoordinator | None
    workout: WorkoutCoordinator | None
    body: BodyCoordinator | None
    history: WhoopHistory | None = None
    """The member's history import and calendar records (None without the recorder)."""

    @property
    def coordinators(self) -> tuple[WhoopCoordinator[Any], ...]:
        """Return the coordinators of the granted families."""
        return tuple(
            coordinator
            for coordinator in (
                self.strain,
                self.recovery,
                self.sleep,
                self.workout,
                self.body,
            )
            if coordinator is not None
        )

    def coordinator_of(self, family: DataFamily) -> WhoopCoordinator[Any] | None:
        """Return the coordinator of ``family``, if the member granted it."""
        return next((c for c in self.coordinators if c.family is family), None)


type WhoopConfigEntry = ConfigEntry[WhoopRuntimeData]

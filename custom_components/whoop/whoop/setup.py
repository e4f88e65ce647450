"""Set up a WHOOP account entry: one token holder, one client, a coordinator per granted family."""

import asyncio
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import (
    async_get_config_entry_implementation,
)

from ..const import DOMAIN, whoop_base_url
from ..whoop_api import WhoopClient
from .auth.oauth import WhoopOAuth2Implementation
from .auth.refresher import async_get_refresher
from .auth.scopes import DataFamily, granted_families
from .auth.token_holder import WhoopTokenHolder
from .coordinator import (
    BodyCoordinator,
    RecoveryCoordinator,
    SleepCoordinator,
    StrainCoordinator,
    WhoopConfigEntry,
    WhoopCoordinator,
    WhoopRuntimeData,
    WorkoutCoordinator,
)
from .history.importer import WhoopHistory
from .history.pacing import async_get_pacer
from .webhook import async_register_webhook

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.CALENDAR,
    Platform.EVENT,
    Platform.SENSOR,
]


def _build_runtime_data(
    hass: HomeAssistant,
    entry: WhoopConfigEntry,
    client: WhoopClient,
    tokens: WhoopTokenHolder,
    families: set[DataFamily],
) -> WhoopRuntimeData:
    """Create a coordinator for each granted family, each given the ones it follows."""
    strain = (
        StrainCoordinator(hass, entry, client, tokens)
        if DataFamily.STRAIN in families
        else None
    )
    sleep = (
        SleepCoordinator(
            hass,
            entry,
            client,
            tokens,
            strain=strain,
            recovery_leads=DataFamily.RECOVERY in families,
        )
        if DataFamily.SLEEP in families
        else None
    )
    recovery = (
        RecoveryCoordinator(hass, entry, client, tokens, strain=strain, sleep=sleep)
        if DataFamily.RECOVERY in families
        else None
    )
    return WhoopRuntimeData(
        client=client,
        tokens=tokens,
        strain=strain,
        recovery=recovery,
        sleep=sleep,
        workout=WorkoutCoordinator(hass, entry, client, tokens)
        if DataFamily.WORKOUT in families
        else None,
        body=BodyCoordinator(hass, entry, client, tokens)
        if DataFamily.BODY in families
        else None,
    )


async def _first_refresh(coordinator: WhoopCoordinator[Any]) -> None:
    """Refresh once before the entities exist; an inactive membership does not stop the setup.

    Retrying the setup would ask WHOOP every minute or so; set up, the coordinator asks now and
    then, its entities unavailable and a repair issue saying why.
    """
    try:
        await coordinator.async_config_entry_first_refresh()
    except ConfigEntryNotReady:
        if not coordinator.membership_inactive:
            raise


async def async_setup_entry(hass: HomeAssistant, entry: WhoopConfigEntry) -> bool:
    """Set up a WHOOP account."""
    implementation = await async_get_config_entry_implementation(hass, entry)
    # Exactly one refresher per entry, kept across setups: the one place WHOOP's rotating tokens
    # are refreshed, and where a refresh begun before a reload is finished.
    tokens = WhoopTokenHolder(
        entry, implementation, async_get_refresher(hass, entry.entry_id)
    )
    client = WhoopClient(
        async_get_clientsession(hass),
        tokens.async_get_access_token,
        base_url=whoop_base_url(),
    )
    families = granted_families(tokens.granted_scopes)
    runtime_data = _build_runtime_data(hass, entry, client, tokens, families)
    await asyncio.gather(*(_first_refresh(c) for c in runtime_data.coordinators))
    runtime_data.history = history = WhoopHistory(
        hass,
        entry_id=entry.entry_id,
        member_id=str(entry.unique_id),
        client=client,
        families=families,
        pacer=async_get_pacer(hass),
    )
    await history.async_load()
    _follow_records(entry, runtime_data, history)
    # A new cycle wakes the morning families; the cycle known now is no news.
    for morning in (runtime_data.recovery, runtime_data.sleep):
        if morning is not None:
            entry.async_on_unload(morning.async_follow_strain())
    if isinstance(implementation, WhoopOAuth2Implementation):
        await async_register_webhook(hass, entry, implementation.client_secret)
    entry.runtime_data = runtime_data

    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, str(entry.unique_id))},
        manufacturer="WHOOP",
        model="WHOOP member",
        name=entry.title,
        entry_type=dr.DeviceEntryType.SERVICE,
        configuration_url="https://app.whoop.com",
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if history.imports:
        # In the background, paced: setup and the regular updates never wait for it.
        history.start(entry)
    return True


def _follow_records(
    entry: WhoopConfigEntry, runtime_data: WhoopRuntimeData, history: WhoopHistory
) -> None:
    """Give the calendar's index every sleep, nap and workout the coordinators fetch."""
    if (sleep := runtime_data.sleep) is not None:

        def _sleeps() -> None:
            if sleep.data is not None:
                history.async_add_records(
                    [sleep.data.last_night, sleep.data.latest_nap]
                )

        _sleeps()
        entry.async_on_unload(sleep.async_add_listener(_sleeps))
    if (workout := runtime_data.workout) is not None:

        def _workouts() -> None:
            if workout.data is not None:
                history.async_add_records([workout.data.latest])

        _workouts()
        entry.async_on_unload(workout.async_add_listener(_workouts))


async def async_unload_entry(hass: HomeAssistant, entry: WhoopConfigEntry) -> bool:
    """Unload a WHOOP account."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded and (history := entry.runtime_data.history) is not None:
        await history.async_stop()  # writes the cursor: the next setup resumes there
    return unloaded

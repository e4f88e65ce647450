"""Set up a WHOOP account entry: one token holder, one client, a coordinator per granted family."""

import asyncio

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import (
    OAuth2Session,
    async_get_config_entry_implementation,
)

from ..const import DOMAIN, whoop_base_url
from ..whoop_api import WhoopClient
from .auth.oauth import WhoopOAuth2Implementation
from .auth.scopes import DataFamily, granted_families
from .auth.token_holder import WhoopTokenHolder
from .coordinator import (
    BodyCoordinator,
    RecoveryCoordinator,
    SleepCoordinator,
    StrainCoordinator,
    WhoopConfigEntry,
    WhoopRuntimeData,
    WorkoutCoordinator,
)
from .webhook import async_register_webhook

PLATFORMS = [Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR]


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
        workout=WorkoutCoordinator(hass, entry, client, tokens, strain=strain)
        if DataFamily.WORKOUT in families
        else None,
        body=BodyCoordinator(hass, entry, client, tokens)
        if DataFamily.BODY in families
        else None,
    )


async def async_setup_entry(hass: HomeAssistant, entry: WhoopConfigEntry) -> bool:
    """Set up a WHOOP account."""
    implementation = await async_get_config_entry_implementation(hass, entry)
    # Exactly one OAuth2 session per entry: the one place WHOOP's rotating tokens are refreshed.
    tokens = WhoopTokenHolder(hass, entry, OAuth2Session(hass, entry, implementation))
    client = WhoopClient(
        async_get_clientsession(hass),
        tokens.async_get_access_token,
        base_url=whoop_base_url(),
    )
    runtime_data = _build_runtime_data(
        hass, entry, client, tokens, granted_families(tokens.granted_scopes)
    )
    await asyncio.gather(
        *(c.async_config_entry_first_refresh() for c in runtime_data.coordinators)
    )
    # A new cycle wakes the morning families, the end of a rest looks for a nap, the end of an
    # exertion for a workout; what the cycle shows now is no news.
    for morning in (runtime_data.recovery, runtime_data.sleep):
        if morning is not None:
            entry.async_on_unload(morning.async_follow_strain())
    if runtime_data.sleep is not None:
        entry.async_on_unload(runtime_data.sleep.async_follow_naps())
    if runtime_data.workout is not None:
        entry.async_on_unload(runtime_data.workout.async_follow_strain())
    if isinstance(implementation, WhoopOAuth2Implementation):
        async_register_webhook(hass, entry, implementation.client_secret)
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
    return True


async def async_unload_entry(hass: HomeAssistant, entry: WhoopConfigEntry) -> bool:
    """Unload a WHOOP account."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)

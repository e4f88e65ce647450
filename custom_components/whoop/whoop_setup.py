"""Set up a WHOOP account entry: one token holder, one client, a coordinator per granted family."""

import asyncio
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import (
    OAuth2Session,
    async_get_config_entry_implementation,
)

from .const import DOMAIN, whoop_base_url
from .coordinator import (
    BodyCoordinator,
    MorningCoordinator,
    RecoveryCoordinator,
    SleepCoordinator,
    StrainCoordinator,
    WhoopCoordinator,
    WorkoutCoordinator,
)
from .oauth import WhoopOAuth2Implementation
from .scopes import DataFamily, granted_families
from .token_provider import WhoopTokenProvider
from .whoop_api import WhoopClient
from .whoop_webhook import async_register_webhook

PLATFORMS = [Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR]


@dataclass
class WhoopRuntimeData:
    """What a WHOOP account entry holds while loaded."""

    client: WhoopClient
    tokens: WhoopTokenProvider
    coordinators: dict[DataFamily, WhoopCoordinator[Any]]


type WhoopConfigEntry = ConfigEntry[WhoopRuntimeData]


def _build_coordinators(
    hass: HomeAssistant,
    entry: ConfigEntry,
    client: WhoopClient,
    tokens: WhoopTokenProvider,
    families: set[DataFamily],
) -> dict[DataFamily, WhoopCoordinator[Any]]:
    coordinators: list[WhoopCoordinator[Any]] = []
    if DataFamily.STRAIN in families:
        coordinators.append(StrainCoordinator(hass, entry, client, tokens))
    if DataFamily.RECOVERY in families:
        coordinators.append(RecoveryCoordinator(hass, entry, client, tokens))
    if DataFamily.SLEEP in families:
        coordinators.append(
            SleepCoordinator(
                hass,
                entry,
                client,
                tokens,
                recovery_leads=DataFamily.RECOVERY in families,
            )
        )
    if DataFamily.WORKOUT in families:
        coordinators.append(WorkoutCoordinator(hass, entry, client, tokens))
    if DataFamily.BODY in families:
        coordinators.append(BodyCoordinator(hass, entry, client, tokens))
    return {coordinator.family: coordinator for coordinator in coordinators}


@callback
def _link_morning_coordinators(
    entry: ConfigEntry, coordinators: dict[DataFamily, WhoopCoordinator[Any]]
) -> None:
    """Let a new cycle wake the morning families, and a new recovery fetch last night's sleep."""
    strain = coordinators.get(DataFamily.STRAIN)
    for family in (DataFamily.RECOVERY, DataFamily.SLEEP):
        coordinator = coordinators.get(family)
        if isinstance(coordinator, MorningCoordinator) and isinstance(
            strain, StrainCoordinator
        ):
            entry.async_on_unload(coordinator.async_follow_strain(strain))

    recovery = coordinators.get(DataFamily.RECOVERY)
    sleep = coordinators.get(DataFamily.SLEEP)
    if isinstance(recovery, RecoveryCoordinator) and isinstance(
        sleep, SleepCoordinator
    ):
        recovery.sleep = sleep


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Set up a WHOOP account."""
    implementation = await async_get_config_entry_implementation(hass, entry)
    # Exactly one OAuth2 session per entry: the one place WHOOP's rotating tokens are refreshed.
    tokens = WhoopTokenProvider(hass, entry, OAuth2Session(hass, entry, implementation))
    client = WhoopClient(
        async_get_clientsession(hass),
        tokens.async_get_access_token,
        base_url=whoop_base_url(),
    )
    coordinators = _build_coordinators(
        hass, entry, client, tokens, granted_families(tokens.granted_scopes)
    )
    await asyncio.gather(
        *(c.async_config_entry_first_refresh() for c in coordinators.values())
    )
    _link_morning_coordinators(entry, coordinators)
    if isinstance(implementation, WhoopOAuth2Implementation):
        async_register_webhook(hass, entry, implementation.client_secret)
    entry.runtime_data = WhoopRuntimeData(
        client=client, tokens=tokens, coordinators=coordinators
    )

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


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Unload a WHOOP account."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)

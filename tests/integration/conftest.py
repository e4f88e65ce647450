"""Fixtures of the Home Assistant level tests: WHOOP accounts on the sandbox."""

from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
import time
from typing import Any

from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.whoop.const import (
    CONF_ENTRY_TYPE,
    DOMAIN,
    WHOOP_URL_VARIABLE,
)
from custom_components.whoop.entry_kind import EntryKind
from sandbox.app import Sandbox
from sandbox.whoop import ALL_SCOPES, CLIENT_ID, CLIENT_SECRET, JOHN


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/whoop."""


type EntryFactory = Callable[..., MockConfigEntry]
type SetUpEntry = Callable[..., Awaitable[MockConfigEntry]]


@pytest.fixture
def whoop_points_at_sandbox(monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox) -> None:
    """Send the integration's WHOOP requests to the sandbox."""
    monkeypatch.setenv(WHOOP_URL_VARIABLE, sandbox.url)


@pytest.fixture
async def credentials(hass: HomeAssistant) -> None:
    """Store the sandbox app's client id and secret as application credentials."""
    assert await async_setup_component(hass, "application_credentials", {})
    await async_import_client_credential(
        hass, DOMAIN, ClientCredential(CLIENT_ID, CLIENT_SECRET), DOMAIN
    )


@pytest.fixture
def whoop_entry(sandbox: Sandbox, whoop_points_at_sandbox: None) -> EntryFactory:
    """Make a config entry holding real sandbox tokens, as the config flow would."""

    def make(
        user_id: int = JOHN.user_id,
        scopes: Iterable[str] = ALL_SCOPES,
        *,
        expires_in: int = 3600,
        title: str = "John Smith",
    ) -> MockConfigEntry:
        token: dict[str, Any] = sandbox.whoop.issue_tokens(user_id, scopes)
        token["expires_at"] = time.time() + expires_in
        return MockConfigEntry(
            domain=DOMAIN,
            title=title,
            unique_id=str(user_id),
            data={
                "auth_implementation": DOMAIN,
                "token": token,
                CONF_ENTRY_TYPE: EntryKind.WHOOP_ACCOUNT,
                "webhook_id": f"whoop-webhook-{user_id}",
            },
        )

    return make


@pytest.fixture
def set_up_entry(
    hass: HomeAssistant, credentials: None, whoop_entry: EntryFactory
) -> SetUpEntry:
    """Add a WHOOP account entry and set it up; return the entry."""

    async def set_up(**kwargs: Any) -> MockConfigEntry:
        entry = whoop_entry(**kwargs)
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    return set_up


# Longer than the longest wait between two looks of any WHOOP coordinator (body: 12 hours).
EVERY_LOOK = timedelta(hours=12, minutes=1)


async def async_let_every_coordinator_look(hass: HomeAssistant) -> None:
    """Fire the timers of half a day later: each WHOOP coordinator polls once, as time would make it."""
    async_fire_time_changed(hass, dt_util.utcnow() + EVERY_LOOK)
    await hass.async_block_till_done(wait_background_tasks=True)

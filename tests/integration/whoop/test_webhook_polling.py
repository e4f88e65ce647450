"""While WHOOP webhooks arrive, polling only reconciles: counted at the sandbox over half a day."""

import asyncio
from collections import Counter
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from sandbox.app import Sandbox
from sandbox.fixtures import SANDBOX_START
from sandbox.whoop import JOHN, WebhookEvent
from tests.integration.conftest import SetUpEntry

CYCLES = "GET /developer/v2/cycle"
RECOVERIES = "GET /developer/v2/recovery"
SLEEPS = "GET /developer/v2/activity/sleep"
WORKOUTS = "GET /developer/v2/activity/workout"
HOURS = 12


async def _walk(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hours: int
) -> None:
    """Let ``hours`` pass on Home Assistant's (and the sandbox's) clock, a minute at a time."""
    for _ in range(hours * 60):
        freezer.tick(timedelta(minutes=1))
        async_fire_time_changed(hass, dt_util.utcnow())
        await hass.async_block_till_done(wait_background_tasks=True)
        await asyncio.sleep(0)


async def _polls_over_half_a_day(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
    *,
    pushed: bool,
) -> Counter[str]:
    freezer.move_to(SANDBOX_START + timedelta(hours=14))  # the member's afternoon
    sandbox.clock.follow(dt_util.utcnow)
    entry = await set_up_entry()
    client = await hass_client_no_auth()
    sandbox.whoop.webhook_url = str(
        client.make_url(f"/api/webhook/{entry.data['webhook_id']}")
    )
    if pushed:
        event = WebhookEvent(
            user_id=JOHN.user_id,
            id="5d1f3e1a-0000-4000-8000-000000000042",
            type="workout.updated",
        )
        assert (await sandbox.whoop.send_webhook(event)).status == 204
        await hass.async_block_till_done(wait_background_tasks=True)
    sandbox.whoop.reset_log()
    await _walk(hass, freezer, HOURS)
    return sandbox.whoop.request_counts()


async def test_while_webhooks_arrive_polling_only_reconciles(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    counts = await _polls_over_half_a_day(
        hass, hass_client_no_auth, sandbox, set_up_entry, freezer, pushed=True
    )
    # Strain every 20 minutes at most often; recovery, sleep and workouts every 3 hours or less.
    assert counts[CYCLES] <= HOURS * 3 + 1
    assert counts[RECOVERIES] <= HOURS // 3 + 1
    assert counts[SLEEPS] <= HOURS // 3 + 1
    assert counts[WORKOUTS] <= HOURS // 3 + 1


async def test_without_webhooks_the_same_half_day_polls_strain_closely(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    counts = await _polls_over_half_a_day(
        hass, hass_client_no_auth, sandbox, set_up_entry, freezer, pushed=False
    )
    # The strain lookout hunts for workouts and naps: far more often than every 20 minutes.
    assert counts[CYCLES] > 2 * (HOURS * 3 + 1)

"""WHOOP webhook limits as the README states them: 64 KiB bodies, signatures 5 minutes either way."""

from datetime import timedelta
import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from sandbox.app import Sandbox
from sandbox.fixtures import SANDBOX_START
from sandbox.whoop import JOHN, WebhookEvent
from tests.integration.conftest import SetUpEntry
from tests.integration.whoop.webhook_helpers import post_signed

WORKOUTS = "GET /developer/v2/activity/workout"
KIB = 1024


async def _url(
    hass_client_no_auth: ClientSessionGenerator, entry: MockConfigEntry
) -> str:
    client = await hass_client_no_auth()
    return str(client.make_url(f"/api/webhook/{entry.data['webhook_id']}"))


def _body_of_size(size: int) -> bytes:
    """A valid workout delivery padded to exactly ``size`` bytes."""
    payload = {
        "user_id": JOHN.user_id,
        "id": "5d1f3e1a-0000-4000-8000-000000000077",
        "type": "workout.updated",
        "trace_id": f"trace-{size}",
        "padding": "",
    }
    bare = len(json.dumps(payload, separators=(",", ":")).encode())
    payload["padding"] = "x" * (size - bare)
    body = json.dumps(payload, separators=(",", ":")).encode()
    assert len(body) == size
    return body


@pytest.mark.parametrize(
    ("size", "status", "fetches"),
    [(64 * KIB, 204, 1), (64 * KIB + 1, 413, 0)],
)
async def test_a_delivery_of_64_kib_is_taken_one_byte_more_is_refused(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    size: int,
    status: int,
    fetches: int,
) -> None:
    entry = await set_up_entry()
    url = await _url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()

    assert await post_signed(url, _body_of_size(size)) == status
    await hass.async_block_till_done(wait_background_tasks=True)

    assert sandbox.whoop.request_counts()[WORKOUTS] == fetches


@pytest.mark.parametrize(
    ("offset", "status", "fetches"),
    [
        (timedelta(minutes=-4, seconds=-50), 204, 1),
        (timedelta(minutes=4, seconds=50), 204, 1),
        (timedelta(minutes=-5, seconds=-10), 401, 0),
        (timedelta(minutes=5, seconds=10), 401, 0),
    ],
)
async def test_a_signature_timestamp_is_taken_within_5_minutes_either_way(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
    offset: timedelta,
    status: int,
    fetches: int,
) -> None:
    freezer.move_to(SANDBOX_START)
    sandbox.clock.follow(dt_util.utcnow)
    entry = await set_up_entry()
    sandbox.whoop.webhook_url = await _url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()

    # WHOOP's clock off by ``offset``: it signs (correctly) with the time it reads.
    stamped = round((dt_util.utcnow() + offset).timestamp() * 1000)
    event = WebhookEvent(
        user_id=JOHN.user_id,
        id="5d1f3e1a-0000-4000-8000-000000000078",
        type="workout.updated",
    )
    delivery = await sandbox.whoop.send_webhook(event, timestamp=str(stamped))
    await hass.async_block_till_done(wait_background_tasks=True)

    assert delivery.status == status
    assert sandbox.whoop.request_counts()[WORKOUTS] == fetches

"""Diagnostics show the coordinators' state and never a secret or a personal detail."""

from collections.abc import Iterator
import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from sandbox.app import Sandbox
from sandbox.whoop import CLIENT_SECRET, JOHN
from tests.integration.conftest import SetUpEntry, async_let_every_coordinator_look


def _numbers(node: object) -> Iterator[float]:
    """Every number in a JSON-like tree (booleans are no numbers)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _numbers(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _numbers(value)
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield float(node)


async def test_diagnostics_are_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    snapshot: SnapshotAssertion,
) -> None:
    entry = await set_up_entry()
    sandbox.whoop.faults.add("server_error", path="/developer/v2/activity/workout")
    await async_let_every_coordinator_look(hass)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    text = json.dumps(diagnostics)
    token = entry.data["token"]
    for secret in (token["access_token"], token["refresh_token"], CLIENT_SECRET):
        assert secret not in text
    for personal in (JOHN.email, JOHN.first_name, JOHN.last_name, str(JOHN.user_id)):
        assert personal not in text
    workout = diagnostics["coordinators"]["workout"]
    assert workout["last_update_success"] is False
    assert "server error (500)" in workout["last_exception"]
    assert diagnostics["rate_limit"]["remaining"] is not None
    recovery = diagnostics["coordinators"]["recovery"]["records"]["latest"]
    assert recovery["score_state"] == "SCORED"
    assert "hrv_rmssd_milli" in recovery["values_present"]
    # Health values are personal data: only their presence is reported.
    records = sandbox.whoop.records(JOHN.user_id)
    score = records.recoveries[0].score
    assert score is not None
    health = {
        float(score.hrv_rmssd_milli),
        float(score.recovery_score),
        float(score.resting_heart_rate),
        JOHN.weight_kilogram,
    }
    assert not health & set(_numbers(diagnostics))
    # Times depend on when the test runs; the rest is stable.
    diagnostics["entry"]["data"]["token"].pop("expires_at")
    assert diagnostics == snapshot

"""The real spacing of sends to one person: about 6 seconds, so a burst of 10 takes 54 s.

Driven by Home Assistant's timers (async_fire_time_changed), not by waiting a minute.
"""

import asyncio
from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.whoop.whatsapp import setup as whatsapp_setup
from custom_components.whoop.whatsapp.delivery.timing import DeliveryTiming
from sandbox.graph import GraphSandbox
from tests.integration.whatsapp.conftest import ALICE, ALICE_ENTITY, SetUpSender
from tests.integration.whatsapp.test_notify import notify


async def _moment() -> None:
    """Let a due send reach the sandbox (real HTTP) and come back.

    Not block_till_done: it would wait for the whole burst, 54 s of real time.
    """
    for _ in range(10):
        await asyncio.sleep(0.01)


async def test_a_burst_of_ten_to_one_person_takes_nine_spacings_of_6_seconds(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(whatsapp_setup, "DeliveryTiming", DeliveryTiming)
    await set_up_sender()
    graph.open_window(ALICE)

    burst = asyncio.gather(
        *(notify(hass, ALICE_ENTITY, f"Alert {number}") for number in range(10))
    )
    await _moment()
    assert len(graph.messages_to(ALICE)) == 1  # the first goes out at once

    for sent in range(2, 11):
        # 4½ seconds after the last send (and the real moments between): the next one waits.
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=4.5))
        await _moment()
        assert len(graph.messages_to(ALICE)) == sent - 1
        # Past 6 seconds it goes.
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6.1))
        await _moment()
        assert len(graph.messages_to(ALICE)) == sent

    await burst
    texts = [message.text for message in graph.messages_to(ALICE)]
    assert texts == [
        f"Alert {number}" for number in range(10)
    ]  # none dropped, in order

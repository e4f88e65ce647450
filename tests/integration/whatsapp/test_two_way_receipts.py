"""Receipts from Meta's status webhooks: the recipient's event entity, and 131047 arriving late."""

import logging
import statistics
import time

from homeassistant.components.notify import ATTR_MESSAGE
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
import pytest

from sandbox.graph import ALERT_TEMPLATE, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    ALICE_EVENTS,
    ALICE_WINDOW,
    SetUpMeta,
    recipient,
)


async def notify(hass: HomeAssistant, message: str) -> None:
    await hass.services.async_call(
        "notify",
        "send_message",
        {ATTR_ENTITY_ID: ALICE_ENTITY, ATTR_MESSAGE: message},
        blocking=True,
    )


def event_types(hass: HomeAssistant) -> list[str]:
    """Record the event types the recipient's event entity fires from now on."""
    fired: list[str] = []

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        new, old = event.data["new_state"], event.data["old_state"]
        # The state is the time of the last event: an attribute change alone fired nothing.
        if new is not None and (old is None or new.state != old.state):
            fired.append(new.attributes.get("event_type"))

    async_track_state_change_event(hass, ALICE_EVENTS, changed)
    return fired


async def test_delivered_then_read_fire_the_event_entity(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    fired = event_types(hass)

    await notify(hass, "Recovery 34 %")
    [sent] = graph.messages_to(ALICE)
    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["last_message_id"] == sent.message_id
    await meta.deliver()  # sent, delivered

    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["event_type"] == "delivered"
    assert state.attributes["message_id"] == sent.message_id

    graph.read(sent.message_id)
    await meta.deliver()

    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["event_type"] == "read"
    assert state.attributes["message_id"] == sent.message_id
    assert fired == ["delivered", "read"]


async def test_statuses_out_of_order_and_repeated_fire_once_each(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    graph.out_of_order = True
    graph.webhooks.duplicate = True
    fired = event_types(hass)

    await notify(hass, "Recovery 34 %")
    await meta.deliver()
    [sent] = graph.messages_to(ALICE)
    graph.read(sent.message_id)
    await meta.deliver()

    assert fired == ["delivered", "read"]


async def test_a_text_failing_later_fires_failed_with_the_reason(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="text"))
    graph.close_window(ALICE)

    await notify(hass, "Recovery 34 %")  # accepted: Meta says no later
    assert hass.states.get(ALICE_EVENTS).state == STATE_UNKNOWN
    await meta.deliver()

    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["event_type"] == "failed"
    assert state.attributes["error_code"] == 131047
    assert "24 hours" in state.attributes["reason"]
    assert ALICE not in state.attributes["reason"]


async def test_automatic_text_failing_later_is_resent_once_as_the_template(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="automatic"))
    await meta.write(ALICE, "hi")  # Home Assistant knows the window is open...
    graph.close_window(ALICE)  # ...but Meta's clock says it closed
    fired = event_types(hass)

    with caplog.at_level(logging.INFO):
        await notify(hass, "Recovery 34 %")
        assert [message.type for message in graph.failed_messages] == ["text"]
        await meta.deliver()  # the failure: the template goes out
        await meta.deliver()  # its sent and delivered
        await meta.deliver()  # nothing more

    [template] = graph.messages_to(ALICE)
    assert template.type == "template"
    assert template.template_name == ALERT_TEMPLATE
    assert fired == ["delivered"]
    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["message_id"] == template.message_id
    assert state.attributes["last_message_id"] == template.message_id
    assert "re-sent as the template" in caplog.text


async def test_a_template_standing_in_that_fails_too_is_reported(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="automatic"))
    await meta.write(ALICE, "hi")
    graph.close_window(ALICE)
    await notify(hass, "Recovery 34 %")
    graph.set_template_status(ALERT_TEMPLATE, "en_US", "PAUSED")

    await meta.deliver()

    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["event_type"] == "failed"
    assert ALERT_TEMPLATE in state.attributes["reason"]


async def test_statuses_of_messages_not_sent_from_here_are_ignored(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    before = hass.states.get(ALICE_EVENTS)
    # Another app on the same number sends: its statuses come to this webhook too.
    await meta.entry.runtime_data.sender.client.send_text(ALICE, "from elsewhere")
    await meta.deliver()

    assert hass.states.get(ALICE_EVENTS) == before


async def test_status_to_event_latency(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    """Time from the sandbox posting a status webhook to the event entity changing (100 runs)."""
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    changed_at: list[float] = []

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        changed_at.append(time.perf_counter())

    async_track_state_change_event(hass, ALICE_EVENTS, changed)
    latencies: list[float] = []
    for number in range(100):
        await notify(hass, f"Message {number}")
        changed_at.clear()
        started = time.perf_counter()
        await meta.deliver()
        assert changed_at, "the event entity did not change"
        latencies.append(changed_at[0] - started)

    median = statistics.median(latencies)
    print(f"status webhook -> event entity: median {median * 1000:.2f} ms over 100")  # noqa: T201
    assert median < 0.5


async def test_a_long_text_failing_in_two_parts_gets_one_template(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    graph.add_template("plain_alert", body="Something happened at home.")
    meta = await set_up_meta(
        recipient(
            delivery_mode="automatic",
            template_name="plain_alert",
            template_parameters="none",
        )
    )
    await meta.write(ALICE, "hi")
    graph.close_window(ALICE)
    fired = event_types(hass)

    await notify(hass, "word " * 1000)  # two texts
    assert [message.type for message in graph.failed_messages] == ["text", "text"]
    await meta.deliver()
    await meta.deliver()

    [template] = graph.messages_to(ALICE)
    assert template.template_name == "plain_alert"
    assert fired == ["delivered"]


async def test_templates_standing_in_go_out_in_the_order_of_their_texts(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="automatic"))
    await meta.write(ALICE, "hi")
    graph.close_window(ALICE)

    for number in range(3):
        await notify(hass, f"Notification {number}")
    await meta.deliver()

    assert [message.body_parameters for message in graph.messages_to(ALICE)] == [
        ("Home Assistant", f"Notification {number}") for number in range(3)
    ]


async def test_a_late_131047_closes_the_window_for_the_next_notifications(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
) -> None:
    meta = await set_up_meta(recipient(delivery_mode="automatic"))
    await meta.write(ALICE, "hi")  # Home Assistant knows the window is open...
    graph.close_window(ALICE)  # ...but Meta's clock says it closed
    await notify(hass, "Recovery 34 %")
    await meta.deliver()  # the failure: the template goes out
    await meta.deliver()

    # Meta said the window is closed: the sensor says so, and the next notification goes out as
    # the template at once instead of a text that would fail later again.
    window = hass.states.get(ALICE_WINDOW)
    assert dt_util.parse_datetime(window.state) <= dt_util.utcnow()
    await notify(hass, "Strain 14.2")
    assert [message.type for message in graph.failed_messages] == ["text"]
    assert [message.type for message in graph.messages_to(ALICE)] == [
        "template",
        "template",
    ]

    # A new message from the person opens it again.
    await meta.write(ALICE, "ok")
    await notify(hass, "Sleep 7 h")
    assert graph.messages_to(ALICE)[-1].type == "text"

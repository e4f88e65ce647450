"""The 24-hour customer service window, by the sandbox clock."""

from datetime import timedelta

import pytest

from custom_components.whoop.whatsapp_api import (
    WhatsAppClient,
    WhatsAppOutsideWindowError,
)
from sandbox.clock import SandboxClock
from sandbox.graph import GraphSandbox

from .conftest import START

PERSON = "+447700900123"


async def test_free_form_needs_the_person_to_have_written(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    with pytest.raises(WhatsAppOutsideWindowError) as caught:
        await client.send_text(PERSON, "Hello")

    assert caught.value.code == 131047
    assert "24 hours" in str(caught.value)
    assert graph.messages == []


async def test_window_lasts_24_hours(
    client: WhatsAppClient, graph: GraphSandbox, clock: SandboxClock
) -> None:
    graph.open_window(PERSON)
    clock.advance(timedelta(hours=23, minutes=59, seconds=59))
    await client.send_text(PERSON, "Just in time")

    clock.advance(timedelta(seconds=1))
    with pytest.raises(WhatsAppOutsideWindowError):
        await client.send_text(PERSON, "Too late")
    with pytest.raises(WhatsAppOutsideWindowError):
        await client.send_image(PERSON, link="https://example.com/a.png")

    assert graph.window_expires_at(PERSON) == START + timedelta(hours=24)
    assert not graph.window_open(PERSON)
    assert [message.text for message in graph.messages] == ["Just in time"]


async def test_templates_are_delivered_outside_the_window(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    await client.send_template(
        PERSON, "whoop_alert", "en_US", body_parameters=["Low recovery", "Rest today"]
    )

    assert graph.messages[0].template_name == "whoop_alert"


async def test_a_new_message_from_the_person_reopens_the_window(
    client: WhatsAppClient, graph: GraphSandbox, clock: SandboxClock
) -> None:
    graph.open_window(PERSON)
    clock.advance(timedelta(days=2))
    graph.open_window(PERSON)

    await client.send_text(PERSON, "Welcome back")

    assert graph.windows() == {
        "+4915123456789": START + timedelta(hours=24),
        PERSON: START + timedelta(days=3),
    }


async def test_closed_window(client: WhatsAppClient, graph: GraphSandbox) -> None:
    graph.open_window(PERSON)
    graph.close_window(PERSON)

    with pytest.raises(WhatsAppOutsideWindowError):
        await client.send_document(PERSON, link="https://example.com/r.pdf")

    assert graph.window_expires_at(PERSON) is None

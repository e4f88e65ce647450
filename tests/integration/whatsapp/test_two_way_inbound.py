"""Messages people send: triggers (event entity, bus events), blue ticks, buttons, Assist."""

import logging
from typing import Any, Literal

from homeassistant.components import conversation
from homeassistant.components.conversation import (
    AbstractConversationAgent,
    ConversationInput,
    ConversationResult,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.whoop.const import DOMAIN
from custom_components.whoop.whatsapp.webhooks.inbound import (
    EVENT_MESSAGE,
    EVENT_UNKNOWN_SENDER,
)
from sandbox.graph import QUICK_REPLY_TEMPLATE, WINDOW_SYNC, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    ALICE_EVENTS,
    BOB,
    SENDER_TITLE,
    SetUpMeta,
    recipient,
)

STRANGER = "+33699887766"
BUTTONS = [{"id": "skip", "title": "Skip"}, {"id": "keep", "title": "Keep it"}]


def record(hass: HomeAssistant, event_type: str) -> list[Event]:
    events: list[Event] = []
    hass.bus.async_listen(event_type, events.append)
    return events


async def send_buttons(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "send_whatsapp_buttons",
        {ATTR_ENTITY_ID: ALICE_ENTITY, "message": "Skip today's workout?", **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return response[ALICE_ENTITY]  # type: ignore[return-value]


async def test_a_text_fires_the_event_entity_and_the_bus_event(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    meta = await set_up_meta()
    messages = record(hass, EVENT_MESSAGE)

    with caplog.at_level(logging.DEBUG):
        message_id = await meta.write(ALICE, "status please")

    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["event_type"] == "message_received"
    assert state.attributes["text"] == "status please"
    assert state.attributes["message_id"] == message_id
    [event] = messages
    assert event.data["name"] == "Alice"
    assert event.data["phone_number"] == ALICE
    assert event.data["text"] == "status please"
    assert event.data["message_id"] == message_id
    assert event.data["event_type"] == "message_received"
    assert graph.marked_read == []  # blue ticks are opt-in
    assert graph.messages == []  # nothing answers by default
    assert ALICE.removeprefix("+") not in caplog.text
    assert "status please" not in caplog.text


async def test_a_photo_is_a_message_with_its_media_id(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta()

    photo = graph.receive_image(ALICE, caption="my breakfast")
    await meta.deliver()

    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["event_type"] == "message_received"
    assert state.attributes["type"] == "image"
    assert state.attributes["media_id"] == photo.media_id
    assert state.attributes["text"] == "my breakfast"


async def test_messages_are_marked_read_when_the_recipient_wants_it(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta(recipient(mark_as_read=True))

    message_id = await meta.write(ALICE, "hi")

    assert graph.marked_read == [message_id]


async def test_a_stranger_fires_the_sender_event_and_is_not_added(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    meta = await set_up_meta(recipient(mark_as_read=True, assist=True))
    strangers = record(hass, EVENT_UNKNOWN_SENDER)
    messages = record(hass, EVENT_MESSAGE)
    before = hass.states.get(ALICE_EVENTS)

    with caplog.at_level(logging.DEBUG):
        await meta.write(STRANGER, "who is this?")

    [event] = strangers
    assert event.data["sender"] == SENDER_TITLE
    assert event.data["phone_number"] == STRANGER
    assert event.data["text"] == "who is this?"
    assert messages == []
    assert hass.states.get(ALICE_EVENTS) == before
    assert len(meta.entry.subentries) == 1
    assert graph.marked_read == []
    assert graph.messages == []
    assert STRANGER.removeprefix("+") not in caplog.text


async def test_buttons_inside_the_window_and_the_press(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    messages = record(hass, EVENT_MESSAGE)

    response = await send_buttons(hass, buttons=BUTTONS, title="WHOOP")

    [sent] = graph.messages_to(ALICE)
    assert sent.type == "interactive"
    assert response == {"message_id": sent.message_id}
    assert [(button.id, button.title) for button in sent.buttons] == [
        ("skip", "Skip"),
        ("keep", "Keep it"),
    ]
    graph.tap(sent.message_id, "skip")
    await meta.deliver()

    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["event_type"] == "button_pressed"
    assert state.attributes["button_id"] == "skip"
    [event] = messages
    assert event.data["button_id"] == "skip"
    assert event.data["button_title"] == "Skip"
    assert event.data["context_id"] == sent.message_id
    assert event.data["event_type"] == "button_pressed"


async def test_buttons_outside_the_window_use_the_buttons_template(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta(
        recipient(delivery_mode="automatic", buttons_template=QUICK_REPLY_TEMPLATE)
    )

    response = await send_buttons(
        hass, buttons=[{"id": "ok", "title": "OK"}, {"id": "snooze", "title": "Snooze"}]
    )

    [sent] = graph.messages_to(ALICE)
    assert sent.type == "template"
    assert sent.template_name == QUICK_REPLY_TEMPLATE
    assert response == {"message_id": sent.message_id}
    graph.tap(sent.message_id, "Snooze")
    await meta.deliver()
    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["event_type"] == "button_pressed"
    assert state.attributes["button_id"] == "snooze"


async def test_buttons_outside_the_window_without_a_template_are_refused(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    await set_up_meta()

    with pytest.raises(ServiceValidationError) as caught:
        await send_buttons(hass, buttons=BUTTONS)

    assert caught.value.translation_key == "whatsapp_buttons_need_template"
    assert graph.messages == []
    assert graph.failed_messages == []


@pytest.mark.parametrize(
    "buttons",
    [
        [],
        [{"id": str(number), "title": str(number)} for number in range(4)],
        [{"id": "a", "title": "A title longer than twenty"}],
        [{"id": "a"}],
    ],
    ids=["none", "four", "long-title", "no-title"],
)
async def test_bad_buttons_are_refused_before_sending(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    buttons: list[dict[str, str]],
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")

    with pytest.raises(Exception, match=r"button|title|id|length"):
        await send_buttons(hass, buttons=buttons)

    assert graph.messages == []


class EchoAgent(AbstractConversationAgent):
    """A conversation agent that answers what it was asked, and remembers who asked."""

    def __init__(self, answer: str = "You said: {text}") -> None:
        """Answer with ``answer`` (``{text}`` is what was asked)."""
        self.inputs: list[ConversationInput] = []
        self.answer = answer
        self.error: Exception | None = None

    @property
    def supported_languages(self) -> Literal["*"]:
        """Any language."""
        return "*"

    async def async_process(self, user_input: ConversationInput) -> ConversationResult:
        """Answer, or fail with ``error``."""
        self.inputs.append(user_input)
        if self.error is not None:
            raise self.error
        response = intent.IntentResponse(language=user_input.language)
        response.async_set_speech(self.answer.format(text=user_input.text))
        return ConversationResult(response=response, conversation_id="conversation-1")


@pytest.fixture
async def agent(hass: HomeAssistant) -> tuple[str, EchoAgent]:
    """An agent of a config entry of its own, as an LLM integration would add one."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    agent_entry = MockConfigEntry(domain="test")
    agent_entry.add_to_hass(hass)
    echo = EchoAgent()
    conversation.async_set_agent(hass, agent_entry, echo)
    return agent_entry.entry_id, echo


async def test_assist_answers_a_recipient_who_opted_in(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    agent: tuple[str, EchoAgent],
) -> None:
    agent_id, echo = agent
    meta = await set_up_meta(
        recipient(assist=True, agent_id=agent_id), recipient("Bob", BOB)
    )

    await meta.write(ALICE, "Is the garage open?")
    await meta.write(ALICE, "And now?")
    await meta.write(BOB, "Open the garage")  # Bob did not opt in

    assert [item.text for item in echo.inputs] == ["Is the garage open?", "And now?"]
    assert echo.inputs[1].conversation_id == "conversation-1"
    assert [message.text for message in graph.messages_to(ALICE)] == [
        "You said: Is the garage open?",
        "You said: And now?",
    ]
    assert graph.messages_to(BOB) == []


async def test_assist_ignores_buttons_and_strangers(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    agent: tuple[str, EchoAgent],
) -> None:
    agent_id, echo = agent
    meta = await set_up_meta(recipient(assist=True, agent_id=agent_id))

    await meta.write(STRANGER, "Open the garage")
    graph.receive_image(ALICE)
    await meta.deliver()

    assert echo.inputs == []
    assert graph.messages == []


async def test_assist_without_conversation_sends_nothing(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    meta = await set_up_meta(recipient(assist=True))

    await meta.write(ALICE, "Is the garage open?")

    assert graph.messages == []
    assert "Assist (conversation) is not set up" in caplog.text


async def test_assist_failures_are_logged_and_nothing_is_sent(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    agent: tuple[str, EchoAgent],
    caplog: pytest.LogCaptureFixture,
) -> None:
    agent_id, echo = agent
    meta = await set_up_meta(
        recipient(assist=True, agent_id=agent_id),
        recipient("Bob", BOB, assist=True, agent_id="conversation.removed_agent"),
    )

    echo.answer = "  "
    await meta.write(ALICE, "Anyone there?")
    await meta.write(BOB, "Is the garage open?")

    assert graph.messages == []
    assert "could not answer Bob" in caplog.text


async def test_an_agent_error_is_answered_as_the_agent_says(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    agent: tuple[str, EchoAgent],
) -> None:
    agent_id, echo = agent
    meta = await set_up_meta(recipient(assist=True, agent_id=agent_id))
    echo.error = HomeAssistantError("the agent is down")

    await meta.write(ALICE, "Is the garage open?")

    # Assist turns an agent's error into an answer saying so; the person gets it.
    [answer] = graph.messages_to(ALICE)
    assert answer.text == "the agent is down"


async def test_an_answer_that_cannot_be_sent_is_logged(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    agent: tuple[str, EchoAgent],
    caplog: pytest.LogCaptureFixture,
) -> None:
    agent_id, _ = agent
    meta = await set_up_meta(recipient(assist=True, agent_id=agent_id))
    graph.fail_next(131051)

    await meta.write(ALICE, "Is the garage open?")

    assert graph.messages == []
    assert "Could not send the answer of Assist to Alice" in caplog.text


async def test_a_failed_read_mark_is_no_error(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    meta = await set_up_meta(recipient(mark_as_read=True))
    graph.fail_next(131000)
    messages = record(hass, EVENT_MESSAGE)

    await meta.write(ALICE, "hi")

    assert len(messages) == 1
    assert graph.marked_read == []
    assert "ERROR" not in caplog.text.replace(
        "ERROR:homeassistant.components.camera", ""
    )


async def test_a_message_from_an_invalid_number_is_logged_masked(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    caplog: pytest.LogCaptureFixture,
) -> None:
    meta = await set_up_meta()
    strangers = record(hass, EVENT_UNKNOWN_SENDER)

    with caplog.at_level(logging.DEBUG):
        await meta.write("+10000000", "hello")

    assert len(strangers) == 1
    # The conftest only knows the tests' own numbers: look at this one's line itself.
    [line] = [
        record.getMessage()
        for record in caplog.records
        if "who is no recipient" in record.getMessage()
    ]
    assert line == "WhatsApp message from +10 ••• 000, who is no recipient"
    assert "10000000" not in line


async def test_buttons_failing_later_are_asked_again_with_the_template(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta(
        recipient(delivery_mode="automatic", buttons_template=QUICK_REPLY_TEMPLATE)
    )
    await meta.write(ALICE, "hi")  # Home Assistant knows the window is open...
    graph.close_window(ALICE)  # ...Meta says no, later
    messages = record(hass, EVENT_MESSAGE)
    buttons = [{"id": "ok", "title": "OK"}, {"id": "snooze", "title": "Snooze"}]

    response = await send_buttons(hass, buttons=buttons)
    [interactive] = graph.failed_messages
    assert response == {"message_id": interactive.message_id}
    await meta.deliver()  # the failure: the template asks instead

    [template] = graph.messages_to(ALICE)
    assert template.template_name == QUICK_REPLY_TEMPLATE
    graph.tap(template.message_id, "snooze")
    await meta.deliver()

    state = hass.states.get(ALICE_EVENTS)
    assert state.attributes["event_type"] == "button_pressed"
    [event] = messages
    assert event.data["button_id"] == "snooze"
    # What the automation waits for: the id the action returned.
    assert event.data["context_id"] == interactive.message_id


async def test_buttons_refused_at_once_are_asked_with_the_template(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta(
        recipient(delivery_mode="automatic", buttons_template=QUICK_REPLY_TEMPLATE)
    )
    await meta.write(ALICE, "hi")
    graph.window_mode = WINDOW_SYNC
    graph.close_window(ALICE)

    response = await send_buttons(
        hass, buttons=[{"id": "ok", "title": "OK"}, {"id": "snooze", "title": "Snooze"}]
    )

    [template] = graph.messages_to(ALICE)
    assert template.template_name == QUICK_REPLY_TEMPLATE
    assert response == {"message_id": template.message_id}


async def test_buttons_refused_at_once_without_a_template_say_why(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    graph.window_mode = WINDOW_SYNC
    graph.close_window(ALICE)

    with pytest.raises(ServiceValidationError) as caught:
        await send_buttons(hass, buttons=BUTTONS)

    assert caught.value.translation_key == "whatsapp_outside_window"
    assert graph.messages == []


async def test_the_bus_event_carries_exactly_what_automations_read(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    """The whole payload of a text, a photo and a button press, key by key."""
    meta = await set_up_meta()
    messages = record(hass, EVENT_MESSAGE)
    await meta.write(ALICE, "hi")
    photo = graph.receive_image(ALICE, caption="my breakfast")
    await meta.deliver()
    await send_buttons(hass, buttons=BUTTONS, title="WHOOP")
    [sent] = graph.messages_to(ALICE)
    graph.tap(sent.message_id, "skip")
    await meta.deliver()

    text, image, press = (event.data for event in messages)
    inbound = {message.message_id: message for message in graph.inbound}
    common = {"name": "Alice", "phone_number": ALICE}
    for data in (text, image, press):
        sent_by = inbound[data["message_id"]]
        assert data["profile_name"] == sent_by.profile_name
        assert data["timestamp"] == sent_by.at.replace(microsecond=0).isoformat()
    assert text == common | {
        "event_type": "message_received",
        "message_id": text["message_id"],
        "type": "text",
        "text": "hi",
        "button_id": None,
        "button_title": None,
        "context_id": None,
        "media_id": None,
        "mime_type": None,
        "profile_name": text["profile_name"],
        "timestamp": text["timestamp"],
    }
    assert image == text | {
        "message_id": image["message_id"],
        "type": "image",
        "text": "my breakfast",
        "media_id": photo.media_id,
        "mime_type": "image/jpeg",
        "timestamp": image["timestamp"],
    }
    assert press == text | {
        "event_type": "button_pressed",
        "message_id": press["message_id"],
        "type": "interactive",
        "text": None,  # the title is in button_title
        "button_id": "skip",
        "button_title": "Skip",
        "context_id": sent.message_id,
        "timestamp": press["timestamp"],
    }

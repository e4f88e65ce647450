"""A person's path for WhatsApp two-way in headless Chromium (issue 11.8).

Add a WhatsApp sender and a recipient in automatic mode, open the sender's Configure dialog for Meta
webhooks, subscribe the sandbox's Meta to the callback it shows, send a text outside the 24-hour
window (the template goes instead), reply as the recipient on the sandbox's
page, see the recipient's event entity and an automation's answer, then ask with buttons and press
one. The sandbox answers as Meta does (``window_mode`` async: 131047 comes by webhook). Screenshots
of every step go to ``artifacts/screenshots/whatsapp-two-way/``.
"""

import asyncio
from collections.abc import Awaitable, Callable
import json
import re
from typing import Any, Final

import aiohttp
from playwright.async_api import BrowserContext, Page, expect

from sandbox.graph import ACCESS_TOKEN, ALERT_TEMPLATE, PHONE_NUMBER_ID
from sandbox.graph.constants import APP_SECRET
from tests.e2e.conftest import RunningDemo
from tests.e2e.demo_home import websocket_call
from tests.e2e.test_a_persons_path import (
    SCREENSHOTS,
    Screenshots,
    browser,  # noqa: F401 - the fixture
    log_in,
    open_whoop_menu,
)

RECIPIENT: Final = "Alice"
RECIPIENT_NUMBER: Final = "+44 7700 900123"
WA_ID: Final = "447700900123"
NOTIFY: Final = "notify.alice_whatsapp"
EVENT: Final = "event.alice_whatsapp"
TITLE: Final = "Recovery"
MESSAGE: Final = "Your recovery is in: 71 %."
REPLY: Final = "Thanks! Should I train today?"
ANSWER: Final = "Home Assistant got your message"
QUESTION: Final = "Recovery is 34 %. Skip today's workout?"
WAIT_SECONDS: Final = 30


async def _http(
    method: str, url: str, *, token: str | None = None, body: object = None
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        asyncio.timeout(WAIT_SECONDS),
        aiohttp.ClientSession() as session,
        session.request(method, url, json=body, headers=headers) as response,
    ):
        assert response.status < 300, (method, url, await response.text())
        return await response.json()


async def _until[T](probe: Callable[[], Awaitable[T | None]], what: str) -> T:
    """Poll ``probe`` until it returns something (bounded: the integration works in the background)."""
    for _ in range(WAIT_SECONDS * 4):
        if (found := await probe()) is not None:
            return found
        await asyncio.sleep(0.25)
    msg = f"no {what} after {WAIT_SECONDS} s"
    raise AssertionError(msg)


async def _messages_to_alice(demo: RunningDemo) -> list[dict[str, Any]]:
    """What Alice got, oldest first (the sandbox lists newest first)."""
    body = await _http("GET", f"{demo.graph_url}/_sandbox/messages.json")
    return [m for m in reversed(body["messages"]) if m["wa_id"] == WA_ID]


async def _event_state(demo: RunningDemo) -> dict[str, Any]:
    return dict(
        await _http(
            "GET", f"{demo.home.url}/api/states/{EVENT}", token=demo.access_token
        )
    )


async def _until_event(demo: RunningDemo, event_type: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        state = await _event_state(demo)
        return state if state["attributes"].get("event_type") == event_type else None

    return await _until(probe, f"{event_type} on {EVENT}")


async def prepare_meta_and_automation(demo: RunningDemo) -> None:
    """Meta's real window (131047 by webhook), an external URL, the automation that answers."""
    await _http(
        "PATCH", f"{demo.graph_url}/_sandbox/settings", body={"window_mode": "async"}
    )
    # Meta must reach Home Assistant: here the demo's own address stands for a public one.
    await websocket_call(
        demo.home, demo.access_token, "config/core/update", external_url=demo.home.url
    )
    # The demo's configuration merges the files of automations/; reloading reads this one.
    automation = {
        "id": "whatsapp_answer",
        "alias": "Answer WhatsApp messages",
        "triggers": [
            {
                "trigger": "event",
                "event_type": "whoop_whatsapp_message",
                "event_data": {"event_type": "message_received"},
            }
        ],
        "actions": [
            {
                "action": "notify.send_message",
                "target": {"entity_id": NOTIFY},
                "data": {"message": f"{ANSWER}: {{{{ trigger.event.data.text }}}}"},
            }
        ],
    }
    (demo.home.config_dir / "automations" / "whatsapp_answer.yaml").write_text(
        # JSON is YAML too, and needs no quoting of the template.
        json.dumps([automation]),
        encoding="utf-8",
    )
    await _http(
        "POST",
        f"{demo.home.url}/api/services/automation/reload",
        token=demo.access_token,
        body={},
    )
    state = await _http(
        "GET",
        f"{demo.home.url}/api/states/automation.answer_whatsapp_messages",
        token=demo.access_token,
    )
    assert state["state"] == "on", state


async def add_sender_and_automatic_recipient(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> None:
    """Add the sandbox's sender, then Alice with automatic delivery and the alert template."""
    await open_whoop_menu(page, demo, shots)
    await page.get_by_text("A WhatsApp sender").click()
    await page.get_by_role("textbox", name=re.compile("^Access token")).fill(
        ACCESS_TOKEN
    )
    await page.get_by_role("textbox", name=re.compile("^Phone number ID")).fill(
        PHONE_NUMBER_ID
    )
    await page.get_by_role("button", name="Submit").click()
    recipient_form = page.get_by_text("Add a WhatsApp recipient")
    finish = page.get_by_role("button", name=re.compile("finish", re.IGNORECASE))
    await finish.or_(recipient_form).first.wait_for()
    if not await recipient_form.is_visible():
        await finish.click()
        await page.goto(f"{demo.home.url}/config/integrations/integration/whoop")
        await page.get_by_role("button", name="Add recipient").click()
    await expect(recipient_form).to_be_visible()
    await page.get_by_role("textbox", name=re.compile("^Name")).fill(RECIPIENT)
    await page.get_by_role("textbox", name=re.compile("^Phone number")).fill(
        RECIPIENT_NUMBER
    )
    automatic = page.get_by_role("radio", name=re.compile("^Automatic"))
    await automatic.check()
    await expect(automatic).to_be_checked()
    await shots.take(page, "recipient-automatic")
    await page.get_by_role("button", name="Submit").click()
    # The business account's approved templates are offered: pick the alert template.
    await expect(
        page.get_by_text("Choose one of the templates approved")
    ).to_be_visible()
    await page.get_by_text(ALERT_TEMPLATE, exact=True).first.click()
    await page.get_by_text(f"{ALERT_TEMPLATE} (en_US)", exact=True).click()
    await expect(page.get_by_text(ALERT_TEMPLATE, exact=True).first).to_be_visible()
    await shots.take(page, "recipient-template")
    await page.get_by_role("button", name="Submit").click()
    await expect(
        page.get_by_text(f"Created configuration for {RECIPIENT}")
    ).to_be_visible()
    await finish.click()


async def configure_webhooks(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> tuple[str, str]:
    """The sender's Configure dialog: the app secret, then the callback URL and verify token."""
    await page.goto(f"{demo.home.url}/config/integrations/integration/whoop")
    await page.get_by_role("button", name="Configure").first.click()
    await expect(page.get_by_text("Meta webhooks for")).to_be_visible()
    # A password field has no textbox role; it is the dialog's only one.
    await page.locator("input[type=password]").fill(APP_SECRET)
    await shots.take(page, "sender-app-secret")
    await page.get_by_role("button", name="Submit").click()
    info = page.get_by_text("Connect Meta to Home Assistant")
    await expect(info).to_be_visible()
    url = await page.locator("li", has_text="Callback URL").locator("code").inner_text()
    token = (
        await page.locator("li", has_text="Verify token").locator("code").inner_text()
    )
    assert url.startswith(f"{demo.home.url}/api/webhook/"), url
    assert token
    await shots.take(page, "sender-callback-url")
    await page.get_by_role("button", name="Submit").click()
    await expect(info).to_be_hidden()
    return url, token


async def subscribe_meta(
    demo: RunningDemo, callback_url: str, verify_token: str
) -> None:
    """What a person does in Meta's App Dashboard: Meta's handshake must succeed."""
    subscription = await _http(
        "POST",
        f"{demo.graph_url}/_sandbox/webhooks/subscribe",
        body={
            "callback_url": callback_url,
            "verify_token": verify_token,
            "app_secret": APP_SECRET,
        },
    )
    assert subscription["callback_url"] == callback_url, subscription


async def perform_action(
    page: Page, demo: RunningDemo, shots: Screenshots, name: str, action: str
) -> None:
    """Developer tools > Actions, YAML mode: perform ``action``."""
    await page.goto(f"{demo.home.url}/developer-tools/action")
    await page.get_by_text("YAML mode").click()
    await page.locator(".cm-content").click()
    await page.keyboard.press("Control+A")
    # insert_text: one edit, so the editor's auto-indent does not shift the YAML.
    await page.keyboard.insert_text(action)
    await shots.take(page, name)
    await page.get_by_role("button", name="Perform action").click()


async def send_outside_the_window(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> None:
    """A text to someone whose window is closed: the template arrives instead."""
    await perform_action(
        page,
        demo,
        shots,
        "send-text",
        f"action: notify.send_message\ntarget:\n  entity_id: {NOTIFY}\n"
        f"data:\n  title: {json.dumps(TITLE)}\n  message: {json.dumps(MESSAGE)}\n",
    )

    async def template() -> dict[str, Any] | None:
        return next(
            (m for m in await _messages_to_alice(demo) if m["type"] == "template"), None
        )

    message = await _until(template, "template for Alice")
    assert message["template_name"] == ALERT_TEMPLATE
    assert message["body_parameters"] == [TITLE, MESSAGE]
    body = await _http("GET", f"{demo.graph_url}/_sandbox/messages.json")
    # Alice never wrote: her window is closed, so the template goes at once, not a text first.
    assert [m["type"] for m in await _messages_to_alice(demo)] == ["template"]
    assert body["failed_messages"] == [], body
    await page.goto(f"{demo.graph_url}/_sandbox/messages")
    await expect(page.locator("tr.message", has_text=WA_ID)).to_have_count(1)
    await shots.take(page, "sandbox-template")


async def open_event_entity(
    page: Page, demo: RunningDemo, shots: Screenshots, name: str, shown: str
) -> None:
    """Alice's device page, then her WhatsApp event entity's dialog showing ``shown``."""
    devices = await websocket_call(
        demo.home, demo.access_token, "config/device_registry/list"
    )
    (device,) = [d for d in devices if d["name"] == RECIPIENT]
    await page.goto(f"{demo.home.url}/config/devices/device/{device['id']}")
    await expect(page.get_by_text(RECIPIENT).first).to_be_visible()
    # The notify and the event entity are both called WhatsApp: open the event's dialog as a
    # click on it does.
    await page.evaluate(
        """entityId => document.querySelector("home-assistant").dispatchEvent(
            new CustomEvent("hass-more-info", {detail: {entityId}, bubbles: true, composed: true}))""",
        EVENT,
    )
    dialog = page.locator("ha-more-info-dialog")
    await expect(dialog.get_by_text(shown).first).to_be_visible()
    await shots.take(page, name)
    await page.keyboard.press("Escape")


async def reply_and_get_an_answer(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> None:
    """Alice replies on the sandbox's page; her event entity fires; the automation answers."""
    await page.goto(f"{demo.graph_url}/_sandbox/messages")
    await page.locator(f"#reply-text-{WA_ID}").fill(REPLY)
    await page.locator(f"#reply-send-{WA_ID}").scroll_into_view_if_needed()
    await shots.take(page, "sandbox-reply")
    await page.locator(f"#reply-send-{WA_ID}").click()

    state = await _until_event(demo, "message_received")
    assert state["attributes"]["text"] == REPLY, state
    await open_event_entity(
        page, demo, shots, "event-message-received", "Message received"
    )

    async def answer() -> dict[str, Any] | None:
        return next(
            (m for m in await _messages_to_alice(demo) if m["type"] == "text"), None
        )

    message = await _until(answer, "answer to Alice")
    # The window is open now: the answer goes as text, not as the template.
    assert message["text"] == f"{ANSWER}: {REPLY}", message
    await page.goto(f"{demo.graph_url}/_sandbox/messages")
    conversation = page.locator(f"#conversation-{WA_ID}")
    await expect(conversation).to_contain_text(ANSWER)
    await conversation.scroll_into_view_if_needed()
    await shots.take(page, "sandbox-automation-answer")


async def ask_with_buttons_and_press_one(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> None:
    """whoop.send_whatsapp_buttons, a tap on the sandbox's page, and button_pressed."""
    await perform_action(
        page,
        demo,
        shots,
        "send-buttons",
        "action: whoop.send_whatsapp_buttons\n"
        f"target:\n  entity_id: {NOTIFY}\n"
        f"data:\n  message: {json.dumps(QUESTION)}\n  buttons:\n"
        '    - {id: skip, title: "Skip"}\n'
        '    - {id: keep, title: "Keep it"}\n',
    )

    async def question() -> dict[str, Any] | None:
        return next(
            (m for m in await _messages_to_alice(demo) if m["type"] == "interactive"),
            None,
        )

    message = await _until(question, "buttons for Alice")
    assert [b["title"] for b in message["buttons"]] == ["Skip", "Keep it"], message
    body = await _http("GET", f"{demo.graph_url}/_sandbox/messages.json")
    # The page numbers messages oldest first, from 1.
    position = [m["id"] for m in reversed(body["messages"])].index(message["id"]) + 1
    await page.goto(f"{demo.graph_url}/_sandbox/messages")
    tap = page.locator(f"#tap-{position}-0")
    await expect(tap).to_have_text("Skip")
    await tap.scroll_into_view_if_needed()
    await shots.take(page, "sandbox-buttons")
    await tap.click()

    state = await _until_event(demo, "button_pressed")
    assert state["attributes"]["button_id"] == "skip", state
    # The press names the question it answers, as the action returned it.
    assert state["attributes"]["context_id"] == message["id"], state
    await open_event_entity(page, demo, shots, "event-button-pressed", "Button pressed")


async def test_a_person_talks_with_home_assistant_by_whatsapp(
    demo: RunningDemo,
    browser: BrowserContext,  # noqa: F811 - the fixture imported above
) -> None:
    shots = Screenshots(SCREENSHOTS / "whatsapp-two-way")
    page = browser.pages[0] if browser.pages else await browser.new_page()
    try:
        await prepare_meta_and_automation(demo)
        await log_in(page, demo, shots)
        await add_sender_and_automatic_recipient(page, demo, shots)
        callback_url, verify_token = await configure_webhooks(page, demo, shots)
        await subscribe_meta(demo, callback_url, verify_token)
        await send_outside_the_window(page, demo, shots)
        await reply_and_get_an_answer(page, demo, shots)
        await ask_with_buttons_and_press_one(page, demo, shots)
    except Exception:
        await shots.take(page, "failure")
        raise

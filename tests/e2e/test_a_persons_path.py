"""A person's path through the demo in headless Chromium (issues 6 and 14).

Log in, add WHOOP ("A WHOOP account"), authorize on the sandbox's page, find the new entry and the
member's device with its sensor values and events, open the entry's Configure dialog, reconfigure
with fewer scopes and follow the repair that brings them back, sign in again as the wrong member and
then the right one, add a WhatsApp sender after a form error, a recipient with an approved
template, use the morning report blueprint, send a message from Settings > Tools > Actions and find
it on the sandbox's messages page. Every step leaves a screenshot in ``artifacts/screenshots/``
(git-ignored); ``docs/images/`` keeps copies of some for the README.
"""

import asyncio
from collections.abc import AsyncIterator
import json
from pathlib import Path
import re
import shutil
import tempfile

import aiohttp
from playwright.async_api import (
    BrowserContext,
    Locator,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)
import pytest

from sandbox.graph import (
    ACCESS_TOKEN,
    ALERT_TEMPLATE,
    NAMED_ALERT_TEMPLATE,
    PHONE_NUMBER_ID,
)
from tests.e2e.conftest import RunningDemo
from tests.e2e.demo_home import DEMO_PASSWORD, DEMO_USERNAME, REPO_ROOT

SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"  # Debian's; the test never downloads a browser
# Without the networking flags Chromium keeps trying hosts this closed network refuses.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
# Tall enough for the whole sensor card of the device page.
TALL_VIEWPORT: ViewportSize = {"width": 1280, "height": 1700}

MEMBER = "John Smith"
OTHER_MEMBER = "Jane Doe"
JOHN_USER_ID = 10129
RECIPIENT = "Alice"
RECIPIENT_NUMBER = "+44 7700 900123"
RECIPIENT_WA_ID = "447700900123"
TITLE = "Good morning"
MESSAGE = "Your recovery is in: time for a run!"


class Screenshots:
    """Numbered screenshots of each step, in the order taken."""

    def __init__(self, folder: Path) -> None:
        """Start with an empty folder."""
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        self._count = 0

    async def take(self, page: Page, name: str) -> Path:
        """Save what ``page`` shows now as ``NN-name.png``."""
        self._count += 1
        path = self.folder / f"{self._count:02d}-{name}.png"
        # Transitions run to their end: a form shows its state, not a label mid-flight.
        await page.screenshot(path=path, animations="disabled")
        return path


@pytest.fixture
async def browser() -> AsyncIterator[BrowserContext]:
    """Debian's Chromium, headless, with a new empty profile."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                args=CHROMIUM_FLAGS,
                viewport=VIEWPORT,
            )
            try:
                yield context
            finally:
                await context.close()


async def log_in(page: Page, demo: RunningDemo, shots: Screenshots) -> None:
    await page.goto(f"{demo.home.url}/")
    await page.get_by_role("textbox", name="Username").fill(DEMO_USERNAME)
    await page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    await shots.take(page, "login")
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(re.compile(r"/home/"))


async def open_whoop_menu(page: Page, demo: RunningDemo, shots: Screenshots) -> None:
    """Settings > Devices & services > Add integration > WHOOP."""
    await page.goto(f"{demo.home.url}/config/integrations/dashboard")
    await page.get_by_role("button", name="Add integration").click()
    await expect(page.get_by_text("Select brand")).to_be_visible()
    await page.get_by_placeholder("Search for a brand name").fill("WHOOP")
    await (
        page.locator("dialog-add-integration").get_by_text("WHOOP", exact=True).click()
    )
    await expect(page.get_by_text("What do you want to add?")).to_be_visible()
    await shots.take(page, "add-whoop-menu")


async def authorize_at_whoop(
    page: Page,
    shots: Screenshots,
    name: str,
    *,
    member: str = MEMBER,
    refuse: tuple[str, ...] = (),
) -> None:
    """Open the sandbox's consent page, sign in as ``member``, untick ``refuse``, authorize."""
    async with page.expect_popup() as opened:
        await page.get_by_text("Open website").click()
    consent = await opened.value
    await consent.get_by_label(re.compile(f"^ ?{member} \\(")).check()
    for scope in refuse:
        await consent.get_by_label(scope, exact=True).uncheck()
    await shots.take(consent, name)
    async with consent.expect_event("close"):
        await consent.get_by_role("button", name="Authorize").click()


async def close_dialog(page: Page) -> None:
    """Click the dialog's Close button (not its X) and wait until it is gone."""
    close = page.get_by_text("Close", exact=True)
    await close.click()
    await expect(close).to_be_hidden()


async def add_whoop_account(page: Page, demo: RunningDemo, shots: Screenshots) -> None:
    """Pick "A WHOOP account", authorize on the sandbox's page, come back to a new entry."""
    await open_whoop_menu(page, demo, shots)
    await page.get_by_text("A WHOOP account").click()
    await expect(page.get_by_text("Open website")).to_be_visible()
    await shots.take(page, "open-website")
    async with page.expect_popup() as opened:
        await page.get_by_text("Open website").click()
    consent = await opened.value
    await expect(consent.get_by_text(f"{MEMBER} (")).to_be_visible()
    await shots.take(consent, "sandbox-authorize")
    async with consent.expect_event("close"):
        await consent.get_by_role("button", name="Authorize").click()

    await expect(page.get_by_text("WHOOP is connected.")).to_be_visible()
    await expect(page.get_by_role("textbox", name="Device name")).to_have_value(MEMBER)
    await shots.take(page, "whoop-connected")
    await page.get_by_role("button", name=re.compile("finish", re.IGNORECASE)).click()


async def _state(demo: RunningDemo, entity_id: str) -> str:
    """What Home Assistant holds behind the page."""
    headers = {"Authorization": f"Bearer {demo.access_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{demo.home.url}/api/states/{entity_id}", headers=headers
        ) as response,
    ):
        assert response.status == 200, entity_id
        return str((await response.json())["state"])


async def check_the_device(page: Page, demo: RunningDemo, shots: Screenshots) -> None:
    """The entry is listed; the member's device page shows the sensors' values."""
    await page.goto(f"{demo.home.url}/config/integrations/integration/whoop")
    await expect(page.get_by_text(MEMBER).first).to_be_visible()
    await expect(page.get_by_text("WHOOP member").first).to_be_visible()
    await shots.take(page, "whoop-entry")

    await page.get_by_text("WHOOP member").first.click()
    await expect(page.get_by_text("Sensors", exact=True)).to_be_visible()
    await page.set_viewport_size(TALL_VIEWPORT)
    sensors = page.locator("ha-card", has_text="Sensors").first
    recovery = await _state(demo, "sensor.john_smith_recovery")
    resting = await _state(demo, "sensor.john_smith_resting_heart_rate")
    sleep = await _state(demo, "sensor.john_smith_sleep_performance")
    assert re.fullmatch(r"\d+(\.\d+)?", recovery), recovery
    # What a screen reader reads out, "Recovery 70% Recovery zone Green ...": name, then value.
    await expect(sensors.get_by_role("list")).to_be_visible()
    read_out = await sensors.aria_snapshot()
    for shown in (
        f"Recovery {round(float(recovery))}%",
        f"Resting heart rate {round(float(resting))} bpm",
        f"Sleep performance {round(float(sleep))}%",
    ):
        assert shown in read_out, read_out
    await shots.take(page, "device")
    # The events show when the last recovery, sleep and workout were scored, not "Unknown".
    events = page.locator("ha-card", has_text="Events").last
    await events.scroll_into_view_if_needed()
    for event_id in (
        "event.john_smith_recovery",
        "event.john_smith_sleep",
        "event.john_smith_workout",
    ):
        assert await _state(demo, event_id) not in {"unknown", "unavailable"}
    await expect(events).not_to_contain_text("Unknown")
    await expect(events).to_contain_text("Recovery scored")
    await shots.take(page, "device-events")
    await page.set_viewport_size(VIEWPORT)


async def _entry_row(page: Page, demo: RunningDemo) -> Locator:
    await page.goto(f"{demo.home.url}/config/integrations/integration/whoop")
    row = page.locator("ha-config-entry-row", has_text=MEMBER).first
    await expect(row).to_be_visible()
    return row


async def open_the_configure_dialog(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> None:
    """The gear of the WHOOP entry: what instant updates need, with a Close button."""
    row = await _entry_row(page, demo)
    await row.get_by_role("button", name="Configure").click()
    await expect(page.get_by_text("nothing to configure here")).to_be_visible()
    await expect(page.get_by_role("button", name="Submit")).to_have_count(0)
    await shots.take(page, "configure-dialog")
    await close_dialog(page)


async def reconfigure_with_fewer_scopes_and_repair(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> None:
    """Reconfigure without sleep and workout; the repair names them and signs in again."""
    row = await _entry_row(page, demo)
    await row.get_by_role("button", name="Menu").first.click()
    await page.get_by_text("Reconfigure", exact=True).click()
    await expect(page.get_by_text(f"Sign in to WHOOP as {MEMBER}")).to_be_visible()
    await shots.take(page, "reconfigure")
    await page.get_by_role("button", name="Submit").click()
    await authorize_at_whoop(
        page, shots, "reconfigure-fewer-scopes", refuse=("read:sleep", "read:workout")
    )
    await expect(page.get_by_text("successful")).to_be_visible()
    await close_dialog(page)
    assert await _state(demo, "sensor.john_smith_last_workout") == "unavailable"

    await page.goto(f"{demo.home.url}/config/repairs")
    repair = page.get_by_text(f"Some WHOOP data of {MEMBER} is not shared")
    await expect(repair).to_be_visible()
    await shots.take(page, "repair-missing-scopes")
    await repair.click()
    await expect(
        page.get_by_text("not allowed to share: sleep, workout")
    ).to_be_visible()
    await shots.take(page, "repair-fix-flow")
    await page.get_by_role("button", name="Submit").click()
    # The repair hands over to the entry's Reconfigure.
    await expect(page.get_by_text(f"Sign in to WHOOP as {MEMBER}")).to_be_visible()
    await page.get_by_role("button", name="Submit").click()
    await authorize_at_whoop(page, shots, "repair-all-scopes")
    await expect(page.get_by_text("successful")).to_be_visible()
    await close_dialog(page)
    await page.goto(f"{demo.home.url}/config/repairs")
    await expect(page.get_by_text("no repairs pending")).to_be_visible()
    await shots.take(page, "repair-gone")
    assert await _state(demo, "sensor.john_smith_last_workout") != "unavailable"


async def _call(demo: RunningDemo, domain: str, service: str, data: object) -> None:
    headers = {"Authorization": f"Bearer {demo.access_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{demo.home.url}/api/services/{domain}/{service}",
            json=data,
            headers=headers,
        ) as response,
    ):
        assert response.status == 200, await response.text()


async def reauthenticate_as_the_wrong_member_then_the_right_one(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> None:
    """WHOOP revokes the app's access: Home Assistant asks to sign in again until it works."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{demo.sandbox_url}/_sandbox/members/{JOHN_USER_ID}/revoke"
        ) as response,
    ):
        assert response.status == 204
    await _call(
        demo,
        "homeassistant",
        "update_entity",
        {"entity_id": "sensor.john_smith_recovery"},
    )
    await page.goto(f"{demo.home.url}/config/integrations/dashboard")
    prompt = page.get_by_role("button", name="Reconfigure")
    await expect(prompt).to_have_count(1)
    await shots.take(page, "reauth-needed")

    await prompt.click()
    await page.get_by_role("button", name="Submit").click()
    await authorize_at_whoop(page, shots, "reauth-as-jane", member=OTHER_MEMBER)
    await expect(page.get_by_text(f"This account belongs to {MEMBER}")).to_be_visible()
    await shots.take(page, "reauth-wrong-member")
    await close_dialog(page)
    # The prompt stays.
    await page.reload()
    await expect(prompt).to_have_count(1)
    await shots.take(page, "reauth-still-needed")

    await prompt.click()
    await page.get_by_role("button", name="Submit").click()
    await authorize_at_whoop(page, shots, "reauth-as-john")
    await expect(page.get_by_text("successful")).to_be_visible()
    await close_dialog(page)
    await page.reload()
    await expect(prompt).to_have_count(0)
    await shots.take(page, "reauth-done")


async def add_whatsapp_sender_and_recipient(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> None:
    """Pick "A WhatsApp sender" with the sandbox's token, then add Alice (template delivery)."""
    await open_whoop_menu(page, demo, shots)
    await page.get_by_text("A WhatsApp sender").click()
    await page.get_by_role("textbox", name=re.compile("^Access token")).fill(
        ACCESS_TOKEN
    )
    phone_number_id = page.get_by_role("textbox", name=re.compile("^Phone number ID"))
    await phone_number_id.fill("999999999")
    await shots.take(page, "whatsapp-sender")
    await page.get_by_role("button", name="Submit").click()
    await expect(page.get_by_text("This token can use no phone number")).to_be_visible()
    # The token stays in its field: correcting the phone number ID is enough.
    await expect(
        page.get_by_role("textbox", name=re.compile("^Access token"))
    ).to_have_value(ACCESS_TOKEN)
    await shots.take(page, "whatsapp-sender-error")
    await phone_number_id.fill(PHONE_NUMBER_ID)
    await page.get_by_role("button", name="Submit").click()

    # Home Assistant offers to add a recipient right away; otherwise use the entry's button.
    recipient_form = page.get_by_text("Add a WhatsApp recipient")
    await (
        page.get_by_role("button", name=re.compile("finish", re.IGNORECASE))
        .or_(recipient_form)
        .first.wait_for()
    )
    if not await recipient_form.is_visible():
        await page.get_by_role(
            "button", name=re.compile("finish", re.IGNORECASE)
        ).click()
        await page.goto(f"{demo.home.url}/config/integrations/integration/whoop")
        await page.get_by_role("button", name="Add recipient").click()
    await expect(recipient_form).to_be_visible()
    await page.get_by_role("textbox", name=re.compile("^Name")).fill(RECIPIENT)
    await page.get_by_role("textbox", name=re.compile("^Phone number")).fill(
        RECIPIENT_NUMBER
    )
    # Nobody wrote to the sandbox's number: only a template reaches Alice.
    await page.get_by_text("Template always").click()
    await expect(page.get_by_role("radio", name="Template always")).to_be_checked()
    await shots.take(page, "whatsapp-recipient")
    await page.get_by_role("button", name="Submit").click()
    # The approved templates of the business account are offered.
    await expect(
        page.get_by_text("Choose one of the templates approved")
    ).to_be_visible()
    # The first approved template is preselected; the list offers all of them.
    await page.get_by_text(ALERT_TEMPLATE, exact=True).first.click()
    offered = page.get_by_text(f"{ALERT_TEMPLATE} (en_US)", exact=True)
    await expect(offered).to_be_visible()
    await expect(page.get_by_text(f"{NAMED_ALERT_TEMPLATE} (en_US)")).to_be_visible()
    await shots.take(page, "whatsapp-recipient-templates-offered")
    await offered.click()
    await expect(page.get_by_text(ALERT_TEMPLATE, exact=True).first).to_be_visible()
    await shots.take(page, "whatsapp-recipient-template")
    await page.get_by_role("button", name="Submit").click()
    await expect(
        page.get_by_text(f"Created configuration for {RECIPIENT}")
    ).to_be_visible()
    await page.get_by_role("button", name=re.compile("finish", re.IGNORECASE)).click()

    await page.goto(f"{demo.home.url}/config/integrations/integration/whoop")
    await expect(page.get_by_text("WhatsApp recipient").first).to_be_visible()
    await shots.take(page, "whatsapp-entries")


async def use_the_blueprint(page: Page, demo: RunningDemo, shots: Screenshots) -> None:
    """Settings > Automations & scenes > Blueprints: the morning report, for John and Alice."""
    await page.goto(f"{demo.home.url}/config/blueprint/dashboard")
    await page.get_by_text("WHOOP morning report").click()
    await page.get_by_text("Select a device").click()
    await page.get_by_text(MEMBER, exact=True).last.click()
    await page.get_by_text("Select an entity").first.click()
    await page.get_by_text(re.compile(f"^{RECIPIENT}")).last.click()
    await shots.take(page, "blueprint-automation")
    await page.get_by_role("button", name="Save").last.click()
    # Saved: the editor now offers the automation's traces.
    await expect(page.get_by_text("Traces")).to_be_visible()
    await page.goto(f"{demo.home.url}/config/automation/dashboard")
    await expect(page.get_by_text("WHOOP morning report")).to_be_visible()
    await shots.take(page, "blueprint-saved")
    # Saved to automations.yaml, which configuration.yaml loads.
    saved = (demo.home.config_dir / "automations.yaml").read_text(encoding="utf-8")
    assert "whoop/morning_report.yaml" in saved, saved
    assert await _state(demo, "automation.whoop_morning_report") == "on"


async def send_a_message(page: Page, demo: RunningDemo, shots: Screenshots) -> None:
    """Settings > Tools > Actions, YAML mode: notify.send_message to Alice."""
    await page.goto(f"{demo.home.url}/config/dashboard")
    await page.get_by_text("Tools", exact=True).click()
    await page.get_by_role("tab", name="Actions").click()
    await expect(page).to_have_url(re.compile(r"/config/tools/action"))
    await page.get_by_text("YAML mode").click()
    await page.locator(".cm-content").click()
    await page.keyboard.press("Control+A")
    # insert_text: one edit, so the editor's auto-indent does not shift the YAML.
    await page.keyboard.insert_text(
        "action: notify.send_message\n"
        "target:\n"
        "  entity_id: notify.alice_whatsapp\n"
        "data:\n"
        f"  title: {json.dumps(TITLE)}\n"
        f"  message: {json.dumps(MESSAGE)}\n"
    )
    await expect(page.get_by_text("Send a notification message")).to_be_visible()
    await shots.take(page, "send-message")
    await page.get_by_role("button", name="Perform action").click()


async def _messages_to_alice(demo: RunningDemo) -> list[dict[str, object]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{demo.graph_url}/_sandbox/messages.json") as response,
    ):
        assert response.status == 200
        body = await response.json()
    return [
        message for message in body["messages"] if message["wa_id"] == RECIPIENT_WA_ID
    ]


async def see_it_on_the_sandbox(
    page: Page, demo: RunningDemo, shots: Screenshots
) -> None:
    # The integration sends in the background: give it a few seconds.
    for _ in range(60):
        if messages := await _messages_to_alice(demo):
            break
        await asyncio.sleep(0.25)
    assert len(messages) == 1, messages
    (message,) = messages
    assert message["type"] == "template"
    assert message["template_name"] == ALERT_TEMPLATE
    assert message["body_parameters"] == [TITLE, MESSAGE]

    await page.goto(f"{demo.graph_url}/_sandbox/messages")
    row = page.locator("tr.message", has_text=RECIPIENT_WA_ID)
    await expect(row).to_have_count(1)
    await expect(row.locator(".type")).to_have_text("template")
    await expect(row.locator(".content")).to_contain_text(f"WHOOP alert: {TITLE}")
    await expect(row.locator(".content")).to_contain_text(MESSAGE)
    await shots.take(page, "sandbox-messages")


async def test_a_person_adds_whoop_and_gets_a_whatsapp_message(
    demo: RunningDemo, browser: BrowserContext
) -> None:
    shots = Screenshots(SCREENSHOTS)
    page = browser.pages[0] if browser.pages else await browser.new_page()
    try:
        await log_in(page, demo, shots)
        await add_whoop_account(page, demo, shots)
        await check_the_device(page, demo, shots)
        await open_the_configure_dialog(page, demo, shots)
        await reconfigure_with_fewer_scopes_and_repair(page, demo, shots)
        await reauthenticate_as_the_wrong_member_then_the_right_one(page, demo, shots)
        await add_whatsapp_sender_and_recipient(page, demo, shots)
        await use_the_blueprint(page, demo, shots)
        await send_a_message(page, demo, shots)
        await see_it_on_the_sandbox(page, demo, shots)
    except Exception:
        await shots.take(page, "failure")
        raise

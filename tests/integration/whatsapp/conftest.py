"""Fixtures of the WhatsApp tests: Home Assistant sending to the sandbox's Graph API."""

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
import json
import logging
import re
from typing import Any, cast

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_ACCESS_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.whoop.const import (
    CONF_ENTRY_TYPE,
    DOMAIN,
    SUBENTRY_TYPE_RECIPIENT,
    WHATSAPP_URL_VARIABLE,
)
from custom_components.whoop.entry_kind import EntryKind
from custom_components.whoop.whatsapp import setup as whatsapp_setup
from custom_components.whoop.whatsapp.delivery.timing import DeliveryTiming
from custom_components.whoop.whatsapp.recipients.flow import REPLY_KEYS
from custom_components.whoop.whatsapp.settings import (
    CONF_APP_ID,
    CONF_APP_SECRET,
    CONF_DELIVERY_MODE,
    CONF_PHONE_NUMBER,
    CONF_PHONE_NUMBER_ID,
    CONF_TEMPLATE_LANGUAGE,
    CONF_TEMPLATE_NAME,
    CONF_TEMPLATE_PARAMETERS,
    CONF_VERIFY_TOKEN,
    CONF_WEBHOOK_ID,
)
from sandbox.app import Sandbox
from sandbox.graph import (
    ACCESS_TOKEN,
    ALERT_TEMPLATE,
    APP_ID,
    APP_SECRET,
    DISPLAY_PHONE_NUMBER,
    NOT_ON_WHATSAPP_NUMBER,
    PHONE_NUMBER_ID,
    VERIFIED_NAME,
    WINDOW_ASYNC,
    GraphSandbox,
)

ALICE = "+447700900123"
BOB = "+4915112345678"
# No full number in the title: Home Assistant logs entry titles.
SENDER_NAME = f"{VERIFIED_NAME} (+1 650 ••• 199)"
SENDER_TITLE = f"WhatsApp {SENDER_NAME}"
ALICE_MASKED = "+44 7700 ••• 123"
# Every full number the tests use, digits only; none may show in an error, repair or log line.
FULL_NUMBERS = tuple(
    "".join(character for character in number if character.isdigit())
    for number in (ALICE, BOB, DISPLAY_PHONE_NUMBER, NOT_ON_WHATSAPP_NUMBER)
)
_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[\s\-().]+(?=\d)")
ALICE_ENTITY = "notify.alice_whatsapp"
BOB_ENTITY = "notify.bob_whatsapp"

# Fast enough for tests, still exercising every wait: the real spacing is 6 s.
TEST_TIMING = DeliveryTiming(
    recipient_spacing=0.0,
    rate_limit_retries=3,
    rate_limit_backoff=0.01,
    temporary_retry_delay=0.01,
)

type SetUpSender = Callable[..., Awaitable[MockConfigEntry]]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/whoop."""


@pytest.fixture(autouse=True)
def whatsapp_points_at_sandbox(
    monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox
) -> None:
    """Send the integration's Graph requests to the sandbox, on Home Assistant's clock."""
    monkeypatch.setenv(WHATSAPP_URL_VARIABLE, sandbox.graph_url)
    # Token expiry and 24-hour windows follow Home Assistant's (possibly frozen) time.
    sandbox.clock.follow(dt_util.utcnow)


@pytest.fixture(autouse=True)
def fast_delivery(monkeypatch: pytest.MonkeyPatch, graph: GraphSandbox) -> None:
    """Send without the 6 s spacing; the sandbox stops checking it too.

    The sandbox behaves as Meta does with a free-form message outside the 24-hour window: it
    accepts it (200 and a wamid) and the failure (131047) comes later in a status webhook.
    """
    monkeypatch.setattr(whatsapp_setup, "DeliveryTiming", lambda: TEST_TIMING)
    graph.pair_interval = 0.0
    graph.window_mode = WINDOW_ASYNC


def full_numbers_in(text: str) -> list[str]:
    """Return the full numbers of the tests that ``text`` shows, however it groups them."""
    joined = _DIGIT_SEPARATORS.sub("", text)
    return [number for number in FULL_NUMBERS if number in joined]


@pytest.fixture(autouse=True)
def no_full_phone_numbers(
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    """Fail a test whose errors, repair issues or log lines show a full phone number.

    Only the sandbox, which plays Meta, may log numbers: Meta knows them.
    """
    raised: list[HomeAssistantError] = []
    original_init = HomeAssistantError.__init__

    def recording_init(self: HomeAssistantError, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        raised.append(self)

    monkeypatch.setattr(HomeAssistantError, "__init__", recording_init)
    caplog.set_level(logging.DEBUG)
    yield
    texts = [
        record.getMessage()
        for record in caplog.get_records("setup") + caplog.get_records("call")
        if not record.name.startswith("sandbox")
    ]
    texts += [str(error) for error in raised]
    if "hass" in request.fixturenames:
        hass: HomeAssistant = request.getfixturevalue("hass")
        texts += [
            json.dumps(issue.translation_placeholders)
            for issue in ir.async_get(hass).issues.values()
        ]
    leaks = sum(len(full_numbers_in(text)) for text in texts)
    # Counted, not shown: the assertion message must not show the numbers either.
    assert leaks == 0, f"{leaks} full phone numbers in errors, repairs or logs"


@pytest.fixture
def graph(sandbox: Sandbox) -> GraphSandbox:
    """The sandbox's Graph API state."""
    return cast("GraphSandbox", sandbox.graph)


def recipient(
    title: str = "Alice",
    phone_number: str = ALICE,
    delivery_mode: str = "text",
    **template: Any,
) -> ConfigSubentryData:
    """Return the subentry data of a recipient, as the subentry flow stores it."""
    data: dict[str, Any] = {
        CONF_PHONE_NUMBER: phone_number,
        CONF_DELIVERY_MODE: delivery_mode,
    }
    # Reply options (mark_as_read, buttons_template, assist, agent_id) are no template keys.
    data |= {key: template.pop(key) for key in list(template) if key in REPLY_KEYS}
    if delivery_mode != "text" or template:
        data |= {
            CONF_TEMPLATE_NAME: ALERT_TEMPLATE,
            CONF_TEMPLATE_LANGUAGE: "en_US",
            CONF_TEMPLATE_PARAMETERS: "title_and_message",
        } | template
    return ConfigSubentryData(
        data=data,
        subentry_type=SUBENTRY_TYPE_RECIPIENT,
        title=title,
        unique_id=phone_number,
    )


def sender_entry(
    *recipients: ConfigSubentryData,
    access_token: str = ACCESS_TOKEN,
    app_credentials: bool = False,
) -> MockConfigEntry:
    """Return a WhatsApp sender entry as the config flow creates it."""
    data = {
        CONF_ENTRY_TYPE: EntryKind.WHATSAPP_SENDER,
        CONF_ACCESS_TOKEN: access_token,
        CONF_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    }
    if app_credentials:
        data |= {CONF_APP_ID: APP_ID, CONF_APP_SECRET: APP_SECRET}
    return MockConfigEntry(
        domain=DOMAIN,
        title=SENDER_TITLE,
        unique_id=PHONE_NUMBER_ID,
        data=data,
        subentries_data=list(recipients),
    )


@pytest.fixture
def set_up_sender(hass: HomeAssistant) -> SetUpSender:
    """Add a sender entry (by default with Alice, text only) and set it up."""

    async def set_up(*recipients: ConfigSubentryData, **kwargs: Any) -> MockConfigEntry:
        entry = sender_entry(*(recipients or (recipient(),)), **kwargs)
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    return set_up


WEBHOOK_ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
VERIFY_TOKEN = "verify-token-of-the-tests"
ALICE_EVENTS = "event.alice_whatsapp"
ALICE_WINDOW = "sensor.alice_whatsapp_window_open_until"


def webhook_options() -> dict[str, str]:
    """Return a sender's options once Meta webhooks are set up (the Configure dialog)."""
    return {
        CONF_WEBHOOK_ID: WEBHOOK_ID,
        CONF_VERIFY_TOKEN: VERIFY_TOKEN,
        CONF_APP_SECRET: APP_SECRET,
    }


@dataclass
class Meta:
    """Meta's side of a sender with webhooks: the sandbox subscribed to Home Assistant's URL."""

    hass: HomeAssistant
    graph: GraphSandbox
    entry: MockConfigEntry
    url: str

    async def deliver(self) -> int:
        """Post the webhooks due now and let Home Assistant handle them; return how many."""
        count = await self.graph.webhooks.deliver_due()
        # Sends and agents run in background tasks, after Meta got its answer.
        await self.hass.async_block_till_done(wait_background_tasks=True)
        return count

    async def write(self, phone: str, text: str) -> str:
        """Let ``phone`` write ``text`` to the business; return its wamid once delivered."""
        message = self.graph.receive_text(phone, text)
        await self.deliver()
        return message.message_id


type SetUpMeta = Callable[..., Awaitable[Meta]]


@pytest.fixture
def set_up_meta(
    hass: HomeAssistant,
    graph: GraphSandbox,
    hass_client_no_auth: ClientSessionGenerator,
) -> SetUpMeta:
    """Set up a sender (by default with Alice, text only) with webhooks, the sandbox subscribed.

    Webhooks go out when a test calls ``Meta.deliver`` (not by the sandbox's own timer).
    """

    async def set_up(*recipients: ConfigSubentryData, **kwargs: Any) -> Meta:
        entry = sender_entry(*(recipients or (recipient(),)), **kwargs)
        entry.add_to_hass(hass)
        hass.config_entries.async_update_entry(entry, options=webhook_options())
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        client = await hass_client_no_auth()
        url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
        graph.webhooks.auto_deliver = False
        await graph.webhooks.subscribe(url, VERIFY_TOKEN, app_secret=APP_SECRET)
        return Meta(hass, graph, entry, url)

    return set_up

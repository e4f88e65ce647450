"""Fixtures of the WhatsApp tests: Home Assistant sending to the sandbox's Graph API."""

from collections.abc import Awaitable, Callable
from typing import Any, cast

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_ACCESS_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.whoop.const import (
    CONF_ENTRY_TYPE,
    DOMAIN,
    SUBENTRY_TYPE_RECIPIENT,
    WHATSAPP_URL_VARIABLE,
)
from custom_components.whoop.entry_kind import EntryKind
from custom_components.whoop.whatsapp import setup as whatsapp_setup
from custom_components.whoop.whatsapp.delivery.sender import DeliveryTiming
from custom_components.whoop.whatsapp.settings import (
    CONF_APP_ID,
    CONF_APP_SECRET,
    CONF_DELIVERY_MODE,
    CONF_PHONE_NUMBER,
    CONF_PHONE_NUMBER_ID,
    CONF_TEMPLATE_LANGUAGE,
    CONF_TEMPLATE_NAME,
    CONF_TEMPLATE_PARAMETERS,
)
from sandbox.app import Sandbox
from sandbox.graph import (
    ACCESS_TOKEN,
    ALERT_TEMPLATE,
    APP_ID,
    APP_SECRET,
    PHONE_NUMBER_ID,
    VERIFIED_NAME,
    GraphSandbox,
)

ALICE = "+447700900123"
BOB = "+4915112345678"
SENDER_TITLE = f"{VERIFIED_NAME} (WhatsApp +1 650 ••• 199)"
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
    """Send without the 6 s spacing; the sandbox stops checking it too."""
    monkeypatch.setattr(whatsapp_setup, "DeliveryTiming", lambda: TEST_TIMING)
    graph.pair_interval = 0.0


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

"""Phone numbers in what Home Assistant shows or logs: masked, next to a name."""

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.whoop.const import DOMAIN
from custom_components.whoop.whatsapp.masking import (
    mask_number,
    mask_numbers_in,
    sender_name,
)
from sandbox.graph import GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    ALICE_MASKED,
    SENDER_NAME,
    SetUpSender,
    full_numbers_in,
)
from tests.integration.whatsapp.test_notify import notify
from tests.integration.whatsapp.test_translations import STRINGS


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"Recipient {ALICE} refused", f"Recipient {ALICE_MASKED} refused"),
        ("wa_id 447700900123.", f"wa_id {ALICE_MASKED}."),
        ("+49 1511 2345678 and +1 650-555-0199", "+49 1511 ••• 678 and +1 650 ••• 199"),
        # Codes, dates, times and trace ids are left alone.
        (
            "(#131047) at 2026-12-04 03:50:19.123",
            "(#131047) at 2026-12-04 03:50:19.123",
        ),
        ("fbtrace_id AbC123456789012", "fbtrace_id AbC123456789012"),
    ],
)
def test_numbers_in_a_text_are_masked(text: str, masked: str) -> None:
    assert mask_numbers_in(text) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+1", "•••"),
        ("+1 555-010-0222", "+1 ••• 222"),  # not a valid number: masked all the same
        ("+15550100222", "+15 ••• 222"),
        ("+99912 3456 789", "+99 ••• 789"),  # a first group too long for a country code
    ],
)
def test_a_number_that_cannot_be_parsed_is_masked_too(number: str, masked: str) -> None:
    assert mask_number(number) == masked
    assert not full_numbers_in(masked)


def test_the_check_finds_numbers_however_grouped() -> None:
    assert full_numbers_in("+44 7700 900123") == ["447700900123"]
    assert full_numbers_in("(+44) 7700-900-123") == ["447700900123"]
    assert full_numbers_in(ALICE_MASKED) == []


def test_an_entry_of_an_older_version_is_named_without_its_number() -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, title="WhatsApp +1 650-555-0199 (WHOOP Sandbox)"
    )
    assert sender_name(entry) == "+1 650 ••• 199 (WHOOP Sandbox)"


async def test_a_number_in_metas_error_text_is_masked(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next(131051, details=f"Message type unsupported for {ALICE}")

    with pytest.raises(ServiceValidationError) as caught:
        await notify(hass, ALICE_ENTITY, "Recovery 34 %")

    assert f"Message type unsupported for {ALICE_MASKED}" in str(caught.value)


async def test_a_repair_names_the_business_by_name_and_masked_number(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next(368)

    with pytest.raises(HomeAssistantError, match="blocked the business account"):
        await notify(hass, ALICE_ENTITY, "Recovery 34 %")

    [issue] = [
        issue for issue in ir.async_get(hass).issues.values() if issue.domain == DOMAIN
    ]
    assert issue.translation_placeholders is not None
    title = STRINGS["issues"][issue.translation_key]["title"]
    assert title.format(**issue.translation_placeholders) == (
        f"WhatsApp blocked the business account of {SENDER_NAME}"
    )

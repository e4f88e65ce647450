"""What the user gets when WhatsApp refuses a message: each Cloud API error to its result."""

import asyncio
from collections.abc import Callable
from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.whoop.const import DOMAIN, SUBENTRY_TYPE_RECIPIENT
from custom_components.whoop.whatsapp import setup as whatsapp_setup
from custom_components.whoop.whatsapp.delivery.retry import Retrier
from custom_components.whoop.whatsapp.settings import RecipientSettings
from custom_components.whoop.whatsapp_api import WhatsAppAccountBlockedError
from sandbox.graph import (
    ACCESS_TOKEN,
    NOT_ON_WHATSAPP_NUMBER,
    PHONE_NUMBER_ID,
    WINDOW_SYNC,
    GraphSandbox,
)
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    ALICE_MASKED,
    BOB,
    SENDER_NAME,
    TEST_TIMING,
    SetUpSender,
    recipient,
)
from tests.integration.whatsapp.test_notify import notify


async def _send_and_catch(
    hass: HomeAssistant, message: str = "Recovery 34 %"
) -> HomeAssistantError:
    with pytest.raises(HomeAssistantError) as caught:
        await notify(hass, ALICE_ENTITY, message, "WHOOP")
    error = caught.value
    assert error.translation_domain == DOMAIN
    # The message is translated with every placeholder it names filled in.
    assert "{" not in str(error)
    assert ACCESS_TOKEN not in str(error)
    return error


def _reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]


def _fail(code: int, **kwargs: Any) -> Callable[[GraphSandbox], None]:
    def arrange(graph: GraphSandbox) -> None:
        graph.fail_next(code, **kwargs)

    return arrange


def _close_window(graph: GraphSandbox) -> None:
    # Meta refuses at once only sometimes (the conftest makes the sandbox fail later, as is
    # usual): the later failure is in test_two_way_receipts.py.
    graph.window_mode = WINDOW_SYNC
    graph.close_window(ALICE)


def _allow_only_bob(graph: GraphSandbox) -> None:
    graph.allow_list = {BOB}


def _pause_template(graph: GraphSandbox) -> None:
    graph.set_template_status("whoop_alert", "en_US", "PAUSED")


def _disable_template(graph: GraphSandbox) -> None:
    graph.set_template_status("whoop_alert", "en_US", "DISABLED")


def _nothing(graph: GraphSandbox) -> None:
    pass


@pytest.mark.parametrize(
    ("subentry", "arrange", "key", "in_message"),
    [
        (recipient(), _close_window, "whatsapp_outside_window", "24 hours"),
        (
            recipient(),
            _allow_only_bob,
            "whatsapp_recipient_not_allowed",
            f"Alice ({ALICE_MASKED})",
        ),
        (recipient(), _fail(131051), "whatsapp_unsupported_message", "Alice"),
        (recipient(), _fail(100), "whatsapp_invalid_parameter", "Alice"),
        (recipient(), _fail(131008), "whatsapp_invalid_parameter", "Alice"),
        (
            recipient(phone_number=NOT_ON_WHATSAPP_NUMBER),
            _nothing,
            "whatsapp_undeliverable",
            "not on WhatsApp",
        ),
        (
            recipient(delivery_mode="template", template_name="no_such_template"),
            _nothing,
            "whatsapp_template_refused",
            "no_such_template (en_US)",
        ),
        (
            recipient(delivery_mode="template", template_parameters="message"),
            _nothing,
            "whatsapp_template_refused",
            "whoop_alert",
        ),
        (
            recipient(delivery_mode="template"),
            _pause_template,
            "whatsapp_template_refused",
            "whoop_alert",
        ),
        (
            recipient(delivery_mode="template"),
            _disable_template,
            "whatsapp_template_refused",
            "whoop_alert",
        ),
        (
            recipient(phone_number="+1"),
            _nothing,
            "whatsapp_invalid_phone_number",
            "Alice",
        ),
    ],
)
async def test_errors_the_user_can_fix(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    subentry: ConfigSubentryData,
    arrange: Callable[[GraphSandbox], None],
    key: str,
    in_message: str,
) -> None:
    await set_up_sender(subentry)
    graph.open_window(ALICE)
    arrange(graph)

    error = await _send_and_catch(hass)

    assert isinstance(error, ServiceValidationError)
    assert error.translation_key == key
    assert in_message in str(error)
    assert graph.messages == []
    assert _reauth_flows(hass) == []


async def test_an_empty_message_is_refused_before_sending(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    with pytest.raises(ServiceValidationError) as caught:
        await notify(hass, ALICE_ENTITY, "   ")
    assert caught.value.translation_key == "whatsapp_invalid_message"
    assert graph.messages == []


async def test_automatic_mode_without_a_template_reports_the_closed_window(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    graph.window_mode = WINDOW_SYNC  # refused at once
    await set_up_sender(
        ConfigSubentryData(
            data={"phone_number": ALICE, "delivery_mode": "automatic"},
            subentry_type=SUBENTRY_TYPE_RECIPIENT,
            title="Alice",
            unique_id=ALICE,
        )
    )
    error = await _send_and_catch(hass)
    assert error.translation_key == "whatsapp_outside_window"


def _revoke_token(graph: GraphSandbox) -> None:
    graph.revoke_token(ACCESS_TOKEN)


def _expire_token_on_send(graph: GraphSandbox) -> None:
    graph.fail_next(190, subcode=463)


def _take_the_number_away(graph: GraphSandbox) -> None:
    graph.tokens[ACCESS_TOKEN].phone_number_ids = ()


@pytest.mark.parametrize(
    ("arrange", "key"),
    [
        (_revoke_token, "whatsapp_authentication_failed"),
        (_expire_token_on_send, "whatsapp_authentication_failed"),
        (_fail(0), "whatsapp_authentication_failed"),
        (_fail(10), "whatsapp_permission_denied"),
        (_take_the_number_away, "whatsapp_permission_denied"),
    ],
)
async def test_token_problems_start_reauthentication(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    arrange: Callable[[GraphSandbox], None],
    key: str,
) -> None:
    entry = await set_up_sender()
    graph.open_window(ALICE)
    arrange(graph)

    error = await _send_and_catch(hass)
    await hass.async_block_till_done()

    assert not isinstance(error, ServiceValidationError)
    assert error.translation_key == key
    assert SENDER_NAME in str(error)
    [flow] = _reauth_flows(hass)
    assert flow["context"]["entry_id"] == entry.entry_id


def _block_account(graph: GraphSandbox) -> None:
    graph.fail_next(368)


def _lock_account(graph: GraphSandbox) -> None:
    graph.fail_next(131031)


def _unregister_number(graph: GraphSandbox) -> None:
    graph.phone_numbers[PHONE_NUMBER_ID].registered = False


def _register_number(graph: GraphSandbox) -> None:
    graph.phone_numbers[PHONE_NUMBER_ID].registered = True


@pytest.mark.parametrize(
    ("arrange", "key"),
    [
        (_block_account, "whatsapp_account_blocked"),
        (_lock_account, "whatsapp_account_blocked"),
        (_unregister_number, "whatsapp_not_registered"),
    ],
)
async def test_account_problems_raise_a_repair_issue_until_a_send_works(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    arrange: Callable[[GraphSandbox], None],
    key: str,
) -> None:
    entry = await set_up_sender()
    graph.open_window(ALICE)
    arrange(graph)

    error = await _send_and_catch(hass)

    assert error.translation_key == key
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{key}_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == key
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["sender"] == SENDER_NAME
    assert _reauth_flows(hass) == []

    _register_number(graph)
    await notify(hass, ALICE_ENTITY, "Back again")
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"{key}_{entry.entry_id}") is None


async def test_an_unknown_error_names_its_code(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next(98765, message="Something new")

    error = await _send_and_catch(hass)

    assert error.translation_key == "whatsapp_send_failed"
    assert error.translation_placeholders["code"] == "98765"


async def test_an_answer_that_is_not_json(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next_raw(
        200, body="<html>", content_type="text/html", endpoint="messages"
    )

    error = await _send_and_catch(hass)

    assert error.translation_key == "whatsapp_send_failed"
    assert error.translation_placeholders["code"] == "-"


# Retries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [4, 80007, 130429, 131056])
async def test_rate_limits_are_retried_with_backoff(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
) -> None:
    waits: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    monkeypatch.setattr(
        whatsapp_setup, "Retrier", lambda timing, _: Retrier(timing, recorded_sleep)
    )
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next(code, count=3)

    await notify(hass, ALICE_ENTITY, "Got through")

    assert [message.text for message in graph.messages_to(ALICE)] == ["Got through"]
    # Three refusals, three retries, each waiting twice as long as the one before.
    backoff = TEST_TIMING.rate_limit_backoff
    assert waits == [backoff, 2 * backoff, 4 * backoff]


async def test_rate_limit_retries_are_bounded(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next(131056, count=5)

    error = await _send_and_catch(hass)

    assert error.translation_key == "whatsapp_rate_limited"
    assert graph.messages == []
    # 1 try + 3 retries used four of the five failures: the next send gets the last one, then
    # goes through on its first retry.
    await notify(hass, ALICE_ENTITY, "Later")
    assert len(graph.messages) == 1


@pytest.mark.parametrize("code", [1, 2, 131000, 131016, 131057])
async def test_a_temporary_failure_is_retried_once(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox, code: int
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next(code)

    await notify(hass, ALICE_ENTITY, "Got through")

    assert len(graph.messages_to(ALICE)) == 1
    first, second = graph.requests.to("messages")
    assert first.status >= 400
    assert second.status == 200


async def test_a_bare_server_error_is_retried_once(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next_raw(502, body="Bad gateway", endpoint="messages")

    await notify(hass, ALICE_ENTITY, "Got through")

    assert len(graph.messages_to(ALICE)) == 1
    assert [r.status for r in graph.requests.to("messages")] == [502, 200]


async def test_a_second_bare_server_error_is_reported_not_retried_again(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next_raw(502, body="Bad gateway", endpoint="messages", count=3)

    error = await _send_and_catch(hass)

    assert error.translation_key == "whatsapp_temporarily_unavailable"
    assert [r.status for r in graph.requests.to("messages")] == [502, 502]
    assert graph.messages_to(ALICE) == []


@pytest.mark.parametrize("code", [131000, 131016, 131057])
async def test_a_second_temporary_failure_is_reported_as_temporary(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox, code: int
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next(code, count=3)

    error = await _send_and_catch(hass)

    assert error.translation_key == "whatsapp_temporarily_unavailable"
    assert not isinstance(error, ServiceValidationError)
    assert "temporarily" in str(error)
    assert "permanent" not in str(error).lower()
    assert str(code) in str(error)
    assert graph.messages == []
    # Both tries reached WhatsApp: one retry, then the error (a third failure was waiting).
    assert len(graph.requests.to("messages")) == 2


async def test_an_error_reported_later_gets_the_same_treatment(
    hass: HomeAssistant, set_up_sender: SetUpSender
) -> None:
    # E.g. a status webhook saying the account was locked after WhatsApp accepted a message.
    entry = await set_up_sender()
    alice = RecipientSettings.from_subentry(next(iter(entry.subentries.values())))

    error = entry.runtime_data.sender.errors.user_error(
        WhatsAppAccountBlockedError("Account locked", code=131031), alice
    )

    assert error.translation_key == "whatsapp_account_blocked"
    assert SENDER_NAME in str(error)
    issue_id = f"whatsapp_account_blocked_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None

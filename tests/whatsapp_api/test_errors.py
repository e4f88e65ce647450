"""Each Graph error code reaches the caller as the exception its meaning calls for."""

from datetime import timedelta
import json
import socket

import aiohttp
import pytest

from custom_components.whoop.whatsapp_api import (
    ERROR_CLASSES,
    WhatsAppAccountBlockedError,
    WhatsAppAuthenticationError,
    WhatsAppClient,
    WhatsAppConnectionError,
    WhatsAppError,
    WhatsAppErrorKind,
    WhatsAppInvalidParameterError,
    WhatsAppMessageError,
    WhatsAppNotRegisteredError,
    WhatsAppOutsideWindowError,
    WhatsAppPermissionError,
    WhatsAppRateLimitError,
    WhatsAppRecipientNotAllowedError,
    WhatsAppResponseError,
    WhatsAppTemplateError,
    WhatsAppTemporaryError,
    WhatsAppUndeliverableError,
    WhatsAppUnsupportedMessageError,
    error_class_for,
)
from custom_components.whoop.whatsapp_api.exceptions import ERROR_TEXT_MAX_LENGTH
from sandbox.graph import ACCESS_TOKEN, PHONE_NUMBER_ID, GraphSandbox

from .conftest import RECIPIENT

# Every row of the reference's error table.
REFERENCE_TABLE = [
    (190, 463, WhatsAppAuthenticationError),
    (190, 467, WhatsAppAuthenticationError),
    (0, None, WhatsAppAuthenticationError),
    (10, None, WhatsAppPermissionError),
    (200, None, WhatsAppPermissionError),
    (250, None, WhatsAppPermissionError),
    (299, None, WhatsAppPermissionError),
    (100, None, WhatsAppInvalidParameterError),
    (131008, None, WhatsAppInvalidParameterError),
    (131009, None, WhatsAppInvalidParameterError),
    (131030, None, WhatsAppRecipientNotAllowedError),
    (131047, None, WhatsAppOutsideWindowError),
    (131051, None, WhatsAppUnsupportedMessageError),
    (132000, None, WhatsAppTemplateError),
    (132001, None, WhatsAppTemplateError),
    (132015, None, WhatsAppTemplateError),
    (132016, None, WhatsAppTemplateError),
    (131026, None, WhatsAppUndeliverableError),
    (4, None, WhatsAppRateLimitError),
    (80007, None, WhatsAppRateLimitError),
    (130429, None, WhatsAppRateLimitError),
    (131056, None, WhatsAppRateLimitError),
    (368, None, WhatsAppAccountBlockedError),
    (131031, None, WhatsAppAccountBlockedError),
    (133010, None, WhatsAppNotRegisteredError),
    (1, None, WhatsAppTemporaryError),
    (2, None, WhatsAppTemporaryError),
    (131000, None, WhatsAppTemporaryError),
    (131016, None, WhatsAppTemporaryError),
    (131057, None, WhatsAppTemporaryError),
    (131048, None, WhatsAppRateLimitError),
]


@pytest.mark.parametrize(("code", "subcode", "expected"), REFERENCE_TABLE)
async def test_each_error_code_raises_its_exception(
    client: WhatsAppClient,
    graph: GraphSandbox,
    code: int,
    subcode: int | None,
    expected: type[WhatsAppError],
) -> None:
    graph.fail_next(code, subcode=subcode, details="Some details from Meta")

    with pytest.raises(expected) as caught:
        await client.send_text(RECIPIENT, "Hi")

    error = caught.value
    assert type(error) is expected
    assert (error.code, error.subcode) == (code, subcode)
    assert error.details == "Some details from Meta"
    assert error.fbtrace_id
    assert error.http_status is not None
    assert error.http_status >= 400
    assert str(code) in str(error)
    assert graph.messages == []


def test_the_table_is_data_covering_every_reference_code() -> None:
    assert all(ERROR_CLASSES[code] is expected for code, _, expected in REFERENCE_TABLE)
    assert error_class_for(999_999) is WhatsAppError


KIND_BY_CODE = [
    *(
        (code, WhatsAppErrorKind.RETRY_AFTER_BACKOFF)
        for code in (4, 80007, 130429, 131048, 131056)
    ),
    *((code, WhatsAppErrorKind.RETRY_ONCE) for code in (1, 2, 131000, 131016, 131057)),
    *((code, WhatsAppErrorKind.REAUTH) for code in (190, 0, 10, 200, 250, 299)),
    *((code, WhatsAppErrorKind.REPAIR) for code in (368, 131031, 133010)),
    *(
        (code, WhatsAppErrorKind.NEVER_RETRY)
        for code in (100, 131008, 131026, 131030, 131047, 131051, 132000, 132001, 2500)
    ),
]


@pytest.mark.parametrize(("code", "kind"), KIND_BY_CODE)
def test_each_code_has_the_kind_delivery_decides_by(
    code: int, kind: WhatsAppErrorKind
) -> None:
    assert error_class_for(code).kind is kind


def test_only_one_class_per_retry_kind() -> None:
    # Delivery retries by class: each retry kind must belong to exactly one class.
    classes = {*ERROR_CLASSES.values(), WhatsAppConnectionError, WhatsAppResponseError}
    backoff = {c for c in classes if c.kind is WhatsAppErrorKind.RETRY_AFTER_BACKOFF}
    once = {c for c in classes if c.kind is WhatsAppErrorKind.RETRY_ONCE}

    assert backoff == {WhatsAppRateLimitError}
    assert once == {WhatsAppTemporaryError}
    assert WhatsAppConnectionError.kind is WhatsAppErrorKind.NEVER_RETRY
    assert WhatsAppMessageError.kind is WhatsAppErrorKind.NEVER_RETRY
    assert issubclass(WhatsAppMessageError, WhatsAppError)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (2500, WhatsAppTemporaryError),  # unknown code: Meta's word decides
        (100, WhatsAppTemporaryError),
        (131056, WhatsAppRateLimitError),  # keeps its back-off
        (190, WhatsAppAuthenticationError),  # a token error stays one
        (368, WhatsAppAccountBlockedError),
    ],
)
async def test_is_transient_makes_a_never_retried_error_temporary(
    client: WhatsAppClient,
    graph: GraphSandbox,
    code: int,
    expected: type[WhatsAppError],
) -> None:
    graph.fail_next_raw(
        400,
        body=json.dumps(
            {
                "error": {
                    "message": "Something went wrong",
                    "type": "OAuthException",
                    "code": code,
                    "is_transient": True,
                    "error_user_title": "Try again",
                    "error_user_msg": "Please try again in a moment.",
                    "fbtrace_id": "AbC",
                }
            }
        ),
        content_type="application/json",
    )

    with pytest.raises(WhatsAppError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    error = caught.value
    assert type(error) is expected
    assert error.is_transient is True
    assert error.user_title == "Try again"
    assert error.user_message == "Please try again in a moment."
    assert graph.messages == []


async def test_error_texts_are_bounded_and_redacted(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.fail_next_raw(
        400,
        body=json.dumps(
            {
                "error": {
                    "message": "x" * 5000,
                    "code": 100,
                    "is_transient": False,
                    "error_user_msg": f"token {ACCESS_TOKEN}",
                    "error_data": {"details": "y" * 5000},
                }
            }
        ),
        content_type="application/json",
    )

    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    error = caught.value
    assert len(error.message) == len(error.details or "") == ERROR_TEXT_MAX_LENGTH
    assert error.is_transient is False
    assert error.user_title is None
    assert ACCESS_TOKEN not in (error.user_message or "")


async def test_unknown_code_raises_the_base_class(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.fail_next(2500, message="Unknown path components")

    with pytest.raises(WhatsAppError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert type(caught.value) is WhatsAppError
    assert caught.value.code == 2500
    assert caught.value.message == "Unknown path components"


async def test_expired_token(
    client: WhatsAppClient, graph: GraphSandbox, clock_expired_token: str
) -> None:
    client.set_access_token(clock_expired_token)

    with pytest.raises(WhatsAppAuthenticationError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert caught.value.expired
    assert caught.value.subcode == 463
    assert caught.value.http_status == 401
    assert "Session has expired" in caught.value.message


@pytest.fixture
def clock_expired_token(graph: GraphSandbox) -> str:
    """A 60-day token that expired one second ago by the sandbox clock."""
    graph.add_token(
        "expired-token", expires_at=graph.clock.now() - timedelta(seconds=1)
    )
    return "expired-token"


async def test_revoked_token(client: WhatsAppClient, graph: GraphSandbox) -> None:
    graph.revoke_token(ACCESS_TOKEN)

    with pytest.raises(WhatsAppAuthenticationError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert not caught.value.expired
    assert caught.value.code == 190


async def test_unknown_token(client: WhatsAppClient) -> None:
    client.set_access_token("not-a-token")

    with pytest.raises(WhatsAppAuthenticationError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert (caught.value.code, caught.value.subcode) == (190, None)


async def test_token_without_messaging_permission(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token("management-only", scopes=["whatsapp_business_management"])
    client.set_access_token("management-only")

    with pytest.raises(WhatsAppPermissionError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert caught.value.code == 10
    assert "whatsapp_business_messaging" in str(caught.value)


async def test_token_without_access_to_the_number(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_phone_number("200000000000002", "+1 555-010-0200", "Other business")
    graph.add_token("other-number-only", phone_number_ids=["200000000000002"])
    client.set_access_token("other-number-only")

    with pytest.raises(WhatsAppPermissionError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert caught.value.code == 200


async def test_unknown_phone_number_id(
    session: aiohttp.ClientSession, graph_url: str
) -> None:
    client = WhatsAppClient(session, ACCESS_TOKEN, "111", base_url=graph_url)

    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.get_phone_number()

    assert (caught.value.code, caught.value.subcode) == (100, 33)
    assert "Object with ID '111' does not exist" in caught.value.message


async def test_unregistered_business_number(
    session: aiohttp.ClientSession, graph_url: str, graph: GraphSandbox
) -> None:
    graph.add_phone_number(
        "300000000000003", "+1 555-010-0300", "Not registered", registered=False
    )
    graph.add_token("token-3", phone_number_ids=["300000000000003"])
    client = WhatsAppClient(session, "token-3", "300000000000003", base_url=graph_url)

    with pytest.raises(WhatsAppNotRegisteredError):
        await client.send_text(RECIPIENT, "Hi")


async def test_recipient_not_in_the_test_numbers_allow_list(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.allow_list = {"+1 (650) 555-1234"}
    graph.open_window("+16505551234")

    with pytest.raises(WhatsAppRecipientNotAllowedError) as caught:
        await client.send_text(RECIPIENT, "Hi")
    await client.send_text("+16505551234", "Hi")

    assert "allowed list" in str(caught.value)
    assert [message.to for message in graph.messages] == ["+16505551234"]


async def test_recipient_not_on_whatsapp(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    with pytest.raises(WhatsAppUndeliverableError) as caught:
        await client.send_template(
            graph.NOT_ON_WHATSAPP_NUMBER,
            "whoop_alert",
            "en_US",
            body_parameters=["a", "b"],
        )

    assert caught.value.code == 131026


async def test_template_missing_in_that_language(client: WhatsAppClient) -> None:
    with pytest.raises(WhatsAppTemplateError) as caught:
        await client.send_template(
            RECIPIENT, "whoop_alert", "en_GB", body_parameters=["a", "b"]
        )

    assert caught.value.code == 132001
    assert caught.value.details == "template name (whoop_alert) does not exist in en_GB"


async def test_template_parameter_count_mismatch(client: WhatsAppClient) -> None:
    with pytest.raises(WhatsAppTemplateError) as caught:
        await client.send_template(
            RECIPIENT, "whoop_alert", "en_US", body_parameters=["only one"]
        )

    assert caught.value.code == 132000
    assert "(1) does not match the expected number of params (2)" in str(caught.value)


async def test_named_template_with_an_unknown_name(client: WhatsAppClient) -> None:
    with pytest.raises(WhatsAppTemplateError) as caught:
        await client.send_template(
            RECIPIENT,
            "whoop_alert_named",
            "en_US",
            body_parameters={"title": "a", "body": "b"},
        )

    assert caught.value.code == 132000


async def test_positional_parameters_for_a_named_template(
    client: WhatsAppClient,
) -> None:
    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.send_template(
            RECIPIENT, "whoop_alert_named", "en_US", body_parameters=["a", "b"]
        )

    assert caught.value.code == 131008


async def test_named_parameters_for_a_positional_template(
    client: WhatsAppClient,
) -> None:
    with pytest.raises(WhatsAppTemplateError) as caught:
        await client.send_template(
            RECIPIENT, "whoop_alert", "en_US", body_parameters={"1": "a", "2": "b"}
        )

    assert caught.value.code == 132012


@pytest.mark.parametrize(
    ("status", "code"), [("PAUSED", 132015), ("DISABLED", 132016), ("REJECTED", 132001)]
)
async def test_template_not_approved(
    client: WhatsAppClient, graph: GraphSandbox, status: str, code: int
) -> None:
    graph.set_template_status("whoop_alert", "en_US", status)

    with pytest.raises(WhatsAppTemplateError) as caught:
        await client.send_template(
            RECIPIENT, "whoop_alert", "en_US", body_parameters=["a", "b"]
        )

    assert caught.value.code == code


async def test_template_text_too_long_once_filled(client: WhatsAppClient) -> None:
    with pytest.raises(WhatsAppTemplateError) as caught:
        await client.send_template(
            RECIPIENT, "whoop_alert", "en_US", body_parameters=["a", "b" * 1000]
        )

    assert caught.value.code == 132005


async def test_pair_rate_limit_with_the_default_interval(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.pair_interval = GraphSandbox(graph.clock).pair_interval
    assert graph.pair_interval == 6.0
    graph.open_window("+33612345678")

    await client.send_text(RECIPIENT, "First")
    with pytest.raises(WhatsAppRateLimitError) as caught:
        await client.send_text(RECIPIENT, "Second")
    await client.send_text("+33612345678", "Another person is not limited")

    assert caught.value.code == 131056
    assert caught.value.kind is WhatsAppErrorKind.RETRY_AFTER_BACKOFF
    assert [message.text for message in graph.messages] == [
        "First",
        "Another person is not limited",
    ]


async def test_pair_rate_limit_measured_with_monotonic_time(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    now = [1000.0]
    graph.monotonic = lambda: now[0]
    graph.pair_interval = 6.0

    await client.send_text(RECIPIENT, "1")
    now[0] += 5.9
    with pytest.raises(WhatsAppRateLimitError):
        await client.send_text(RECIPIENT, "2")
    now[0] += 0.1  # 6.0 s after the accepted message: the refused one did not count
    await client.send_text(RECIPIENT, "3")

    assert [message.text for message in graph.messages] == ["1", "3"]


async def test_injected_failure_only_for_one_recipient_and_count(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    other = "+33612345678"
    graph.open_window(other)
    graph.fail_next(131026, recipient=other, count=2)

    await client.send_text(RECIPIENT, "Not affected")
    for _ in range(2):
        with pytest.raises(WhatsAppUndeliverableError):
            await client.send_text(other, "Fails")
    await client.send_text(other, "Third time lucky")

    assert [message.text for message in graph.messages] == [
        "Not affected",
        "Third time lucky",
    ]


async def test_bare_5xx_is_temporary(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.fail_next_raw(502, body="<html>Bad gateway</html>", content_type="text/html")

    with pytest.raises(WhatsAppTemporaryError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert caught.value.http_status == 502
    assert caught.value.code is None


async def test_bare_4xx_is_a_response_error(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.fail_next_raw(404, body="Not found")

    with pytest.raises(WhatsAppResponseError) as caught:
        await client.get_phone_number()

    assert caught.value.http_status == 404


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"messaging_product": "whatsapp"}',
        '{"contacts": [], "messages": []}',
        '{"contacts": [{"wa_id": "1"}], "messages": [{"id": 5.5}]}',
        '{"contacts": [{"input": "x"}], "messages": [{"id": "wamid.1"}]}',
        '{"contacts": ["x"], "messages": [{"id": "wamid.1"}]}',
        '{"error": {"message": "no code"}}',
    ],
)
async def test_malformed_success_body(
    client: WhatsAppClient, graph: GraphSandbox, body: str
) -> None:
    graph.fail_next_raw(200, body=body, content_type="application/json")

    with pytest.raises(WhatsAppResponseError):
        await client.send_text(RECIPIENT, "Hi")


async def test_an_oversize_answer_is_refused_unread(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    # Valid JSON padded to 5 MiB: a broken proxy or a hostile answer is not held in memory.
    body = '{"messaging_product": "whatsapp"}' + " " * (5 * 1024 * 1024)
    graph.fail_next_raw(200, body=body, content_type="application/json")

    with pytest.raises(WhatsAppResponseError, match="more than 4 MiB") as caught:
        await client.get_phone_number()

    assert caught.value.http_status == 200
    assert await client.get_phone_number()  # the next answer is read as usual


async def test_error_code_sent_as_a_string(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.fail_next_raw(
        400,
        body='{"error": {"message": "(#131056) pair rate limit hit", "code": "131056", "error_subcode": true}}',
        content_type="text/javascript",
    )

    with pytest.raises(WhatsAppRateLimitError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert caught.value.subcode is None
    assert caught.value.fbtrace_id is None


async def test_timeout(
    session: aiohttp.ClientSession, graph_url: str, graph: GraphSandbox
) -> None:
    client = WhatsAppClient(
        session, ACCESS_TOKEN, PHONE_NUMBER_ID, base_url=graph_url, request_timeout=0.1
    )
    graph.fail_next_raw(200, body="{}", delay=0.4)

    with pytest.raises(WhatsAppConnectionError, match="Timeout"):
        await client.send_text(RECIPIENT, "Hi")


async def test_connection_refused(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = WhatsAppClient(
        session, ACCESS_TOKEN, PHONE_NUMBER_ID, base_url=f"http://127.0.0.1:{port}"
    )

    with pytest.raises(
        WhatsAppConnectionError, match="Cannot reach the Graph API"
    ) as caught:
        await client.debug_token()

    assert ACCESS_TOKEN not in str(caught.value)


async def test_the_token_never_appears_in_errors(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.fail_next(
        190,
        message=f"Error validating access token {ACCESS_TOKEN}",
        details=f"token={ACCESS_TOKEN}",
    )

    with pytest.raises(WhatsAppAuthenticationError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert ACCESS_TOKEN not in str(caught.value)
    assert ACCESS_TOKEN not in caught.value.message
    assert ACCESS_TOKEN not in (caught.value.details or "")
    assert "[redacted]" in caught.value.message
    assert ACCESS_TOKEN not in repr(client)

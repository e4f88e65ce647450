"""The Graph sandbox over raw HTTP: it validates like Meta and answers with Meta's shapes."""

from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from sandbox.graph import (
    ACCESS_TOKEN,
    APP_ID,
    APP_SECRET,
    ERROR_DEFAULTS,
    PHONE_NUMBER_ID,
    GraphError,
    GraphSandbox,
)

from .conftest import RECIPIENT, START

AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
META_PARAMETER_RULE = (
    "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"
)


@pytest.fixture
def messages_url(graph_url: str) -> str:
    """The send endpoint of the sandbox number."""
    return f"{graph_url}/v26.0/{PHONE_NUMBER_ID}/messages"


async def post(
    session: aiohttp.ClientSession,
    url: str,
    body: Any,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """POST JSON and return the status and the JSON answer."""
    async with session.post(
        url, json=body, headers=AUTH if headers is None else headers
    ) as response:
        return response.status, await response.json(content_type=None)


def text_message(**overrides: Any) -> dict[str, Any]:
    """A valid text message to RECIPIENT, with some fields replaced."""
    return {
        "messaging_product": "whatsapp",
        "to": RECIPIENT,
        "type": "text",
        "text": {"body": "Hi"},
    } | overrides


def template_message(parameters: list[Any], **template: Any) -> dict[str, Any]:
    """The default alert template with the given body parameters."""
    return {
        "messaging_product": "whatsapp",
        "to": RECIPIENT,
        "type": "template",
        "template": {
            "name": "whoop_alert",
            "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": parameters}],
        }
        | template,
    }


async def test_success_body_is_exactly_metas(
    session: aiohttp.ClientSession, messages_url: str, graph: GraphSandbox
) -> None:
    status, body = await post(
        session, messages_url, text_message(to="+49 151 2345-6789")
    )

    assert status == 200
    assert body == {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+49 151 2345-6789", "wa_id": "4915123456789"}],
        "messages": [{"id": graph.messages[0].message_id}],
    }


async def test_type_defaults_to_text(
    session: aiohttp.ClientSession, messages_url: str, graph: GraphSandbox
) -> None:
    body = text_message()
    del body["type"]

    status, _ = await post(session, messages_url, body)

    assert status == 200
    assert graph.messages[0].type == "text"


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("one line", True),
        ("four    spaces", True),
        ("five     spaces", False),
        ("new\nline", False),
        ("carriage\rreturn", False),
        ("a\ttab", False),
    ],
)
async def test_template_parameter_rule(
    session: aiohttp.ClientSession, messages_url: str, text: str, accepted: bool
) -> None:
    status, body = await post(
        session,
        messages_url,
        template_message(
            [{"type": "text", "text": "Title"}, {"type": "text", "text": text}]
        ),
    )

    if accepted:
        assert status == 200
    else:
        assert status == 400
        assert body["error"]["code"] == 100
        assert body["error"]["error_data"]["details"] == META_PARAMETER_RULE


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        (
            {"to": RECIPIENT, "type": "text", "text": {"body": "Hi"}},
            100,
            "messaging_product is required",
        ),
        (text_message(messaging_product="sms"), 100, "must be one of {WHATSAPP}"),
        (text_message(recipient_type="group"), 100, "recipient_type"),
        (text_message(to=None), 131008, "to is required"),
        (text_message(to="+49 CALL ME"), 100, "valid phone number"),
        (text_message(to="+49 1"), 100, "valid phone number"),
        (text_message(type="fax"), 100, "type must be one of"),
        (text_message(type="audio"), 131051, "does not emulate audio"),
        (text_message(text=None), 131008, "text is required"),
        (text_message(text="Hi"), 131008, "text is required"),
        (text_message(text={"body": ""}), 131008, "text['body'] is required"),
        (text_message(text={"body": "x" * 4097}), 100, "at most 4096 characters"),
        (text_message(text={"body": "Hi", "preview_url": "yes"}), 100, "preview_url"),
        (text_message(context={"message_id": "123"}), 131009, "context['message_id']"),
        (text_message(context="wamid.1"), 131009, "context['message_id']"),
        ([1, 2], 100, "JSON object"),
        (
            {"messaging_product": "whatsapp", "to": RECIPIENT, "type": "template"},
            131008,
            "template is required",
        ),
        (
            {
                "messaging_product": "whatsapp",
                "to": RECIPIENT,
                "type": "template",
                "template": {"name": "whoop_alert"},
            },
            131008,
            "language",
        ),
        (template_message([], components="body"), 100, "components'] must be an array"),
        (template_message([], components=["body"]), 100, "must be an object"),
        (
            template_message([], components=[{"type": "footer"}]),
            100,
            "no 'footer' component",
        ),
        (
            template_message([], components=[{"type": "body", "parameters": "x"}]),
            100,
            "must be an array",
        ),
        (template_message(["Title", "Message"]), 100, "must be an object"),
        (
            template_message([{"type": "currency"}, {"type": "text", "text": "x"}]),
            100,
            "type text only",
        ),
        (
            template_message([{"type": "text"}, {"type": "text", "text": "x"}]),
            131008,
            "text is required",
        ),
        (
            {"messaging_product": "whatsapp", "to": RECIPIENT, "type": "image"},
            131008,
            "image is required",
        ),
        (
            {
                "messaging_product": "whatsapp",
                "to": RECIPIENT,
                "type": "image",
                "image": {"link": "http://a.example/x.png"},
            },
            100,
            "public HTTPS URL",
        ),
        (
            {
                "messaging_product": "whatsapp",
                "to": RECIPIENT,
                "type": "image",
                "image": {"link": "https://a.example/x.png", "id": "1"},
            },
            100,
            "exactly one of link and id",
        ),
        (
            {
                "messaging_product": "whatsapp",
                "to": RECIPIENT,
                "type": "image",
                "image": {"link": "https://a.example/x.png", "caption": "c" * 1025},
            },
            100,
            "caption'] must be at most 1024",
        ),
        (
            {
                "messaging_product": "whatsapp",
                "to": RECIPIENT,
                "type": "document",
                "document": {"link": "https://a.example/r.pdf", "filename": 7},
            },
            100,
            "filename'] must be a string",
        ),
    ],
)
async def test_invalid_messages_are_refused_like_meta(
    session: aiohttp.ClientSession,
    messages_url: str,
    graph: GraphSandbox,
    body: Any,
    code: int,
    fragment: str,
) -> None:
    status, answer = await post(session, messages_url, body)

    error = answer["error"]
    assert status == ERROR_DEFAULTS[code].http_status
    assert error["code"] == code
    assert error["type"] == "OAuthException"
    assert error["fbtrace_id"]
    assert (
        fragment
        in f"{error['message']} {error.get('error_data', {}).get('details', '')}"
    )
    assert graph.messages == []


async def test_body_that_is_not_json(
    session: aiohttp.ClientSession, messages_url: str
) -> None:
    async with session.post(messages_url, data=b"not json", headers=AUTH) as response:
        body = await response.json()

    assert response.status == 400
    assert body["error"]["code"] == 100


async def test_missing_token(session: aiohttp.ClientSession, messages_url: str) -> None:
    async with session.post(messages_url, json=text_message()) as response:
        body = await response.json()

    assert response.status == 401
    assert body["error"]["code"] == 104
    assert response.headers["WWW-Authenticate"].startswith(
        'OAuth "Facebook Platform" "invalid_token"'
    )


async def test_token_in_the_query_string(
    session: aiohttp.ClientSession, messages_url: str, graph: GraphSandbox
) -> None:
    async with session.post(
        messages_url, json=text_message(), params={"access_token": ACCESS_TOKEN}
    ) as response:
        assert response.status == 200

    assert len(graph.messages) == 1


async def test_upload_validation(
    session: aiohttp.ClientSession, graph_url: str, graph: GraphSandbox
) -> None:
    url = f"{graph_url}/v26.0/{PHONE_NUMBER_ID}/media"

    async def upload(form: aiohttp.FormData | bytes) -> tuple[int, dict[str, Any]]:
        async with session.post(url, data=form, headers=AUTH) as response:
            return response.status, await response.json()

    def form(
        *,
        product: str | None = "whatsapp",
        mime: str = "image/png",
        data: bytes | None = b"x",
    ) -> aiohttp.FormData:
        result = aiohttp.FormData(default_to_multipart=True)
        if product:
            result.add_field("messaging_product", product)
        result.add_field("type", mime)
        if data is not None:
            result.add_field("file", data, filename="f", content_type=mime)
        return result

    assert (await upload(b"raw bytes"))[1]["error"]["code"] == 100
    assert (await upload(form(product=None)))[1]["error"]["code"] == 100
    assert (await upload(form(data=None)))[1]["error"]["code"] == 131008
    status, body = await upload(form(mime="image/webp", data=b"x" * 600_000))
    assert (status, body["error"]["code"]) == (400, 131053)
    assert "at most 0.5 MB" in body["error"]["error_data"]["details"]
    status, body = await upload(form(mime="image/webp", data=b"RIFF"))
    assert status == 200
    assert graph.uploads[body["id"]].mime_type == "image/webp"


async def test_phone_number_fields(
    session: aiohttp.ClientSession, graph_url: str
) -> None:
    url = f"{graph_url}/v26.0/{PHONE_NUMBER_ID}"

    async with session.get(url, headers=AUTH) as response:
        default = await response.json()
    async with session.get(
        url, headers=AUTH, params={"fields": "verified_name"}
    ) as response:
        chosen = await response.json()
    async with session.get(
        url, headers=AUTH, params={"fields": "verified_name,pin"}
    ) as response:
        unknown = await response.json()

    assert {
        "verified_name",
        "display_phone_number",
        "quality_rating",
        "code_verification_status",
        "id",
    } <= set(default)
    assert chosen == {"verified_name": "WHOOP Sandbox", "id": PHONE_NUMBER_ID}
    assert response.status == 400
    assert "nonexisting field (pin)" in unknown["error"]["message"]


async def test_debug_token_by_app_token(
    session: aiohttp.ClientSession, graph_url: str, graph: GraphSandbox
) -> None:
    graph.add_token("expired", expires_at=START - timedelta(hours=1))
    graph.add_token("revoked")
    graph.revoke_token("revoked")
    app_token = {"Authorization": f"Bearer {APP_ID}|{APP_SECRET}"}

    async def debug(token: str) -> dict[str, Any]:
        async with session.get(
            f"{graph_url}/v26.0/debug_token",
            params={"input_token": token},
            headers=app_token,
        ) as response:
            assert response.status == 200
            body: dict[str, dict[str, Any]] = await response.json()
            return body["data"]

    expired, revoked, unknown, app = (
        await debug("expired"),
        await debug("revoked"),
        await debug("nope"),
        await debug(f"{APP_ID}|{APP_SECRET}"),
    )
    async with session.get(
        f"{graph_url}/v26.0/debug_token", headers=app_token
    ) as response:
        missing = await response.json()

    assert (expired["is_valid"], expired["error"]["subcode"]) == (False, 463)
    assert expired["expires_at"] == int((START - timedelta(hours=1)).timestamp())
    assert (revoked["is_valid"], revoked["error"]["subcode"]) == (False, 467)
    assert (unknown["is_valid"], unknown["error"]["code"]) == (False, 190)
    assert (app["type"], app["is_valid"], app["scopes"]) == ("APP", True, [])
    assert missing["error"]["code"] == 100


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"grant_type": "fb_exchange_token"}, 101),
        (
            {
                "grant_type": "fb_exchange_token",
                "client_id": "1",
                "client_secret": APP_SECRET,
            },
            101,
        ),
        (
            {
                "grant_type": "fb_exchange_token",
                "client_id": APP_ID,
                "client_secret": "x",
            },
            1,
        ),
        (
            {
                "grant_type": "password",
                "client_id": APP_ID,
                "client_secret": APP_SECRET,
            },
            100,
        ),
        (
            {
                "grant_type": "fb_exchange_token",
                "client_id": APP_ID,
                "client_secret": APP_SECRET,
            },
            100,
        ),
        (
            {
                "grant_type": "fb_exchange_token",
                "client_id": APP_ID,
                "client_secret": APP_SECRET,
                "fb_exchange_token": ACCESS_TOKEN,
            },
            100,  # a system user token needs set_token_expires_in_60_days=true
        ),
        (
            {
                "grant_type": "fb_exchange_token",
                "client_id": APP_ID,
                "client_secret": APP_SECRET,
                "fb_exchange_token": f"{APP_ID}|{APP_SECRET}",
            },
            100,  # an app token cannot be exchanged
        ),
    ],
)
async def test_token_endpoint_refusals(
    session: aiohttp.ClientSession, graph_url: str, params: dict[str, str], code: int
) -> None:
    async with session.get(
        f"{graph_url}/v26.0/oauth/access_token", params=params
    ) as response:
        body = await response.json()

    assert response.status == 400
    assert body["error"]["code"] == code


async def test_user_token_exchange_needs_no_flag(
    session: aiohttp.ClientSession, graph_url: str, graph: GraphSandbox
) -> None:
    graph.add_token(
        "user-token", token_type="USER", expires_at=START + timedelta(hours=1)
    )
    params = {
        "grant_type": "fb_exchange_token",
        "client_id": APP_ID,
        "client_secret": APP_SECRET,
        "fb_exchange_token": "user-token",
    }

    async with session.get(
        f"{graph_url}/v26.0/oauth/access_token", params=params
    ) as response:
        body = await response.json()

    assert response.status == 200
    assert graph.tokens[body["access_token"]].token_type == "USER"


async def test_failures_aimed_at_other_endpoints_do_not_touch_sends(
    session: aiohttp.ClientSession, messages_url: str, graph: GraphSandbox
) -> None:
    graph.fail_next(190, endpoint="debug_token")
    graph.fail_next_raw(503, endpoint="media")

    status, _ = await post(session, messages_url, text_message())

    assert status == 200
    graph.clear_failures()
    assert graph.take_raw_failure("media") is None


def test_unknown_failure_endpoint_is_refused(graph: GraphSandbox) -> None:
    with pytest.raises(ValueError, match="Unknown endpoint"):
        graph.fail_next(100, endpoint="webhooks")


def test_revoking_an_unknown_token(graph: GraphSandbox) -> None:
    with pytest.raises(KeyError):
        graph.revoke_token("never-issued")


def test_unknown_error_code_defaults(graph: GraphSandbox) -> None:
    assert GraphError(2500).http_status == 400
    assert GraphError(201).message == "(#201) Permissions error"
    assert GraphError(201).http_status == 403
    assert graph.messages_to(RECIPIENT) == []


async def test_answered_api_requests_are_logged_without_content(
    session: aiohttp.ClientSession,
    messages_url: str,
    graph_url: str,
    graph: GraphSandbox,
) -> None:
    graph.fail_next_raw(502, body="Bad gateway", endpoint="messages")
    for headers in (AUTH, AUTH, {}):  # a proxy's 502, then a send, then no token
        async with session.post(
            messages_url, json=text_message(), headers=headers
        ) as response:
            await response.read()
    async with session.get(f"{graph_url}/_sandbox/messages") as response:
        assert response.status == 200  # admin calls are not logged

    logged = graph.requests.to("messages")
    assert [request.status for request in logged] == [502, 200, 401]
    assert {request.path for request in logged} == {
        f"/graph/v26.0/{PHONE_NUMBER_ID}/messages"
    }
    assert len(graph.requests) == 3
    assert graph.requests.to("messages", method="GET") == []
    graph.requests.clear()
    assert len(graph.requests) == 0

"""WHOOP's OAuth as its documentation describes it, walked with a plain HTTP client."""

import base64
from datetime import timedelta
from html.parser import HTMLParser
import logging

import aiohttp
import pytest
from yarl import URL

from sandbox.app import Sandbox
from sandbox.whoop import ALL_SCOPES, CLIENT_ID, CLIENT_SECRET

from .conftest import JANE_ID, JOHN_ID, bearer

REDIRECT_URI = "https://my.home-assistant.io/redirect/oauth"
STATE = "a-long-random-state-value"
PROFILE = "/developer/v2/user/profile/basic"


class FormParser(HTMLParser):
    """Collect the inputs of the consent page's form."""

    def __init__(self) -> None:
        """Start with no form seen."""
        super().__init__()
        self.action = ""
        self.inputs: list[dict[str, str]] = []
        self.buttons: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Remember the form's action, inputs and buttons."""
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = values["action"]
        elif tag == "input":
            self.inputs.append(values)
        elif tag == "button":
            self.buttons.append(values)


def authorize_query(**overrides: str) -> dict[str, str]:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "offline read:recovery read:cycles read:sleep",
        "state": STATE,
    }
    query.update(overrides)
    return {key: value for key, value in query.items() if value}


async def open_consent_page(
    http: aiohttp.ClientSession, sandbox: Sandbox, **overrides: str
) -> FormParser:
    async with http.get(
        f"{sandbox.url}/oauth/oauth2/auth", params=authorize_query(**overrides)
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        page = FormParser()
        page.feed(await response.text())
    return page


def form_fields(page: FormParser, user_id: int, decision: str) -> list[tuple[str, str]]:
    """What a browser submits: hidden fields, the chosen member, ticked scopes, the button."""
    fields = [
        (field["name"], field["value"])
        for field in page.inputs
        if field["type"] == "hidden"
    ]
    fields.append(("user_id", str(user_id)))
    fields.extend(
        ("scope", field["value"])
        for field in page.inputs
        if field["type"] == "checkbox" and "checked" in field
    )
    fields.append(("decision", decision))
    return fields


async def authorize(
    http: aiohttp.ClientSession,
    sandbox: Sandbox,
    user_id: int = JOHN_ID,
    **overrides: str,
) -> URL:
    page = await open_consent_page(http, sandbox, **overrides)
    fields = form_fields(page, user_id, "authorize")
    async with http.post(
        sandbox.url + page.action, data=fields, allow_redirects=False
    ) as response:
        assert response.status == 302
        return URL(response.headers["Location"])


async def post_token(
    http: aiohttp.ClientSession, sandbox: Sandbox, **fields: str
) -> aiohttp.ClientResponse:
    form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **fields}
    form = {key: value for key, value in form.items() if value}
    async with http.post(f"{sandbox.url}/oauth/oauth2/token", data=form) as response:
        await response.read()
        return response


async def exchange(
    http: aiohttp.ClientSession, sandbox: Sandbox, code: str
) -> dict[str, object]:
    response = await post_token(
        http,
        sandbox,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
    )
    assert response.status == 200
    body: dict[str, object] = await response.json()
    return body


async def get_status(http: aiohttp.ClientSession, url: str, token: str) -> int:
    async with http.get(url, headers=bearer(token)) as response:
        return response.status


async def test_consent_page_lists_members_and_ticks_requested_scopes(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    page = await open_consent_page(http, sandbox)
    assert page.action == "/oauth/oauth2/auth"
    checkboxes = {
        field["value"]: "checked" in field
        for field in page.inputs
        if field["type"] == "checkbox"
    }
    assert set(checkboxes) == set(ALL_SCOPES)
    assert {scope for scope, ticked in checkboxes.items() if ticked} == {
        "offline",
        "read:recovery",
        "read:cycles",
        "read:sleep",
    }
    members = {field["value"] for field in page.inputs if field["type"] == "radio"}
    assert members == {str(JOHN_ID), str(JANE_ID)}
    hidden = {
        field["name"]: field["value"]
        for field in page.inputs
        if field["type"] == "hidden"
    }
    assert hidden == {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "state": STATE,
    }
    assert {button["value"] for button in page.buttons} == {"authorize", "deny"}


async def test_full_flow_code_token_data_refresh_and_rotation(
    sandbox: Sandbox, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    location = await authorize(http, sandbox, scope=" ".join(ALL_SCOPES))
    assert str(location.with_query(None)) == REDIRECT_URI
    assert location.query["state"] == STATE
    tokens = await exchange(http, sandbox, location.query["code"])
    assert tokens["expires_in"] == 3600
    assert tokens["token_type"] == "bearer"
    assert set(str(tokens["scope"]).split()) == set(ALL_SCOPES)
    first_access, first_refresh = (
        str(tokens["access_token"]),
        str(tokens["refresh_token"]),
    )

    async with http.get(
        sandbox.url + PROFILE, headers=bearer(first_access)
    ) as response:
        assert response.status == 200
        assert (await response.json())["user_id"] == JOHN_ID

    with caplog.at_level(logging.INFO, logger="sandbox.whoop.oauth_routes"):
        refreshed = await post_token(
            http,
            sandbox,
            grant_type="refresh_token",
            refresh_token=first_refresh,
            scope="offline",
        )
    assert refreshed.status == 200
    assert "with scope=offline" in caplog.text
    second = await refreshed.json()
    assert second["refresh_token"] != first_refresh
    assert second["access_token"] != first_access
    assert await get_status(http, sandbox.url + PROFILE, first_access) == 401
    assert await get_status(http, sandbox.url + PROFILE, second["access_token"]) == 200

    reused = await post_token(
        http,
        sandbox,
        grant_type="refresh_token",
        refresh_token=first_refresh,
        scope="offline",
    )
    assert reused.status == 400
    assert (await reused.json())["error"] == "invalid_grant"

    third = await post_token(
        http,
        sandbox,
        grant_type="refresh_token",
        refresh_token=second["refresh_token"],
        scope="offline",
    )
    assert third.status == 200
    assert (await third.json())["refresh_token"] != second["refresh_token"]


async def test_refresh_without_scope_offline_loses_the_sign_in(
    sandbox: Sandbox, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    """Home Assistant's default refresh sends no scope: WHOOP then issues no refresh token."""
    tokens = await exchange(
        http, sandbox, (await authorize(http, sandbox)).query["code"]
    )
    with caplog.at_level(logging.INFO, logger="sandbox.whoop.oauth_routes"):
        refreshed = await post_token(
            http,
            sandbox,
            grant_type="refresh_token",
            refresh_token=str(tokens["refresh_token"]),
        )
    assert refreshed.status == 200
    assert "without scope=offline" in caplog.text
    body = await refreshed.json()
    assert "refresh_token" not in body
    assert "offline" not in body["scope"].split()
    assert "read:cycles" in body["scope"].split()
    assert (
        await get_status(
            http, sandbox.url + "/developer/v2/cycle", body["access_token"]
        )
        == 200
    )
    assert (
        await get_status(
            http, sandbox.url + "/developer/v2/cycle", str(tokens["access_token"])
        )
        == 401
    )
    # The spent refresh token is dead and there is no other: the next refresh fails.
    again = await post_token(
        http,
        sandbox,
        grant_type="refresh_token",
        refresh_token=str(tokens["refresh_token"]),
        scope="offline",
    )
    assert again.status == 400
    assert (await again.json())["error"] == "invalid_grant"
    token_requests = [
        logged for logged in sandbox.whoop.requests if logged.path.endswith("/token")
    ]
    assert [logged.scope for logged in token_requests] == [None, None, "offline"]
    assert set(token_requests[1].form_fields) == {
        "grant_type",
        "refresh_token",
        "client_id",
        "client_secret",
    }


async def test_code_is_single_use_and_bound_to_the_redirect_uri(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    code = (await authorize(http, sandbox)).query["code"]
    wrong_redirect = await post_token(
        http,
        sandbox,
        grant_type="authorization_code",
        code=code,
        redirect_uri="https://evil.example/cb",
    )
    assert wrong_redirect.status == 400
    assert (await wrong_redirect.json())["error"] == "invalid_grant"
    # A failed attempt spends the code too, as a stolen code must not be retried.
    assert (
        await post_token(
            http,
            sandbox,
            grant_type="authorization_code",
            code=code,
            redirect_uri=REDIRECT_URI,
        )
    ).status == 400

    code = (await authorize(http, sandbox)).query["code"]
    await exchange(http, sandbox, code)
    again = await post_token(
        http,
        sandbox,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
    )
    assert again.status == 400
    assert (await again.json())["error"] == "invalid_grant"


async def test_code_expires_after_ten_minutes(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    code = (await authorize(http, sandbox)).query["code"]
    sandbox.clock.advance(timedelta(minutes=10))
    expired = await post_token(
        http,
        sandbox,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
    )
    assert expired.status == 400


async def test_deny_redirects_with_access_denied(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    page = await open_consent_page(http, sandbox)
    async with http.post(
        sandbox.url + page.action,
        data=form_fields(page, JOHN_ID, "deny"),
        allow_redirects=False,
    ) as response:
        assert response.status == 302
        location = URL(response.headers["Location"])
    assert location.query["error"] == "access_denied"
    assert location.query["state"] == STATE
    assert "code" not in location.query


async def test_unticked_scopes_are_not_granted(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    location = await authorize(http, sandbox, scope="read:cycles")
    tokens = await exchange(http, sandbox, location.query["code"])
    assert tokens["scope"] == "read:cycles"
    assert "refresh_token" not in tokens
    assert (
        await get_status(
            http, sandbox.url + "/developer/v2/cycle", str(tokens["access_token"])
        )
        == 200
    )
    assert (
        await get_status(
            http, sandbox.url + "/developer/v2/recovery", str(tokens["access_token"])
        )
        == 401
    )


async def test_jane_can_authorize_too(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    location = await authorize(http, sandbox, JANE_ID, scope="read:profile")
    tokens = await exchange(http, sandbox, location.query["code"])
    async with http.get(
        sandbox.url + PROFILE, headers=bearer(str(tokens["access_token"]))
    ) as response:
        assert (await response.json())["first_name"] == "Jane"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"client_id": "someone-else"}, "Unknown client"),
        ({"redirect_uri": "not a url"}, "redirect_uri"),
    ],
)
async def test_bad_client_or_redirect_shows_an_error_page(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    overrides: dict[str, str],
    expected: str,
) -> None:
    async with http.get(
        f"{sandbox.url}/oauth/oauth2/auth", params=authorize_query(**overrides)
    ) as response:
        assert response.status == 400
        assert response.content_type == "text/html"
        assert expected in await response.text()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"state": "short"}, "invalid_state"),
        ({"scope": "read:everything offline"}, "invalid_scope"),
    ],
)
async def test_bad_authorization_requests_redirect_with_an_error(
    sandbox: Sandbox, http: aiohttp.ClientSession, overrides: dict[str, str], error: str
) -> None:
    async with http.get(
        f"{sandbox.url}/oauth/oauth2/auth",
        params=authorize_query(**overrides),
        allow_redirects=False,
    ) as response:
        assert response.status == 302
        assert URL(response.headers["Location"]).query["error"] == error


async def test_posting_the_form_without_a_member_is_refused(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    page = await open_consent_page(http, sandbox)
    fields = [
        (name, value)
        for name, value in form_fields(page, JOHN_ID, "authorize")
        if name != "user_id"
    ]
    async with http.post(
        sandbox.url + page.action, data=fields, allow_redirects=False
    ) as response:
        assert response.status == 400
    forged = [
        (name, "evil" if name == "client_id" else value) for name, value in fields
    ]
    async with http.post(
        sandbox.url + page.action, data=forged, allow_redirects=False
    ) as response:
        assert response.status == 400


async def test_client_credentials_in_http_basic(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    code = (await authorize(http, sandbox)).query["code"]
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    async with http.post(
        f"{sandbox.url}/oauth/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
        },
        headers={"Authorization": f"Basic {basic}"},
    ) as response:
        assert response.status == 200
        assert "access_token" in await response.json()


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic !!!not-base64", "Basic " + base64.b64encode(b"a:b").decode()],
)
async def test_wrong_client_credentials_are_invalid_client(
    sandbox: Sandbox, http: aiohttp.ClientSession, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    form = {"grant_type": "refresh_token", "refresh_token": "x", "client_id": CLIENT_ID}
    if authorization is None:
        form["client_secret"] = "wrong-secret"
    async with http.post(
        f"{sandbox.url}/oauth/oauth2/token", data=form, headers=headers
    ) as response:
        assert response.status == 401
        assert (await response.json())["error"] == "invalid_client"


async def test_token_endpoint_request_errors(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    unsupported = await post_token(http, sandbox, grant_type="password")
    assert unsupported.status == 400
    assert (await unsupported.json())["error"] == "unsupported_grant_type"
    missing = await post_token(http, sandbox, grant_type="refresh_token")
    assert missing.status == 400
    assert (await missing.json())["error"] == "invalid_request"


async def test_access_token_expires_by_the_sandbox_clock(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    token = str(sandbox.whoop.issue_tokens(JOHN_ID, expires_in=3600)["access_token"])
    sandbox.clock.advance(timedelta(seconds=3599))
    assert await get_status(http, sandbox.url + PROFILE, token) == 200
    sandbox.clock.advance(timedelta(seconds=1))
    assert await get_status(http, sandbox.url + PROFILE, token) == 401


async def test_malformed_authorization_headers_are_401(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    for headers in (
        {},
        {"Authorization": "Token abc"},
        {"Authorization": "Bearer unknown"},
    ):
        async with http.get(sandbox.url + PROFILE, headers=headers) as response:
            assert response.status == 401


async def test_revoke_kills_access_and_refresh(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    jane = sandbox.whoop.issue_tokens(JANE_ID)
    sandbox.whoop.revoke(JOHN_ID)
    assert (
        await get_status(http, sandbox.url + PROFILE, str(tokens["access_token"]))
        == 401
    )
    assert (
        await get_status(http, sandbox.url + PROFILE, str(jane["access_token"])) == 200
    )
    refused = await post_token(
        http,
        sandbox,
        grant_type="refresh_token",
        refresh_token=str(tokens["refresh_token"]),
    )
    assert refused.status == 400
    assert (await refused.json())["error"] == "invalid_grant"
    # Authorizing again opens a fresh grant that works.
    location = await authorize(http, sandbox)
    fresh = await exchange(http, sandbox, location.query["code"])
    assert (
        await get_status(
            http, sandbox.url + "/developer/v2/cycle", str(fresh["access_token"])
        )
        == 200
    )


async def test_member_revokes_through_the_api(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    access = str(tokens["access_token"])
    async with http.delete(
        f"{sandbox.url}/developer/v2/user/access", headers=bearer(access)
    ) as response:
        assert response.status == 204
    assert await get_status(http, sandbox.url + PROFILE, access) == 401
    refused = await post_token(
        http,
        sandbox,
        grant_type="refresh_token",
        refresh_token=str(tokens["refresh_token"]),
    )
    assert refused.status == 400

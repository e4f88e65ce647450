"""The admin API under /_sandbox/, the index page and the request log."""

from datetime import date
from typing import Any

import aiohttp
import pytest

from sandbox.app import Sandbox

from .conftest import JANE_ID, JOHN_ID, bearer

ADMIN = "/_sandbox"


async def admin(
    http: aiohttp.ClientSession,
    sandbox: Sandbox,
    method: str,
    path: str,
    body: object = None,
    expect: int = 200,
) -> dict[str, Any]:
    async with http.request(method, sandbox.url + ADMIN + path, json=body) as response:
        assert response.status == expect, await response.text()
        if response.content_type == "application/json":
            document: dict[str, Any] = await response.json()
            return document
        return {}


async def test_time_get_set_advance(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    assert await admin(http, sandbox, "GET", "/time") == {
        "now": "2026-11-20T12:00:00.000Z",
        "fixed": True,
    }
    moved = await admin(
        http, sandbox, "POST", "/time", {"now": "2026-11-21T07:30:00+01:00"}
    )
    assert moved["now"] == "2026-11-21T06:30:00.000Z"
    advanced = await admin(
        http,
        sandbox,
        "POST",
        "/time/advance",
        {"hours": 1, "minutes": 30, "seconds": 1.5},
    )
    assert advanced["now"] == "2026-11-21T08:00:01.500Z"
    await admin(http, sandbox, "POST", "/time", {"now": "tomorrow"}, expect=400)
    await admin(http, sandbox, "POST", "/time/advance", {"hours": "two"}, expect=400)
    await admin(http, sandbox, "POST", "/time", [1, 2], expect=400)


async def test_malformed_json_body_is_400(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        f"{sandbox.url}{ADMIN}/time",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    ) as response:
        assert response.status == 400


async def test_faults_add_list_clear(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    added = await admin(
        http,
        sandbox,
        "POST",
        "/faults",
        {"kind": "server_error", "path": "/developer/v2/cycle", "status": 503},
        expect=201,
    )
    assert added == {
        "kind": "server_error",
        "path": "/developer/v2/cycle",
        "remaining": 1,
        "params": {"status": 503},
    }
    assert (await admin(http, sandbox, "GET", "/faults"))["faults"] == [added]
    async with http.get(
        f"{sandbox.url}/developer/v2/cycle", headers=bearer(john_token)
    ) as response:
        assert response.status == 503
    await admin(
        http, sandbox, "POST", "/faults", {"kind": "slow", "count": 0}, expect=201
    )
    await admin(http, sandbox, "DELETE", "/faults", expect=204)
    assert (await admin(http, sandbox, "GET", "/faults"))["faults"] == []
    await admin(http, sandbox, "POST", "/faults", {"kind": "meteor"}, expect=400)
    await admin(
        http, sandbox, "POST", "/faults", {"kind": "slow", "count": "many"}, expect=400
    )


async def test_members_tokens_and_revoke(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    members = (await admin(http, sandbox, "GET", "/members"))["members"]
    assert [
        (m["user_id"], m["has_spo2_and_skin_temp"], m["revoked"]) for m in members
    ] == [
        (JOHN_ID, True, False),
        (JANE_ID, False, False),
    ]
    tokens = await admin(
        http,
        sandbox,
        "POST",
        f"/members/{JANE_ID}/tokens",
        {"scopes": ["read:profile"], "expires_in": 60},
    )
    assert tokens["expires_in"] == 60
    assert tokens["scope"] == "read:profile"
    assert "refresh_token" not in tokens
    full = await admin(http, sandbox, "POST", f"/members/{JOHN_ID}/tokens")
    assert "offline" in full["scope"].split()
    assert full["refresh_token"]
    async with http.get(
        f"{sandbox.url}/developer/v2/user/profile/basic",
        headers=bearer(tokens["access_token"]),
    ) as response:
        assert (await response.json())["user_id"] == JANE_ID
    await admin(http, sandbox, "POST", f"/members/{JANE_ID}/revoke", expect=204)
    async with http.get(
        f"{sandbox.url}/developer/v2/user/profile/basic",
        headers=bearer(tokens["access_token"]),
    ) as response:
        assert response.status == 401
    assert (await admin(http, sandbox, "GET", "/members"))["members"][1][
        "revoked"
    ] is True
    await admin(http, sandbox, "POST", "/members/999/revoke", expect=404)
    await admin(http, sandbox, "POST", "/members/john/tokens", expect=404)
    await admin(
        http,
        sandbox,
        "POST",
        f"/members/{JOHN_ID}/tokens",
        {"scopes": "all"},
        expect=400,
    )


async def test_not_worn_days(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    await admin(
        http,
        sandbox,
        "POST",
        f"/members/{JANE_ID}/not-worn",
        {"date": "2026-11-20"},
        expect=204,
    )
    assert not any(
        sleep.cycle_id == sandbox.whoop.records(JANE_ID).cycles[0].id and not sleep.nap
        for sleep in sandbox.whoop.records(JANE_ID).sleeps
    )
    await admin(
        http,
        sandbox,
        "DELETE",
        f"/members/{JANE_ID}/not-worn",
        {"date": "2026-11-20"},
        expect=204,
    )
    assert sandbox.whoop._not_worn[JANE_ID] == set()
    await admin(
        http,
        sandbox,
        "POST",
        f"/members/{JANE_ID}/not-worn",
        {"date": "20/11/2026"},
        expect=400,
    )


async def test_delete_workout(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    workout = sandbox.whoop.records(JOHN_ID).workouts[0]
    await admin(http, sandbox, "DELETE", f"/workouts/{workout.id}", expect=204)
    assert workout.id not in {w.id for w in sandbox.whoop.records(JOHN_ID).workouts}
    await admin(http, sandbox, "DELETE", "/workouts/not-a-uuid", expect=400)


async def test_request_log_counts_by_route_template(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    cycle_id = sandbox.whoop.records(JOHN_ID).cycles[1].id
    for path in [
        "/developer/v2/cycle",
        f"/developer/v2/cycle/{cycle_id}",
        f"/developer/v2/cycle/{cycle_id}/recovery",
        "/developer/v2/cycle/1",
        "/developer/v2/nowhere",
    ]:
        async with http.get(sandbox.url + path, headers=bearer(john_token)) as response:
            await response.read()
    await admin(
        http, sandbox, "GET", "/time"
    )  # admin calls are not WHOOP calls: not logged
    assert sandbox.whoop.request_counts() == {
        "GET /developer/v2/cycle": 1,
        "GET /developer/v2/cycle/{id}": 2,
        "GET /developer/v2/cycle/{id}/recovery": 1,
        "GET /developer/v2/nowhere": 1,
    }
    assert [request.status for request in sandbox.whoop.requests] == [
        200,
        200,
        200,
        404,
        404,
    ]
    log = await admin(http, sandbox, "GET", "/requests")
    assert log["counts"]["GET /developer/v2/cycle/{id}"] == 2
    assert log["requests"][0] == {
        "method": "GET",
        "path": "/developer/v2/cycle",
        "route": "/developer/v2/cycle",
        "status": 200,
        "at": "2026-11-20T12:00:00.000Z",
        "user_id": JOHN_ID,  # the member whose token it carried
    }
    assert sandbox.whoop.request_counts(JOHN_ID)["GET /developer/v2/cycle/{id}"] == 2
    assert not sandbox.whoop.request_counts(JOHN_ID + 1)
    await admin(http, sandbox, "DELETE", "/requests", expect=204)
    assert sandbox.whoop.requests == []
    async with http.get(
        sandbox.url + "/developer/v2/cycle", headers=bearer(john_token)
    ) as response:
        await response.read()
    assert sandbox.whoop.request_counts() == {"GET /developer/v2/cycle": 1}
    sandbox.whoop.reset_log()
    assert sandbox.whoop.request_counts() == {}


async def test_webhook_url_and_delivery(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    assert await admin(http, sandbox, "GET", "/webhook") == {
        "url": None,
        "deliveries": [],
        "pending_retries": [],
        "answer_within_seconds": 1.0,
    }
    set_url = await admin(
        http, sandbox, "PUT", "/webhook", {"url": "http://127.0.0.1:9/hook"}
    )
    assert set_url["url"] == "http://127.0.0.1:9/hook"
    await admin(http, sandbox, "POST", "/time/advance", {"hours": 2})
    delivered = (await admin(http, sandbox, "POST", "/webhook/deliver"))["delivered"]
    assert delivered > 0
    deliveries = (await admin(http, sandbox, "GET", "/webhook"))["deliveries"]
    assert len(deliveries) == delivered
    assert set(deliveries[0]) == {
        "user_id",
        "id",
        "type",
        "trace_id",
        "status",
        "at",
        "attempt",
        "kind",
        "signature_timestamp",
    }
    pending = (await admin(http, sandbox, "GET", "/webhook"))["pending_retries"]
    assert len(pending) == delivered  # nobody listens on port 9
    await admin(
        http, sandbox, "PUT", "/webhook", {"answer_within_seconds": 60}, expect=400
    )
    await admin(http, sandbox, "PUT", "/webhook", {"url": 5}, expect=400)
    await admin(http, sandbox, "PUT", "/webhook", {"url": None})
    assert sandbox.whoop.webhook_url is None


async def test_index_links_everything(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get(sandbox.url + "/") as response:
        assert response.status == 200
        page = await response.text()
    for link in [
        "/oauth/oauth2/auth?",
        "/_sandbox/time",
        "/_sandbox/requests",
        "/_sandbox/faults",
        "/_sandbox/webhook",
        "/graph/_sandbox/messages",
        "sandbox-client-id",
        "sandbox-client-secret",
    ]:
        assert link in page


async def test_demo_callback_echoes_the_code(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get(
        sandbox.url + "/_sandbox/oauth-callback", params={"code": "abc", "state": "s"}
    ) as response:
        assert await response.json() == {"code": "abc", "state": "s"}


def test_python_api_refuses_unknown_members(sandbox: Sandbox) -> None:
    with pytest.raises(KeyError):
        sandbox.whoop.issue_tokens(1)
    with pytest.raises(KeyError):
        sandbox.whoop.mark_not_worn(1, date(2026, 11, 20))


async def test_authorize_url_helper_opens_the_consent_page(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    url = sandbox.authorize_url("https://example.org/callback")
    assert url.startswith(f"{sandbox.url}/oauth/oauth2/auth?response_type=code&")
    async with http.get(url) as response:
        assert response.status == 200
        assert "read:body_measurement" in await response.text()

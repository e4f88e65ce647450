"""Armed faults and WHOOP's rate limits, as a client sees them."""

import asyncio
from datetime import timedelta
import json
import time

import aiohttp
import pytest

from sandbox.app import Sandbox
from sandbox.whoop import CLIENT_ID, CLIENT_SECRET

from .conftest import JOHN_ID, bearer

CYCLES = "/developer/v2/cycle"
PROFILE = "/developer/v2/user/profile/basic"
TOKEN = "/oauth/oauth2/token"


async def call(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str
) -> tuple[int, bytes, dict[str, str]]:
    async with http.get(sandbox.url + path, headers=bearer(token)) as response:
        return response.status, await response.read(), dict(response.headers)


async def refresh(
    http: aiohttp.ClientSession, sandbox: Sandbox, refresh_token: str
) -> int:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scope": "offline",
    }
    async with http.post(sandbox.url + TOKEN, data=form) as response:
        return response.status


async def test_server_error_hits_count_requests_then_stops(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("server_error", count=2, status=503)
    assert (await call(http, sandbox, CYCLES, john_token))[0] == 503
    assert (await call(http, sandbox, PROFILE, john_token))[0] == 503
    assert (await call(http, sandbox, CYCLES, john_token))[0] == 200
    assert sandbox.whoop.faults.armed == ()


async def test_server_error_defaults_to_500_and_respects_the_path_prefix(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("server_error", path=CYCLES)
    assert (await call(http, sandbox, PROFILE, john_token))[0] == 200
    assert (await call(http, sandbox, f"{CYCLES}?limit=1", john_token))[0] == 500


async def test_count_zero_lasts_until_cleared(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("server_error", count=0)
    for _ in range(3):
        assert (await call(http, sandbox, CYCLES, john_token))[0] == 500
    sandbox.whoop.faults.clear()
    assert (await call(http, sandbox, CYCLES, john_token))[0] == 200


async def test_rate_limit_fault(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("rate_limit", reset_seconds=42)
    status, _, headers = await call(http, sandbox, CYCLES, john_token)
    assert status == 429
    assert headers["X-RateLimit-Remaining"] == "0"
    assert headers["X-RateLimit-Reset"] == "42"


async def test_slow_fault_delays_the_answer(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("slow", delay=0.3)
    started = time.monotonic()
    status, _, _ = await call(http, sandbox, CYCLES, john_token)
    assert status == 200
    assert time.monotonic() - started >= 0.3
    sandbox.whoop.faults.add("slow", delay=0.6)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(call(http, sandbox, CYCLES, john_token), timeout=0.2)


async def test_malformed_json(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("malformed_json", path=PROFILE)
    async with http.get(sandbox.url + PROFILE, headers=bearer(john_token)) as response:
        assert response.status == 200
        with pytest.raises(json.JSONDecodeError):
            await response.json()


async def test_missing_fields_drops_the_first_key_by_default(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("missing_fields", count=2)
    async with http.get(sandbox.url + PROFILE, headers=bearer(john_token)) as response:
        assert "user_id" not in await response.json()
    async with http.get(sandbox.url + CYCLES, headers=bearer(john_token)) as response:
        records = (await response.json())["records"]
    assert records
    assert all("id" not in record for record in records)


async def test_missing_fields_drops_named_fields(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("missing_fields", fields=["score_state", "start"])
    async with http.get(sandbox.url + CYCLES, headers=bearer(john_token)) as response:
        record = (await response.json())["records"][0]
    assert "score_state" not in record
    assert "start" not in record
    assert "id" in record


async def test_body_faults_leave_non_json_answers_alone(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("missing_fields", path="/developer/v2/user/access")
    async with http.delete(
        f"{sandbox.url}/developer/v2/user/access", headers=bearer(john_token)
    ) as response:
        assert response.status == 204


async def test_token_server_error_only_hits_the_token_endpoint(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    sandbox.whoop.faults.add("token_server_error", status=502)
    assert (await call(http, sandbox, CYCLES, john_token))[0] == 200
    assert await refresh(http, sandbox, str(tokens["refresh_token"])) == 502
    # The failed refresh did not spend the refresh token.
    assert await refresh(http, sandbox, str(tokens["refresh_token"])) == 200


def test_unknown_fault_kind_and_negative_count_are_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="earthquake"):
        sandbox.whoop.faults.add("earthquake")
    with pytest.raises(ValueError, match="count"):
        sandbox.whoop.faults.add("slow", count=-1)


async def test_rate_limit_headers_and_100_per_minute(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    status, _, headers = await call(http, sandbox, CYCLES, john_token)
    assert status == 200
    assert headers["X-RateLimit-Limit"] == "100, 100;window=60, 10000;window=86400"
    assert headers["X-RateLimit-Remaining"] == "99"
    assert headers["X-RateLimit-Reset"] == "60"
    statuses = [(await call(http, sandbox, PROFILE, john_token))[0] for _ in range(99)]
    assert set(statuses) == {200}
    status, _, headers = await call(http, sandbox, PROFILE, john_token)
    assert status == 429
    assert headers["X-RateLimit-Remaining"] == "0"
    # The budget is the app's, shared by every member.
    jane = str(sandbox.whoop.issue_tokens(20247)["access_token"])
    assert (await call(http, sandbox, PROFILE, jane))[0] == 429
    sandbox.clock.advance(timedelta(seconds=60))
    assert (await call(http, sandbox, PROFILE, john_token))[0] == 200


async def test_10000_per_day(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    john_token = str(
        sandbox.whoop.issue_tokens(JOHN_ID, expires_in=86_400)["access_token"]
    )
    limiter = sandbox.whoop.rate_limiter
    await call(http, sandbox, PROFILE, john_token)
    limiter._day_count = 9_999
    status, _, headers = await call(http, sandbox, PROFILE, john_token)
    assert status == 200
    assert headers["X-RateLimit-Remaining"] == "0"
    assert headers["X-RateLimit-Reset"] == str(12 * 3600)
    # The daily limit is now the one nearest its cap: WHOOP names it first.
    assert headers["X-RateLimit-Limit"] == "10000, 100;window=60, 10000;window=86400"
    sandbox.clock.advance(timedelta(minutes=5))
    status, _, headers = await call(http, sandbox, PROFILE, john_token)
    assert status == 429
    assert int(headers["X-RateLimit-Reset"]) > 3600
    assert headers["X-RateLimit-Limit"].startswith("10000, ")
    assert limiter.used_today == 10_000
    sandbox.clock.advance(timedelta(hours=12))
    assert (await call(http, sandbox, PROFILE, john_token))[0] == 200


async def test_token_endpoint_is_not_rate_limited(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    sandbox.whoop.rate_limiter._day_count = 10_000
    sandbox.whoop.rate_limiter._day_window = (
        int(sandbox.clock.now().timestamp()) // 86_400
    )
    assert await refresh(http, sandbox, str(tokens["refresh_token"])) == 200


async def test_a_spent_daily_budget_can_be_played_as_a_fault(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add(
        "rate_limit", path=CYCLES, window="day", reset_seconds=7_200
    )
    status, _, headers = await call(http, sandbox, CYCLES, john_token)
    assert status == 429
    assert headers["X-RateLimit-Limit"] == "10000, 100;window=60, 10000;window=86400"
    assert headers["X-RateLimit-Reset"] == "7200"
    with pytest.raises(ValueError, match="window"):
        sandbox.whoop.faults.add("rate_limit", window="week")


@pytest.mark.parametrize("chunked", [False, True])
async def test_an_oversize_body_is_the_real_answer_padded(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str, chunked: bool
) -> None:
    sandbox.whoop.faults.add(
        "oversize_body", path=PROFILE, size=300_000, chunked=chunked
    )
    status, body, headers = await call(http, sandbox, PROFILE, john_token)
    assert status == 200
    assert len(body) == 300_000
    assert json.loads(body)["user_id"] == JOHN_ID
    assert ("Content-Length" in headers) is not chunked
    with pytest.raises(ValueError, match="size"):
        sandbox.whoop.faults.add("oversize_body", size=65 * 1024 * 1024)

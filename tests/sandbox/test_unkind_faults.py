"""The unkind side of WHOOP: late and hanging token answers, inactive members, absurd values."""

import asyncio
import json
import time

import aiohttp
import pytest

from sandbox.app import Sandbox
from sandbox.whoop import CLIENT_ID, CLIENT_SECRET

from .conftest import JANE_ID, JOHN_ID, bearer

CYCLES = "/developer/v2/cycle"
PROFILE = "/developer/v2/user/profile/basic"
RECOVERY = "/developer/v2/recovery"
SLEEPS = "/developer/v2/activity/sleep"
TOKEN = "/oauth/oauth2/token"


def refresh_form(refresh_token: str) -> dict[str, str]:
    return {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scope": "offline",
    }


async def status_of(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str
) -> int:
    async with http.get(sandbox.url + path, headers=bearer(token)) as response:
        return response.status


async def test_answer_late_rotates_before_the_answer_is_delayed(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    old_refresh = str(tokens["refresh_token"])
    sandbox.whoop.faults.add("answer_late", path=TOKEN, delay=2)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with http.post(
            sandbox.url + TOKEN,
            data=refresh_form(old_refresh),
            timeout=aiohttp.ClientTimeout(total=0.5),
        ) as response:
            await response.read()
    assert time.monotonic() - started < 1.5
    # The client gave up, yet the rotation already happened: the old refresh token is dead
    # and so is the old access token.
    async with http.post(
        sandbox.url + TOKEN, data=refresh_form(old_refresh)
    ) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "invalid_grant"
    assert await status_of(http, sandbox, PROFILE, str(tokens["access_token"])) == 401


async def test_answer_late_delivers_the_rotated_tokens_after_the_delay(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    sandbox.whoop.faults.add("answer_late", path=TOKEN, delay=0.4)
    started = time.monotonic()
    async with http.post(
        sandbox.url + TOKEN, data=refresh_form(str(tokens["refresh_token"]))
    ) as response:
        assert response.status == 200
        body = await response.json()
    assert time.monotonic() - started >= 0.4
    assert await status_of(http, sandbox, PROFILE, body["access_token"]) == 200


async def test_slow_still_sleeps_before_the_rotation(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    sandbox.whoop.faults.add("slow", path=TOKEN, delay=1.5)
    request = asyncio.create_task(
        http.post(sandbox.url + TOKEN, data=refresh_form(str(tokens["refresh_token"])))
    )
    await asyncio.sleep(0.3)
    # Not rotated yet: the old access token still works.
    assert await status_of(http, sandbox, PROFILE, str(tokens["access_token"])) == 200
    response = await request
    assert response.status == 200
    response.release()


async def test_hang_rotates_and_never_answers(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    sandbox.whoop.faults.add("hang", path=TOKEN)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with http.post(
            sandbox.url + TOKEN,
            data=refresh_form(str(tokens["refresh_token"])),
            timeout=aiohttp.ClientTimeout(total=0.5),
        ) as response:
            await response.read()
    assert time.monotonic() - started < 1.5
    async with http.post(
        sandbox.url + TOKEN, data=refresh_form(str(tokens["refresh_token"]))
    ) as response:
        assert response.status == 400
    # The hung request ends as soon as the client hangs up, logged as never answered.
    for _ in range(40):
        if len(sandbox.whoop.requests) == 2:
            break
        await asyncio.sleep(0.05)
    # (Logged when the server notices the hang-up: before or after the second request.)
    by_status = {logged.status: logged for logged in sandbox.whoop.requests}
    assert sorted(by_status) == [400, 499]
    assert by_status[499].scope == "offline"


async def test_hang_is_bounded_by_the_sandbox(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    sandbox.whoop.faults.add("hang", path=TOKEN, hold=0.3)
    started = time.monotonic()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        async with http.post(
            sandbox.url + TOKEN,
            data=refresh_form(str(tokens["refresh_token"])),
            timeout=aiohttp.ClientTimeout(total=5),
        ) as response:
            await response.read()
    assert 0.3 <= time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("slow", {"delay": 61}, "delay"),
        ("answer_late", {"delay": -1}, "delay"),
        ("answer_late", {"delay": "soon"}, "delay"),
        ("hang", {"hold": 121}, "hold"),
        ("rate_limit", {"reset_form": "weeks"}, "reset_form"),
        ("rate_limit", {"reset_seconds": 10**9}, "reset_seconds"),
        ("out_of_range", {"value": "purple"}, "value"),
        ("out_of_range", {"fields": "strain"}, "fields"),
        ("server_error", {"status": 99}, "status"),
        ("token_server_error", {"status": "500"}, "status"),
    ],
)
def test_fault_parameters_are_bounded(
    sandbox: Sandbox, kind: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        sandbox.whoop.faults.add(kind, **params)
    with pytest.raises(ValueError, match="count"):
        sandbox.whoop.faults.add("slow", count=10**7)


async def test_admin_refuses_unbounded_faults(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        f"{sandbox.url}/_sandbox/faults", json={"kind": "slow", "delay": 3600}
    ) as response:
        assert response.status == 400
        assert "delay" in (await response.json())["error"]


async def test_token_log_names_form_fields_and_scope_but_keeps_no_values(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    refresh_token = str(tokens["refresh_token"])
    async with http.post(
        sandbox.url + TOKEN, data=refresh_form(refresh_token)
    ) as response:
        assert response.status == 200
    async with http.get(f"{sandbox.url}/_sandbox/requests") as response:
        logged = (await response.json())["requests"][-1]
        text = json.dumps(logged)
    assert logged["form_fields"] == [
        "grant_type",
        "refresh_token",
        "client_id",
        "client_secret",
        "scope",
    ]
    assert logged["scope"] == "offline"
    assert refresh_token not in text
    assert CLIENT_SECRET not in text


async def test_deactivated_member_gets_403_on_data_endpoints(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    jane = str(sandbox.whoop.issue_tokens(JANE_ID)["access_token"])
    async with http.post(
        f"{sandbox.url}/_sandbox/members/{JOHN_ID}/deactivate"
    ) as response:
        assert response.status == 204
    for path in (PROFILE, CYCLES, RECOVERY, SLEEPS):
        async with http.get(sandbox.url + path, headers=bearer(john_token)) as answer:
            assert answer.status == 403
            assert await answer.json() == {"error": "deactivated_user"}
    assert await status_of(http, sandbox, CYCLES, jane) == 200
    # An unknown token is still a 401, not a 403.
    assert await status_of(http, sandbox, CYCLES, "nonsense") == 401
    async with http.get(f"{sandbox.url}/_sandbox/members") as response:
        flags = {
            member["user_id"]: member["deactivated"]
            for member in (await response.json())["members"]
        }
    assert flags == {JOHN_ID: True, JANE_ID: False}
    async with http.delete(
        f"{sandbox.url}/_sandbox/members/{JOHN_ID}/deactivate"
    ) as response:
        assert response.status == 204
    assert await status_of(http, sandbox, CYCLES, john_token) == 200


async def test_deactivated_user_fault(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    async with http.post(
        f"{sandbox.url}/_sandbox/faults",
        json={"kind": "deactivated_user", "path": RECOVERY},
    ) as response:
        assert response.status == 201
    assert await status_of(http, sandbox, CYCLES, john_token) == 200
    async with http.get(sandbox.url + RECOVERY, headers=bearer(john_token)) as answer:
        assert answer.status == 403
        assert (await answer.json())["error"] == "deactivated_user"
    assert await status_of(http, sandbox, RECOVERY, john_token) == 200
    # Without a path it still spares the token endpoint, which knows no such error.
    tokens = sandbox.whoop.issue_tokens(JOHN_ID)
    sandbox.whoop.faults.add("deactivated_user")
    async with http.post(
        sandbox.url + TOKEN, data=refresh_form(str(tokens["refresh_token"]))
    ) as response:
        assert response.status == 200
    assert await status_of(http, sandbox, CYCLES, john_token) == 403


async def raw_body(
    http: aiohttp.ClientSession, sandbox: Sandbox, path: str, token: str
) -> str:
    async with http.get(sandbox.url + path, headers=bearer(token)) as response:
        assert response.status == 200
        return await response.text()


async def test_out_of_range_writes_huge_raw_integers(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("out_of_range", path=CYCLES, fields=["strain"])
    text = await raw_body(http, sandbox, CYCLES, john_token)
    assert f'"strain": 1{"0" * 400}' in text
    records = json.loads(text)["records"]
    assert all(record["score"]["strain"] == 10**400 for record in records)
    # Other numbers are untouched.
    assert all(isinstance(record["id"], int) for record in records)
    assert all(record["score"]["max_heart_rate"] < 250 for record in records)


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("max_float", "1e308"),
        ("overflow_float", "1e999"),
        ("nan_string", '"NaN"'),
        ("infinity_string", '"Infinity"'),
    ],
)
async def test_out_of_range_literals(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    john_token: str,
    value: str,
    literal: str,
) -> None:
    sandbox.whoop.faults.add(
        "out_of_range", path=RECOVERY, fields=["recovery_score"], value=value
    )
    text = await raw_body(http, sandbox, RECOVERY, john_token)
    assert f'"recovery_score": {literal}' in text
    assert '"resting_heart_rate": ' in text


async def test_out_of_range_negative_durations(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add(
        "out_of_range",
        path=SLEEPS,
        fields=["total_in_bed_time_milli", "total_rem_sleep_time_milli"],
        value="negative",
    )
    records = json.loads(await raw_body(http, sandbox, SLEEPS, john_token))["records"]
    scored = [record for record in records if "score" in record]
    assert scored
    for record in scored:
        stages = record["score"]["stage_summary"]
        assert stages["total_in_bed_time_milli"] < 0
        assert stages["total_rem_sleep_time_milli"] < 0
        assert stages["total_light_sleep_time_milli"] > 0


async def test_out_of_range_defaults_to_every_number_but_ids(
    sandbox: Sandbox, http: aiohttp.ClientSession, john_token: str
) -> None:
    sandbox.whoop.faults.add("out_of_range", path="/developer/v2/user/measurement")
    body = json.loads(
        await raw_body(http, sandbox, "/developer/v2/user/measurement/body", john_token)
    )
    assert body == {
        "height_meter": 10**400,
        "weight_kilogram": 10**400,
        "max_heart_rate": 10**400,
    }
    sandbox.whoop.faults.add("out_of_range", path=CYCLES)
    record = json.loads(await raw_body(http, sandbox, CYCLES, john_token))["records"][0]
    assert record["id"] < 10**10
    assert record["user_id"] == JOHN_ID
    assert record["score"]["kilojoule"] == 10**400


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("seconds", "42"),
        ("epoch", str(1_795_176_000 + 42)),  # 2026-11-20T12:00:00Z + 42 s
        ("absurd", str(10**15)),
    ],
)
async def test_rate_limit_reset_forms(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    john_token: str,
    form: str,
    expected: str,
) -> None:
    sandbox.whoop.faults.add("rate_limit", reset_seconds=42, reset_form=form)
    async with http.get(sandbox.url + CYCLES, headers=bearer(john_token)) as response:
        assert response.status == 429
        assert response.headers["X-RateLimit-Reset"] == expected

"""HTTP details of the client, against a scripted server over real HTTP on 127.0.0.1.

The sandbox covers the normal paths; these tests pin down what it cannot produce.
"""

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
import socket

import aiohttp
import pytest

from custom_components.whoop.whoop_api import (
    WhoopAuthenticationError,
    WhoopClient,
    WhoopConnectionError,
    WhoopError,
    WhoopNotFoundError,
    WhoopRateLimitError,
    WhoopResponseError,
)

from . import examples
from .conftest import ScriptedWhoop, TokenCounter


async def test_every_request_asks_for_a_fresh_token(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    token_counter: TokenCounter,
) -> None:
    scripted_whoop.queue(examples.profile())
    scripted_whoop.queue(examples.body_measurement())

    await scripted_client.get_profile()
    await scripted_client.get_body_measurement()

    assert token_counter.calls == 2
    assert [
        (request.method, request.path, request.headers["Authorization"])
        for request in scripted_whoop.requests
    ] == [
        ("GET", "/developer/v2/user/profile/basic", "Bearer access-token-1"),
        ("GET", "/developer/v2/user/measurement/body", "Bearer access-token-2"),
    ]
    assert scripted_whoop.requests[0].headers["Accept"] == "application/json"


async def test_token_provider_errors_propagate_unchanged(
    http_session: aiohttp.ClientSession, scripted_whoop: ScriptedWhoop
) -> None:
    class ReauthRequiredError(Exception):
        pass

    async def failing_provider() -> str:
        raise ReauthRequiredError

    client = WhoopClient(http_session, failing_provider, base_url=scripted_whoop.url)

    with pytest.raises(ReauthRequiredError):
        await client.get_profile()
    assert scripted_whoop.requests == []


async def test_base_url_with_trailing_slash(
    http_session: aiohttp.ClientSession,
    scripted_whoop: ScriptedWhoop,
    token_counter: TokenCounter,
) -> None:
    client = WhoopClient(http_session, token_counter, base_url=f"{scripted_whoop.url}/")
    scripted_whoop.queue(examples.profile())

    await client.get_profile()

    assert scripted_whoop.requests[0].raw_path == "/developer/v2/user/profile/basic"


async def test_record_ids_are_escaped_in_the_path(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue(status=404)

    with pytest.raises(WhoopNotFoundError):
        await scripted_client.get_sleep("../user/access?x=1")

    assert scripted_whoop.requests[0].raw_path == (
        "/developer/v2/activity/sleep/..%2Fuser%2Faccess%3Fx%3D1"
    )
    assert scripted_whoop.requests[0].query == {}


@pytest.mark.parametrize("status", [401, 403])
async def test_authentication_errors(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop, status: int
) -> None:
    scripted_whoop.queue({"error": "invalid_token"}, status=status)

    with pytest.raises(WhoopAuthenticationError) as caught:
        await scripted_client.get_profile()

    assert caught.value.status == status
    assert "GET /developer/v2/user/profile/basic" in str(caught.value)
    assert "access-token" not in str(caught.value)


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [
        ({"X-RateLimit-Reset": "17"}, 17.0),
        ({"Retry-After": "30"}, 30.0),
        ({"X-RateLimit-Reset": "soon", "Retry-After": "12.5"}, 12.5),
        ({"X-RateLimit-Reset": "-3"}, 0.0),
        ({"X-RateLimit-Reset": "nan"}, None),
        ({"Retry-After": "whenever"}, None),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 -0000"}, None),  # no zone: unknown
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # already past
        ({}, None),
    ],
)
async def test_rate_limit_error_carries_retry_after(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    headers: dict[str, str],
    retry_after: float | None,
) -> None:
    scripted_whoop.queue(status=429, headers=headers)

    with pytest.raises(WhoopRateLimitError) as caught:
        await scripted_client.get_cycles()

    assert caught.value.status == 429
    assert caught.value.retry_after == retry_after


async def test_retry_after_as_http_date(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    in_two_minutes = datetime.now(UTC) + timedelta(minutes=2)
    scripted_whoop.queue(
        status=429,
        headers={"Retry-After": format_datetime(in_two_minutes, usegmt=True)},
    )

    with pytest.raises(WhoopRateLimitError) as caught:
        await scripted_client.get_profile()

    assert caught.value.retry_after is not None
    assert 100 < caught.value.retry_after <= 120


@pytest.mark.parametrize("status", [502, 504])  # the sandbox covers 500 and 503
async def test_server_errors_are_connection_errors(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop, status: int
) -> None:
    scripted_whoop.queue(status=status)

    with pytest.raises(
        WhoopConnectionError, match=f"server error \\({status}\\)"
    ) as caught:
        await scripted_client.get_workouts()

    assert caught.value.status == status


@pytest.mark.parametrize("status", [400, 405, 418])
async def test_unexpected_statuses_are_response_errors(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop, status: int
) -> None:
    scripted_whoop.queue({"error": "bad"}, status=status)

    with pytest.raises(WhoopResponseError, match=f"unexpected HTTP status {status}"):
        await scripted_client.get_recoveries()


async def test_not_found(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue(status=404)
    scripted_whoop.queue(status=404)
    scripted_whoop.queue(status=404)

    with pytest.raises(WhoopNotFoundError) as caught:
        await scripted_client.get_workout("ecfc6a15-4661-442f-a9a4-f160dd7afae8")
    with pytest.raises(WhoopNotFoundError):
        await scripted_client.get_cycle(1)
    recovery = await scripted_client.get_cycle_recovery(93845)

    assert caught.value.status == 404
    assert recovery is None
    assert scripted_whoop.requests[2].path == "/developer/v2/cycle/93845/recovery"


@pytest.mark.parametrize(
    ("raw_body", "message"),
    [
        (b'{"user_id": 10129, "email": ', "not valid JSON"),
        (b"<html>Bad gateway</html>", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b"", "returned an empty body"),
        (b"[1, 2]", "Profile: expected a JSON object, got array"),
        (b'{"user_id": 10129}', "Profile: field 'email' is missing"),
    ],
)
async def test_malformed_bodies_are_response_errors(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    raw_body: bytes,
    message: str,
) -> None:
    scripted_whoop.queue(raw_body=raw_body)

    with pytest.raises(WhoopResponseError, match=message):
        await scripted_client.get_profile()


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ({"records": {"0": {}}}, "'records' should be an array, got object"),
        ({"next_token": "abc"}, "'records' is missing"),
        ({"records": [], "next_token": 42}, "'next_token' should be a string"),
        ({"records": [examples.cycle(), {"id": 1}]}, "Cycle: field"),
        ([examples.cycle()], "page: expected a JSON object, got array"),
    ],
)
async def test_malformed_pages_are_response_errors(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    page: object,
    message: str,
) -> None:
    scripted_whoop.queue(page)

    with pytest.raises(WhoopResponseError, match=message):
        await scripted_client.get_cycles()


async def test_refused_connection_is_a_connection_error(
    http_session: aiohttp.ClientSession, token_counter: TokenCounter
) -> None:
    # Take a free port and release it: nothing listens there any more.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = WhoopClient(
        http_session, token_counter, base_url=f"http://127.0.0.1:{port}"
    )

    with pytest.raises(
        WhoopConnectionError, match="failed: ClientConnectorError"
    ) as caught:
        await client.get_profile()

    assert isinstance(caught.value, WhoopError)
    assert caught.value.status is None


async def test_rate_limit_headers_of_the_last_response(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue(
        examples.profile(),
        headers={
            "X-RateLimit-Limit": "100, 100;window=60, 10000;window=86400",
            "X-RateLimit-Remaining": "97",
        },
    )
    scripted_whoop.queue(
        status=429, headers={"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0"}
    )
    scripted_whoop.queue(
        examples.profile(),
        headers={"X-RateLimit-Limit": "many", "X-RateLimit-Remaining": "-1"},
    )
    assert (scripted_client.rate_limit_limit, scripted_client.rate_limit_remaining) == (
        None,
        None,
    )

    await scripted_client.get_profile()
    first = (scripted_client.rate_limit_limit, scripted_client.rate_limit_remaining)
    with pytest.raises(WhoopRateLimitError):
        await scripted_client.get_profile()
    second = (scripted_client.rate_limit_limit, scripted_client.rate_limit_remaining)
    await scripted_client.get_profile()
    third = (scripted_client.rate_limit_limit, scripted_client.rate_limit_remaining)

    assert (first, second, third) == ((100, 97), (100, 0), (None, None))


async def test_collection_query_parameters(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    eastern = timezone(timedelta(hours=-5))
    scripted_whoop.queue_page([examples.sleep()], cursor="MTIzOjEyMzEyMw")
    scripted_whoop.queue_page([examples.sleep()])

    sleeps = await scripted_client.get_sleeps(
        start=datetime(2022, 4, 1, 19, 0, 0, 123456, tzinfo=eastern),
        end=datetime(2022, 4, 25, tzinfo=UTC),
        limit=7,
    )

    assert len(sleeps) == 2
    assert [request.query for request in scripted_whoop.requests] == [
        {
            "limit": "7",
            "start": "2022-04-02T00:00:00.123Z",
            "end": "2022-04-25T00:00:00.000Z",
        },
        {
            "limit": "7",
            "start": "2022-04-02T00:00:00.123Z",
            "end": "2022-04-25T00:00:00.000Z",
            "nextToken": "MTIzOjEyMzEyMw",
        },
    ]


@pytest.mark.parametrize("last_token", [{}, {"next_token": None}, {"next_token": ""}])
async def test_missing_null_or_empty_next_token_ends_pagination(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    last_token: dict[str, object],
) -> None:
    scripted_whoop.queue_page([examples.workout()], cursor="page-2")
    scripted_whoop.queue({"records": [examples.workout()]} | last_token)

    workouts = await scripted_client.get_workouts()

    assert len(workouts) == 2
    assert len(scripted_whoop.requests) == 2


async def test_max_pages_caps_the_requests(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    for page in range(5):
        scripted_whoop.queue_page([examples.cycle()], cursor=f"after-{page}")

    cycles = await scripted_client.get_cycles(max_pages=3)

    assert len(cycles) == 3
    assert [request.query.get("nextToken") for request in scripted_whoop.requests] == [
        None,
        "after-0",
        "after-1",
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        {"limit": 0},
        {"limit": 26},
        {"max_pages": 0},
        {"start": datetime(2022, 4, 1)},  # noqa: DTZ001 - naive on purpose
        {"end": datetime(2022, 4, 1)},  # noqa: DTZ001 - naive on purpose
    ],
)
async def test_invalid_collection_arguments(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    arguments: dict[str, object],
) -> None:
    with pytest.raises(ValueError, match=r"limit|max_pages|timezone-aware"):
        await scripted_client.get_cycles(**arguments)  # type: ignore[arg-type]

    assert scripted_whoop.requests == []


async def test_revoke_access(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue(status=204)

    await scripted_client.revoke_access()

    assert [(r.method, r.path) for r in scripted_whoop.requests] == [
        ("DELETE", "/developer/v2/user/access")
    ]


async def test_latest_helpers_with_empty_collections(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    for _ in range(2):
        scripted_whoop.queue_page([])

    assert await scripted_client.get_latest_recovery() is None
    assert await scripted_client.get_latest_workout() is None
    assert [request.query for request in scripted_whoop.requests] == [
        {"limit": "1"},
        {"limit": "1"},
    ]


# Two hours before midnight UTC, for the wait caps.
RATE_LIMIT_NOW = datetime(2026, 12, 4, 22, 0, 0, tzinfo=UTC)
NOW_SECONDS = int(RATE_LIMIT_NOW.timestamp())
DAILY_FIRST = "10000, 100;window=60, 10000;window=86400"
MINUTE_FIRST = "100, 100;window=60, 10000;window=86400"


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [
        ({"X-RateLimit-Reset": "17"}, 17.0),
        ({"X-RateLimit-Reset": str(NOW_SECONDS + 120)}, 120.0),  # epoch seconds
        ({"X-RateLimit-Reset": str(NOW_SECONDS * 1000 + 90_500)}, 90.5),  # epoch ms
        ({"X-RateLimit-Reset": str(NOW_SECONDS - 60)}, 0.0),  # epoch already past
        ({"X-RateLimit-Reset": str(10**15)}, 3600.0),  # absurd: an hour at most
        ({"X-RateLimit-Reset": "86400"}, 3600.0),
        ({"X-RateLimit-Reset": "1e400"}, None),
        ({"X-RateLimit-Reset": "86400", "X-RateLimit-Limit": MINUTE_FIRST}, 3600.0),
        # The daily window is spent: wait up to midnight UTC, two hours away.
        ({"X-RateLimit-Reset": "50000", "X-RateLimit-Limit": DAILY_FIRST}, 7200.0),
        ({"X-RateLimit-Reset": "600", "X-RateLimit-Limit": DAILY_FIRST}, 600.0),
        (
            {
                "X-RateLimit-Reset": str(10**15),
                "X-RateLimit-Limit": "10000;window=86400",
            },
            7200.0,
        ),
        ({"X-RateLimit-Reset": "20000", "X-RateLimit-Limit": "10000"}, 7200.0),
        ({"X-RateLimit-Reset": "20000", "X-RateLimit-Limit": "100"}, 3600.0),
        ({"X-RateLimit-Reset": "20000", "X-RateLimit-Limit": "lots;window=x"}, 3600.0),
        ({"Retry-After": "30"}, 30.0),
        ({"Retry-After": "-5"}, 0.0),
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": str(NOW_SECONDS + 45)}, 45.0),
        ({"Retry-After": "Fri, 04 Dec 2026 22:02:00 GMT"}, 120.0),
        ({"Retry-After": "Mon, 07 Dec 2026 22:00:00 GMT"}, 3600.0),
        (
            {
                "Retry-After": "Mon, 07 Dec 2026 22:00:00 GMT",
                "X-RateLimit-Limit": DAILY_FIRST,
            },
            7200.0,
        ),
        ({"X-RateLimit-Reset": "", "Retry-After": "12"}, 12.0),
    ],
)
async def test_rate_limit_wait_forms_and_caps(
    http_session: aiohttp.ClientSession,
    scripted_whoop: ScriptedWhoop,
    token_counter: TokenCounter,
    headers: dict[str, str],
    retry_after: float | None,
) -> None:
    client = WhoopClient(
        http_session,
        token_counter,
        base_url=scripted_whoop.url,
        clock=lambda: RATE_LIMIT_NOW,
    )
    scripted_whoop.queue(status=429, headers=headers)

    with pytest.raises(WhoopRateLimitError) as caught:
        await client.get_recoveries()

    assert caught.value.retry_after == retry_after


@pytest.mark.parametrize(
    ("now", "retry_after"),
    [
        (datetime(2026, 12, 4, 23, 59, 59, tzinfo=UTC), 1.0),
        (datetime(2026, 12, 5, 0, 0, 0, tzinfo=UTC), 86400.0),  # a whole day at most
        # Local time does not matter: 01:00 at UTC+2 is 23:00 UTC.
        (datetime(2026, 12, 5, 1, 0, 0, tzinfo=timezone(timedelta(hours=2))), 3600.0),
    ],
)
async def test_daily_window_wait_ends_at_the_next_utc_midnight(
    http_session: aiohttp.ClientSession,
    scripted_whoop: ScriptedWhoop,
    token_counter: TokenCounter,
    now: datetime,
    retry_after: float,
) -> None:
    client = WhoopClient(
        http_session, token_counter, base_url=scripted_whoop.url, clock=lambda: now
    )
    scripted_whoop.queue(
        status=429,
        headers={"X-RateLimit-Reset": str(10**15), "X-RateLimit-Limit": DAILY_FIRST},
    )

    with pytest.raises(WhoopRateLimitError) as caught:
        await client.get_profile()

    assert caught.value.retry_after == retry_after

"""What the client makes of WHOOP's statuses and rate-limit headers, at their edges.

Mutation testing (script/mutants) found these unguarded: the limits of each reading of a header,
and the texts and statuses that errors carry into Home Assistant's logs and repairs.
"""

from datetime import UTC, datetime, timedelta, timezone
import logging
import re

import aiohttp
import pytest

from custom_components.whoop.whoop_api import (
    WhoopClient,
    WhoopMembershipInactiveError,
    WhoopNotFoundError,
    WhoopRateLimitError,
    WhoopResponseError,
    _fields,
)

from . import examples
from .conftest import ScriptedWhoop, TokenCounter

# Two hours before midnight UTC.
NOW = datetime(2026, 12, 4, 22, 0, 0, tzinfo=UTC)
WORKOUT_ID = "ecfc6a15-4661-442f-a9a4-f160dd7afae8"


def _client(
    http_session: aiohttp.ClientSession,
    scripted_whoop: ScriptedWhoop,
    token_counter: TokenCounter,
    now: datetime = NOW,
) -> WhoopClient:
    return WhoopClient(
        http_session, token_counter, base_url=scripted_whoop.url, clock=lambda: now
    )


async def test_a_300_answer_is_an_unexpected_status_with_its_status(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue({"records": []}, status=300)

    with pytest.raises(WhoopResponseError) as caught:
        await scripted_client.get_recoveries()

    assert caught.value.status == 300
    assert "unexpected HTTP status 300" in str(caught.value)


async def test_a_not_found_error_names_the_request(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue(status=404)

    with pytest.raises(WhoopNotFoundError) as caught:
        await scripted_client.get_workout(WORKOUT_ID)

    assert str(caught.value) == (
        f"GET /developer/v2/activity/workout/{WORKOUT_ID}: not found (404)"
    )


async def test_a_rate_limit_error_names_the_request(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue(status=429)

    with pytest.raises(WhoopRateLimitError) as caught:
        await scripted_client.get_profile()

    assert str(caught.value) == (
        "GET /developer/v2/user/profile/basic: rate limit reached (429)"
    )


@pytest.mark.parametrize(
    ("header", "figure"),
    [
        ("42;window=60", 42),
        ("42;window=60;policy=burst", 42),
        ("42 ;window=60, 10000;window=86400", 42),
    ],
)
async def test_the_leading_figure_of_a_rate_limit_header_with_parameters(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    header: str,
    figure: int,
) -> None:
    scripted_whoop.queue(
        examples.profile(),
        headers={"X-RateLimit-Limit": header, "X-RateLimit-Remaining": header},
    )

    await scripted_client.get_profile()

    assert scripted_client.rate_limit_limit == figure
    assert scripted_client.rate_limit_remaining == figure


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [
        # 10**9 and 10**11 are the first epoch seconds and the first epoch milliseconds: both
        # long past, so nothing to wait; read as delays they would be capped at an hour.
        ({"X-RateLimit-Reset": str(10**9)}, 0.0),
        ({"X-RateLimit-Reset": str(10**11)}, 0.0),
        # The daily window's own parameters say it is the one spent, below 10,000 requests.
        (
            {"X-RateLimit-Reset": "86400", "X-RateLimit-Limit": "500;window=86400"},
            7200.0,
        ),
        (
            {"X-RateLimit-Reset": "86400", "X-RateLimit-Limit": "500;WINDOW = 86400"},
            7200.0,
        ),
        # The first figure's window is found in a later policy with the same figure.
        (
            {
                "X-RateLimit-Reset": "86400",
                "X-RateLimit-Limit": "500, 500;window=86400, 100;window=60",
            },
            7200.0,
        ),
        (
            {
                "X-RateLimit-Reset": "86400",
                "X-RateLimit-Limit": "500, 100;window=60, 500;window=86400",
            },
            7200.0,
        ),
        # A first figure of 10,000 whose window is the minute's: only an hour at most.
        (
            {
                "X-RateLimit-Reset": "86400",
                "X-RateLimit-Limit": "10000, 10000;window=60",
            },
            3600.0,
        ),
    ],
)
async def test_rate_limit_waits_at_the_edges(
    http_session: aiohttp.ClientSession,
    scripted_whoop: ScriptedWhoop,
    token_counter: TokenCounter,
    headers: dict[str, str],
    retry_after: float,
) -> None:
    client = _client(http_session, scripted_whoop, token_counter)
    scripted_whoop.queue(status=429, headers=headers)

    with pytest.raises(WhoopRateLimitError) as caught:
        await client.get_recoveries()

    assert caught.value.retry_after == retry_after


@pytest.mark.usefixtures("far_east_local_time")
async def test_the_daily_wait_ends_at_midnight_utc_whatever_the_local_time(
    http_session: aiohttp.ClientSession,
    scripted_whoop: ScriptedWhoop,
    token_counter: TokenCounter,
) -> None:
    # 23:00 UTC, given in UTC+2; the machine's clock says 13:00 the next day.
    now = datetime(2026, 12, 5, 1, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    client = _client(http_session, scripted_whoop, token_counter, now)
    scripted_whoop.queue(
        status=429,
        headers={"X-RateLimit-Reset": str(10**15), "X-RateLimit-Limit": "10000"},
    )

    with pytest.raises(WhoopRateLimitError) as caught:
        await client.get_profile()

    assert caught.value.retry_after == 3600.0


async def test_an_unknown_score_state_is_refused_naming_the_states_it_may_be(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue({**examples.cycle(), "score_state": "MYSTERY"})

    with pytest.raises(WhoopResponseError) as caught:
        await scripted_client.get_cycle(93845)

    assert "should be one of SCORED, PENDING_SCORE, UNSCORABLE, got string" in str(
        caught.value
    )


async def test_a_failed_revoke_names_its_method_in_capitals(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue(status=418)

    with pytest.raises(WhoopResponseError) as caught:
        await scripted_client.revoke_access()

    assert str(caught.value).startswith("DELETE /developer/v2/user/access: ")


async def test_an_inactive_membership_is_said_so_naming_the_request(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue({"error": "deactivated_user"}, status=403)

    with pytest.raises(WhoopMembershipInactiveError) as caught:
        await scripted_client.get_profile()

    assert str(caught.value) == (
        "GET /developer/v2/user/profile/basic: the member's WHOOP membership is"
        " inactive (403)"
    )


async def test_a_body_that_is_not_json_carries_the_status_it_came_with(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue(raw_body=b"<html>oops</html>")

    with pytest.raises(WhoopResponseError) as caught:
        await scripted_client.get_profile()

    assert caught.value.status == 200


async def test_an_implausible_heart_rate_is_unknown_and_the_log_names_the_range(
    scripted_client: WhoopClient,
    scripted_whoop: ScriptedWhoop,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_fields, "_WARNED_FIELDS", set())  # warned once per process
    scripted_whoop.queue({**examples.body_measurement(), "max_heart_rate": 999})

    with caplog.at_level(logging.WARNING, logger=_fields.__name__):
        body = await scripted_client.get_body_measurement()

    assert body.max_heart_rate is None
    assert re.search(
        r"WHOOP sent a BodyMeasurement\.max_heart_rate outside \d+ to \d+ or not finite",
        caplog.text,
    )


async def test_a_null_record_in_a_page_is_refused_saying_null(
    scripted_client: WhoopClient, scripted_whoop: ScriptedWhoop
) -> None:
    scripted_whoop.queue_page([None])

    with pytest.raises(WhoopResponseError, match=r"expected a JSON object, got null$"):
        await scripted_client.get_cycles()


async def test_a_base_url_with_a_path_keeps_it_whatever_its_last_letter(
    http_session: aiohttp.ClientSession,
    scripted_whoop: ScriptedWhoop,
    token_counter: TokenCounter,
) -> None:
    client = WhoopClient(
        http_session, token_counter, base_url=f"{scripted_whoop.url}/proxy/X/"
    )
    scripted_whoop.queue(examples.profile())

    await client.get_profile()

    assert scripted_whoop.requests[0].path == "/proxy/X/developer/v2/user/profile/basic"

"""WHOOP webhooks: signed pushes refresh the member's data at once; polling then only reconciles."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
import json
import logging
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.whoop.whoop import webhook as whoop_webhook
from custom_components.whoop.whoop_api import MAX_WEBHOOK_BODY_BYTES
from sandbox.app import Sandbox
from sandbox.fixtures import SANDBOX_START
from sandbox.whoop import (
    CLIENT_SECRET,
    JANE,
    JOHN,
    SignatureMode,
    WebhookEvent,
)
from tests.integration.conftest import SetUpEntry
from tests.integration.whoop.webhook_helpers import post_signed, signed_headers

NIGHT_SCORED = datetime(2026, 11, 20, 13, 10, tzinfo=UTC)
RECOVERY = "sensor.john_smith_recovery"


async def _webhook_url(
    hass_client_no_auth: ClientSessionGenerator, entry: MockConfigEntry
) -> str:
    """Home Assistant's test server listens on 127.0.0.1: the sandbox can post to it."""
    client = await hass_client_no_auth()
    return str(client.make_url(f"/api/webhook/{entry.data['webhook_id']}"))


async def _post(url: str, payload: dict[str, Any], secret: str = CLIENT_SECRET) -> int:
    return await post_signed(url, json.dumps(payload).encode(), secret)


async def test_a_pushed_recovery_shows_at_once(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(SANDBOX_START)
    sandbox.clock.follow(
        dt_util.utcnow
    )  # WHOOP signs with the time Home Assistant checks
    entry = await set_up_entry()
    before = hass.states.get(RECOVERY)
    sandbox.whoop.webhook_url = await _webhook_url(hass_client_no_auth, entry)
    freezer.move_to(NIGHT_SCORED)

    delivered = await sandbox.whoop.deliver_webhooks()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert delivered >= 2  # John's sleep and recovery (and Jane's, routed nowhere)
    assert {d.status for d in sandbox.whoop.webhook_deliveries} == {204}
    recovery = sandbox.whoop.records(JOHN.user_id).recoveries[0]
    assert recovery.score is not None
    state = hass.states.get(RECOVERY)
    assert state is not None
    assert before is not None
    assert state.state != before.state
    assert float(state.state) == pytest.approx(recovery.score.recovery_score)
    event = hass.states.get("event.john_smith_recovery")
    assert event is not None
    assert event.attributes["event_type"] == "recovery_scored"
    # Webhooks flow: the morning families no longer hunt for the record, they only reconcile.
    sandbox.whoop.reset_log()
    shown = dt_util.utcnow()
    while (now := dt_util.utcnow()) < shown + timedelta(minutes=50):
        freezer.move_to(now + timedelta(minutes=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    # (At most one look, when strain's next poll sees the new cycle; hunting would be every minute.)
    assert sandbox.whoop.request_counts()["GET /developer/v2/recovery"] <= 1
    assert sandbox.whoop.request_counts()["GET /developer/v2/activity/sleep"] <= 1


async def test_one_url_serves_the_whole_household(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    john = await set_up_entry()
    await set_up_entry(user_id=JANE.user_id, title="Jane Doe")
    url = await _webhook_url(hass_client_no_auth, john)
    sandbox.whoop.reset_log()

    status = await _post(
        url,
        {
            "user_id": JANE.user_id,
            "id": "5d1f3e1a-0000-4000-8000-000000000001",
            "type": "workout.updated",
            "trace_id": "trace-1",
        },
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    assert status == 204
    # Jane's workouts were fetched with her token; nothing of John's was asked for.
    assert sandbox.whoop.request_counts(JANE.user_id) == {
        "GET /developer/v2/activity/workout": 1
    }
    assert not sandbox.whoop.request_counts(JOHN.user_id)


async def test_a_repeated_delivery_refreshes_once(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    payload = {
        "user_id": JOHN.user_id,
        "id": "5d1f3e1a-0000-4000-8000-000000000002",
        "type": "workout.updated",
        "trace_id": "trace-2",
    }
    sandbox.whoop.reset_log()

    assert await _post(url, payload) == 204
    await hass.async_block_till_done(wait_background_tasks=True)
    # Past the coordinator's request debouncer (10 s), which would hide a second refresh.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await _post(url, payload) == 204
    await hass.async_block_till_done(wait_background_tasks=True)

    assert sandbox.whoop.request_counts()["GET /developer/v2/activity/workout"] == 1


@pytest.mark.parametrize(
    ("payload", "secret", "status"),
    [
        (
            {"user_id": 10129, "id": "x", "type": "sleep.updated", "trace_id": "t"},
            "wrong",
            401,
        ),
        ({"user_id": 10129, "type": "sleep.updated"}, CLIENT_SECRET, 400),
        (
            {"user_id": 999, "id": "x", "type": "sleep.updated", "trace_id": "t3"},
            CLIENT_SECRET,
            204,
        ),
    ],
)
async def test_forged_malformed_or_foreign_deliveries_change_nothing(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    payload: dict[str, Any],
    secret: str,
    status: int,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()
    assert await _post(url, payload, secret) == status
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not sandbox.whoop.requests
    assert all(c.last_push is None for c in entry.runtime_data.coordinators)


async def test_configure_shows_the_url_for_the_whoop_dashboard(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    await async_process_ha_core_config(
        hass, {"external_url": "https://home.example.com"}
    )
    entry = await set_up_entry()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    # To read, with a Close button: no form whose Submit changes nothing.
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "webhook_info"
    url = result["description_placeholders"]["webhook_url"]
    assert url == f"https://home.example.com/api/webhook/{entry.data['webhook_id']}"
    assert entry.options == {}


async def test_without_an_external_url_configure_says_what_to_do(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_webhook_url"


# Hardening: replays, restarts, signature timestamps, oversize bodies, forged floods.

WORKOUTS = "GET /developer/v2/activity/workout"
TRACE_IDS_KEY = "whoop.webhook_trace_ids"


def _workout_event() -> WebhookEvent:
    return WebhookEvent(
        user_id=JOHN.user_id,
        id="5d1f3e1a-0000-4000-8000-000000000009",
        type="workout.updated",
    )


def _workout_payload() -> dict[str, Any]:
    return {
        "user_id": JOHN.user_id,
        "id": "5d1f3e1a-0000-4000-8000-000000000009",
        "type": "workout.updated",
        "trace_id": "t",
    }


def _now_milli() -> int:
    return round(dt_util.utcnow().timestamp() * 1000)


async def _sandbox_posts_to(
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    entry: MockConfigEntry,
) -> None:
    sandbox.whoop.webhook_url = await _webhook_url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()


async def test_a_replay_after_a_reload_fetches_nothing(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    sandbox.clock.follow(dt_util.utcnow)
    entry = await set_up_entry()
    await _sandbox_posts_to(hass_client_no_auth, sandbox, entry)
    first = await sandbox.whoop.send_webhook(_workout_event())
    await hass.async_block_till_done(wait_background_tasks=True)
    assert first.status == 204
    assert sandbox.whoop.request_counts()[WORKOUTS] == 1

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    fetched_at_setup = sandbox.whoop.request_counts()[WORKOUTS]
    replay = await sandbox.whoop.replay_webhook()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert replay.status == 204  # WHOOP stops retrying; nothing else happens
    assert sandbox.whoop.request_counts()[WORKOUTS] == fetched_at_setup


async def test_a_replay_outside_the_window_is_refused(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(SANDBOX_START)
    sandbox.clock.follow(dt_util.utcnow)
    entry = await set_up_entry()
    await _sandbox_posts_to(hass_client_no_auth, sandbox, entry)
    assert (await sandbox.whoop.send_webhook(_workout_event())).status == 204
    await hass.async_block_till_done(wait_background_tasks=True)

    # Six minutes later the recorded delivery is stale, and its trace id forgotten.
    freezer.tick(timedelta(minutes=6))
    replay = await sandbox.whoop.replay_webhook()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert replay.status == 401
    assert sandbox.whoop.request_counts()[WORKOUTS] == 1


async def test_trace_ids_are_written_when_home_assistant_stops(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    hass_storage: dict[str, Any],
) -> None:
    sandbox.clock.follow(dt_util.utcnow)
    entry = await set_up_entry()
    await _sandbox_posts_to(hass_client_no_auth, sandbox, entry)
    delivery = await sandbox.whoop.send_webhook(_workout_event())
    await hass.async_block_till_done(wait_background_tasks=True)

    await hass.async_stop()

    kept = hass_storage[TRACE_IDS_KEY]["data"]["trace_ids"]
    assert list(kept) == [delivery.trace_id]
    assert kept[delivery.trace_id] == int(
        delivery.headers["X-WHOOP-Signature-Timestamp"]
    )


async def test_a_delivery_seen_before_a_restart_fetches_nothing(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    hass_storage: dict[str, Any],
) -> None:
    sandbox.clock.follow(dt_util.utcnow)
    now_milli = round(dt_util.utcnow().timestamp() * 1000)
    # What the previous run wrote when it stopped (see the test above), a minute ago.
    hass_storage[TRACE_IDS_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": TRACE_IDS_KEY,
        "data": {"trace_ids": {"trace-before-restart": now_milli - 60_000}},
    }
    entry = await set_up_entry()
    await _sandbox_posts_to(hass_client_no_auth, sandbox, entry)

    retried = await sandbox.whoop.send_webhook(
        _workout_event(), trace_id="trace-before-restart"
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert retried.status == 204
    assert not sandbox.whoop.requests

    fresh = await sandbox.whoop.send_webhook(_workout_event())
    await hass.async_block_till_done(wait_background_tasks=True)
    assert fresh.status == 204
    assert sandbox.whoop.request_counts()[WORKOUTS] == 1


@pytest.mark.parametrize(
    "timestamp",
    [
        "978307200000",  # 2001-01-01
        "4102444800000",  # 2100-01-01
        "0",
        "-5",
        "abc",
        "",
    ],
)
async def test_a_signature_timestamp_outside_the_window_is_refused(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    timestamp: str,
) -> None:
    entry = await set_up_entry()
    await _sandbox_posts_to(hass_client_no_auth, sandbox, entry)

    # Correctly signed over the timestamp as sent: only the time is wrong.
    delivery = await sandbox.whoop.send_webhook(_workout_event(), timestamp=timestamp)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert delivery.status == 401
    assert not sandbox.whoop.requests
    assert entry.runtime_data.workout.last_push is None


async def test_an_oversize_body_with_content_length_is_refused_unread(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()
    body = b'{"padding": "' + b"x" * (MAX_WEBHOOK_BODY_BYTES + 1) + b'"}'

    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=signed_headers(body)) as response,
    ):
        assert response.request_info.headers["Content-Length"] == str(len(body))
        assert response.status == 413

    assert not sandbox.whoop.requests
    assert "Traceback" not in caplog.text


async def test_a_streamed_oversize_body_is_cut_at_the_cap(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await set_up_entry()
    await _sandbox_posts_to(hass_client_no_auth, sandbox, entry)

    # 20 MB, chunked: no Content-Length to refuse it by, and signed to get past nothing.
    delivery = await sandbox.whoop.send_oversize_webhook(20, signed=True)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert delivery.status == 413
    assert not sandbox.whoop.requests
    assert "Traceback" not in caplog.text


def _our_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name.startswith("custom_components")
    ]


async def test_forged_deliveries_are_logged_once_then_summarised(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(SANDBOX_START)
    sandbox.clock.follow(dt_util.utcnow)
    entry = await set_up_entry()
    await _sandbox_posts_to(hass_client_no_auth, sandbox, entry)
    caplog.clear()

    statuses = {
        (await sandbox.whoop.send_webhook(_workout_event(), signature=mode)).status
        for mode in [SignatureMode.FORGED] * 30 + [SignatureMode.GARBAGE] * 10
    }
    warnings = _our_warnings(caplog)

    assert statuses == {401}
    assert len(warnings) == 1
    assert "1 bad signature" in warnings[0].getMessage()
    assert not sandbox.whoop.requests

    # An hour on, a summary counts those in between, without waiting for another one.
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    warnings = _our_warnings(caplog)
    assert len(warnings) == 2
    assert "(39 bad signature)" in warnings[1].getMessage()

    # The next one within the hour is counted, and summarised an hour after the last summary.
    await sandbox.whoop.send_webhook(_workout_event(), signature=SignatureMode.MISSING)
    assert len(_our_warnings(caplog)) == 2
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    warnings = _our_warnings(caplog)
    assert len(warnings) == 3
    assert "(1 malformed)" in warnings[2].getMessage()
    assert CLIENT_SECRET not in caplog.text


async def test_a_body_that_trickles_in_is_cut_off(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(whoop_webhook, "BODY_READ_TIMEOUT", 0.2)
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()

    async def trickle() -> AsyncIterator[bytes]:
        yield b'{"user_id": '
        await asyncio.sleep(1)
        yield b"10129}"

    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=trickle()) as response,
    ):
        assert response.status == 408
    assert not sandbox.whoop.requests


async def test_the_oldest_trace_ids_give_way_to_new_ones(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(whoop_webhook, "MAX_REMEMBERED_TRACE_IDS", 2)
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)

    for trace_id in ("t-1", "t-2", "t-3"):
        payload = {**_workout_payload(), "trace_id": trace_id}
        assert await _post(url, payload) == 204
    guard = hass.data[whoop_webhook.WEBHOOK_GUARD]

    assert guard.async_first_delivery("t-1", _now_milli())  # forgotten
    assert not guard.async_first_delivery("t-3", _now_milli())  # still known


# Mutation testing (script/mutants) found these unguarded: a body of exactly the largest size,
# arriving in pieces, is WHOOP's and is read whole; the warning names each reason and the period of
# its summaries, as a user reading the log sees them.

PADDED_WORKOUT_ID = "5d1f3e1a-0000-4000-8000-000000000009"


def _padded_event(size: int) -> bytes:
    body = json.dumps(
        {
            "user_id": JOHN.user_id,
            "id": PADDED_WORKOUT_ID,
            "type": "workout.updated",
            "trace_id": f"padded-{size}",
        }
    ).encode()
    return body + b" " * (size - len(body))


async def _post_in_pieces(url: str, body: bytes, piece: int = 4096) -> int:
    """Post ``body`` signed, chunked (no Content-Length), ``piece`` bytes at a time.

    The cap is a multiple of the default piece: a read may end exactly at the cap.
    """
    headers = signed_headers(body)

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), piece):
            yield body[start : start + piece]
            await asyncio.sleep(0.01)  # so that each piece arrives on its own

    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=pieces(), headers=headers) as response,
    ):
        return response.status


def _ignored(counts: str) -> str:
    return (
        "Ignored WHOOP webhooks not from WHOOP or not as WHOOP sends them "
        f"({counts}); further ones are summarised at most every 60 minutes"
    )


def _webhook_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and record.name == whoop_webhook.__name__
    ]


async def test_a_body_of_exactly_the_largest_size_in_pieces_is_read_whole(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()

    status = await _post_in_pieces(url, _padded_event(MAX_WEBHOOK_BODY_BYTES))
    await hass.async_block_till_done(wait_background_tasks=True)

    assert status == 204
    # The workout it names is fetched at once.
    assert [request.path for request in sandbox.whoop.requests] == [
        "/developer/v2/activity/workout"
    ]


async def test_one_byte_over_the_largest_size_is_refused_and_said_so(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()
    caplog.clear()

    status = await _post_in_pieces(url, _padded_event(MAX_WEBHOOK_BODY_BYTES + 1))
    await hass.async_block_till_done(wait_background_tasks=True)

    assert status == 413
    assert not sandbox.whoop.requests
    assert _webhook_warnings(caplog) == [_ignored("1 body too large")]


async def test_an_announced_oversize_body_is_said_too_large(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    caplog.clear()

    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=b"x" * (MAX_WEBHOOK_BODY_BYTES + 1)) as response,
    ):
        assert response.status == 413

    assert _webhook_warnings(caplog) == [_ignored("1 body too large")]


async def test_a_body_too_slow_is_said_so(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(whoop_webhook, "BODY_READ_TIMEOUT", 0.2)
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    caplog.clear()

    async def trickle() -> AsyncIterator[bytes]:
        yield b'{"user_id": '
        await asyncio.sleep(1)
        yield b"10129}"

    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=trickle()) as response,
    ):
        assert response.status == 408

    assert _webhook_warnings(caplog) == [_ignored("1 body too slow")]


async def test_a_signed_body_that_is_not_an_event_is_refused_and_said_so(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)
    sandbox.whoop.reset_log()
    caplog.clear()

    status = await _post(url, {"hello": "world"})

    assert status == 400
    assert not sandbox.whoop.requests
    assert _webhook_warnings(caplog) == [
        "Ignored a WHOOP webhook whose body is not an event"
    ]


async def test_the_webhook_takes_only_post_and_is_listed_under_the_account(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
    set_up_entry: SetUpEntry,
) -> None:
    entry = await set_up_entry()
    url = await _webhook_url(hass_client_no_auth, entry)

    async with (
        aiohttp.ClientSession() as session,
        session.put(url, data=b"{}") as response,
    ):
        assert response.status == 405
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "webhook/list"})
    listed = (await client.receive_json())["result"]

    assert [w for w in listed if w["webhook_id"] == entry.data["webhook_id"]] == [
        {
            "webhook_id": entry.data["webhook_id"],
            "domain": "whoop",
            "name": f"WHOOP ({entry.title})",
            "local_only": False,
            "allowed_methods": ["POST"],
        }
    ]


async def test_two_reasons_in_one_summary_are_counted_apart(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    caplog: pytest.LogCaptureFixture,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(SANDBOX_START)
    sandbox.clock.follow(dt_util.utcnow)
    entry = await set_up_entry()
    await _sandbox_posts_to(hass_client_no_auth, sandbox, entry)
    await sandbox.whoop.send_webhook(_workout_event(), signature=SignatureMode.FORGED)
    caplog.clear()

    await sandbox.whoop.send_webhook(_workout_event(), signature=SignatureMode.MISSING)
    await sandbox.whoop.send_webhook(_workout_event(), signature=SignatureMode.FORGED)
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    assert _webhook_warnings(caplog) == [_ignored("1 malformed, 1 bad signature")]

"""WHOOP webhooks at the body-size limit, and the warning that says why deliveries were ignored.

Mutation testing (script/mutants) found these unguarded: a body of exactly the largest size,
arriving in pieces, is WHOOP's and is read whole; the warning names each reason and the period of
its summaries, as a user reading the log sees them.
"""

import asyncio
from collections.abc import AsyncIterator
import json
import logging

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.whoop.whoop import webhook as whoop_webhook
from custom_components.whoop.whoop_api import MAX_WEBHOOK_BODY_BYTES
from sandbox.app import Sandbox
from sandbox.whoop import CLIENT_SECRET, JOHN, sign
from tests.integration.conftest import SetUpEntry

WORKOUT_ID = "5d1f3e1a-0000-4000-8000-000000000009"


async def _webhook_url(
    hass_client_no_auth: ClientSessionGenerator, entry: MockConfigEntry
) -> str:
    client = await hass_client_no_auth()
    return str(client.make_url(f"/api/webhook/{entry.data['webhook_id']}"))


def _padded_event(size: int) -> bytes:
    body = json.dumps(
        {
            "user_id": JOHN.user_id,
            "id": WORKOUT_ID,
            "type": "workout.updated",
            "trace_id": f"padded-{size}",
        }
    ).encode()
    return body + b" " * (size - len(body))


async def _post_in_pieces(url: str, body: bytes, piece: int = 4096) -> int:
    """Post ``body`` signed, chunked (no Content-Length), ``piece`` bytes at a time."""
    timestamp = str(round(dt_util.utcnow().timestamp() * 1000))
    headers = {
        "X-WHOOP-Signature": sign(CLIENT_SECRET, timestamp, body),
        "X-WHOOP-Signature-Timestamp": timestamp,
    }

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), piece):
            yield body[start : start + piece]

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


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
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
    assert _warnings(caplog) == [_ignored("1 body too large")]


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

    assert _warnings(caplog) == [_ignored("1 body too large")]


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

    assert _warnings(caplog) == [_ignored("1 body too slow")]

"""Posting to the WHOOP webhook as WHOOP does: signed over the timestamp and the raw body."""

import aiohttp
from homeassistant.util import dt as dt_util

from sandbox.whoop import CLIENT_SECRET, sign


def signed_headers(body: bytes, secret: str = CLIENT_SECRET) -> dict[str, str]:
    """WHOOP's signature headers for ``body``, timestamped now (Home Assistant's clock)."""
    timestamp = str(round(dt_util.utcnow().timestamp() * 1000))
    return {
        "X-WHOOP-Signature": sign(secret, timestamp, body),
        "X-WHOOP-Signature-Timestamp": timestamp,
    }


async def post_signed(url: str, body: bytes, secret: str = CLIENT_SECRET) -> int:
    """POST ``body`` signed with ``secret``; return the answer's status."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=signed_headers(body, secret)) as response,
    ):
        return response.status

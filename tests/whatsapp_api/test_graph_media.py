"""Media uploads to the Graph sandbox: Meta's size limit per type, the body read bounded."""

import asyncio
from typing import Any

import aiohttp
import pytest
from yarl import URL

from sandbox.graph import PHONE_NUMBER_ID, GraphSandbox

from .test_graph_sandbox import AUTH

MEGABYTE = 1024 * 1024


@pytest.fixture
def media_url(graph_url: str) -> str:
    """The upload endpoint of the sandbox number."""
    return f"{graph_url}/v26.0/{PHONE_NUMBER_ID}/media"


async def upload(
    session: aiohttp.ClientSession,
    url: str,
    mime: str,
    size: int,
    *,
    type_first: bool = True,
) -> tuple[int, dict[str, Any]]:
    """Upload ``size`` bytes of ``mime`` the way Meta's docs do (``type`` before or after the file)."""
    form = aiohttp.FormData(default_to_multipart=True)
    form.add_field("messaging_product", "whatsapp")
    if type_first:
        form.add_field("type", mime)
    form.add_field("file", b"\0" * size, filename="f", content_type=mime)
    if not type_first:
        form.add_field("type", mime)
    async with session.post(url, data=form, headers=AUTH) as response:
        return response.status, await response.json()


@pytest.mark.parametrize(
    ("mime", "limit_mb"),
    [("image/jpeg", 5), ("video/mp4", 16), ("audio/ogg", 16)],
)
async def test_size_limit_per_type(
    graph: GraphSandbox,
    session: aiohttp.ClientSession,
    media_url: str,
    mime: str,
    limit_mb: int,
) -> None:
    fits, stored = await upload(session, media_url, mime, limit_mb * MEGABYTE)
    too_big, error = await upload(session, media_url, mime, limit_mb * MEGABYTE + 1)

    assert fits == 200
    assert len(graph.uploads[stored["id"]].data) == limit_mb * MEGABYTE
    assert too_big == 400
    assert error["error"]["code"] == 131053
    assert error["error"]["message"] == "(#131053) Media upload error"
    details = error["error"]["error_data"]["details"]
    assert f"{mime} may be at most {limit_mb} MB" in details
    assert len(graph.uploads) == 1


async def test_type_after_the_file_still_limits_it(
    graph: GraphSandbox, session: aiohttp.ClientSession, media_url: str
) -> None:
    status, error = await upload(
        session, media_url, "image/png", 5 * MEGABYTE + 1, type_first=False
    )

    assert status == 400
    assert "image/png may be at most 5 MB" in error["error"]["error_data"]["details"]
    assert graph.uploads == {}


# aiohttp keeps discarding the announced body for up to 10 s after the answer (its lingering close).
@pytest.mark.parametrize("expected_lingering_tasks", [True])
async def test_a_body_larger_than_any_file_is_refused_unread(
    graph: GraphSandbox, media_url: str
) -> None:
    """A client announcing 200 MB gets Meta's error at once, before sending any of it."""
    url = URL(media_url)
    assert url.host is not None
    assert url.port is not None
    reader, writer = await asyncio.open_connection(url.host, url.port)
    try:
        writer.write(
            (
                f"POST {url.path} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n"
                f"Authorization: {AUTH['Authorization']}\r\n"
                "Content-Type: multipart/form-data; boundary=b\r\n"
                f"Content-Length: {200 * MEGABYTE}\r\n\r\n--b\r\n"
            ).encode()
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=5)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
    finally:
        writer.close()
        await writer.wait_closed()

    assert status_line.startswith(b"HTTP/1.1 400")
    assert b"application/json" in head
    assert graph.uploads == {}


async def test_a_huge_text_field_is_refused(
    graph: GraphSandbox, session: aiohttp.ClientSession, media_url: str
) -> None:
    form = aiohttp.FormData(default_to_multipart=True)
    form.add_field("messaging_product", "whatsapp" + " " * 5000)
    form.add_field("file", b"x", filename="f", content_type="image/png")
    async with session.post(media_url, data=form, headers=AUTH) as response:
        status, body = response.status, await response.json()

    assert status == 400
    assert body["error"]["code"] == 100
    assert "messaging_product is too long" in body["error"]["error_data"]["details"]
    assert graph.uploads == {}

"""Media limits are checked before a file is read, and files on disk are streamed, not loaded."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web
import pytest

from custom_components.whoop.whatsapp_api import (
    MEDIA_LIMITS,
    MediaKind,
    WhatsAppClient,
    WhatsAppMediaError,
    WhatsAppMediaTooLargeError,
    WhatsAppMessageError,
    check_media_size,
    is_supported_media,
    media_kind,
)
from custom_components.whoop.whatsapp_api.media import KILOBYTE, MEGABYTE
from sandbox.graph import ACCESS_TOKEN, PHONE_NUMBER_ID, GraphSandbox

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("kind", "mime_type", "max_bytes"),
    [
        (MediaKind.IMAGE, "image/jpeg", 5 * MEGABYTE),
        (MediaKind.IMAGE, "image/png", 5 * MEGABYTE),
        (MediaKind.VIDEO, "video/mp4", 16 * MEGABYTE),
        (MediaKind.VIDEO, "video/3gpp", 16 * MEGABYTE),
        (MediaKind.AUDIO, "audio/ogg", 16 * MEGABYTE),
        (MediaKind.AUDIO, "audio/mpeg", 16 * MEGABYTE),
        (MediaKind.DOCUMENT, "application/pdf", 100 * MEGABYTE),
        (MediaKind.DOCUMENT, "text/plain", 100 * MEGABYTE),
        (MediaKind.STICKER, "image/webp", 100 * KILOBYTE),
        (MediaKind.ANIMATED_STICKER, "image/webp", 500 * KILOBYTE),
    ],
)
def test_meta_s_table(kind: MediaKind, mime_type: str, max_bytes: int) -> None:
    limit = MEDIA_LIMITS[kind]

    assert mime_type in limit.mime_types
    assert limit.max_bytes == max_bytes
    assert (
        check_media_size(
            mime_type, max_bytes, animated=kind is MediaKind.ANIMATED_STICKER
        )
        is kind
    )
    with pytest.raises(WhatsAppMediaTooLargeError):
        check_media_size(
            mime_type, max_bytes + 1, animated=kind is MediaKind.ANIMATED_STICKER
        )


def test_the_kind_ignores_parameters_and_case() -> None:
    assert media_kind("Audio/OGG; codecs=opus") is MediaKind.AUDIO
    assert media_kind("image/webp") is MediaKind.STICKER
    assert media_kind("image/webp", animated=True) is MediaKind.ANIMATED_STICKER
    assert is_supported_media("application/pdf")
    assert not is_supported_media("image/gif")


@pytest.mark.parametrize("mime_type", ["image/gif", "application/x-msdownload", ""])
def test_an_unsupported_type_is_named(mime_type: str) -> None:
    with pytest.raises(
        WhatsAppMediaError, match="does not accept files of type"
    ) as caught:
        media_kind(mime_type)

    assert (mime_type or "(none)") in str(caught.value)
    assert isinstance(caught.value, WhatsAppMessageError)


def test_the_error_names_the_kind_the_limit_and_the_size() -> None:
    with pytest.raises(WhatsAppMediaTooLargeError) as caught:
        check_media_size("image/png", 6 * MEGABYTE)
    with pytest.raises(WhatsAppMediaTooLargeError) as sticker:
        check_media_size("image/webp", 150 * KILOBYTE)

    assert (
        str(caught.value) == "A WhatsApp image may be at most 5 MB; the file has 6.0 MB"
    )
    assert (caught.value.media_kind, caught.value.size, caught.value.max_bytes) == (
        "image",
        6 * MEGABYTE,
        5 * MEGABYTE,
    )
    assert str(sticker.value) == (
        "A WhatsApp sticker may be at most 100 KB; the file has 150 KB"
    )


async def test_too_large_bytes_are_refused_without_a_request(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    with pytest.raises(WhatsAppMediaTooLargeError, match="image may be at most 5 MB"):
        await client.upload_media(bytes(5 * MEGABYTE + 1), "image/png", "big.png")

    assert graph.uploads == {}


async def test_a_file_is_uploaded_from_disk(
    client: WhatsAppClient, graph: GraphSandbox, tmp_path: Path
) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(PNG)

    media_id = await client.upload_media_file(chart, "image/png")
    named_id = await client.upload_media_file(
        chart, "image/png", filename="recovery.png"
    )

    assert graph.uploads[media_id].data == PNG
    assert graph.uploads[media_id].filename == "chart.png"
    assert graph.uploads[media_id].mime_type == "image/png"
    assert graph.uploads[named_id].filename == "recovery.png"


async def test_a_missing_file_is_the_client_s_error(
    client: WhatsAppClient, graph: GraphSandbox, tmp_path: Path
) -> None:
    with pytest.raises(WhatsAppMediaError, match="Cannot read the document file"):
        await client.upload_media_file(tmp_path / "gone.pdf", "application/pdf")

    assert graph.uploads == {}


@dataclass
class CountingGraph:
    """A Graph stand-in on 127.0.0.1 that counts uploaded bytes without keeping them."""

    url: str = ""
    requests: int = 0
    file_bytes: int = 0
    fields: dict[str, str] = field(default_factory=dict)


@pytest.fixture
async def counting_graph(socket_enabled: None) -> AsyncIterator[CountingGraph]:
    """Serve :class:`CountingGraph` on a free port of 127.0.0.1."""
    state = CountingGraph()

    async def media(request: web.Request) -> web.Response:
        state.requests += 1
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            assert isinstance(part, aiohttp.BodyPartReader)
            if part.name == "file":
                while chunk := await part.read_chunk(256 * KILOBYTE):
                    state.file_bytes += len(chunk)
            elif part.name:
                state.fields[part.name] = await part.text()
        return web.json_response({"id": "4490709327384033"})

    app = web.Application()
    app.router.add_post("/v26.0/{phone_number_id}/media", media)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


@pytest.fixture
async def counting_client(
    session: aiohttp.ClientSession, counting_graph: CountingGraph
) -> WhatsAppClient:
    """A client whose Graph is the counting stand-in, with a timeout for a large upload."""
    return WhatsAppClient(
        session,
        ACCESS_TOKEN,
        PHONE_NUMBER_ID,
        base_url=counting_graph.url,
        request_timeout=120,
    )


def _memory_kib(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    msg = f"{field_name} not in /proc/self/status"
    raise AssertionError(msg)


def _reset_peak_memory() -> None:
    # Linux: writing 5 resets VmHWM (the peak resident set) to the current resident set.
    Path("/proc/self/clear_refs").write_text("5")


def _peak_growth_mib(before_kib: int) -> float:
    return (_memory_kib("VmHWM") - before_kib) / 1024


async def test_a_large_file_is_streamed_with_flat_memory(
    counting_client: WhatsAppClient,
    counting_graph: CountingGraph,
    tmp_path: Path,
) -> None:
    size = 95 * MEGABYTE  # under the document limit
    report = tmp_path / "report.pdf"
    with report.open("wb") as file:
        file.truncate(size)  # sparse: no disk used

    # The measurement sees a whole-file read: holding the file's size shows up in the peak.
    _reset_peak_memory()
    before = _memory_kib("VmRSS")
    held = bytearray(size)
    held[:: 4 * KILOBYTE] = b"x" * len(held[:: 4 * KILOBYTE])  # touch every page
    whole_read_growth = _peak_growth_mib(before)
    del held

    _reset_peak_memory()
    before = _memory_kib("VmRSS")
    media_id = await counting_client.upload_media_file(report, "application/pdf")
    streamed_growth = _peak_growth_mib(before)

    print(  # noqa: T201  # the figure the report quotes
        f"\nUpload of a {size / MEGABYTE:.0f} MB file: peak RSS grew {streamed_growth:.1f} MiB "
        f"(holding it in memory: {whole_read_growth:.1f} MiB)"
    )
    assert media_id == "4490709327384033"
    assert counting_graph.file_bytes == size
    assert counting_graph.fields == {
        "messaging_product": "whatsapp",
        "type": "application/pdf",
    }
    assert whole_read_growth > 90
    assert streamed_growth < 20


async def test_an_oversize_file_is_refused_before_it_is_opened(
    counting_client: WhatsAppClient,
    counting_graph: CountingGraph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as file:
        file.truncate(150 * MEGABYTE)

    def no_open(*_: object, **__: object) -> None:
        pytest.fail("the file was opened")

    monkeypatch.setattr(Path, "open", no_open)
    with pytest.raises(WhatsAppMediaTooLargeError) as caught:
        await counting_client.upload_media_file(huge, "application/pdf")

    assert str(caught.value) == (
        "A WhatsApp document may be at most 100 MB; the file has 150.0 MB"
    )
    assert counting_graph.requests == 0


async def test_an_unsupported_file_is_refused_before_it_is_looked_at(
    counting_client: WhatsAppClient, counting_graph: CountingGraph, tmp_path: Path
) -> None:
    # The file does not even exist: the type alone decides.
    with pytest.raises(WhatsAppMediaError, match="type image/gif"):
        await counting_client.upload_media_file(tmp_path / "cat.gif", "image/gif")

    assert counting_graph.requests == 0

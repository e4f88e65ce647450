"""Uploading media to Meta, from memory or streamed from disk."""

import asyncio
from pathlib import Path
from typing import BinaryIO

import aiohttp

from ._client_base import ClientBase
from ._json import required_str
from .const import MESSAGING_PRODUCT
from .exceptions import WhatsAppMediaError
from .media import check_media_size, is_supported_media, media_kind


class MediaUploads(ClientBase):
    """Uploads files and returns the media ids messages refer to."""

    async def upload_media(
        self,
        data: bytes,
        mime_type: str,
        filename: str,
        *,
        animated: bool = False,
    ) -> str:
        """Upload a file held in memory to Meta (kept 30 days) and return its media id.

        This works for a Home Assistant that Meta cannot reach, unlike sending by link. For a
        file on disk use :meth:`upload_media_file`, which does not read it into memory.

        A type WhatsApp does not list is left to Meta to refuse (131053), as before this check.

        Raises:
            WhatsAppMediaTooLargeError: The file is larger than its kind allows; nothing was sent.
            WhatsAppError: Meta refused the file (WhatsAppInvalidParameterError for its type).
        """
        if is_supported_media(mime_type):
            check_media_size(mime_type, len(data), animated=animated)
        return await self._upload(data, mime_type, filename)

    async def upload_media_file(
        self,
        path: Path,
        mime_type: str,
        *,
        filename: str | None = None,
        animated: bool = False,
    ) -> str:
        """Upload a file from disk to Meta, streamed in chunks, and return its media id.

        The type and size are checked before the file is opened; the file is read and closed
        in a worker thread, never in the event loop.

        Args:
            path: The file.
            mime_type: Its MIME type, e.g. ``image/png``.
            filename: The name Meta records; the file's own name when ``None``.
            animated: Whether an ``image/webp`` sticker is animated (allowed to be larger).

        Raises:
            WhatsAppMediaError: WhatsApp does not accept the type, the file is too large
                (WhatsAppMediaTooLargeError) or it cannot be read; nothing was sent.
            WhatsAppError: Meta refused the file.
        """
        kind = media_kind(mime_type, animated=animated)
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
            check_media_size(mime_type, size, animated=animated)
            file = await asyncio.to_thread(path.open, "rb")
        except OSError as err:
            msg = f"Cannot read the {kind} file: {type(err).__name__}"
            raise WhatsAppMediaError(msg) from err
        try:
            # aiohttp streams a file object in chunks, read in its executor.
            return await self._upload(file, mime_type, filename or path.name)
        finally:
            await asyncio.to_thread(file.close)

    async def _upload(
        self, content: bytes | BinaryIO, mime_type: str, filename: str
    ) -> str:
        form = aiohttp.FormData()
        form.add_field("messaging_product", MESSAGING_PRODUCT)
        form.add_field("type", mime_type)
        form.add_field("file", content, filename=filename, content_type=mime_type)
        response = await self._transport.request(
            "POST", f"{self._phone_number_id}/media", data=form
        )
        return required_str(response, "id")

"""Media messages: the kinds a recipient can be sent, one message, and local files checked before use.

A local file is checked against WhatsApp's limit for its kind before anything reads it, so a
file of gigabytes costs a ``stat``, not its size in memory; the client then streams it.
"""

from collections.abc import Awaitable
from dataclasses import dataclass
from enum import StrEnum
import mimetypes
from pathlib import Path
import stat
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from ...const import DOMAIN
from ...whatsapp_api import (
    CAPTION_MAX_LENGTH,
    MEDIA_LIMITS,
    MediaKind as ApiMediaKind,
    SentMessage,
    WhatsAppClient,
)

DEFAULT_MIME_TYPE: Final = "application/octet-stream"
_MEGABYTE: Final = 1024 * 1024


class MediaKind(StrEnum):
    """The kinds of media a recipient can be sent."""

    IMAGE = "image"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class MediaMessage:
    """An image or document to send, by public link or by the id of an uploaded file.

    Attributes:
        kind: Image or document.
        link: A public HTTPS URL Meta fetches itself.
        media_id: The id ``upload_media`` returned.
        caption: Text shown under the media.
        filename: The file name a document is shown with.
    """

    kind: MediaKind
    link: str | None = None
    media_id: str | None = None
    caption: str | None = None
    filename: str | None = None


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file Home Assistant may read, small enough for WhatsApp: not read yet.

    Attributes:
        path: Where it is.
        mime_type: Its type, guessed from its name.
        size: Its size in bytes when it was checked.
    """

    path: Path
    mime_type: str
    size: int


def size_text(size: int) -> str:
    """Return a file size as WhatsApp's limits are written (``5 MB`` is 5 x 1024 x 1024 bytes)."""
    return f"{size / _MEGABYTE:.1f} MB"


async def async_check_local_file(
    hass: HomeAssistant, file: str, kind: MediaKind
) -> LocalFile:
    """Check that ``file`` may be read and is within WhatsApp's limit for ``kind``, without reading it.

    Raises:
        ServiceValidationError: The configuration does not allow the path, the file cannot be
            read or is no regular file, or it is larger than WhatsApp accepts for ``kind``.
    """
    path = Path(file)
    # is_allowed_path resolves the path on disk: blocking, so not in the event loop.
    if not await hass.async_add_executor_job(hass.config.is_allowed_path, file):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="whatsapp_path_not_allowed",
            translation_placeholders={"path": file},
        )
    try:
        status = await hass.async_add_executor_job(path.stat)
    except OSError as err:
        raise _unreadable(file, err.strerror or type(err).__name__) from err
    if not stat.S_ISREG(status.st_mode):
        # A folder or a device (/dev/zero) has no size to check and no end to read to.
        raise _unreadable(file, "not a regular file")
    limit = MEDIA_LIMITS[ApiMediaKind(kind.value)]
    if status.st_size > limit.max_bytes:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="whatsapp_file_too_large",
            translation_placeholders={
                "kind": kind.value,
                "size": size_text(status.st_size),
                "limit": limit.label,
            },
        )
    mime_type = mimetypes.guess_type(path.name)[0] or DEFAULT_MIME_TYPE
    return LocalFile(path=path, mime_type=mime_type, size=status.st_size)


def _unreadable(file: str, error: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="whatsapp_file_unreadable",
        translation_placeholders={"path": file, "error": error},
    )


def check_media(media: MediaMessage) -> None:
    """Refuse before sending what WhatsApp would refuse.

    Raises:
        ServiceValidationError: The caption is longer than WhatsApp allows.
    """
    if media.caption and len(media.caption) > CAPTION_MAX_LENGTH:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="whatsapp_caption_too_long",
            translation_placeholders={
                "length": str(len(media.caption)),
                "limit": str(CAPTION_MAX_LENGTH),
            },
        )


def send_media(
    client: WhatsAppClient, to: str, media: MediaMessage
) -> Awaitable[SentMessage]:
    """Send ``media`` to ``to`` with the client method of its kind."""
    if media.kind is MediaKind.IMAGE:
        return client.send_image(
            to, link=media.link, media_id=media.media_id, caption=media.caption
        )
    return client.send_document(
        to,
        link=media.link,
        media_id=media.media_id,
        filename=media.filename,
        caption=media.caption,
    )

"""The media WhatsApp accepts: types and size limits, checked before a file is read or sent."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from .exceptions import WhatsAppMediaError, WhatsAppMediaTooLargeError

KILOBYTE: Final = 1024
MEGABYTE: Final = 1024 * KILOBYTE


class MediaKind(StrEnum):
    """The kinds of media message, each with its own limits."""

    AUDIO = "audio"
    DOCUMENT = "document"
    IMAGE = "image"
    STICKER = "sticker"
    ANIMATED_STICKER = "animated_sticker"
    VIDEO = "video"


@dataclass(frozen=True, slots=True)
class MediaLimit:
    """What WhatsApp accepts for one kind of media.

    Attributes:
        kind: The kind of media.
        mime_types: The MIME types of that kind.
        max_bytes: The largest file, in bytes.
        label: The limit as Meta writes it, for messages (e.g. ``5 MB``).
    """

    kind: MediaKind
    mime_types: frozenset[str]
    max_bytes: int
    label: str


_DOCUMENT_TYPES: Final = frozenset(
    {
        "text/plain",
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)

MEDIA_LIMITS: Final[Mapping[MediaKind, MediaLimit]] = {
    limit.kind: limit
    for limit in (
        MediaLimit(
            MediaKind.AUDIO,
            frozenset(
                {"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}
            ),
            16 * MEGABYTE,
            "16 MB",
        ),
        MediaLimit(MediaKind.DOCUMENT, _DOCUMENT_TYPES, 100 * MEGABYTE, "100 MB"),
        MediaLimit(
            MediaKind.IMAGE,
            frozenset({"image/jpeg", "image/png"}),
            5 * MEGABYTE,
            "5 MB",
        ),
        MediaLimit(
            MediaKind.STICKER, frozenset({"image/webp"}), 100 * KILOBYTE, "100 KB"
        ),
        MediaLimit(
            MediaKind.ANIMATED_STICKER,
            frozenset({"image/webp"}),
            500 * KILOBYTE,
            "500 KB",
        ),
        # Meta's table writes video/3gp; the registered type is video/3gpp.
        MediaLimit(
            MediaKind.VIDEO,
            frozenset({"video/mp4", "video/3gp", "video/3gpp"}),
            16 * MEGABYTE,
            "16 MB",
        ),
    )
}
"""Meta's supported media table: the types of each kind and the largest file."""


def is_supported_media(mime_type: str) -> bool:
    """Whether WhatsApp accepts files of a MIME type."""
    base_type = _base_type(mime_type)
    return any(base_type in limit.mime_types for limit in MEDIA_LIMITS.values())


def media_kind(mime_type: str, *, animated: bool = False) -> MediaKind:
    """Return the kind of media a MIME type is (``image/webp`` is a sticker).

    Args:
        mime_type: E.g. ``image/png``; parameters such as ``; codecs=opus`` are ignored.
        animated: Whether a sticker is animated (it may then be larger).

    Raises:
        WhatsAppMediaError: WhatsApp does not accept the type.
    """
    base_type = _base_type(mime_type)
    for limit in MEDIA_LIMITS.values():
        if base_type in limit.mime_types:
            if limit.kind is MediaKind.STICKER and animated:
                return MediaKind.ANIMATED_STICKER
            return limit.kind
    msg = f"WhatsApp does not accept files of type {base_type[:100] or '(none)'}"
    raise WhatsAppMediaError(msg)


def check_media_size(mime_type: str, size: int, *, animated: bool = False) -> MediaKind:
    """Check a file's type and size against WhatsApp's limits and return its kind.

    Raises:
        WhatsAppMediaError: WhatsApp does not accept the type.
        WhatsAppMediaTooLargeError: The file is larger than its kind allows.
    """
    kind = media_kind(mime_type, animated=animated)
    limit = MEDIA_LIMITS[kind]
    if size > limit.max_bytes:
        raise WhatsAppMediaTooLargeError(
            kind=kind.value, size=size, max_bytes=limit.max_bytes, label=limit.label
        )
    return kind


def _base_type(mime_type: str) -> str:
    return mime_type.split(";", 1)[0].strip().lower()

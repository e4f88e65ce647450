"""Media messages: the kinds a recipient can be sent, and one message to send."""

from collections.abc import Awaitable
from dataclasses import dataclass
from enum import StrEnum

from homeassistant.exceptions import ServiceValidationError

from ...const import DOMAIN
from ...whatsapp_api import CAPTION_MAX_LENGTH, SentMessage, WhatsAppClient


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

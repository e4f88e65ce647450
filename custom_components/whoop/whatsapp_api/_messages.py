"""Sending messages: texts, buttons, media by link or id, read receipts."""

from collections.abc import Sequence
from typing import Final

from ._client_base import ClientBase
from .compose import (
    CAPTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from .const import MESSAGING_PRODUCT
from .exceptions import WhatsAppMessageError
from .interactive import ReplyButton, reply_buttons_content
from .models import SentMessage

MESSAGE_ID_MAX_LENGTH: Final = 256


class MessageRequests(ClientBase):
    """Sends the kinds of message a business number can send, except templates."""

    async def send_text(
        self,
        to: str,
        body: str,
        *,
        preview_url: bool = False,
        reply_to: str | None = None,
    ) -> SentMessage:
        """Send a free-form text (delivered only inside the recipient's 24-hour window).

        Args:
            to: The recipient's number, with country code (normalised to E.164).
            body: The text, 1 to 4096 characters (see ``split_text`` for longer texts).
            preview_url: Whether WhatsApp should render a preview of the first link.
            reply_to: The ``wamid.`` of a message to quote.

        Raises:
            WhatsAppMessageError: ``body`` is empty or too long.
            InvalidPhoneNumberError: ``to`` is not a valid number.
            WhatsAppError: Meta refused the message (e.g. WhatsAppOutsideWindowError).
        """
        if not body.strip():
            msg = "A text message needs a body"
            raise WhatsAppMessageError(msg)
        if len(body) > TEXT_MAX_LENGTH:
            msg = f"A text message holds at most {TEXT_MAX_LENGTH} characters (got {len(body)}): split it"
            raise WhatsAppMessageError(msg)
        return await self._send(
            to, "text", {"body": body, "preview_url": preview_url}, reply_to=reply_to
        )

    async def send_buttons(
        self,
        to: str,
        body: str,
        buttons: Sequence[ReplyButton],
        *,
        reply_to: str | None = None,
    ) -> SentMessage:
        """Send a text with up to three reply buttons (inside the 24-hour window only).

        The webhook reports a press as an inbound message with the button's id and title.

        Raises:
            WhatsAppMessageError: The body or buttons break WhatsApp's limits (see
                :func:`reply_buttons_content`).
            InvalidPhoneNumberError: ``to`` is not a valid number.
            WhatsAppError: Meta refused the message (e.g. WhatsAppOutsideWindowError).
        """
        content = reply_buttons_content(body, buttons)
        return await self._send(to, "interactive", content, reply_to=reply_to)

    async def mark_as_read(self, message_id: str) -> None:
        """Mark an inbound message (and those before it) as read: the sender sees blue ticks.

        Raises:
            WhatsAppMessageError: ``message_id`` is empty or too long.
            WhatsAppError: Meta refused the request.
        """
        if not message_id or len(message_id) > MESSAGE_ID_MAX_LENGTH:
            msg = "A message id has 1 to 256 characters"
            raise WhatsAppMessageError(msg)
        await self._transport.request(
            "POST",
            f"{self._phone_number_id}/messages",
            json={
                "messaging_product": MESSAGING_PRODUCT,
                "status": "read",
                "message_id": message_id,
            },
        )

    async def send_image(
        self,
        to: str,
        *,
        link: str | None = None,
        media_id: str | None = None,
        caption: str | None = None,
    ) -> SentMessage:
        """Send an image by public HTTPS link or by the id :meth:`upload_media` returned.

        Raises:
            WhatsAppMessageError: Not exactly one of ``link`` and ``media_id`` is given, or
                the caption is longer than 1,024 characters.
            InvalidPhoneNumberError: ``to`` is not a valid number.
            WhatsAppError: Meta refused the message.
        """
        return await self._send(to, "image", _media(link, media_id, caption=caption))

    async def send_document(
        self,
        to: str,
        *,
        link: str | None = None,
        media_id: str | None = None,
        filename: str | None = None,
        caption: str | None = None,
    ) -> SentMessage:
        """Send a document by public HTTPS link or by the id :meth:`upload_media` returned.

        Raises:
            WhatsAppMessageError: Not exactly one of ``link`` and ``media_id`` is given, or
                the caption is longer than 1,024 characters.
            InvalidPhoneNumberError: ``to`` is not a valid number.
            WhatsAppError: Meta refused the message.
        """
        return await self._send(
            to, "document", _media(link, media_id, caption=caption, filename=filename)
        )


def _media(
    link: str | None, media_id: str | None, **optional: str | None
) -> dict[str, str]:
    if (link is None) == (media_id is None):
        msg = "Give exactly one of link and media_id"
        raise WhatsAppMessageError(msg)
    caption = optional.get("caption")
    if caption is not None and len(caption) > CAPTION_MAX_LENGTH:
        msg = f"A caption holds at most {CAPTION_MAX_LENGTH} characters (got {len(caption)})"
        raise WhatsAppMessageError(msg)
    media = {"link": link} if link is not None else {"id": str(media_id)}
    media.update({key: value for key, value in optional.items() if value is not None})
    return media

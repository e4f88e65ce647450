"""Deliver messages from one WhatsApp sender: each send by the recipient's mode, through their queue.

The parts each do one job: :mod:`.queue` serialises and spaces the sends to a person,
:mod:`.retry` retries by the client's error classification, :mod:`.compose` turns a notification
into texts or template parameters, :mod:`.errors` tells the user what went wrong. This module
decides what is sent, in which order, and when the template stands in for a text.
"""

from collections.abc import Awaitable, Callable
from functools import partial
import logging

from ...whatsapp_api import SentMessage, WhatsAppClient, WhatsAppOutsideWindowError
from ..settings import DeliveryMode, RecipientSettings, TemplateSettings
from .compose import (
    TemplateBodyParameters,
    notification_template_parameters,
    text_parts,
)
from .errors import DeliveryErrors
from .media import LocalFile, MediaMessage, check_media, send_media
from .queue import RecipientQueues, RecipientTurn
from .retry import Retrier

_LOGGER = logging.getLogger(__name__)


class WhatsAppSender:
    """Sends messages as one business phone number to the recipients of a sender entry."""

    def __init__(
        self,
        client: WhatsAppClient,
        queues: RecipientQueues,
        retrier: Retrier,
        errors: DeliveryErrors,
    ) -> None:
        """Send through ``client``: paced by ``queues``, retried by ``retrier``, reported by ``errors``."""
        self._client = client
        self._queues = queues
        self._retrier = retrier
        self._errors = errors

    @property
    def client(self) -> WhatsAppClient:
        """The Cloud API client sends go through."""
        return self._client

    @property
    def pending_by_recipient(self) -> dict[str, int]:
        """How many sends wait in each person's queue, by phone number (for diagnostics)."""
        return self._queues.pending

    async def async_send_notification(
        self, recipient: RecipientSettings, message: str, title: str | None
    ) -> list[SentMessage]:
        """Deliver a notification the way the recipient is set up for.

        Text longer than WhatsApp's limit goes out as several messages, in order. In automatic
        mode a closed 24-hour window (131047) makes the notification go out as the template.

        Returns:
            The messages WhatsApp accepted, in order.

        Raises:
            HomeAssistantError: WhatsApp refused the message; a ServiceValidationError when the
                user can fix it (see the message).
        """
        template = recipient.template
        mode = recipient.delivery_mode
        with self._errors.translated(recipient, _template_key(template)):
            async with self._queues.turn(recipient.phone_number) as turn:
                if mode is DeliveryMode.TEMPLATE and template:
                    return [
                        await self._send_template(
                            turn, recipient, template, message, title
                        )
                    ]
                sent: list[SentMessage] = []
                try:
                    for part in text_parts(message, title):
                        send = partial(
                            self._client.send_text, recipient.phone_number, part
                        )
                        sent.append(await self._send(turn, send))
                except WhatsAppOutsideWindowError:
                    # Fall back only when nothing went out yet: never send half a message twice.
                    if mode is not DeliveryMode.AUTOMATIC or not template or sent:
                        raise
                    _LOGGER.debug(
                        "24-hour window of %s is closed: sending the template",
                        recipient.name,
                    )
                    return [
                        await self._send_template(
                            turn, recipient, template, message, title
                        )
                    ]
                return sent

    async def async_send_template(
        self,
        recipient: RecipientSettings,
        name: str,
        language: str,
        parameters: TemplateBodyParameters,
    ) -> SentMessage:
        """Send an approved template with the given body parameters (flattened and fitted by the client).

        Raises:
            HomeAssistantError: WhatsApp refused the message (see async_send_notification).
        """
        send = partial(
            self._client.send_template,
            recipient.phone_number,
            name,
            language,
            body_parameters=parameters,
        )
        return await self.async_deliver(recipient, send, template=(name, language))

    async def async_send_media(
        self, recipient: RecipientSettings, media: MediaMessage
    ) -> SentMessage:
        """Send an image or a document.

        Raises:
            ServiceValidationError: The caption is longer than WhatsApp allows.
            HomeAssistantError: WhatsApp refused the message (see async_send_notification).
        """
        check_media(media)
        send = partial(send_media, self._client, recipient.phone_number, media)
        return await self.async_deliver(recipient, send)

    async def async_upload_media(
        self, recipient: RecipientSettings, data: bytes, mime_type: str, filename: str
    ) -> str:
        """Upload a file for ``recipient`` and return its media id (not queued: it is no message).

        Raises:
            HomeAssistantError: WhatsApp refused the file or could not be reached.
        """
        upload = partial(self._client.upload_media, data, mime_type, filename)
        with self._errors.translated(recipient):
            return await self._send(None, upload)

    async def async_upload_media_file(
        self, recipient: RecipientSettings, file: LocalFile, filename: str
    ) -> str:
        """Upload a checked local file for ``recipient``, streamed, and return its media id.

        Raises:
            HomeAssistantError: WhatsApp refused the file or could not be reached.
        """
        upload = partial(
            self._client.upload_media_file, file.path, file.mime_type, filename=filename
        )
        with self._errors.translated(recipient):
            return await self._send(None, upload)

    async def async_deliver[T](
        self,
        recipient: RecipientSettings,
        request: Callable[[], Awaitable[T]],
        *,
        template: tuple[str, str] | None = None,
    ) -> T:
        """Make one Cloud API request to ``recipient`` in their turn, with retries and translated errors.

        For kinds of message the sender has no method for (reply buttons...): ``request`` calls
        the client, is called again for each retry, e.g. ``partial(client.send_buttons, ...)``;
        ``template`` is the name and language errors name, when one is sent.

        Raises:
            HomeAssistantError: WhatsApp refused the request (see async_send_notification).
        """
        with self._errors.translated(recipient, template):
            async with self._queues.turn(recipient.phone_number) as turn:
                return await self._send(turn, request)

    async def _send_template(
        self,
        turn: RecipientTurn,
        recipient: RecipientSettings,
        template: TemplateSettings,
        message: str,
        title: str | None,
    ) -> SentMessage:
        send = partial(
            self._client.send_template,
            recipient.phone_number,
            template.name,
            template.language,
            body_parameters=notification_template_parameters(template, message, title),
        )
        return await self._send(turn, send)

    async def _send[T](
        self, turn: RecipientTurn | None, request: Callable[[], Awaitable[T]]
    ) -> T:
        """Make the request (spaced in ``turn``, if any) until it succeeds or no retry is left."""
        result = await self._retrier.run(
            request if turn is None else partial(turn.request, request)
        )
        # A message got through: whatever blocked the account is over.
        self._errors.clear_account_issues()
        return result


def _template_key(template: TemplateSettings | None) -> tuple[str, str] | None:
    return (template.name, template.language) if template else None

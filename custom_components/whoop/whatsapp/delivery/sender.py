"""Deliver messages from one WhatsApp sender: each send by the recipient's mode, through their queue.

The parts each do one job: :mod:`.queue` serialises and spaces the sends to a person,
:mod:`.retry` retries by the client's error classification, :mod:`.compose` turns a notification
into texts or template parameters, :mod:`.notification` sends it by the recipient's mode,
:mod:`.buttons` asks questions with buttons, :mod:`.media` checks files, :mod:`.errors` tells
the user what went wrong. This module puts them together: every request goes through the
person's queue, the retries and the error table.

Each message WhatsApp accepts is handed to the receipts, which follow its statuses; a text of
automatic delivery that fails later (131047) comes back here to go out as the template.
"""

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from ...whatsapp_api import ReplyButton, SentMessage, WhatsAppClient
from ..settings import DeliveryMode, RecipientSettings, TemplateSettings
from ..webhooks.receipts import Receipts, TemplateFallback
from .buttons import ButtonQuestions
from .compose import TemplateBodyParameters
from .errors import DeliveryErrors
from .media import LocalFile, MediaMessage, check_media, send_media
from .notification import NotificationDelivery
from .queue import RecipientQueues, RecipientTurn
from .retry import Retrier

if TYPE_CHECKING:
    from ..conversation_window import ConversationWindows


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
        self._notifications = NotificationDelivery(client, self._send)
        self._buttons = ButtonQuestions(client, self._deliver, self._track_one)
        self._receipts: Receipts | None = None
        self._windows: ConversationWindows | None = None

    def follow(self, receipts: Receipts, windows: ConversationWindows) -> None:
        """Hand what is sent to ``receipts``; choose text or template by ``windows``."""
        self._receipts = receipts
        self._windows = windows

    def window_open(self, recipient: RecipientSettings) -> bool:
        """Whether the recipient's 24-hour window is known to be open."""
        return self._windows is not None and self._windows.is_open(
            recipient.subentry_id
        )

    @property
    def client(self) -> WhatsAppClient:
        """The Cloud API client sends go through."""
        return self._client

    @property
    def errors(self) -> DeliveryErrors:
        """Turns Cloud API errors into what the user is told (also for errors from webhooks)."""
        return self._errors

    @property
    def pending_by_recipient(self) -> dict[str, int]:
        """How many sends wait in each person's queue, by phone number (for diagnostics)."""
        return self._queues.pending

    async def async_send_notification(
        self, recipient: RecipientSettings, message: str, title: str | None
    ) -> list[SentMessage]:
        """Deliver a notification the way the recipient is set up for.

        Text longer than WhatsApp's limit goes out as several messages, in order. In automatic
        mode the template goes out unless the 24-hour window is known to be open; a closed
        window (131047) at the send, or later in a status, makes it go out as the template.

        Returns:
            The messages WhatsApp accepted, in order.

        Raises:
            HomeAssistantError: WhatsApp refused the message; a ServiceValidationError when the
                user can fix it (see the message).
        """
        texts: list[SentMessage] = []
        sent: list[SentMessage] = []
        try:
            with self._errors.translated(recipient, _template_key(recipient.template)):
                async with self._queues.turn(recipient.phone_number) as turn:
                    sent = await self._notifications.deliver(
                        turn,
                        recipient,
                        message,
                        title,
                        window_open=self.window_open(recipient),
                        texts=texts,
                    )
        finally:
            # Even the parts before a failure: their statuses still come.
            self._track_texts(recipient, texts, message, title)
        if not texts:
            self._track(recipient, sent)
        return sent

    async def async_send_buttons(
        self,
        recipient: RecipientSettings,
        message: str,
        buttons: Sequence[ReplyButton],
        title: str | None = None,
    ) -> SentMessage:
        """Ask a question with up to three buttons; the press comes back through the webhook.

        Inside the 24-hour window: a message with reply buttons. Outside it (or when the window
        is not known to be open): the recipient's buttons template, whose quick-reply buttons
        send back the given ids as payloads, in order.

        Raises:
            ServiceValidationError: Outside the window without a buttons template.
            HomeAssistantError: WhatsApp refused the message (see async_send_notification).
        """
        return await self._buttons.ask(
            recipient,
            message,
            buttons,
            title,
            window_open=self.window_open(recipient),
        )

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
        result = await self._deliver(recipient, request, template)
        if isinstance(result, SentMessage):
            self._track(recipient, [result])
        return result

    async def _deliver[T](
        self,
        recipient: RecipientSettings,
        request: Callable[[], Awaitable[T]],
        template: tuple[str, str] | None,
    ) -> T:
        """Make the request in the recipient's turn, with retries and translated errors."""
        with self._errors.translated(recipient, template):
            async with self._queues.turn(recipient.phone_number) as turn:
                return await self._send(turn, request)

    async def _async_resend_as_template(
        self,
        recipient: RecipientSettings,
        message: str,
        title: str | None,
        original: str,
    ) -> None:
        """Send a notification whose text failed later as the template, in the recipient's turn."""
        with self._errors.translated(recipient, _template_key(recipient.template)):
            async with self._queues.turn(recipient.phone_number) as turn:
                sent = await self._notifications.send_template(
                    turn, recipient, message, title
                )
        if self._receipts is not None:
            self._receipts.async_track(recipient, [sent], stands_in_for=original)

    def _track_texts(
        self,
        recipient: RecipientSettings,
        texts: list[SentMessage],
        message: str,
        title: str | None,
    ) -> None:
        if self._receipts is None or not texts:
            return
        fallback = None
        if recipient.delivery_mode is DeliveryMode.AUTOMATIC and recipient.template:
            fallback = TemplateFallback(
                partial(self._async_resend_as_template, recipient, message, title)
            )
        self._receipts.async_track(recipient, texts, fallback)

    def _track(self, recipient: RecipientSettings, sent: list[SentMessage]) -> None:
        if self._receipts is not None and sent:
            self._receipts.async_track(recipient, sent)

    def _track_one(
        self,
        recipient: RecipientSettings,
        sent: SentMessage,
        fallback: TemplateFallback | None,
        stands_in_for: str | None,
    ) -> None:
        if self._receipts is not None:
            self._receipts.async_track(
                recipient, [sent], fallback, stands_in_for=stands_in_for
            )

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

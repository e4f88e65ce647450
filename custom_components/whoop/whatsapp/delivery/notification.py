"""A notification by the recipient's delivery mode: a text in parts, or the template, made to fit.

In automatic mode the template goes out unless the recipient's 24-hour window is known to be open
(they wrote within 24 hours, as the webhook told); a closed window (131047) at the send makes the
notification go out as the template too, but only while nothing of the text went out: never half
a message twice. A template must arrive, so a long notification is shortened to fit the
template's 1,024 characters.
"""

from collections.abc import Awaitable, Callable
from functools import partial
import logging
from typing import Final

from ...whatsapp_api import (
    SentMessage,
    WhatsAppClient,
    WhatsAppMessageError,
    WhatsAppOutsideWindowError,
    WhatsAppTemplateError,
)
from ..settings import DeliveryMode, RecipientSettings, TemplateSettings
from .compose import (
    FIXED_TEXT_ALLOWANCE,
    FIXED_TEXT_ALLOWANCE_RETRY,
    TemplateBodyParameters,
    notification_template_parameters,
    text_parts,
)
from .queue import RecipientTurn

_LOGGER = logging.getLogger(__name__)

_BODY_TOO_LONG: Final = 132005  # the template's text with its parameters is over 1,024

type Request = Callable[[], Awaitable[SentMessage]]
type SendInTurn = Callable[[RecipientTurn, Request], Awaitable[SentMessage]]


class NotificationDelivery:
    """Sends notifications in a recipient's turn, by their delivery mode."""

    def __init__(self, client: WhatsAppClient, send: SendInTurn) -> None:
        """Build requests for ``client``; ``send`` makes each in the turn, with retries."""
        self._client = client
        self._send = send

    async def deliver(
        self,
        turn: RecipientTurn,
        recipient: RecipientSettings,
        message: str,
        title: str | None,
        *,
        window_open: bool = True,
        texts: list[SentMessage] | None = None,
    ) -> list[SentMessage]:
        """Send the notification; return the messages WhatsApp accepted, in order.

        Args:
            turn: The recipient's turn in their queue.
            recipient: Whom to send to, and how.
            message: The notification's message.
            title: Its title, if any.
            window_open: Whether the recipient's 24-hour window is known to be open (automatic
                mode sends the template otherwise).
            texts: Gets the texts that went out, even when a later part failed (their statuses
                still come); the template is not added to it.

        Raises:
            WhatsAppError: WhatsApp refused a message (the caller translates it).
        """
        template = recipient.template
        mode = recipient.delivery_mode
        if template and (
            mode is DeliveryMode.TEMPLATE
            or (mode is DeliveryMode.AUTOMATIC and not window_open)
        ):
            return [
                await self._send_template(turn, recipient, template, message, title)
            ]
        sent = [] if texts is None else texts
        try:
            for part in text_parts(message, title):
                send = partial(self._client.send_text, recipient.phone_number, part)
                sent.append(await self._send(turn, send))
        except WhatsAppOutsideWindowError:
            if mode is not DeliveryMode.AUTOMATIC or not template or sent:
                raise
            _LOGGER.debug(
                "24-hour window of %s is closed: sending the template", recipient.name
            )
            return [
                await self._send_template(turn, recipient, template, message, title)
            ]
        return list(sent)

    async def send_template(
        self,
        turn: RecipientTurn,
        recipient: RecipientSettings,
        message: str,
        title: str | None,
    ) -> SentMessage:
        """Send the notification as the recipient's template (a text of it failed later).

        Raises:
            WhatsAppError: WhatsApp refused it (the caller translates it).
        """
        template = recipient.template
        if template is None:  # pragma: no cover - only texts with a template fall back
            msg = "The recipient has no template"
            raise WhatsAppMessageError(msg)
        return await self._send_template(turn, recipient, template, message, title)

    async def _send_template(
        self,
        turn: RecipientTurn,
        recipient: RecipientSettings,
        template: TemplateSettings,
        message: str,
        title: str | None,
    ) -> SentMessage:
        """Send the notification as the template, shortened as much as it takes to fit."""
        parameters = notification_template_parameters(template, message, title)
        request = partial(self._template_request, recipient, template, parameters)
        try:
            sent = await self._send(turn, request(FIXED_TEXT_ALLOWANCE))
        except WhatsAppTemplateError as err:
            if err.code != _BODY_TOO_LONG or not parameters:
                raise
            sent = await self._send(turn, request(FIXED_TEXT_ALLOWANCE_RETRY))
        if sent.shortened_parameters:
            # Which parameters, never their text: it may be about someone's health.
            _LOGGER.info(
                "Notification to %s shortened to fit template %s (%s)",
                recipient.name,
                template.name,
                ", ".join(sent.shortened_parameters),
            )
        return sent

    def _template_request(
        self,
        recipient: RecipientSettings,
        template: TemplateSettings,
        parameters: TemplateBodyParameters,
        fixed_text_allowance: int,
    ) -> Request:
        return partial(
            self._client.send_template,
            recipient.phone_number,
            template.name,
            template.language,
            body_parameters=parameters,
            body_fixed_length=fixed_text_allowance,
        )

"""Questions with buttons: reply buttons inside the 24-hour window, the buttons template outside.

Reply buttons reach a person only inside their window; outside it, a template with quick-reply
buttons (approved in WhatsApp Manager, named in the recipient's settings) asks instead, its
buttons sending back the ids given, in order. Reply buttons refused for a closed window, at once
or later in a status, are asked again with the template, once.
"""

from collections.abc import Awaitable, Callable, Sequence
from functools import partial

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from ...const import DOMAIN
from ...whatsapp_api import (
    ReplyButton,
    SentMessage,
    WhatsAppClient,
    WhatsAppOutsideWindowError,
)
from ..settings import RecipientSettings
from ..webhooks.receipts import TemplateFallback
from .compose import buttons_template, notification_template_parameters, text_body

type Request = Callable[[], Awaitable[SentMessage]]
type Deliver = Callable[
    [RecipientSettings, Request, tuple[str, str] | None], Awaitable[SentMessage]
]
"""Makes a request in the recipient's turn, with retries and translated errors."""
type Track = Callable[
    [RecipientSettings, SentMessage, TemplateFallback | None, str | None], None
]
"""Hands a sent message to the receipts: its fallback, and the wamid it stands in for."""


class ButtonQuestions:
    """Asks recipients questions with buttons."""

    def __init__(self, client: WhatsAppClient, deliver: Deliver, track: Track) -> None:
        """Build requests for ``client``; ``deliver`` makes them, ``track`` follows them."""
        self._client = client
        self._deliver = deliver
        self._track = track

    async def ask(
        self,
        recipient: RecipientSettings,
        message: str,
        buttons: Sequence[ReplyButton],
        title: str | None,
        *,
        window_open: bool,
    ) -> SentMessage:
        """Ask with reply buttons if the window is known to be open, else with the template.

        Raises:
            ServiceValidationError: The template is needed and the recipient has none.
            HomeAssistantError: WhatsApp refused the message.
        """
        if not window_open:
            return await self.ask_with_template(recipient, message, buttons, title)
        request = partial(
            self._client.send_buttons,
            recipient.phone_number,
            text_body(message, title),
            buttons,
        )
        try:
            sent = await self._deliver(recipient, request, None)
        except HomeAssistantError as err:
            # Refused at once for a closed window: the template can ask instead.
            if recipient.buttons_template is None or not isinstance(
                err.__cause__, WhatsAppOutsideWindowError
            ):
                raise
            return await self.ask_with_template(recipient, message, buttons, title)
        fallback = None
        if recipient.buttons_template is not None:
            fallback = TemplateFallback(
                partial(self._ask_again, recipient, message, buttons, title)
            )
        self._track(recipient, sent, fallback, None)
        return sent

    async def ask_with_template(
        self,
        recipient: RecipientSettings,
        message: str,
        buttons: Sequence[ReplyButton],
        title: str | None,
        *,
        stands_in_for: str | None = None,
    ) -> SentMessage:
        """Ask with the recipient's buttons template: its quick replies send back the ids.

        Raises:
            ServiceValidationError: The recipient has no buttons template.
            HomeAssistantError: WhatsApp refused the message.
        """
        if recipient.buttons_template is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="whatsapp_buttons_need_template",
                translation_placeholders={"recipient": recipient.name},
            )
        template = buttons_template(recipient, recipient.buttons_template)
        request = partial(
            self._client.send_template,
            recipient.phone_number,
            template.name,
            template.language,
            body_parameters=notification_template_parameters(template, message, title),
            button_payloads=[button.id for button in buttons],
        )
        sent = await self._deliver(
            recipient, request, (template.name, template.language)
        )
        self._track(recipient, sent, None, stands_in_for)
        return sent

    async def _ask_again(
        self,
        recipient: RecipientSettings,
        message: str,
        buttons: Sequence[ReplyButton],
        title: str | None,
        original: str,
    ) -> None:
        await self.ask_with_template(
            recipient, message, buttons, title, stands_in_for=original
        )

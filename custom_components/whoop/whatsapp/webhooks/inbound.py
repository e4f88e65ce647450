"""Messages people send to the business number: triggers, the 24-hour window, read marks, Assist.

A text, a pressed button or media from a recipient opens their window, fires their event entity
and the bus event ``whoop_whatsapp_message`` (automations trigger on either); it is marked read if
the recipient wants blue ticks, and a text goes to the conversation agent if they chose to ask
Home Assistant by WhatsApp. A message from a number that is no recipient fires
``whoop_whatsapp_unknown_sender`` and nothing else: nobody is added, nobody is answered.
"""

from collections.abc import Awaitable, Callable
from dataclasses import replace
import logging
from typing import Any, Final

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from ...const import DOMAIN, SUBENTRY_TYPE_RECIPIENT
from ...whatsapp_api import InboundMessage, WhatsAppError
from ..conversation_window import ConversationWindows
from ..delivery.sender import WhatsAppSender
from ..masking import mask_number
from ..recipients.signals import RecipientEventType, async_fire_recipient_event
from ..runtime_data import WhatsAppConfigEntry
from ..settings import DeliveryMode, RecipientSettings
from .receipts import Receipts

_LOGGER = logging.getLogger(__name__)

EVENT_MESSAGE: Final = f"{DOMAIN}_whatsapp_message"
EVENT_UNKNOWN_SENDER: Final = f"{DOMAIN}_whatsapp_unknown_sender"
ASSIST_TEXT_MAX_LENGTH: Final = 1024
"""The longest text given to a conversation agent; a longer one is cut."""

type Background = Callable[[Awaitable[None], str], object]


class InboundMessages:
    """Handles the messages people send to one business number."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: WhatsAppConfigEntry,
        sender: WhatsAppSender,
        windows: ConversationWindows,
        receipts: Receipts,
        background: Background,
    ) -> None:
        """Handle the messages to the sender ``entry``; run slow work with ``background``."""
        self._receipts = receipts
        self._hass = hass
        self._entry = entry
        self._sender = sender
        self._windows = windows
        self._background = background
        self._conversation_ids: dict[str, str] = {}

    @callback
    def async_handle(self, message: InboundMessage) -> None:
        """Handle one inbound message (already deduplicated)."""
        recipient = self._recipient_of(message.sender)
        data = message_data(message)
        if message.context_id is not None:
            # The id the action returned, also when a template stood in for its message.
            data["context_id"] = self._receipts.original_id(message.context_id)
        if recipient is None:
            _LOGGER.debug(
                "WhatsApp message from %s, who is no recipient",
                mask_number(message.sender),
            )
            self._hass.bus.async_fire(
                EVENT_UNKNOWN_SENDER,
                {"sender": self._entry.title, "phone_number": f"+{message.sender}"}
                | data,
            )
            return
        self._windows.async_inbound(recipient.subentry_id, message.timestamp)
        event_type = (
            RecipientEventType.BUTTON_PRESSED
            if message.button_id is not None
            else RecipientEventType.MESSAGE_RECEIVED
        )
        async_fire_recipient_event(
            self._hass, self._entry.entry_id, recipient.subentry_id, event_type, data
        )
        self._hass.bus.async_fire(
            EVENT_MESSAGE,
            {
                "name": recipient.name,
                "phone_number": recipient.phone_number,
                "event_type": event_type.value,
            }
            | data,
        )
        if recipient.mark_as_read:
            self._background(self._async_mark_read(message), "whatsapp_mark_read")
        if recipient.assist and message.type == "text" and message.text:
            self._background(
                self._async_ask_assist(recipient, message.text), "whatsapp_assist"
            )

    def _recipient_of(self, wa_id: str) -> RecipientSettings | None:
        for subentry in self._entry.subentries.values():
            if subentry.subentry_type != SUBENTRY_TYPE_RECIPIENT:
                continue
            recipient = RecipientSettings.from_subentry(subentry)
            if recipient.wa_id == wa_id:
                return recipient
        return None

    async def _async_mark_read(self, message: InboundMessage) -> None:
        try:
            await self._sender.client.mark_as_read(message.message_id)
        except WhatsAppError as err:
            # Blue ticks are a courtesy: a failure is not worth an error.
            _LOGGER.debug("Could not mark a WhatsApp message read: %s", err)

    async def _async_ask_assist(self, recipient: RecipientSettings, text: str) -> None:
        if "conversation" not in self._hass.config.components:
            _LOGGER.warning(
                "%s asked Home Assistant by WhatsApp, but Assist (conversation) is not set up",
                recipient.name,
            )
            return
        key = recipient.subentry_id
        try:
            result = await conversation.async_converse(
                self._hass,
                text[:ASSIST_TEXT_MAX_LENGTH],
                self._conversation_ids.get(key),
                Context(),
                agent_id=recipient.agent_id,
            )
        except ValueError as err:  # the agent chosen for them is gone
            _LOGGER.warning(
                "The conversation agent could not answer %s: %s", recipient.name, err
            )
            return
        if result.conversation_id:
            self._conversation_ids[key] = result.conversation_id
        speech: dict[str, Any] = result.response.speech.get("plain", {})
        answer = str(speech.get("speech") or "").strip()
        if not answer:
            return
        # The person just wrote, so the window is open: text, or the template if it closed since.
        reply = replace(
            recipient,
            delivery_mode=DeliveryMode.AUTOMATIC
            if recipient.template
            else DeliveryMode.TEXT,
        )
        try:
            await self._sender.async_send_notification(reply, answer, None)
        except HomeAssistantError as err:
            _LOGGER.warning(
                "Could not send the answer of Assist to %s: %s", recipient.name, err
            )


def message_data(message: InboundMessage) -> dict[str, Any]:
    """Return what automations get of an inbound message."""
    return {
        "message_id": message.message_id,
        "type": message.type,
        "text": message.text,
        "button_id": message.button_id,
        "button_title": message.button_title,
        "context_id": message.context_id,
        "media_id": message.media_id,
        "mime_type": message.mime_type,
        "profile_name": message.profile_name,
        "timestamp": message.timestamp.isoformat(),
    }

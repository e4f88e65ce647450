"""Receipts: what became of each message sent, by its wamid, from Meta's status webhooks.

A message goes sent -> delivered -> read, or fails with Meta's error, often long after the send
returned 200 (131047 when the 24-hour window had closed). Each change fires the recipient's event
entity. A text that automatic delivery sent and that fails later with 131047 is sent again, once,
as the template, in its turn in the recipient's queue: the person gets the message, the user sees
no error. A 131047 also tells that the window is closed, whatever this side believed: the next
notifications go out as the template at once. The table is bounded and forgets the oldest first.
"""

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import logging
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util

from ...whatsapp_api import (
    MessageStatus,
    SentMessage,
    StatusUpdate,
    WhatsAppOutsideWindowError,
)
from ..conversation_window import ConversationWindows
from ..delivery.errors import DeliveryErrors
from ..recipients.signals import (
    RecipientEventType,
    async_fire_recipient_event,
    signal_message_sent,
)
from ..settings import RecipientSettings

_LOGGER = logging.getLogger(__name__)

MAX_TRACKED: Final = 1000
"""The most messages followed at once; a household sends far fewer in ``MAX_AGE``."""
MAX_AGE: Final = timedelta(days=2)
"""Meta retries a status for about a day: older messages are forgotten."""
_RANK: Final = {
    MessageStatus.SENT: 0,
    MessageStatus.DELIVERED: 1,
    MessageStatus.READ: 2,
}
_EVENT_OF_STATUS: Final = {
    MessageStatus.DELIVERED: RecipientEventType.DELIVERED,
    MessageStatus.READ: RecipientEventType.READ,
}

type Resend = Callable[[str], Awaitable[None]]
"""Sends a message again as the template; gets the wamid of the message it stands in for."""


@dataclass(slots=True)
class TemplateFallback:
    """A notification sent as text that the template stands in for if the text fails later.

    Attributes:
        resend: Sends the message as the template, in the recipient's queue.
        used: Whether it was sent: at most once, whichever part of the text failed.
    """

    resend: Resend
    used: bool = False


@dataclass(slots=True)
class TrackedMessage:
    """A message sent to a recipient, and what is known of it so far."""

    recipient: RecipientSettings
    sent_at: datetime
    status: MessageStatus | None = None
    fallback: TemplateFallback | None = field(default=None, repr=False)


class Receipts:
    """The messages one sender sent, by wamid, and the events their statuses fire."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        errors: DeliveryErrors,
        windows: ConversationWindows,
        *,
        background: Callable[[Awaitable[None], str], object],
        now: Callable[[], datetime] = dt_util.utcnow,
    ) -> None:
        """Fire the events of the recipients of ``entry_id``; run re-sends with ``background``."""
        self._hass = hass
        self._entry_id = entry_id
        self._errors = errors
        self._windows = windows
        self._background = background
        self._now = now
        self._messages: OrderedDict[str, TrackedMessage] = OrderedDict()
        self._last_message_id: dict[str, str] = {}
        # wamid of a template standing in -> wamid of the message it stands in for.
        self._stands_in_for: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        """How many messages are followed."""
        return len(self._messages)

    def last_message_id(self, subentry_id: str) -> str | None:
        """The wamid of the last message sent to a recipient since the entry was loaded."""
        return self._last_message_id.get(subentry_id)

    def original_id(self, message_id: str) -> str:
        """The wamid the sender returned for a message: of the original, if a template stood in.

        A press on the buttons of a template sent in place of reply buttons names the template;
        automations wait for the id the action returned.
        """
        return self._stands_in_for.get(message_id, message_id)

    @callback
    def async_track(
        self,
        recipient: RecipientSettings,
        sent: Sequence[SentMessage],
        fallback: TemplateFallback | None = None,
        *,
        stands_in_for: str | None = None,
    ) -> None:
        """Follow ``sent`` messages to ``recipient`` (the parts of one text share ``fallback``).

        ``stands_in_for`` is the wamid of the message a re-sent template replaces.
        """
        if stands_in_for is not None:
            for message in sent:
                self._stands_in_for[message.message_id] = self.original_id(
                    stands_in_for
                )
            while len(self._stands_in_for) > MAX_TRACKED:
                self._stands_in_for.popitem(last=False)
        now = self._now()
        self._prune(now)
        for message in sent:
            self._messages.pop(message.message_id, None)
            self._messages[message.message_id] = TrackedMessage(
                recipient, now, fallback=fallback
            )
        while len(self._messages) > MAX_TRACKED:
            self._messages.popitem(last=False)
        if recipient.subentry_id:
            last = sent[-1].message_id
            self._last_message_id[recipient.subentry_id] = last
            async_dispatcher_send(
                self._hass,
                signal_message_sent(self._entry_id, recipient.subentry_id),
                last,
            )

    @callback
    def async_status(self, update: StatusUpdate) -> None:
        """Apply a status webhook: fire the recipient's event, or re-send as the template."""
        tracked = self._messages.get(update.message_id)
        if tracked is None or tracked.recipient.wa_id != update.recipient_id:
            # Another app's message, one sent before a restart, or a forgery.
            _LOGGER.debug("Ignored a status for a message not sent from here")
            return
        if tracked.status is MessageStatus.FAILED:
            return
        if update.status is MessageStatus.FAILED:
            tracked.status = MessageStatus.FAILED
            self._failed(update, tracked)
            return
        if tracked.status is not None and _RANK[update.status] <= _RANK[tracked.status]:
            return  # late or repeated: ``read`` already implies ``delivered``
        tracked.status = update.status
        if (event_type := _EVENT_OF_STATUS.get(update.status)) is not None:
            self._fire(tracked, event_type, {"message_id": update.message_id})

    def _failed(self, update: StatusUpdate, tracked: TrackedMessage) -> None:
        error = update.errors[0] if update.errors else None
        if isinstance(error, WhatsAppOutsideWindowError):
            self._windows.async_closed(tracked.recipient.subentry_id)
        fallback = tracked.fallback
        if fallback is not None and isinstance(error, WhatsAppOutsideWindowError):
            if not fallback.used:
                fallback.used = True
                _LOGGER.info(
                    "A message to %s failed later: the 24-hour window had closed; re-sent as the template",
                    tracked.recipient.name,
                )
                self._background(
                    self._async_resend(update.message_id, tracked, fallback.resend),
                    "whatsapp_template_fallback",
                )
            return
        data: dict[str, Any] = {"message_id": update.message_id}
        if error is not None:
            data["error_code"] = error.code
            data["reason"] = self._errors.failure_reason(error, tracked.recipient)
        self._fire(tracked, RecipientEventType.FAILED, data)

    async def _async_resend(
        self, message_id: str, tracked: TrackedMessage, resend: Resend
    ) -> None:
        try:
            await resend(message_id)
        except HomeAssistantError as err:
            # The template failed too: now the user has to know.
            self._fire(
                tracked,
                RecipientEventType.FAILED,
                {"message_id": message_id, "reason": str(err)},
            )

    def _fire(
        self,
        tracked: TrackedMessage,
        event_type: RecipientEventType,
        data: dict[str, Any],
    ) -> None:
        async_fire_recipient_event(
            self._hass,
            self._entry_id,
            tracked.recipient.subentry_id,
            event_type,
            data,
        )

    def _prune(self, now: datetime) -> None:
        while self._messages:
            oldest = next(iter(self._messages.values()))
            if now - oldest.sent_at <= MAX_AGE:
                break
            self._messages.popitem(last=False)

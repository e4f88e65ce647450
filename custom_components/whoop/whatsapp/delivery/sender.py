"""Deliver messages from one WhatsApp sender, and tell the user plainly when WhatsApp refuses one.

Every send to a person goes through that person's queue: sends are serialised (an asyncio lock
wakes its waiters in arrival order, so nothing is dropped or reordered) and spaced, because
WhatsApp refuses bursts to one person (131056). Rate limits are retried with backoff, temporary
failures once; every other Cloud API error becomes a translated Home Assistant error saying what to
do, starts reauthentication when the token is the problem, and raises a repair issue when the
business account itself is.
"""

import asyncio
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
import logging
from typing import TYPE_CHECKING, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir

from ...const import DOMAIN
from ...whatsapp_api import (
    CAPTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    InvalidPhoneNumberError,
    SentMessage,
    WhatsAppAccountBlockedError,
    WhatsAppAuthenticationError,
    WhatsAppClient,
    WhatsAppConnectionError,
    WhatsAppError,
    WhatsAppInvalidParameterError,
    WhatsAppNotRegisteredError,
    WhatsAppOutsideWindowError,
    WhatsAppPermissionError,
    WhatsAppRateLimitError,
    WhatsAppRecipientNotAllowedError,
    WhatsAppTemplateError,
    WhatsAppTemporaryError,
    WhatsAppUndeliverableError,
    WhatsAppUnsupportedMessageError,
    flatten_template_parameter,
    split_text,
)
from ..settings import (
    DEFAULT_TITLE,
    DeliveryMode,
    RecipientSettings,
    TemplateParameters,
    TemplateSettings,
)

if TYPE_CHECKING:
    from ..runtime_data import WhatsAppConfigEntry

_LOGGER = logging.getLogger(__name__)

ISSUE_ACCOUNT_BLOCKED: Final = "whatsapp_account_blocked"
ISSUE_NOT_REGISTERED: Final = "whatsapp_not_registered"
_ACCOUNT_ISSUES: Final = (ISSUE_ACCOUNT_BLOCKED, ISSUE_NOT_REGISTERED)
_POLICY_URL: Final = "https://business.facebook.com/business-support-home"

type TemplateBodyParameters = Sequence[str] | Mapping[str, str]

# The translation key of each Cloud API error, most specific class first.
_TRANSLATION_KEYS: Final[tuple[tuple[type[WhatsAppError], str], ...]] = (
    (WhatsAppAuthenticationError, "whatsapp_authentication_failed"),
    (WhatsAppPermissionError, "whatsapp_permission_denied"),
    (WhatsAppAccountBlockedError, ISSUE_ACCOUNT_BLOCKED),
    (WhatsAppNotRegisteredError, ISSUE_NOT_REGISTERED),
    (WhatsAppTemplateError, "whatsapp_template_refused"),
    (WhatsAppRecipientNotAllowedError, "whatsapp_recipient_not_allowed"),
    (WhatsAppOutsideWindowError, "whatsapp_outside_window"),
    (WhatsAppUndeliverableError, "whatsapp_undeliverable"),
    (WhatsAppUnsupportedMessageError, "whatsapp_unsupported_message"),
    (WhatsAppInvalidParameterError, "whatsapp_invalid_parameter"),
    (WhatsAppRateLimitError, "whatsapp_rate_limited"),
    (WhatsAppConnectionError, "whatsapp_cannot_connect"),
    (WhatsAppTemporaryError, "whatsapp_temporarily_unavailable"),
)
# Errors the user fixes in their settings or call (ServiceValidationError); the rest are failures
# of the service or the account (HomeAssistantError).
_USER_FIXABLE_ERRORS: Final = (
    WhatsAppTemplateError,
    WhatsAppRecipientNotAllowedError,
    WhatsAppOutsideWindowError,
    WhatsAppUndeliverableError,
    WhatsAppUnsupportedMessageError,
    WhatsAppInvalidParameterError,
)


@dataclass(frozen=True, slots=True)
class DeliveryTiming:
    """How patiently messages are delivered.

    Attributes:
        recipient_spacing: Seconds between two messages to the same person (WhatsApp tolerates
            about one every 6 seconds before answering 131056).
        rate_limit_retries: How many times a rate-limited message is sent again before giving up.
        rate_limit_backoff: Seconds before the first retry after a rate limit; doubles each time.
        temporary_retry_delay: Seconds before the single retry after a temporary failure.
    """

    recipient_spacing: float = 6.0
    rate_limit_retries: int = 3
    rate_limit_backoff: float = 6.0
    temporary_retry_delay: float = 2.0


TIMING = DeliveryTiming()
"""The timing every sender uses; read when a sender is set up, so tests can lower it."""


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


class _RecipientQueue:
    """Serialises the sends to one person and keeps them ``spacing`` seconds apart."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0
        self._next_send_at = 0.0

    async def wait_for_spacing(self) -> None:
        delay = self._next_send_at - asyncio.get_running_loop().time()
        if delay > 0:
            await asyncio.sleep(delay)

    def record_send(self, spacing: float) -> None:
        self._next_send_at = asyncio.get_running_loop().time() + spacing


def text_body(message: str, title: str | None) -> str:
    """Return the text of a notification: the title in bold on its own line, then the message."""
    return f"*{title}*\n{message}" if title else message


def notification_template_parameters(
    template: TemplateSettings, message: str, title: str | None
) -> TemplateBodyParameters:
    """Fill a recipient's template from a notification, each parameter flattened to one line."""
    flat_message = flatten_template_parameter(message)
    flat_title = flatten_template_parameter(title or DEFAULT_TITLE)
    match template.parameters:
        case TemplateParameters.TITLE_AND_MESSAGE:
            return [flat_title, flat_message]
        case TemplateParameters.MESSAGE:
            return [flat_message]
        case TemplateParameters.NAMED:
            named: dict[str, str] = {}
            if template.title_parameter:
                named[template.title_parameter] = flat_title
            named[template.message_parameter or "message"] = flat_message
            return named
        case _:  # TemplateParameters.NONE: the template's fixed text
            return []


def flatten_parameters(parameters: TemplateBodyParameters) -> TemplateBodyParameters:
    """Flatten every template parameter to one line (Meta refuses newlines, tabs, long spaces)."""
    if isinstance(parameters, Mapping):
        return {
            name: flatten_template_parameter(value)
            for name, value in parameters.items()
        }
    return [flatten_template_parameter(value) for value in parameters]


class WhatsAppSender:
    """Sends messages as one business phone number to the recipients of a sender entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: WhatsAppConfigEntry,
        client: WhatsAppClient,
        timing: DeliveryTiming,
    ) -> None:
        """Send through ``client`` on behalf of ``entry``, pacing sends by ``timing``."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._timing = timing
        self._queues: dict[str, _RecipientQueue] = {}

    @property
    def client(self) -> WhatsAppClient:
        """The Cloud API client sends go through."""
        return self._client

    @property
    def pending_by_recipient(self) -> dict[str, int]:
        """How many sends wait in each person's queue, by phone number (for diagnostics)."""
        return {
            number: queue.waiting
            for number, queue in self._queues.items()
            if queue.waiting
        }

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
        with self._user_errors(
            recipient, (template.name, template.language) if template else None
        ):
            async with self._turn(recipient) as queue:
                if recipient.delivery_mode is DeliveryMode.TEMPLATE and template:
                    return [
                        await self._send_filled_template(
                            queue, recipient, template, message, title
                        )
                    ]
                sent: list[SentMessage] = []
                try:
                    await self._send_text(
                        queue, recipient, text_body(message, title), sent
                    )
                except WhatsAppOutsideWindowError:
                    # Fall back only when nothing went out yet: never send half a message twice.
                    if (
                        recipient.delivery_mode is not DeliveryMode.AUTOMATIC
                        or not template
                        or sent
                    ):
                        raise
                    _LOGGER.debug(
                        "24-hour window of %s is closed: sending the template",
                        recipient.name,
                    )
                    return [
                        await self._send_filled_template(
                            queue, recipient, template, message, title
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
        """Send an approved template with the given body parameters (flattened to one line each).

        Raises:
            HomeAssistantError: WhatsApp refused the message (see async_send_notification).
        """
        with self._user_errors(recipient, (name, language)):
            async with self._turn(recipient) as queue:
                return await self._send_with_retries(
                    queue,
                    lambda: self._client.send_template(
                        recipient.phone_number,
                        name,
                        language,
                        body_parameters=flatten_parameters(parameters),
                    ),
                )

    async def async_send_media(
        self, recipient: RecipientSettings, media: MediaMessage
    ) -> SentMessage:
        """Send an image or a document.

        Raises:
            ServiceValidationError: The caption is longer than WhatsApp allows.
            HomeAssistantError: WhatsApp refused the message (see async_send_notification).
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
        with self._user_errors(recipient, None):
            async with self._turn(recipient) as queue:
                return await self._send_with_retries(
                    queue, lambda: self._send_media_request(recipient, media)
                )

    async def async_upload_media(
        self, recipient: RecipientSettings, data: bytes, mime_type: str, filename: str
    ) -> str:
        """Upload a file for ``recipient`` to the Cloud API and return its media id.

        Raises:
            HomeAssistantError: WhatsApp refused the file or could not be reached.
        """
        with self._user_errors(recipient, None):
            return await self._send_with_retries(
                None, lambda: self._client.upload_media(data, mime_type, filename)
            )

    def _send_media_request(
        self, recipient: RecipientSettings, media: MediaMessage
    ) -> Awaitable[SentMessage]:
        if media.kind is MediaKind.IMAGE:
            return self._client.send_image(
                recipient.phone_number,
                link=media.link,
                media_id=media.media_id,
                caption=media.caption,
            )
        return self._client.send_document(
            recipient.phone_number,
            link=media.link,
            media_id=media.media_id,
            filename=media.filename,
            caption=media.caption,
        )

    async def _send_text(
        self,
        queue: _RecipientQueue,
        recipient: RecipientSettings,
        text: str,
        sent: list[SentMessage],
    ) -> None:
        # Longer texts go out in several messages rather than being cut short.
        for part in split_text(text, TEXT_MAX_LENGTH):
            send_part = partial(self._client.send_text, recipient.phone_number, part)
            sent.append(await self._send_with_retries(queue, send_part))

    async def _send_filled_template(
        self,
        queue: _RecipientQueue,
        recipient: RecipientSettings,
        template: TemplateSettings,
        message: str,
        title: str | None,
    ) -> SentMessage:
        parameters = notification_template_parameters(template, message, title)
        return await self._send_with_retries(
            queue,
            lambda: self._client.send_template(
                recipient.phone_number,
                template.name,
                template.language,
                body_parameters=parameters,
            ),
        )

    @asynccontextmanager
    async def _turn(
        self, recipient: RecipientSettings
    ) -> AsyncIterator[_RecipientQueue]:
        """Wait for the person's queue, and hold it for the whole send (all its parts)."""
        queue = self._queues.setdefault(recipient.phone_number, _RecipientQueue())
        queue.waiting += 1
        try:
            await queue.lock.acquire()
        finally:
            queue.waiting -= 1
        try:
            yield queue
        finally:
            queue.lock.release()

    async def _send_with_retries[T](
        self, queue: _RecipientQueue | None, request: Callable[[], Awaitable[T]]
    ) -> T:
        """Make one Cloud API request, spaced after the previous one to the same person.

        Rate limits are retried with exponential backoff, up to ``rate_limit_retries`` times;
        temporary failures once.
        """
        rate_limited = 0
        retried_temporary = False
        while True:
            if queue is not None:
                await queue.wait_for_spacing()
            try:
                result = await request()
            except WhatsAppRateLimitError as err:
                if rate_limited >= self._timing.rate_limit_retries:
                    raise
                delay = self._timing.rate_limit_backoff * 2**rate_limited
                rate_limited += 1
                _LOGGER.debug(
                    "Rate limited (code %s): retry %s in %.1f s",
                    err.code,
                    rate_limited,
                    delay,
                )
            except WhatsAppTemporaryError as err:
                if retried_temporary:
                    raise
                retried_temporary = True
                delay = self._timing.temporary_retry_delay
                _LOGGER.debug(
                    "Temporary failure (code %s): retrying in %.1f s", err.code, delay
                )
            else:
                self._clear_account_issues()
                return result
            finally:
                if queue is not None:
                    queue.record_send(self._timing.recipient_spacing)
            await asyncio.sleep(delay)

    @contextmanager
    def _user_errors(
        self, recipient: RecipientSettings, template: tuple[str, str] | None
    ) -> Iterator[None]:
        """Turn Cloud API errors into translated Home Assistant errors that say what to do."""
        try:
            yield
        except InvalidPhoneNumberError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="whatsapp_invalid_phone_number",
                translation_placeholders={
                    "recipient": recipient.name,
                    "reason": err.reason,
                },
            ) from err
        except ValueError as err:
            # The client refuses what WhatsApp would: an empty text or template parameter.
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="whatsapp_invalid_message",
                translation_placeholders={
                    "recipient": recipient.name,
                    "reason": str(err),
                },
            ) from err
        except WhatsAppError as err:
            raise self._user_error(err, recipient, template) from err

    def _user_error(
        self,
        err: WhatsAppError,
        recipient: RecipientSettings,
        template: tuple[str, str] | None,
    ) -> HomeAssistantError:
        template_name, language = template or ("", "")
        placeholders = {
            "sender": self._entry.title,
            "recipient": recipient.name,
            "phone_number": recipient.phone_number,
            "template": template_name,
            "language": language,
            "code": str(err.code) if err.code is not None else "-",
            "details": err.details or err.message,
        }
        if isinstance(err, WhatsAppAuthenticationError | WhatsAppPermissionError):
            # Only a new token helps: ask for one now rather than at the next restart.
            self._entry.async_start_reauth(self._hass)
        elif isinstance(err, WhatsAppAccountBlockedError | WhatsAppNotRegisteredError):
            self._create_account_issue(_translation_key(err), placeholders)
        error_class = (
            ServiceValidationError
            if isinstance(err, _USER_FIXABLE_ERRORS)
            else HomeAssistantError
        )
        return error_class(
            translation_domain=DOMAIN,
            translation_key=_translation_key(err),
            translation_placeholders=placeholders,
        )

    def _create_account_issue(
        self, issue: str, placeholders: Mapping[str, str]
    ) -> None:
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            f"{issue}_{self._entry.entry_id}",
            is_fixable=False,
            is_persistent=False,
            learn_more_url=_POLICY_URL if issue == ISSUE_ACCOUNT_BLOCKED else None,
            severity=ir.IssueSeverity.ERROR,
            translation_key=issue,
            translation_placeholders={
                "sender": placeholders["sender"],
                "details": placeholders["details"],
            },
        )

    def _clear_account_issues(self) -> None:
        # A message got through: whatever blocked the account is over.
        for issue in _ACCOUNT_ISSUES:
            ir.async_delete_issue(self._hass, DOMAIN, f"{issue}_{self._entry.entry_id}")


def _translation_key(err: WhatsAppError) -> str:
    for error_class, key in _TRANSLATION_KEYS:
        if isinstance(err, error_class):
            return key
    return "whatsapp_send_failed"

"""The Graph sandbox's state and its Python API: tokens, templates, windows, failures, messages."""

import base64
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
import itertools
import secrets
import time
from typing import ClassVar, Final

from sandbox.clock import SandboxClock

from . import constants
from .constants import (
    APP_ID,
    APP_SECRET,
    CAPTION_MAX_LENGTH,
    DEFAULT_PAIR_INTERVAL,
    DEFAULT_SCOPES,
    EXCHANGED_TOKEN_LIFETIME_SECONDS,
    NOT_ON_WHATSAPP_NUMBER,
    PHONE_NUMBER_ID,
    SCOPE_MANAGEMENT,
    SCOPE_MESSAGING,
    TEXT_MAX_LENGTH,
    TOKEN_TYPE_APP,
    TOKEN_TYPE_SYSTEM_USER,
)
from .errors import GraphError
from .models import (
    ANY_ENDPOINT,
    ENDPOINTS,
    BusinessPhoneNumber,
    Button,
    InboundMessage,
    InjectedFailure,
    RawFailure,
    ReceivedMessage,
    SandboxToken,
    UploadedMedia,
)
from .outbox import WebhookOutbox
from .recipients import digits_of
from .request_log import GraphRequestLog
from .templates import Template, default_templates
from .validation import MessageContent
from .webhooks import (
    envelope,
    inbound_value,
    status_error,
    status_value,
)

WINDOW: Final = timedelta(hours=24)
"""How long after a person's last message free-form messages reach them."""

WINDOW_SYNC: Final = "sync"
"""Window mode: free-form messages outside the window are refused at once with 131047."""
WINDOW_ASYNC: Final = "async"
"""Window mode: they are accepted (200, wamid) and then fail with 131047 through the webhook."""
WINDOW_MODES: Final = (WINDOW_SYNC, WINDOW_ASYNC)
DEFAULT_PROFILE_NAME: Final = "Sandbox Person"
_PROFILE_NAME_MAX_LENGTH: Final = 100
_WINDOW_ERROR_TITLE: Final = "Re-engagement message"
# A tiny JPEG stands in for a photo a person sends when the test names no upload.
_SAMPLE_JPEG: Final = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00sandbox photo\xff\xd9"

_SUBCODE_EXPIRED: Final = 463
_SUBCODE_INVALID: Final = 467
_OBJECT_MISSING_SUBCODE: Final = 33


class GraphSandbox:
    """Meta's Graph API for one WhatsApp Business Account, in memory.

    Tests change it through its attributes and methods; a browser or curl through the admin
    endpoints under ``/graph/_sandbox/``.

    Attributes:
        clock: The sandbox clock: token expiry and the 24-hour windows follow it.
        pair_interval: Seconds required between two messages to one person (131056 when closer),
            measured with ``monotonic``; 0 disables the check.
        allow_list: The test number's allowed recipients; ``None`` allows everybody (a production
            number).
        unregistered_numbers: Recipients not on WhatsApp (131026).
        messages: Accepted messages, oldest first.
        requests: Every answered API request (endpoint, method, path, status), to count attempts.
        uploads: Uploaded media by id.
        templates: Templates by ``(name, language)``.
        tokens: Known access tokens by token.
        phone_numbers: Business phone numbers by id.
        monotonic: The clock for the pair rate limit (replaceable in tests).
        window_mode: ``sync`` (default): a free-form message outside the window is refused with
            131047; ``async``: it is accepted, then a ``failed`` status with 131047 is posted.
        webhooks: Subscriptions, queued webhooks and their retry settings.
        sent_delay: Sandbox seconds from acceptance to the ``sent`` status webhook.
        delivered_delay: Sandbox seconds from acceptance to the ``delivered`` status webhook.
        out_of_order: Post ``delivered`` before ``sent`` (each status keeps its delay, swapped).
        statuses: The latest status of each sent message, by wamid.
        failed_messages: Messages accepted with 200 that then failed (async window mode), oldest first.
        inbound: Messages people sent to the business, oldest first.
        marked_read: The inbound wamids the business marked as read, in order.
        profile_names: People's WhatsApp profile names by wa_id (digits).
    """

    PHONE_NUMBER_ID: ClassVar[str] = constants.PHONE_NUMBER_ID
    ACCESS_TOKEN: ClassVar[str] = constants.ACCESS_TOKEN
    APP_ID: ClassVar[str] = constants.APP_ID
    APP_SECRET: ClassVar[str] = constants.APP_SECRET
    BUSINESS_ACCOUNT_ID: ClassVar[str] = constants.BUSINESS_ACCOUNT_ID
    NOT_ON_WHATSAPP_NUMBER: ClassVar[str] = constants.NOT_ON_WHATSAPP_NUMBER

    def __init__(
        self, clock: SandboxClock | None = None, *, window_mode: str = WINDOW_SYNC
    ) -> None:
        """Create the sandbox with its default number, token and templates."""
        self.clock = clock or SandboxClock()
        self.window_mode = check_window_mode(window_mode)
        self.webhooks = WebhookOutbox(self.clock)
        self.sent_delay = 0.0
        self.delivered_delay = 0.0
        self.out_of_order = False
        self.statuses: dict[str, str] = {}
        self.failed_messages: list[ReceivedMessage] = []
        self.inbound: list[InboundMessage] = []
        self.marked_read: list[str] = []
        self.profile_names: dict[str, str] = {}
        self.pair_interval = DEFAULT_PAIR_INTERVAL
        self.allow_list: set[str] | None = None
        self.unregistered_numbers: set[str] = {NOT_ON_WHATSAPP_NUMBER}
        self.messages: list[ReceivedMessage] = []
        self.requests = GraphRequestLog()
        self.uploads: dict[str, UploadedMedia] = {}
        self.templates: dict[tuple[str, str], Template] = {}
        self.tokens: dict[str, SandboxToken] = {}
        self.phone_numbers: dict[str, BusinessPhoneNumber] = {}
        self.monotonic: Callable[[], float] = time.monotonic
        self._windows: dict[str, datetime] = {}
        self._last_sent: dict[str, float] = {}
        self._failures: list[InjectedFailure] = []
        self._raw_failures: list[RawFailure] = []
        self._ids = itertools.count(1)
        self.add_phone_number(
            PHONE_NUMBER_ID, constants.DISPLAY_PHONE_NUMBER, constants.VERIFIED_NAME
        )
        self.add_token(constants.ACCESS_TOKEN)
        for template in default_templates():
            self.templates[template.name, template.language] = template

    # Set-up -------------------------------------------------------------------------------

    def add_phone_number(
        self,
        phone_number_id: str,
        display_phone_number: str,
        verified_name: str,
        *,
        registered: bool = True,
    ) -> BusinessPhoneNumber:
        """Add a business phone number; an unregistered one fails sends with 133010."""
        number = BusinessPhoneNumber(
            phone_number_id, display_phone_number, verified_name, registered=registered
        )
        self.phone_numbers[phone_number_id] = number
        return number

    def add_token(
        self,
        token: str,
        *,
        expires_at: datetime | None = None,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        token_type: str = TOKEN_TYPE_SYSTEM_USER,
        phone_number_ids: Iterable[str] = (PHONE_NUMBER_ID,),
    ) -> SandboxToken:
        """Register an access token (``expires_at`` None: it never expires)."""
        record = SandboxToken(
            token=token,
            token_type=token_type,
            scopes=tuple(scopes),
            phone_number_ids=tuple(phone_number_ids),
            issued_at=self.clock.now(),
            expires_at=expires_at,
        )
        self.tokens[token] = record
        return record

    def revoke_token(self, token: str) -> None:
        """Invalidate a token (Meta then answers 190).

        Raises:
            KeyError: The sandbox does not know the token.
        """
        self.tokens[token].revoked = True

    def add_template(
        self,
        name: str,
        language: str = "en_US",
        *,
        body: str,
        header: str | None = None,
        category: str = "UTILITY",
        status: str = "APPROVED",
        buttons: Iterable[str] = (),
    ) -> Template:
        """Add (or replace) a template; placeholders are ``{{1}}`` or ``{{name}}``.

        ``buttons`` are the texts of its quick-reply buttons.
        """
        template = Template(
            name, language, body, header, category, status, tuple(buttons)
        )
        self.templates[name, language] = template
        return template

    def set_template_status(self, name: str, language: str, status: str) -> None:
        """Change a template's status: ``PAUSED`` (132015), ``DISABLED`` (132016), ``APPROVED``..."""
        self.templates[name, language].status = status

    # The 24-hour window -------------------------------------------------------------------

    def open_window(self, phone: str, at: datetime | None = None) -> None:
        """Record that ``phone`` wrote to the business: free-form messages reach them for 24 h."""
        self._windows[digits_of(phone)] = at or self.clock.now()

    def close_window(self, phone: str) -> None:
        """Forget that ``phone`` ever wrote: only templates reach them."""
        self._windows.pop(digits_of(phone), None)

    def window_expires_at(self, phone: str) -> datetime | None:
        """When ``phone``'s window closes (or closed); ``None`` if they never wrote."""
        last = self._windows.get(digits_of(phone))
        return None if last is None else last + WINDOW

    def window_open(self, phone: str) -> bool:
        """Whether a free-form message to ``phone`` would be delivered now."""
        expires_at = self.window_expires_at(phone)
        return expires_at is not None and self.clock.now() < expires_at

    def windows(self) -> dict[str, datetime]:
        """When each window closes, by recipient (E.164)."""
        return {f"+{digits}": last + WINDOW for digits, last in self._windows.items()}

    # Failures on demand -------------------------------------------------------------------

    def fail_next(
        self,
        code: int,
        *,
        subcode: int | None = None,
        count: int = 1,
        recipient: str | None = None,
        details: str | None = None,
        message: str | None = None,
        endpoint: str = "messages",
    ) -> None:
        """Answer the next ``count`` matching requests with Graph error ``code``.

        Args:
            code: Any Graph error code (Meta's usual message, details and HTTP status are used).
            subcode: The ``error_subcode``, e.g. 463 with 190 for an expired token.
            count: How many requests fail.
            recipient: Only sends to this number fail (``None``: any recipient).
            details: ``error_data.details`` instead of Meta's usual text.
            message: The message instead of Meta's usual one.
            endpoint: ``messages``, ``media``, ``phone_number``, ``debug_token``, ``access_token``
                or ``*`` for all.
        """
        _check_endpoint(endpoint)
        self._failures.append(
            InjectedFailure(
                code=code,
                subcode=subcode,
                count=count,
                recipient=None if recipient is None else digits_of(recipient),
                details=details,
                message=message,
                endpoint=endpoint,
            )
        )

    def fail_next_raw(
        self,
        status: int,
        *,
        body: str = "",
        content_type: str = "text/plain",
        count: int = 1,
        delay: float = 0.0,
        endpoint: str = ANY_ENDPOINT,
    ) -> None:
        """Answer the next ``count`` requests with a bare response, e.g. a proxy's 502 page.

        ``delay`` seconds pass before the answer: more than a client's timeout simulates one.
        """
        _check_endpoint(endpoint)
        self._raw_failures.append(
            RawFailure(status, body, content_type, count, delay, endpoint)
        )

    def clear_failures(self) -> None:
        """Forget every pending failure."""
        self._failures.clear()
        self._raw_failures.clear()

    def take_raw_failure(self, endpoint: str) -> RawFailure | None:
        """Return (and count down) the first bare failure aimed at ``endpoint``."""
        return _take(
            self._raw_failures, lambda failure: _matches(failure.endpoint, endpoint)
        )

    def raise_injected_failure(
        self, endpoint: str, recipient: str | None = None
    ) -> None:
        """Raise the first injected Graph error aimed at this request, if any."""
        failure = _take(
            self._failures,
            lambda failure: (
                _matches(failure.endpoint, endpoint)
                and failure.recipient in {None, recipient}
            ),
        )
        if failure is not None:
            raise GraphError(
                failure.code,
                subcode=failure.subcode,
                message=failure.message,
                details=failure.details,
            )

    # Checks used by the API handlers ------------------------------------------------------

    def authenticate(self, token: str | None) -> SandboxToken:
        """Return the token record for a request, or raise Meta's error for a bad token."""
        if not token:
            raise GraphError(104)
        if token == f"{APP_ID}|{APP_SECRET}":
            return self._app_token(token)
        record = self.tokens.get(token)
        if record is None:
            raise GraphError(190)
        if record.revoked:
            raise GraphError(
                190,
                subcode=_SUBCODE_INVALID,
                message="Error validating access token: The session has been invalidated.",
            )
        now = self.clock.now()
        if record.expired(now):
            raise GraphError(
                190, subcode=_SUBCODE_EXPIRED, message=_expired_message(record, now)
            )
        return record

    def phone_number_for(
        self,
        phone_number_id: str,
        token: SandboxToken,
        *,
        scope: str | None,
        method: str,
    ) -> BusinessPhoneNumber:
        """Return the number if ``token`` may use it (with ``scope``, or any WhatsApp scope)."""
        number = self.phone_numbers.get(phone_number_id)
        if number is None:
            raise GraphError(
                100,
                subcode=_OBJECT_MISSING_SUBCODE,
                message=(
                    f"Unsupported {method.lower()} request. Object with ID '{phone_number_id}' does "
                    "not exist, cannot be loaded due to missing permissions, or does not support "
                    "this operation."
                ),
            )
        needed = {scope} if scope else {SCOPE_MESSAGING, SCOPE_MANAGEMENT}
        if token.token_type == TOKEN_TYPE_APP or not needed & set(token.scopes):
            raise GraphError(
                10,
                details=f"The access token needs the {' or '.join(sorted(needed))} permission.",
            )
        if phone_number_id not in token.phone_number_ids:
            raise GraphError(
                200,
                details=f"The access token has no access to phone number {phone_number_id}.",
            )
        return number

    def templates_of(
        self, business_account_id: str, token: SandboxToken
    ) -> list[Template]:
        """Return the business account's templates if ``token`` may manage the account."""
        if business_account_id != constants.BUSINESS_ACCOUNT_ID:
            raise GraphError(
                100,
                subcode=_OBJECT_MISSING_SUBCODE,
                message=(
                    f"Unsupported get request. Object with ID '{business_account_id}' does not "
                    "exist, cannot be loaded due to missing permissions, or does not support "
                    "this operation."
                ),
            )
        if (
            token.token_type == TOKEN_TYPE_APP
            or SCOPE_MANAGEMENT not in token.scopes
            or not token.phone_number_ids
        ):
            raise GraphError(
                200,
                details=f"The access token needs the {SCOPE_MANAGEMENT} permission on the account.",
            )
        return list(self.templates.values())

    # Sending ------------------------------------------------------------------------------

    def deliver(
        self, number: BusinessPhoneNumber, content: MessageContent
    ) -> ReceivedMessage:
        """Accept a valid message if Meta would, and record it."""
        if not number.registered:
            raise GraphError(133010)
        digits = content.wa_id
        if self.allow_list is not None and digits not in {
            digits_of(phone) for phone in self.allow_list
        }:
            raise GraphError(131030)
        if digits in {digits_of(phone) for phone in self.unregistered_numbers}:
            raise GraphError(131026)
        outside_window = content.free_form and not self.window_open(digits)
        if outside_window and self.window_mode == WINDOW_SYNC:
            raise GraphError(131047)
        now = self.monotonic()
        last = self._last_sent.get(digits)
        if (
            self.pair_interval > 0
            and last is not None
            and now - last < self.pair_interval
        ):
            raise GraphError(131056)
        self._last_sent[digits] = now
        message = ReceivedMessage(
            message_id=self._message_id(digits),
            phone_number_id=number.phone_number_id,
            to=content.to,
            wa_id=digits,
            type=content.type,
            at=self.clock.now(),
            text=content.text,
            template_name=content.template_name,
            template_language=content.template_language,
            body_parameters=content.body_parameters,
            header_parameters=content.header_parameters,
            parameter_names=content.parameter_names,
            media_link=content.media_link,
            media_id=content.media_id,
            caption=content.caption,
            filename=content.filename,
            reply_to=content.reply_to,
            preview_url=content.preview_url,
            buttons=content.buttons,
            category=content.category,
            payload=content.payload,
        )
        if outside_window:
            self.failed_messages.append(message)
            self._fail_later(message, GraphError(131047))
        else:
            self.messages.append(message)
            self._deliver_statuses(message)
        return message

    def store_upload(self, filename: str, mime_type: str, data: bytes) -> UploadedMedia:
        """Keep an uploaded file and return it with its new media id."""
        media_id = str(1_037_543_291_543_600 + next(self._ids))
        upload = UploadedMedia(media_id, filename, mime_type, data, self.clock.now())
        self.uploads[media_id] = upload
        return upload

    def clear_conversations(self) -> None:
        """Forget sent, failed and inbound messages, their statuses and reads (not the windows)."""
        self.messages.clear()
        self.failed_messages.clear()
        self.inbound.clear()
        self.marked_read.clear()
        self.statuses.clear()

    def messages_to(self, phone: str) -> list[ReceivedMessage]:
        """The accepted messages to ``phone``, oldest first."""
        digits = digits_of(phone)
        return [message for message in self.messages if message.wa_id == digits]

    def mark_as_read(self, message_id: str) -> None:
        """Record that the business marked an inbound message as read (blue ticks for the person)."""
        self.marked_read.append(message_id)

    # Statuses -----------------------------------------------------------------------------

    def status_of(self, message_id: str) -> str | None:
        """The latest status of a message sent by the business (``None``: unknown)."""
        return self.statuses.get(message_id)

    def read(self, message_id: str) -> ReceivedMessage:
        """Let the recipient read a delivered message: its status becomes ``read`` (with a webhook).

        Raises:
            KeyError: No delivered message has that id.
        """
        message = next(
            (item for item in self.messages if item.message_id == message_id), None
        )
        if message is None:
            raise KeyError(message_id)
        if self.statuses.get(message_id) != "read":
            self.statuses[message_id] = "read"
            self._queue_status(message, "read")
        return message

    def read_all(self, phone: str) -> list[ReceivedMessage]:
        """Let ``phone`` read every message delivered to them; return those newly read."""
        unread = [
            message
            for message in self.messages_to(phone)
            if self.statuses.get(message.message_id) != "read"
        ]
        for message in unread:
            self.read(message.message_id)
        return unread

    def _deliver_statuses(self, message: ReceivedMessage) -> None:
        self.statuses[message.message_id] = "delivered"
        steps = [("sent", self.sent_delay), ("delivered", self.delivered_delay)]
        if self.out_of_order:
            (first, first_delay), (second, second_delay) = steps
            steps = [(second, first_delay), (first, second_delay)]
        for status, delay in steps:
            self._queue_status(message, status, delay=delay)

    def _fail_later(self, message: ReceivedMessage, error: GraphError) -> None:
        self.statuses[message.message_id] = "failed"
        errors = [status_error(error.code, _WINDOW_ERROR_TITLE, error.details)]
        self._queue_status(message, "failed", errors=errors, delay=self.sent_delay)

    def _queue_status(
        self,
        message: ReceivedMessage,
        status: str,
        *,
        errors: list[dict[str, object]] | None = None,
        delay: float = 0.0,
    ) -> None:
        value = status_value(
            message.message_id,
            status,
            message.wa_id,
            self.clock.now() + timedelta(seconds=delay),
            category=message.category,
            errors=errors or (),
        )
        self.webhooks.queue(
            message.phone_number_id,
            "status",
            f"{status} {message.message_id}",
            self._envelope(message.phone_number_id, value),
            delay=delay,
        )

    # Inbound: people writing to the business ----------------------------------------------

    def receive_text(
        self,
        phone: str,
        text: str,
        *,
        name: str | None = None,
        phone_number_id: str = PHONE_NUMBER_ID,
    ) -> InboundMessage:
        """Let ``phone`` write ``text`` to the business: it opens their window and is posted."""
        if not text.strip():
            msg = "The text is empty"
            raise ValueError(msg)
        if len(text) > TEXT_MAX_LENGTH:
            msg = f"The text is longer than {TEXT_MAX_LENGTH} characters"
            raise ValueError(msg)
        return self._receive(
            phone,
            "text",
            {"text": {"body": text}},
            name=name,
            phone_number_id=phone_number_id,
            text=text,
        )

    def tap(
        self, message_id: str, button: str, *, name: str | None = None
    ) -> InboundMessage:
        """Let the recipient of a message with buttons tap one (matched by id or payload, then title).

        A reply button arrives as ``interactive.button_reply``, a template quick reply as
        ``button``, each with ``context.id`` naming the message.

        Raises:
            KeyError: No delivered message has that id.
            ValueError: The message has no such button.
        """
        message = next(
            (item for item in self.messages if item.message_id == message_id), None
        )
        if message is None:
            raise KeyError(message_id)
        chosen = _find_button(message.buttons, button)
        if chosen is None:
            msg = f"The message has no button {button!r}"
            raise ValueError(msg)
        if message.type == "template":
            kind = "button"
            fields: dict[str, object] = {
                "button": {"payload": chosen.id, "text": chosen.title}
            }
        else:
            kind = "interactive"
            fields = {
                "interactive": {
                    "type": "button_reply",
                    "button_reply": {"id": chosen.id, "title": chosen.title},
                }
            }
        number = self.phone_numbers[message.phone_number_id]
        fields["context"] = {
            "from": digits_of(number.display_phone_number),
            "id": message.message_id,
        }
        return self._receive(
            message.wa_id,
            kind,
            fields,
            name=name,
            phone_number_id=message.phone_number_id,
            text=chosen.title,
            button_id=chosen.id,
            context_id=message.message_id,
        )

    def receive_image(
        self,
        phone: str,
        *,
        media_id: str | None = None,
        caption: str | None = None,
        name: str | None = None,
        phone_number_id: str = PHONE_NUMBER_ID,
    ) -> InboundMessage:
        """Let ``phone`` send a photo: an upload of the sandbox's (a tiny JPEG unless ``media_id``).

        Raises:
            KeyError: ``media_id`` names no upload.
        """
        if caption is not None and len(caption) > CAPTION_MAX_LENGTH:
            msg = f"The caption is longer than {CAPTION_MAX_LENGTH} characters"
            raise ValueError(msg)
        upload = (
            self.store_upload("photo.jpg", "image/jpeg", _SAMPLE_JPEG)
            if media_id is None
            else self.uploads[media_id]
        )
        image: dict[str, object] = {
            "mime_type": upload.mime_type,
            "sha256": upload.sha256,
            "id": upload.media_id,
        }
        if caption:
            image["caption"] = caption
        return self._receive(
            phone,
            "image",
            {"image": image},
            name=name,
            phone_number_id=phone_number_id,
            text=caption,
            media_id=upload.media_id,
        )

    def conversation(self, phone: str) -> list[ReceivedMessage | InboundMessage]:
        """Everything between the business and ``phone``, both ways, oldest first."""
        digits = digits_of(phone)
        sent: list[ReceivedMessage | InboundMessage] = [
            message
            for message in (*self.messages, *self.failed_messages)
            if message.wa_id == digits
        ]
        received = [message for message in self.inbound if message.wa_id == digits]
        return sorted([*sent, *received], key=lambda message: message.at)

    def correspondents(self) -> list[str]:
        """The wa_ids the business exchanged messages with, most recent conversation first."""
        latest: dict[str, datetime] = {}
        everything: list[ReceivedMessage | InboundMessage] = [
            *self.messages,
            *self.failed_messages,
            *self.inbound,
        ]
        for message in everything:
            latest[message.wa_id] = max(
                message.at, latest.get(message.wa_id, message.at)
            )
        return sorted(latest, key=lambda wa_id: latest[wa_id], reverse=True)

    def _receive(
        self,
        phone: str,
        kind: str,
        fields: dict[str, object],
        *,
        name: str | None,
        phone_number_id: str,
        text: str | None = None,
        button_id: str | None = None,
        context_id: str | None = None,
        media_id: str | None = None,
    ) -> InboundMessage:
        if phone_number_id not in self.phone_numbers:
            msg = f"Unknown phone number id {phone_number_id!r}"
            raise ValueError(msg)
        digits = digits_of(phone)
        if name and len(name) > _PROFILE_NAME_MAX_LENGTH:
            msg = f"The name is longer than {_PROFILE_NAME_MAX_LENGTH} characters"
            raise ValueError(msg)
        if name:
            self.profile_names[digits] = name
        profile_name = self.profile_names.get(digits, DEFAULT_PROFILE_NAME)
        now = self.clock.now()
        message_id = self._message_id(digits)
        message_object: dict[str, object] = {
            "from": digits,
            "id": message_id,
            "timestamp": str(int(now.timestamp())),
            "type": kind,
            **fields,
        }
        inbound = InboundMessage(
            message_id=message_id,
            phone_number_id=phone_number_id,
            wa_id=digits,
            profile_name=profile_name,
            type=kind,
            at=now,
            text=text,
            button_id=button_id,
            context_id=context_id,
            media_id=media_id,
            message=message_object,
        )
        self.inbound.append(inbound)
        self.open_window(digits, now)
        value = inbound_value(digits, profile_name, message_object)
        self.webhooks.queue(
            phone_number_id,
            "message",
            f"{kind} from {digits}",
            self._envelope(phone_number_id, value),
        )
        return inbound

    def _envelope(self, phone_number_id: str, value: dict[str, object]) -> bytes:
        number = self.phone_numbers[phone_number_id]
        return envelope(phone_number_id, digits_of(number.display_phone_number), value)

    # Tokens -------------------------------------------------------------------------------

    def describe_token(self, input_token: str) -> dict[str, object]:
        """Return the ``data`` of ``debug_token`` for a token."""
        if input_token == f"{APP_ID}|{APP_SECRET}" or (
            input_token in self.tokens
            and self.tokens[input_token].token_type == TOKEN_TYPE_APP
        ):
            return {
                "app_id": APP_ID,
                "type": TOKEN_TYPE_APP,
                "application": constants.APP_NAME,
                "is_valid": True,
                "scopes": [],
            }
        record = self.tokens.get(input_token)
        if record is None:
            return {
                "error": {"code": 190, "message": "Invalid OAuth access token."},
                "is_valid": False,
                "scopes": [],
            }
        now = self.clock.now()
        data: dict[str, object] = {
            "app_id": APP_ID,
            "type": record.token_type,
            "application": constants.APP_NAME,
            "data_access_expires_at": 0,
            "expires_at": 0
            if record.expires_at is None
            else int(record.expires_at.timestamp()),
            "is_valid": not record.revoked and not record.expired(now),
            "issued_at": int(record.issued_at.timestamp()),
            "scopes": list(record.scopes),
            "granular_scopes": [
                {"scope": scope, "target_ids": [constants.BUSINESS_ACCOUNT_ID]}
                if record.phone_number_ids
                else {"scope": scope}
                for scope in record.scopes
            ],
            "user_id": "122100000000000001",
        }
        if record.revoked:
            data["error"] = {
                "code": 190,
                "subcode": _SUBCODE_INVALID,
                "message": "The session has been invalidated.",
            }
        elif record.expired(now):
            data["error"] = {
                "code": 190,
                "subcode": _SUBCODE_EXPIRED,
                "message": _expired_message(record, now),
            }
        return data

    def exchange_token(self, current: str) -> tuple[str, int]:
        """Issue a 60-day token with the same rights as ``current``; return it and its lifetime."""
        record = self.authenticate(current)
        if record.token_type == TOKEN_TYPE_APP:
            raise GraphError(100, details="An app access token cannot be exchanged.")
        now = self.clock.now()
        token = f"EAASandbox{secrets.token_hex(16)}"
        self.add_token(
            token,
            expires_at=now + timedelta(seconds=EXCHANGED_TOKEN_LIFETIME_SECONDS),
            scopes=record.scopes,
            token_type=record.token_type,
            phone_number_ids=record.phone_number_ids,
        )
        return token, EXCHANGED_TOKEN_LIFETIME_SECONDS

    def issue_app_token(self) -> str:
        """Issue an app access token (client credentials): valid, but it cannot send messages."""
        token = f"{APP_ID}|{secrets.token_urlsafe(20)}"
        self.add_token(token, scopes=(), token_type=TOKEN_TYPE_APP, phone_number_ids=())
        return token

    def _app_token(self, token: str) -> SandboxToken:
        return SandboxToken(
            token=token,
            token_type=TOKEN_TYPE_APP,
            scopes=(),
            phone_number_ids=(),
            issued_at=self.clock.now(),
        )

    def _message_id(self, digits: str) -> str:
        raw = f"{digits}{next(self._ids):010d}{secrets.token_hex(8).upper()}".encode()
        return "wamid." + base64.b64encode(b"\x18\x0b" + raw).decode().rstrip("=")


def check_window_mode(mode: str) -> str:
    """Return ``mode`` if it is a window mode (``sync`` or ``async``).

    Raises:
        ValueError: It is not.
    """
    if mode not in WINDOW_MODES:
        msg = f"Unknown window mode {mode!r}: one of {list(WINDOW_MODES)}"
        raise ValueError(msg)
    return mode


def _find_button(buttons: Iterable[Button], wanted: str) -> Button | None:
    candidates = tuple(buttons)
    return next(
        (button for button in candidates if button.id == wanted),
        next((button for button in candidates if button.title == wanted), None),
    )


def _check_endpoint(endpoint: str) -> None:
    if endpoint not in ENDPOINTS:
        msg = f"Unknown endpoint {endpoint!r}: one of {sorted(ENDPOINTS)}"
        raise ValueError(msg)


def _matches(target: str, endpoint: str) -> bool:
    return target in {ANY_ENDPOINT, endpoint}


def _take[F: InjectedFailure | RawFailure](
    failures: list[F], matches: Callable[[F], bool]
) -> F | None:
    for failure in failures:
        if matches(failure):
            failure.count -= 1
            if failure.count <= 0:
                failures.remove(failure)
            return failure
    return None


def _expired_message(record: SandboxToken, now: datetime) -> str:
    expired_at = record.expires_at or now
    return (
        f"Error validating access token: Session has expired on "
        f"{expired_at:%A, %d-%b-%y %H:%M:%S} UTC. The current time is {now:%A, %d-%b-%y %H:%M:%S} UTC."
    )

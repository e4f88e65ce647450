"""Async client for the WhatsApp Cloud API (Meta's Graph API), on a caller-owned aiohttp session."""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
import logging
from pathlib import Path
from typing import BinaryIO, Final

import aiohttp

from ._json import JSONObject, as_list, as_object, optional_str, required_str
from ._responses import decode_response
from .compose import (
    CAPTION_MAX_LENGTH,
    TEMPLATE_HEADER_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TemplateParameters,
    compose_template_parameters,
)
from .const import (
    DEFAULT_REQUEST_TIMEOUT,
    GRAPH_API_VERSION,
    GRAPH_BASE_URL,
    MESSAGING_PRODUCT,
)
from .exceptions import (
    TOKEN_EXCHANGE_ERROR_CLASSES,
    WhatsAppConnectionError,
    WhatsAppError,
    WhatsAppMediaError,
    WhatsAppMessageError,
)
from .interactive import ReplyButton, quick_reply_components, reply_buttons_content
from .media import check_media_size, is_supported_media, media_kind
from .models import (
    ExchangedToken,
    MessageTemplate,
    PhoneNumber,
    SentMessage,
    TokenInfo,
)
from .phone_numbers import normalize_phone_number

_LOGGER = logging.getLogger(__name__)

_REDACTED: Final = "[redacted]"
MESSAGE_ID_MAX_LENGTH: Final = 256
_PHONE_NUMBER_FIELDS: Final = "display_phone_number,verified_name,quality_rating"
_TEMPLATE_FIELDS: Final = "name,language,status,category,components,parameter_format"
TEMPLATE_PAGE_SIZE: Final = 100
# Meta allows an unverified business 250 templates; 10 pages of 100 bound the listing.
TEMPLATE_MAX_PAGES: Final = 10


class WhatsAppClient:
    """Send WhatsApp messages from one business phone number through the Cloud API.

    The client does not retry: each error's ``kind`` tells the caller what to do, and rate
    limits per recipient are best handled by a queue per recipient.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        access_token: str,
        phone_number_id: str,
        *,
        base_url: str = GRAPH_BASE_URL,
        api_version: str = GRAPH_API_VERSION,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        """Initialise the client.

        Args:
            session: The aiohttp session to use (not closed by the client).
            access_token: A system user token with ``whatsapp_business_messaging``.
            phone_number_id: The Graph id of the business phone number to send from.
            base_url: The Graph API host; a sandbox URL in tests.
            api_version: The Graph API version, e.g. ``v26.0``.
            request_timeout: Seconds allowed for each request.
        """
        self._session = session
        self._access_token = access_token
        self._phone_number_id = phone_number_id
        self._base_url = f"{base_url.rstrip('/')}/{api_version}"
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)

    def __repr__(self) -> str:
        """Describe the client without its token."""
        return f"{type(self).__name__}(phone_number_id={self._phone_number_id!r}, base_url={self._base_url!r})"

    @property
    def phone_number_id(self) -> str:
        """The Graph id of the business phone number the client sends from."""
        return self._phone_number_id

    def set_access_token(self, access_token: str) -> None:
        """Use another token from now on, e.g. the one :meth:`exchange_token` returned."""
        self._access_token = access_token

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

    async def send_template(
        self,
        to: str,
        name: str,
        language: str,
        *,
        body_parameters: TemplateParameters = (),
        header_parameters: TemplateParameters = (),
        body_fixed_length: int | None = None,
        header_fixed_length: int | None = None,
        button_payloads: Sequence[str] = (),
        reply_to: str | None = None,
    ) -> SentMessage:
        """Send an approved template: the only kind of message delivered outside the 24-hour window.

        Parameters are flattened (Meta refuses newlines, tabs and runs of spaces in them) and
        shortened with "…" to fit; the result's ``shortened_parameters`` names those shortened.

        Args:
            to: The recipient's number, with country code.
            name: The template's name, e.g. ``whoop_alert``.
            language: The template's language code, e.g. ``en_US``.
            body_parameters: Texts for the body's placeholders: a sequence for ``{{1}}``, ``{{2}}``...,
                a mapping for named placeholders.
            header_parameters: Texts for a text header's placeholder, in the same form.
            body_fixed_length: The body's length without placeholders, if known: parameters are
                then shortened so the whole body fits 1,024 characters.
            header_fixed_length: The same for a text header, which fits 60 characters.
            button_payloads: The payload each quick-reply button of the template sends back in
                the webhook when pressed, in the buttons' order.
            reply_to: The ``wamid.`` of a message to quote.

        Raises:
            WhatsAppMessageError: A parameter is empty once flattened, or a payload is invalid.
            InvalidPhoneNumberError: ``to`` is not a valid number.
            WhatsAppError: Meta refused the message (e.g. WhatsAppTemplateError).
        """
        components: list[dict[str, object]] = []
        shortened: list[str] = []
        if header_parameters:
            header = compose_template_parameters(
                header_parameters,
                fixed_text_length=header_fixed_length,
                parameter_limit=TEMPLATE_HEADER_MAX_LENGTH,
                total_limit=TEMPLATE_HEADER_MAX_LENGTH,
            )
            components.append({"type": "header", "parameters": list(header.parameters)})
            shortened += [f"header.{key}" for key in header.shortened]
        if body_parameters:
            body = compose_template_parameters(
                body_parameters, fixed_text_length=body_fixed_length
            )
            components.append({"type": "body", "parameters": list(body.parameters)})
            shortened += [f"body.{key}" for key in body.shortened]
        components += quick_reply_components(button_payloads)
        template: dict[str, object] = {"name": name, "language": {"code": language}}
        if components:
            template["components"] = components
        sent = await self._send(to, "template", template, reply_to=reply_to)
        if shortened:
            _LOGGER.debug(
                "Template %s: shortened %s to fit", name, ", ".join(shortened)
            )
            sent = replace(sent, shortened_parameters=tuple(shortened))
        return sent

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
        await self._request(
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

    async def upload_media(
        self,
        data: bytes,
        mime_type: str,
        filename: str,
        *,
        animated: bool = False,
    ) -> str:
        """Upload a file held in memory to Meta (kept 30 days) and return its media id.

        This works for a Home Assistant that Meta cannot reach, unlike sending by link. For a
        file on disk use :meth:`upload_media_file`, which does not read it into memory.

        A type WhatsApp does not list is left to Meta to refuse (131053), as before this check.

        Raises:
            WhatsAppMediaTooLargeError: The file is larger than its kind allows; nothing was sent.
            WhatsAppError: Meta refused the file (WhatsAppInvalidParameterError for its type).
        """
        if is_supported_media(mime_type):
            check_media_size(mime_type, len(data), animated=animated)
        return await self._upload(data, mime_type, filename)

    async def upload_media_file(
        self,
        path: Path,
        mime_type: str,
        *,
        filename: str | None = None,
        animated: bool = False,
    ) -> str:
        """Upload a file from disk to Meta, streamed in chunks, and return its media id.

        The type and size are checked before the file is opened; the file is read and closed
        in a worker thread, never in the event loop.

        Args:
            path: The file.
            mime_type: Its MIME type, e.g. ``image/png``.
            filename: The name Meta records; the file's own name when ``None``.
            animated: Whether an ``image/webp`` sticker is animated (allowed to be larger).

        Raises:
            WhatsAppMediaError: WhatsApp does not accept the type, the file is too large
                (WhatsAppMediaTooLargeError) or it cannot be read; nothing was sent.
            WhatsAppError: Meta refused the file.
        """
        kind = media_kind(mime_type, animated=animated)
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
            check_media_size(mime_type, size, animated=animated)
            file = await asyncio.to_thread(path.open, "rb")
        except OSError as err:
            msg = f"Cannot read the {kind} file: {type(err).__name__}"
            raise WhatsAppMediaError(msg) from err
        try:
            # aiohttp streams a file object in chunks, read in its executor.
            return await self._upload(file, mime_type, filename or path.name)
        finally:
            await asyncio.to_thread(file.close)

    async def _upload(
        self, content: bytes | BinaryIO, mime_type: str, filename: str
    ) -> str:
        form = aiohttp.FormData()
        form.add_field("messaging_product", MESSAGING_PRODUCT)
        form.add_field("type", mime_type)
        form.add_field("file", content, filename=filename, content_type=mime_type)
        response = await self._request(
            "POST", f"{self._phone_number_id}/media", data=form
        )
        return required_str(response, "id")

    async def get_phone_number(self) -> PhoneNumber:
        """Return the business phone number (validates the phone number id and the token's access)."""
        response = await self._request(
            "GET", self._phone_number_id, params={"fields": _PHONE_NUMBER_FIELDS}
        )
        return PhoneNumber.from_graph(response)

    async def list_message_templates(
        self, business_account_id: str
    ) -> tuple[MessageTemplate, ...]:
        """Return the message templates of a WhatsApp Business Account, every language and status.

        Needs ``whatsapp_business_management`` on that account (its id is among
        :attr:`TokenInfo.managed_business_account_ids`). Follows Meta's paging for at most
        ``TEMPLATE_MAX_PAGES`` pages.

        Raises:
            WhatsAppError: Meta refused (WhatsAppPermissionError without the permission).
        """
        templates: list[MessageTemplate] = []
        params = {"fields": _TEMPLATE_FIELDS, "limit": str(TEMPLATE_PAGE_SIZE)}
        for _page in range(TEMPLATE_MAX_PAGES):
            response = await self._request(
                "GET", f"{business_account_id}/message_templates", params=params
            )
            templates.extend(
                MessageTemplate.from_graph(as_object(item, "data[]"))
                for item in as_list(response.get("data", []), "data")
            )
            paging = as_object(response.get("paging", {}), "paging")
            cursors = as_object(paging.get("cursors", {}), "paging.cursors")
            after = optional_str(cursors, "after")
            if paging.get("next") is None or not after:
                break
            params = {**params, "after": after}
        return tuple(templates)

    async def debug_token(self) -> TokenInfo:
        """Inspect the client's own token: validity, expiry and permissions."""
        response = await self._request(
            "GET", "debug_token", params={"input_token": self._access_token}
        )
        return TokenInfo.from_graph(response)

    async def exchange_token(self, app_id: str, app_secret: str) -> ExchangedToken:
        """Extend a 60-day system user token before it expires (Meta's documented ``fb_exchange_token``).

        The client keeps using its current token: pass the new one to :meth:`set_access_token`.
        An app token (client credentials) cannot send messages, so it is never requested.

        Args:
            app_id: The Meta app's id.
            app_secret: The Meta app's secret.
        """
        params = {
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": app_secret,
            "set_token_expires_in_60_days": "true",
            "fb_exchange_token": self._access_token,
        }
        response = await self._request(
            "GET",
            "oauth/access_token",
            params=params,
            authenticated=False,
            secrets=(app_secret,),
            error_overrides=TOKEN_EXCHANGE_ERROR_CLASSES,
        )
        return ExchangedToken.from_graph(response)

    async def _send(
        self,
        to: str,
        message_type: str,
        content: Mapping[str, object],
        *,
        reply_to: str | None = None,
    ) -> SentMessage:
        payload: dict[str, object] = {
            "messaging_product": MESSAGING_PRODUCT,
            "recipient_type": "individual",
            "to": normalize_phone_number(to),
            "type": message_type,
            message_type: content,
        }
        if reply_to is not None:
            payload["context"] = {"message_id": reply_to}
        response = await self._request(
            "POST", f"{self._phone_number_id}/messages", json=payload
        )
        return SentMessage.from_graph(response)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Mapping[str, object] | None = None,
        data: aiohttp.FormData | None = None,
        authenticated: bool = True,
        secrets: Sequence[str] = (),
        error_overrides: Mapping[int, type[WhatsAppError]] | None = None,
    ) -> JSONObject:
        """Send one request and return its JSON object, or raise the matching WhatsAppError."""
        hidden = (self._access_token, *secrets)

        def redact(text: str) -> str:
            for secret in hidden:
                if secret:
                    text = text.replace(secret, _REDACTED)
            return text

        headers = (
            {"Authorization": f"Bearer {self._access_token}"} if authenticated else {}
        )
        # The path is logged and put into errors without the query, which may hold secrets.
        description = f"{method} /{path}"
        try:
            async with self._session.request(
                method,
                f"{self._base_url}/{path}",
                params=params,
                json=json,
                data=data,
                headers=headers,
                timeout=self._timeout,
            ) as response:
                status = response.status
                text = await response.text()
        except TimeoutError as err:
            msg = f"Timeout waiting for the Graph API ({description})"
            raise WhatsAppConnectionError(msg) from err
        except aiohttp.ClientError as err:
            msg = f"Cannot reach the Graph API ({description}): {type(err).__name__}"
            raise WhatsAppConnectionError(msg) from err
        _LOGGER.debug("%s: HTTP %s", description, status)
        return decode_response(status, text, redact, error_overrides)


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

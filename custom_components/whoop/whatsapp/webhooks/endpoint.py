"""Meta's webhooks of one WhatsApp sender: the handshake, signed statuses and inbound messages.

Meta calls the sender's Home Assistant webhook with ``GET`` to verify it, then ``POST``s batches
signed with the app secret. A batch is checked (size before reading, signature in constant time,
shape), answered 200 at once and handled afterwards in a background task, so Meta never waits on
a send or a conversation agent. Meta delivers at least once and retries for about a day: each
status (wamid and status) and inbound message (wamid) is handled once, also across restarts.
"""

from collections import OrderedDict
from collections.abc import Callable, Iterable
from http import HTTPStatus
import logging
import time
from typing import Any, Final

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.storage import Store

from ...const import DOMAIN
from ...whatsapp_api import (
    SIGNATURE_HEADER,
    WEBHOOK_BODY_MAX_BYTES,
    InboundMessage,
    StatusUpdate,
    WebhookEvent,
    WhatsAppWebhookError,
    is_valid_signature,
    parse_webhook,
    verify_subscription,
)
from ..settings import WebhookSettings

_LOGGER = logging.getLogger(__name__)

SEEN_MAX: Final = 2000
"""Deliveries remembered for deduplication: Meta's retries of a day fit many times over."""
STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 10
REFUSED_LOG_INTERVAL: Final = 600.0
"""Seconds between two warnings about refused POSTs: forged requests do not flood the log."""
_READ_CHUNK: Final = 16 * 1024

type EventHandler = Callable[[tuple[WebhookEvent, ...]], None]


def storage_key(entry_id: str) -> str:
    """Return the storage key of a sender's handled webhook deliveries."""
    return f"{DOMAIN}.whatsapp_webhook_seen.{entry_id}"


def delivery_key(event: WebhookEvent) -> str:
    """What identifies a delivery Meta may repeat: a status of a wamid, or an inbound wamid."""
    if isinstance(event, StatusUpdate):
        return f"status:{event.message_id}:{event.status.value}"
    return f"message:{event.message_id}"


class SeenDeliveries:
    """The deliveries already handled, oldest first, bounded, kept across restarts."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Keep the deliveries of the sender ``entry_id`` in Home Assistant's storage."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id)
        )
        self._seen: OrderedDict[str, None] = OrderedDict()

    async def async_load(self) -> None:
        """Read the deliveries handled before the restart."""
        data = await self._store.async_load() or {}
        keys = data.get("seen", [])
        if isinstance(keys, list):
            self._seen.update(
                (key, None) for key in keys[-SEEN_MAX:] if isinstance(key, str)
            )

    async def async_save(self) -> None:
        """Write them now (on unload)."""
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete them (the sender was deleted)."""
        await self._store.async_remove()

    @callback
    def async_new(self, events: Iterable[WebhookEvent]) -> tuple[WebhookEvent, ...]:
        """Return the events not handled before, and remember them."""
        new: list[WebhookEvent] = []
        for event in events:
            key = delivery_key(event)
            if key in self._seen:
                continue
            self._seen[key] = None
            new.append(event)
        while len(self._seen) > SEEN_MAX:
            self._seen.popitem(last=False)
        if new:
            self._store.async_delay_save(self._data, SAVE_DELAY)
        return tuple(new)

    def _data(self) -> dict[str, Any]:
        return {"seen": list(self._seen)}


class WhatsAppWebhook:
    """The endpoint Meta calls for one business number."""

    def __init__(
        self,
        settings: WebhookSettings,
        phone_number_id: str,
        seen: SeenDeliveries,
        handle: EventHandler,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Answer for ``phone_number_id``; give new events to ``handle`` (after answering)."""
        self._settings = settings
        self._phone_number_id = phone_number_id
        self._seen = seen
        self._handle = handle
        self._monotonic = monotonic
        self._last_refusal_warning: float | None = None

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer Meta's handshake (GET) or take a batch of events (POST)."""
        if request.method == "GET":
            return self._verify(request)
        if (request.content_length or 0) > WEBHOOK_BODY_MAX_BYTES:
            self._refused("a body over the size limit")
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        body = await _read_bounded(request)
        if body is None:
            self._refused("a body over the size limit")
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        if not is_valid_signature(
            self._settings.app_secret, body, request.headers.get(SIGNATURE_HEADER)
        ):
            self._refused("a missing or wrong signature")
            return web.Response(status=HTTPStatus.UNAUTHORIZED)
        try:
            events = parse_webhook(body)
        except WhatsAppWebhookError as err:
            # Signed, so from Meta: a shape this integration does not know, worth a report.
            _LOGGER.warning(
                "Ignored a WhatsApp webhook that could not be read: %s", err
            )
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        ours = [
            event for event in events if event.phone_number_id == self._phone_number_id
        ]
        if len(ours) < len(events):
            _LOGGER.debug("Ignored webhook events for another business number")
        if new := self._seen.async_new(ours):
            # Answer Meta now; sends and conversation agents take their time afterwards.
            hass.loop.call_soon(self._handle, new)
        return web.Response(status=HTTPStatus.OK)

    def _verify(self, request: web.Request) -> web.Response:
        challenge = verify_subscription(
            request.query.get("hub.mode"),
            request.query.get("hub.verify_token"),
            request.query.get("hub.challenge"),
            self._settings.verify_token,
        )
        if challenge is None:
            self._refused("a verification with a wrong verify token")
            return web.Response(status=HTTPStatus.FORBIDDEN)
        _LOGGER.info("Meta verified the WhatsApp webhook")
        return web.Response(text=challenge, content_type="text/plain")

    def _refused(self, what: str) -> None:
        now = self._monotonic()
        last = self._last_refusal_warning
        if last is not None and now - last < REFUSED_LOG_INTERVAL:
            _LOGGER.debug("Refused a WhatsApp webhook request with %s", what)
            return
        self._last_refusal_warning = now
        _LOGGER.warning(
            "Refused a WhatsApp webhook request with %s (further ones for %d minutes are logged at debug level)",
            what,
            REFUSED_LOG_INTERVAL // 60,
        )


async def _read_bounded(request: web.Request) -> bytes | None:
    """Read the body, giving up past the limit (a chunked body declares no length)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(_READ_CHUNK):
        size += len(chunk)
        if size > WEBHOOK_BODY_MAX_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@callback
def async_register_webhook(
    hass: HomeAssistant, name: str, receiver: WhatsAppWebhook, webhook_id: str
) -> Callable[[], None]:
    """Listen on ``webhook_id`` for Meta (GET for the handshake, POST for events).

    Returns:
        The function that stops listening.
    """
    webhook.async_register(
        hass,
        DOMAIN,
        name,
        webhook_id,
        receiver.async_handle,
        allowed_methods=["GET", "POST"],
    )
    return lambda: webhook.async_unregister(hass, webhook_id)


def callback_url(hass: HomeAssistant, settings: WebhookSettings) -> str | None:
    """Return the URL to give Meta: the cloudhook, else the external URL; ``None`` if neither."""
    if settings.cloudhook_url:
        return settings.cloudhook_url
    try:
        # Meta posts from the internet: an internal URL would never be reached.
        return webhook.async_generate_url(
            hass, settings.webhook_id, allow_internal=False
        )
    except NoURLAvailableError:
        return None


def split_events(
    events: Iterable[WebhookEvent],
) -> tuple[list[StatusUpdate], list[InboundMessage]]:
    """Return the statuses and the inbound messages of a batch, each in order."""
    statuses = [event for event in events if isinstance(event, StatusUpdate)]
    inbound = [event for event in events if isinstance(event, InboundMessage)]
    return statuses, inbound

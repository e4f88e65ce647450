"""Set up a WhatsApp sender entry: check the token and the number, then a notify entity per recipient.

The entry is not reloaded when its recipients change: the notify platform adds the entities of new
recipients, Home Assistant removes those of deleted ones, and sends read a recipient's settings when
they happen. Only a change of the connection (a new token from reauthentication, another number or
app from reconfiguration) reloads the entry. A token the token watch renewed is already in use when
it reaches the entry, so it does not count as a change.
"""

import asyncio
from collections.abc import Coroutine
from functools import partial
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers.dispatcher import async_dispatcher_send

from ..const import DOMAIN
from ..whatsapp_api import (
    PhoneNumber,
    TokenInfo,
    WebhookEvent,
    WhatsAppAuthenticationError,
    WhatsAppClient,
    WhatsAppError,
    WhatsAppInvalidParameterError,
    WhatsAppPermissionError,
)
from .conversation_window import ConversationWindows
from .delivery.errors import DeliveryErrors
from .delivery.queue import RecipientQueues
from .delivery.retry import Retrier
from .delivery.sender import WhatsAppSender
from .delivery.timing import DeliveryTiming
from .masking import mask_numbers_in, sender_name
from .runtime_data import (
    WhatsAppConfigEntry,
    WhatsAppRuntimeData,
    signal_recipients_changed,
)
from .settings import SenderSettings, WebhookSettings, create_client
from .token_watch import TokenWatch
from .webhooks.cloudhook import async_delete_cloudhook
from .webhooks.endpoint import (
    SeenDeliveries,
    WhatsAppWebhook,
    async_register_webhook,
    split_events,
)
from .webhooks.inbound import InboundMessages
from .webhooks.receipts import Receipts

PLATFORMS: Final = [Platform.EVENT, Platform.NOTIFY, Platform.SENSOR]


async def async_setup_entry(hass: HomeAssistant, entry: WhatsAppConfigEntry) -> bool:
    """Set up a WhatsApp sender.

    Raises:
        ConfigEntryAuthFailed: The token is dead, lacks the messaging permission, or cannot use the
            phone number: reauthentication asks for a new one.
        ConfigEntryNotReady: The Cloud API could not be reached or failed; Home Assistant retries.
    """
    settings = SenderSettings.from_entry(entry)
    client = create_client(hass, settings)
    token_info, phone_number = await _async_check_sender(entry, client)
    sender = _create_sender(hass, entry, client)
    token_watch = TokenWatch(hass, entry, sender, settings)
    windows = ConversationWindows(hass, entry.entry_id)
    await windows.async_load()
    receipts = Receipts(
        hass,
        entry.entry_id,
        sender.errors,
        windows,
        background=partial(_background, hass, entry),
    )
    sender.follow(receipts, windows)
    webhook_settings = WebhookSettings.from_entry(entry)
    seen = None
    if webhook_settings is not None:
        seen = SeenDeliveries(hass, entry.entry_id)
        await seen.async_load()
    entry.runtime_data = WhatsAppRuntimeData(
        phone_number=phone_number,
        sender=sender,
        token_watch=token_watch,
        receipts=receipts,
        windows=windows,
        webhook=webhook_settings,
        seen=seen,
    )
    if webhook_settings is not None and seen is not None:
        _listen_to_meta(hass, entry, webhook_settings, seen)
    await token_watch.async_start(token_info)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    return True


def _listen_to_meta(
    hass: HomeAssistant,
    entry: WhatsAppConfigEntry,
    settings: WebhookSettings,
    seen: SeenDeliveries,
) -> None:
    """Register the sender's webhook: statuses go to the receipts, messages to the handler."""
    runtime = entry.runtime_data
    inbound = InboundMessages(
        hass,
        entry,
        runtime.sender,
        runtime.windows,
        runtime.receipts,
        partial(_background, hass, entry),
    )

    @callback
    def handle(events: tuple[WebhookEvent, ...]) -> None:
        statuses, messages = split_events(events)
        for status in statuses:
            runtime.receipts.async_status(status)
        for message in messages:
            inbound.async_handle(message)

    receiver = WhatsAppWebhook(
        settings, runtime.token_watch.settings.phone_number_id, seen, handle
    )
    entry.async_on_unload(
        async_register_webhook(
            hass, f"WhatsApp ({entry.title})", receiver, settings.webhook_id
        )
    )


def _background(
    hass: HomeAssistant,
    entry: WhatsAppConfigEntry,
    target: Coroutine[Any, Any, None],
    name: str,
) -> object:
    """Run slow work of the webhook (sends, agents) without holding up Meta's request."""
    return entry.async_create_background_task(hass, target, name)


async def async_remove_entry(hass: HomeAssistant, entry: WhatsAppConfigEntry) -> None:
    """Forget a deleted sender's windows and deliveries, and delete its cloudhook."""
    await ConversationWindows(hass, entry.entry_id).async_remove()
    await SeenDeliveries(hass, entry.entry_id).async_remove()
    settings = WebhookSettings.from_entry(entry)
    if settings is not None and settings.cloudhook_url:
        await async_delete_cloudhook(hass, settings.webhook_id)


def _create_sender(
    hass: HomeAssistant, entry: WhatsAppConfigEntry, client: WhatsAppClient
) -> WhatsAppSender:
    """Compose the sender; the timing is built here, so tests replace ``DeliveryTiming``."""
    timing = DeliveryTiming()
    return WhatsAppSender(
        client,
        RecipientQueues(
            timing.recipient_spacing, clock=hass.loop.time, sleep=asyncio.sleep
        ),
        Retrier(timing, asyncio.sleep),
        DeliveryErrors(hass, entry),
    )


async def async_unload_entry(hass: HomeAssistant, entry: WhatsAppConfigEntry) -> bool:
    """Unload a WhatsApp sender (sends already queued still complete).

    Windows and handled deliveries are written now: a delayed write would be lost with the entry.
    """
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    runtime = entry.runtime_data
    await runtime.windows.async_save()
    if runtime.seen is not None:
        await runtime.seen.async_save()
    return unloaded


async def _async_check_sender(
    entry: WhatsAppConfigEntry, client: WhatsAppClient
) -> tuple[TokenInfo, PhoneNumber]:
    placeholders = {"sender": sender_name(entry)}
    try:
        token_info = await client.debug_token()
        phone_number = await client.get_phone_number()
    except WhatsAppAuthenticationError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key="whatsapp_token_rejected",
            translation_placeholders=placeholders,
        ) from err
    except (WhatsAppPermissionError, WhatsAppInvalidParameterError) as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key="whatsapp_phone_number_inaccessible",
            translation_placeholders=placeholders,
        ) from err
    except WhatsAppError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="whatsapp_setup_unavailable",
            translation_placeholders={
                **placeholders,
                "details": mask_numbers_in(str(err)),
            },
        ) from err
    if not token_info.can_send_messages:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key="whatsapp_token_missing_permission"
            if token_info.is_valid
            else "whatsapp_token_rejected",
            translation_placeholders=placeholders,
        )
    return token_info, phone_number


async def _async_entry_updated(hass: HomeAssistant, entry: WhatsAppConfigEntry) -> None:
    """Reload on a new connection; otherwise let the notify platform catch up with the recipients."""
    runtime = entry.runtime_data
    if (
        SenderSettings.from_entry(entry) != runtime.token_watch.settings
        or WebhookSettings.from_entry(entry) != runtime.webhook
    ):
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    async_dispatcher_send(hass, signal_recipients_changed(entry.entry_id))

"""Set up a WhatsApp sender entry: check the token and the number, then a notify entity per recipient.

The entry is not reloaded when its recipients change: the notify platform adds the entities of new
recipients, Home Assistant removes those of deleted ones, and sends read a recipient's settings when
they happen. Only a change of the connection (a new token from reauthentication, another number or
app from reconfiguration) reloads the entry. A token the token watch renewed is already in use when
it reaches the entry, so it does not count as a change.
"""

import asyncio
from typing import Final

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers.dispatcher import async_dispatcher_send

from ..const import DOMAIN
from ..whatsapp_api import (
    PhoneNumber,
    TokenInfo,
    WhatsAppAuthenticationError,
    WhatsAppClient,
    WhatsAppError,
    WhatsAppInvalidParameterError,
    WhatsAppPermissionError,
)
from .delivery.errors import DeliveryErrors
from .delivery.queue import RecipientQueues
from .delivery.retry import Retrier
from .delivery.sender import WhatsAppSender
from .delivery.timing import DeliveryTiming
from .runtime_data import (
    WhatsAppConfigEntry,
    WhatsAppRuntimeData,
    signal_recipients_changed,
)
from .settings import SenderSettings, create_client
from .token_watch import TokenWatch

PLATFORMS: Final = [Platform.NOTIFY]


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
    entry.runtime_data = WhatsAppRuntimeData(
        phone_number=phone_number, sender=sender, token_watch=token_watch
    )
    await token_watch.async_start(token_info)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    return True


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
    """Unload a WhatsApp sender (sends already queued still complete)."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def _async_check_sender(
    entry: WhatsAppConfigEntry, client: WhatsAppClient
) -> tuple[TokenInfo, PhoneNumber]:
    placeholders = {"sender": entry.title}
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
            translation_placeholders={**placeholders, "details": str(err)},
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
    if SenderSettings.from_entry(entry) != entry.runtime_data.token_watch.settings:
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    async_dispatcher_send(hass, signal_recipients_changed(entry.entry_id))

"""WhatsApp notify entities: one per recipient (config subentry) of a WhatsApp sender.

Each recipient is a device of its own, named after the person, holding their notify entity
(``notify.<name>_whatsapp``): the person is what automations target, their device page gathers what
concerns them, and deleting the recipient removes the device with it. The sender has no entities of
its own, so it gets no device.
"""

from pathlib import Path
from typing import override

from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import NotifyEntityFeature
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, ServiceResponse, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...whatsapp_api import ReplyButton
from ..delivery.compose import TemplateBodyParameters
from ..delivery.media import MediaKind, MediaMessage, async_check_local_file
from ..runtime_data import WhatsAppConfigEntry, signal_recipients_changed
from ..settings import DEFAULT_TEMPLATE_LANGUAGE, RecipientSettings
from .platform import async_add_recipient_entities, recipient_device

# Sends are serialised per recipient by the sender's queues, not by the entity platform.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WhatsAppConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a notify entity per recipient now, and for each recipient added later."""
    async_add_recipient_entities(
        hass, entry, async_add_entities, WhatsAppRecipientEntity
    )


class WhatsAppRecipientEntity(NotifyEntity):
    """Sends notifications, templates and media to one person on WhatsApp."""

    _attr_has_entity_name = True
    _attr_translation_key = "whatsapp"
    _attr_supported_features = NotifyEntityFeature.TITLE

    def __init__(self, entry: WhatsAppConfigEntry, subentry: ConfigSubentry) -> None:
        """Represent the recipient ``subentry`` of the sender ``entry``."""
        self._entry = entry
        self._subentry_id = subentry.subentry_id
        self._attr_unique_id = subentry.subentry_id
        self._attr_device_info = recipient_device(subentry)

    @property
    def recipient(self) -> RecipientSettings:
        """The recipient's settings as they are now (edits apply without a reload)."""
        return RecipientSettings.from_subentry(
            self._entry.subentries[self._subentry_id]
        )

    @override
    async def async_added_to_hass(self) -> None:
        """Follow renames of the recipient."""
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_recipients_changed(self._entry.entry_id),
                self._async_recipient_changed,
            )
        )

    @callback
    def _async_recipient_changed(self) -> None:
        subentry = self._entry.subentries.get(self._subentry_id)
        device = self.device_entry
        if (
            subentry is not None
            and device is not None
            and device.name != subentry.title
        ):
            dr.async_get(self.hass).async_update_device(device.id, name=subentry.title)

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Deliver a notification by the recipient's delivery mode (``notify.send_message``)."""
        await self._entry.runtime_data.sender.async_send_notification(
            self.recipient, message, title
        )

    async def async_send_template(
        self,
        template: str,
        language: str | None = None,
        parameters: TemplateBodyParameters | None = None,
    ) -> ServiceResponse:
        """Send an approved template (the ``whoop.send_whatsapp_template`` action)."""
        recipient = self.recipient
        if language is None:
            language = (
                recipient.template.language
                if recipient.template
                else DEFAULT_TEMPLATE_LANGUAGE
            )
        sent = await self._entry.runtime_data.sender.async_send_template(
            recipient, template, language, parameters or []
        )
        self._async_record_notification()
        return {"message_id": sent.message_id}

    async def async_send_buttons(
        self,
        message: str,
        buttons: list[dict[str, str]],
        title: str | None = None,
    ) -> ServiceResponse:
        """Ask with up to three buttons (the ``whoop.send_whatsapp_buttons`` action).

        The press comes back as the recipient's ``button_pressed`` event and the
        ``whoop_whatsapp_message`` bus event, with the button's id.
        """
        sent = await self._entry.runtime_data.sender.async_send_buttons(
            self.recipient,
            message,
            [ReplyButton(id=button["id"], title=button["title"]) for button in buttons],
            title,
        )
        self._async_record_notification()
        return {"message_id": sent.message_id}

    async def async_send_media(
        self,
        kind: str,
        url: str | None = None,
        file: str | None = None,
        caption: str | None = None,
        filename: str | None = None,
    ) -> ServiceResponse:
        """Send an image or document by URL or from a local file (``whoop.send_whatsapp_media``)."""
        media_kind = MediaKind(kind)
        media_id = None
        if file is not None:
            filename = filename or Path(file).name
            media_id = await self._async_upload(file, media_kind, filename)
        elif filename is None and media_kind is MediaKind.DOCUMENT and url:
            filename = Path(url.split("?", 1)[0]).name or None
        sent = await self._entry.runtime_data.sender.async_send_media(
            self.recipient,
            MediaMessage(
                kind=media_kind,
                link=url if media_id is None else None,
                media_id=media_id,
                caption=caption,
                filename=filename if media_kind is MediaKind.DOCUMENT else None,
            ),
        )
        self._async_record_notification()
        return {"message_id": sent.message_id}

    async def _async_upload(self, file: str, kind: MediaKind, filename: str) -> str:
        """Upload a local file the configuration allows, returning its media id.

        Its size is checked against WhatsApp's limit for ``kind`` before anything reads it.
        """
        local_file = await async_check_local_file(self.hass, file, kind)
        return await self._entry.runtime_data.sender.async_upload_media_file(
            self.recipient, local_file, filename
        )

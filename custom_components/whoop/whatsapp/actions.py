"""The integration's actions: WhatsApp templates, media and buttons, sent to WhatsApp notify entities.

``notify.send_message`` carries only a title and a message; these entity actions target the same
recipient entities for what it cannot carry. Both answer with the id WhatsApp gave the message.
"""

from typing import Final

from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.core import HomeAssistant, SupportsResponse, callback
from homeassistant.helpers import config_validation as cv, service
import probatio as vol

from ..const import DOMAIN
from ..whatsapp_api import (
    INTERACTIVE_BODY_MAX_LENGTH,
    REPLY_BUTTON_ID_MAX_LENGTH,
    REPLY_BUTTON_TITLE_MAX_LENGTH,
    REPLY_BUTTONS_MAX,
)
from .delivery.media import MediaKind

SERVICE_SEND_WHATSAPP_TEMPLATE: Final = "send_whatsapp_template"
SERVICE_SEND_WHATSAPP_MEDIA: Final = "send_whatsapp_media"
SERVICE_SEND_WHATSAPP_BUTTONS: Final = "send_whatsapp_buttons"

ATTR_TEMPLATE: Final = "template"
ATTR_LANGUAGE: Final = "language"
ATTR_PARAMETERS: Final = "parameters"
ATTR_KIND: Final = "kind"
ATTR_URL: Final = "url"
ATTR_FILE: Final = "file"
ATTR_CAPTION: Final = "caption"
ATTR_FILENAME: Final = "filename"
ATTR_MESSAGE: Final = "message"
ATTR_TITLE: Final = "title"
ATTR_BUTTONS: Final = "buttons"
ATTR_ID: Final = "id"

_MEDIA_SOURCE: Final = "media_source"
_MEDIA_SOURCE_MESSAGE: Final = "Give either a URL or a file, not both"

SEND_TEMPLATE_SCHEMA: Final = cv.make_entity_service_schema(
    {
        vol.Required(ATTR_TEMPLATE): cv.string,
        vol.Optional(ATTR_LANGUAGE): cv.string,
        # A list fills positional body parameters {{1}}, {{2}}...; a mapping fills named ones.
        vol.Optional(ATTR_PARAMETERS): vol.Any([cv.string], {cv.string: cv.string}),
    }
)

SEND_MEDIA_SCHEMA: Final = vol.All(
    cv.make_entity_service_schema(
        {
            vol.Required(ATTR_KIND): vol.In([kind.value for kind in MediaKind]),
            vol.Exclusive(ATTR_URL, _MEDIA_SOURCE, msg=_MEDIA_SOURCE_MESSAGE): cv.url,
            vol.Exclusive(
                ATTR_FILE, _MEDIA_SOURCE, msg=_MEDIA_SOURCE_MESSAGE
            ): cv.string,
            vol.Optional(ATTR_CAPTION): cv.string,
            vol.Optional(ATTR_FILENAME): cv.string,
        }
    ),
    cv.has_at_least_one_key(ATTR_URL, ATTR_FILE),
)

BUTTON_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_ID): vol.All(
            cv.string, vol.Length(min=1, max=REPLY_BUTTON_ID_MAX_LENGTH)
        ),
        vol.Required(ATTR_TITLE): vol.All(
            cv.string, vol.Length(min=1, max=REPLY_BUTTON_TITLE_MAX_LENGTH)
        ),
    }
)

SEND_BUTTONS_SCHEMA: Final = cv.make_entity_service_schema(
    {
        vol.Required(ATTR_MESSAGE): vol.All(
            cv.string, vol.Length(min=1, max=INTERACTIVE_BODY_MAX_LENGTH)
        ),
        vol.Optional(ATTR_TITLE): cv.string,
        vol.Required(ATTR_BUTTONS): vol.All(
            cv.ensure_list, [BUTTON_SCHEMA], vol.Length(min=1, max=REPLY_BUTTONS_MAX)
        ),
    }
)


@callback
def async_setup_whatsapp_actions(hass: HomeAssistant) -> None:
    """Register the WhatsApp actions."""
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_SEND_WHATSAPP_TEMPLATE,
        entity_domain=NOTIFY_DOMAIN,
        schema=SEND_TEMPLATE_SCHEMA,
        func="async_send_template",
        supports_response=SupportsResponse.OPTIONAL,
    )
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_SEND_WHATSAPP_MEDIA,
        entity_domain=NOTIFY_DOMAIN,
        schema=SEND_MEDIA_SCHEMA,
        func="async_send_media",
        supports_response=SupportsResponse.OPTIONAL,
    )
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_SEND_WHATSAPP_BUTTONS,
        entity_domain=NOTIFY_DOMAIN,
        schema=SEND_BUTTONS_SCHEMA,
        func="async_send_buttons",
        supports_response=SupportsResponse.OPTIONAL,
    )

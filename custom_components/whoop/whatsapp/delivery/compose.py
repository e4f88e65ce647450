"""What a notification becomes on WhatsApp: a text (in as many parts as needed) or template parameters.

Flattening and shortening template parameters to WhatsApp's limits is the client's job
(``whatsapp_api.compose``); this module decides what goes into them.
"""

from collections.abc import Mapping, Sequence
from typing import Final

from homeassistant.exceptions import ServiceValidationError

from ...const import DOMAIN
from ...whatsapp_api import TEXT_MAX_LENGTH, split_text
from ..settings import (
    DEFAULT_TEMPLATE_LANGUAGE,
    DEFAULT_TITLE,
    RecipientSettings,
    TemplateParameters,
    TemplateSettings,
)

type TemplateBodyParameters = Sequence[str] | Mapping[str, str]

# The template's own text is not known here, yet title, message and that text together must fit
# the 1,024 characters of a template body (else 132005). A notification's parameters leave room
# for a fixed text of FIXED_TEXT_ALLOWANCE characters; should Meta still find the body too long,
# the second try leaves room for FIXED_TEXT_ALLOWANCE_RETRY.
# At the spacing one person tolerates (6 s) ten parts take a minute and hold their queue that
# long; a longer text is refused before anything goes out, rather than flooding them.
TEXT_PARTS_MAX: Final = 10
TEXT_MAX_TOTAL_LENGTH: Final = TEXT_PARTS_MAX * TEXT_MAX_LENGTH

FIXED_TEXT_ALLOWANCE: Final = 256
FIXED_TEXT_ALLOWANCE_RETRY: Final = 768


def text_body(message: str, title: str | None) -> str:
    """Return the text of a notification: the title in bold on its own line, then the message."""
    return f"*{title}*\n{message}" if title else message


def text_parts(message: str, title: str | None) -> list[str]:
    """Return the notification as texts WhatsApp accepts, in order: longer ones are split, not cut.

    Raises:
        ServiceValidationError: The text would take more than ``TEXT_PARTS_MAX`` messages.
    """
    body = text_body(message, title)
    # The length first, so a huge text costs no splitting; cuts at paragraphs may need a part more.
    if (
        len(body) > TEXT_MAX_TOTAL_LENGTH
        or len(parts := split_text(body, TEXT_MAX_LENGTH)) > TEXT_PARTS_MAX
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="whatsapp_message_too_long",
            translation_placeholders={
                "length": str(len(body)),
                "limit": str(TEXT_MAX_TOTAL_LENGTH),
            },
        )
    return parts


def notification_template_parameters(
    template: TemplateSettings, message: str, title: str | None
) -> TemplateBodyParameters:
    """Fill a recipient's template from a notification (the client flattens and fits them)."""
    title = title or DEFAULT_TITLE
    match template.parameters:
        case TemplateParameters.TITLE_AND_MESSAGE:
            return [title, message]
        case TemplateParameters.MESSAGE:
            return [message]
        case TemplateParameters.NAMED:
            named: dict[str, str] = {}
            if template.title_parameter:
                named[template.title_parameter] = title
            named[template.message_parameter or "message"] = message
            return named
        case _:  # TemplateParameters.NONE: the template's fixed text
            return []


def buttons_template(recipient: RecipientSettings, name: str) -> TemplateSettings:
    """Return the recipient's buttons template, filled like their notification template.

    Its language and parameter mapping are those of the notification template; without one,
    its body parameter 1 is the question.
    """
    template = recipient.template
    if template is None:
        return TemplateSettings(
            name=name,
            language=DEFAULT_TEMPLATE_LANGUAGE,
            parameters=TemplateParameters.MESSAGE,
        )
    return TemplateSettings(
        name=name,
        language=template.language,
        parameters=template.parameters,
        title_parameter=template.title_parameter,
        message_parameter=template.message_parameter,
    )

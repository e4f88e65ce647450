"""Sending approved templates, the only messages delivered outside the 24-hour window."""

from collections.abc import Sequence
from dataclasses import replace
import logging
from typing import Final

from ._client_base import ClientBase
from ._json import as_list, as_object, optional_str
from .compose import (
    TEMPLATE_HEADER_MAX_LENGTH,
    TemplateParameters,
    compose_template_parameters,
)
from .interactive import quick_reply_components
from .models import MessageTemplate, SentMessage

_LOGGER = logging.getLogger(__name__)

_TEMPLATE_FIELDS: Final = "name,language,status,category,components,parameter_format"
TEMPLATE_PAGE_SIZE: Final = 100
# Meta allows an unverified business 250 templates; 10 pages of 100 bound the listing.
TEMPLATE_MAX_PAGES: Final = 10


class TemplateRequests(ClientBase):
    """Sends templates with their parameters fitted to WhatsApp's limits."""

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
            response = await self._transport.request(
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

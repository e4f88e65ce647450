"""Listing a business account's message templates: the business account id, paging, permissions."""

import pytest

from custom_components.whoop.whatsapp_api import (
    MessageTemplate,
    WhatsAppClient,
    WhatsAppInvalidParameterError,
    WhatsAppPermissionError,
)
from custom_components.whoop.whatsapp_api._templates import (
    TEMPLATE_MAX_PAGES,
    TEMPLATE_PAGE_SIZE,
)
from sandbox.graph import (
    ALERT_TEMPLATE,
    NAMED_ALERT_TEMPLATE,
    QUICK_REPLY_TEMPLATE,
    GraphSandbox,
)

BUSINESS_ACCOUNT_ID = GraphSandbox.BUSINESS_ACCOUNT_ID


async def test_the_token_names_the_business_account_it_manages(
    client: WhatsAppClient,
) -> None:
    info = await client.debug_token()
    assert info.managed_business_account_ids == (BUSINESS_ACCOUNT_ID,)


async def test_templates_with_their_parameters(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_template(
        "with_header", "de", body="Hallo {{1}}", header="Für {{1}}", status="PAUSED"
    )
    templates = {
        (t.name, t.language): t
        for t in await client.list_message_templates(BUSINESS_ACCOUNT_ID)
    }

    assert templates[ALERT_TEMPLATE, "en_US"] == MessageTemplate(
        name=ALERT_TEMPLATE,
        language="en_US",
        status="APPROVED",
        category="UTILITY",
        body_parameters=("1", "2"),
    )
    assert templates[NAMED_ALERT_TEMPLATE, "en_US"].named
    assert templates[NAMED_ALERT_TEMPLATE, "en_US"].body_parameters == (
        "title",
        "message",
    )
    assert templates[QUICK_REPLY_TEMPLATE, "en_US"].is_approved
    paused = templates["with_header", "de"]
    assert not paused.is_approved
    assert paused.header_parameters == ("1",)


async def test_paging_is_followed(client: WhatsAppClient, graph: GraphSandbox) -> None:
    for number in range(TEMPLATE_PAGE_SIZE + 20):
        graph.add_template(f"bulk_{number}", body="Hello")
    templates = await client.list_message_templates(BUSINESS_ACCOUNT_ID)
    assert len(templates) == TEMPLATE_PAGE_SIZE + 20 + 3
    assert len({t.name for t in templates}) == len(templates)


async def test_paging_is_bounded(client: WhatsAppClient, graph: GraphSandbox) -> None:
    for number in range(TEMPLATE_PAGE_SIZE * TEMPLATE_MAX_PAGES + 1):
        graph.add_template(f"bulk_{number}", body="Hello")
    templates = await client.list_message_templates(BUSINESS_ACCOUNT_ID)
    assert len(templates) == TEMPLATE_PAGE_SIZE * TEMPLATE_MAX_PAGES


async def test_a_messaging_only_token_may_not_read_templates(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token("EAAMessagingOnly", scopes=("whatsapp_business_messaging",))
    client.set_access_token("EAAMessagingOnly")
    assert (await client.debug_token()).managed_business_account_ids == ()
    with pytest.raises(WhatsAppPermissionError):
        await client.list_message_templates(BUSINESS_ACCOUNT_ID)


async def test_an_unknown_business_account(client: WhatsAppClient) -> None:
    with pytest.raises(WhatsAppInvalidParameterError):
        await client.list_message_templates("999")


async def test_a_token_without_phone_numbers_manages_no_account(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token("EAANoNumbers", phone_number_ids=())
    client.set_access_token("EAANoNumbers")
    assert (await client.debug_token()).managed_business_account_ids == ()

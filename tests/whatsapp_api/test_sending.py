"""Every kind of send, checked at the HTTP boundary: what the sandbox received."""

import aiohttp
import pytest

from custom_components.whoop.whatsapp_api import (
    GRAPH_API_VERSION,
    InvalidPhoneNumberError,
    WhatsAppClient,
    WhatsAppInvalidParameterError,
    WhatsAppMessageError,
    WhatsAppTemplateError,
)
from sandbox.graph import ALERT_TEMPLATE, NAMED_ALERT_TEMPLATE, GraphSandbox

from .conftest import RECIPIENT, START


async def test_send_text(client: WhatsAppClient, graph: GraphSandbox) -> None:
    sent = await client.send_text("+49 151 2345-6789", "Recovery 34 %: take it easy")

    assert sent.wa_id == "4915123456789"
    assert sent.message_id.startswith("wamid.")
    [message] = graph.messages
    assert message.message_id == sent.message_id
    assert (message.type, message.to, message.text) == (
        "text",
        RECIPIENT,
        "Recovery 34 %: take it easy",
    )
    assert message.at == START
    assert message.preview_url is False
    assert message.payload["to"] == RECIPIENT
    assert message.payload["messaging_product"] == "whatsapp"


async def test_send_text_with_preview_and_reply(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    first = await client.send_text(RECIPIENT, "Sleep report")
    await client.send_text(
        RECIPIENT,
        "See https://example.com",
        preview_url=True,
        reply_to=first.message_id,
    )

    reply = graph.messages[-1]
    assert reply.reply_to == first.message_id
    assert reply.preview_url is True
    assert reply.payload["context"] == {"message_id": first.message_id}


async def test_send_template_with_positional_parameters(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    sent = await client.send_template(
        RECIPIENT,
        ALERT_TEMPLATE,
        "en_US",
        body_parameters=["Low recovery", "Recovery 21 %\n\nRest today."],
    )

    assert sent.message_status == "accepted"
    [message] = graph.messages
    assert message.template_name == ALERT_TEMPLATE
    assert message.template_language == "en_US"
    # The newlines were flattened before sending: Meta refuses them in parameters.
    assert message.body_parameters == ("Low recovery", "Recovery 21 % · Rest today.")
    assert (
        message.text
        == "WHOOP alert: Low recovery\n\nRecovery 21 % · Rest today.\n\nSent by Home Assistant."
    )
    assert message.parameter_names == ()


async def test_send_template_with_named_parameters(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    await client.send_template(
        RECIPIENT,
        NAMED_ALERT_TEMPLATE,
        "en_US",
        body_parameters={"message": "Strain 18.2\tso far", "title": "High strain"},
    )

    [message] = graph.messages
    assert message.parameter_names == ("message", "title")
    assert (
        message.text
        == "WHOOP alert: High strain\n\nStrain 18.2 so far\n\nSent by Home Assistant."
    )
    components = message.payload["template"]["components"]  # type: ignore[index]
    assert components == [
        {
            "type": "body",
            "parameters": [
                {
                    "type": "text",
                    "text": "Strain 18.2 so far",
                    "parameter_name": "message",
                },
                {"type": "text", "text": "High strain", "parameter_name": "title"},
            ],
        }
    ]


async def test_send_template_with_header_parameter(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_template(
        "whoop_daily",
        "de",
        header="Guten Morgen {{1}}",
        body="Erholung {{1}}, Schlaf {{2}}.",
    )

    await client.send_template(
        RECIPIENT,
        "whoop_daily",
        "de",
        header_parameters=["Anna"],
        body_parameters=["87 %", "7 h 40"],
    )

    [message] = graph.messages
    assert message.header_parameters == ("Anna",)
    assert message.text == "Guten Morgen Anna\nErholung 87 %, Schlaf 7 h 40."


# ALERT_TEMPLATE's text without its two placeholders.
ALERT_FIXED_LENGTH = len("WHOOP alert: \n\n\n\nSent by Home Assistant.")


async def test_long_parameters_are_shortened_so_meta_accepts_the_template(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    sent = await client.send_template(
        RECIPIENT,
        ALERT_TEMPLATE,
        "en_US",
        body_parameters=["Low recovery", "Rest today. " * 200],
        body_fixed_length=ALERT_FIXED_LENGTH,
    )

    assert sent.shortened_parameters == ("body.2",)
    [message] = graph.messages
    assert message.body_parameters[0] == "Low recovery"
    assert message.body_parameters[1].endswith("…")
    assert 1000 < len(message.text or "") <= 1024


async def test_without_the_fixed_length_each_parameter_is_cut_to_1024(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    # Each parameter fits alone, but the whole body does not: Meta answers 132005.
    with pytest.raises(WhatsAppTemplateError) as caught:
        await client.send_template(
            RECIPIENT,
            ALERT_TEMPLATE,
            "en_US",
            body_parameters=["x" * 600, "y" * 2000],
        )

    assert caught.value.code == 132005
    assert graph.messages == []


async def test_a_long_header_parameter_is_shortened(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_template("whoop_daily", header="Hi {{1}}", body="Recovery {{1}}.")

    sent = await client.send_template(
        RECIPIENT,
        "whoop_daily",
        "en_US",
        header_parameters=["Anna " * 30],
        body_parameters=["87 %"],
    )
    fitted = await client.send_template(
        RECIPIENT,
        "whoop_daily",
        "en_US",
        header_parameters=["Anna " * 30],
        header_fixed_length=len("Hi "),
        body_parameters=["87 %"],
    )

    assert sent.shortened_parameters == fitted.shortened_parameters == ("header.1",)
    first, second = graph.messages
    assert 50 < len(first.header_parameters[0]) <= 60
    assert 50 < len(second.header_parameters[0]) <= 60 - len("Hi ")
    assert second.header_parameters[0].endswith("…")


async def test_nothing_is_shortened_when_everything_fits(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    sent = await client.send_template(
        RECIPIENT, ALERT_TEMPLATE, "en_US", body_parameters=["A", "B"]
    )

    assert sent.shortened_parameters == ()
    assert graph.messages[0].body_parameters == ("A", "B")


async def test_send_template_without_parameters(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_template("whoop_hello", body="Your WHOOP is connected to Home Assistant.")

    await client.send_template(RECIPIENT, "whoop_hello", "en_US")

    assert "components" not in graph.messages[0].payload["template"]  # type: ignore[operator]


async def test_send_image_by_link(client: WhatsAppClient, graph: GraphSandbox) -> None:
    await client.send_image(
        RECIPIENT, link="https://example.com/chart.png", caption="Last 7 days"
    )

    [message] = graph.messages
    assert (message.type, message.media_link, message.caption) == (
        "image",
        "https://example.com/chart.png",
        "Last 7 days",
    )
    assert message.media_id is None


async def test_send_document_by_link(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    await client.send_document(
        RECIPIENT,
        link="https://example.com/r.pdf",
        filename="report.pdf",
        caption="November",
    )

    [message] = graph.messages
    assert (message.type, message.media_link, message.filename, message.caption) == (
        "document",
        "https://example.com/r.pdf",
        "report.pdf",
        "November",
    )


async def test_upload_then_send_image_and_document_by_id(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    image_id = await client.upload_media(png, "image/png", "chart.png")
    pdf_id = await client.upload_media(
        b"%PDF-1.7 fake", "application/pdf", "report.pdf"
    )

    await client.send_image(RECIPIENT, media_id=image_id)
    await client.send_document(RECIPIENT, media_id=pdf_id, filename="report.pdf")

    assert image_id != pdf_id
    upload = graph.uploads[image_id]
    assert (upload.filename, upload.mime_type, upload.data) == (
        "chart.png",
        "image/png",
        png,
    )
    assert [(m.type, m.media_id) for m in graph.messages] == [
        ("image", image_id),
        ("document", pdf_id),
    ]


async def test_pdf_upload_cannot_be_sent_as_image(client: WhatsAppClient) -> None:
    pdf_id = await client.upload_media(b"%PDF-1.7", "application/pdf", "report.pdf")

    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.send_image(RECIPIENT, media_id=pdf_id)

    assert caught.value.code == 131053


async def test_unknown_media_id_is_refused(client: WhatsAppClient) -> None:
    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.send_document(RECIPIENT, media_id="999")

    assert caught.value.code == 100
    assert "media id" in str(caught.value)


async def test_unsupported_upload_type_is_refused(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.upload_media(b"MZ", "application/x-msdownload", "virus.exe")

    assert caught.value.code == 131053
    assert graph.uploads == {}


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({}, "exactly one"),
        ({"link": "https://example.com/a.png", "media_id": "1"}, "exactly one"),
        ({"media_id": "1", "caption": "c" * 1025}, "caption holds at most 1024"),
    ],
)
async def test_media_needs_one_source_and_a_short_caption(
    client: WhatsAppClient, graph: GraphSandbox, kwargs: dict[str, str], reason: str
) -> None:
    with pytest.raises(WhatsAppMessageError, match=reason):
        await client.send_image(RECIPIENT, **kwargs)

    assert graph.messages == []


@pytest.mark.parametrize("body", ["", "   \n", "x" * 4097])
async def test_invalid_text_is_refused_before_sending(
    client: WhatsAppClient, graph: GraphSandbox, body: str
) -> None:
    with pytest.raises(WhatsAppMessageError, match="text message"):
        await client.send_text(RECIPIENT, body)

    assert graph.messages == []


async def test_text_of_exactly_4096_characters_is_sent(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    await client.send_text(RECIPIENT, "x" * 4096)

    assert len(graph.messages[0].text or "") == 4096


async def test_empty_template_parameter_is_refused_before_sending(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    with pytest.raises(WhatsAppMessageError, match="parameter 2 is empty"):
        await client.send_template(
            RECIPIENT, ALERT_TEMPLATE, "en_US", body_parameters=["Title", " \n\t "]
        )

    assert graph.messages == []


async def test_number_without_country_code_is_refused_before_sending(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    with pytest.raises(InvalidPhoneNumberError):
        await client.send_text("0151 23456789", "Hi")

    assert graph.messages == []


async def test_requests_use_the_version_constant_and_bearer_token(
    session: aiohttp.ClientSession, graph_url: str, graph: GraphSandbox
) -> None:
    graph.add_token("other-token")
    client = WhatsAppClient(
        session, "other-token", graph.PHONE_NUMBER_ID, base_url=graph_url + "/"
    )
    await client.send_text(RECIPIENT, "Hi")

    assert GRAPH_API_VERSION == "v26.0"
    assert len(graph.messages) == 1


async def test_any_api_version_is_served(
    session: aiohttp.ClientSession, graph_url: str, graph: GraphSandbox
) -> None:
    client = WhatsAppClient(
        session,
        graph.ACCESS_TOKEN,
        graph.PHONE_NUMBER_ID,
        base_url=graph_url,
        api_version="v22.0",
    )

    await client.send_text(RECIPIENT, "Hi")

    assert len(graph.messages) == 1


async def test_set_access_token_switches_tokens(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token("second-token")
    graph.revoke_token(graph.ACCESS_TOKEN)

    client.set_access_token("second-token")
    await client.send_text(RECIPIENT, "Hi")

    assert len(graph.messages) == 1
    assert client.phone_number_id == graph.PHONE_NUMBER_ID


async def test_a_single_string_is_not_taken_for_parameters(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    with pytest.raises(TypeError, match="not one text"):
        await client.send_template(
            RECIPIENT, ALERT_TEMPLATE, "en_US", body_parameters="Low recovery"
        )

    assert graph.messages == []

"""The Send WhatsApp template and Send WhatsApp media actions, checked at the Graph API."""

from pathlib import Path
from typing import Any

from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import probatio
import pytest

from custom_components.whoop.const import DOMAIN
from custom_components.whoop.whatsapp.settings import RecipientSettings
from sandbox.graph import NAMED_ALERT_TEMPLATE, GraphSandbox
from tests.integration.whatsapp.conftest import (
    ALICE,
    ALICE_ENTITY,
    BOB,
    BOB_ENTITY,
    SetUpSender,
    recipient,
)

PDF = b"%PDF-1.4\n% a tiny report\n"


async def _call(
    hass: HomeAssistant, service: str, entity_id: str = ALICE_ENTITY, **data: Any
) -> ServiceResponse:
    return await hass.services.async_call(
        DOMAIN,
        service,
        {ATTR_ENTITY_ID: entity_id, **data},
        blocking=True,
        return_response=True,
    )


async def test_template_with_positional_parameters_flattened(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()  # a text-only recipient: templates reach them anyway

    response = await _call(
        hass,
        "send_whatsapp_template",
        template="whoop_alert",
        parameters=["Sleep", "Slept 6 h.\nGo to bed earlier"],
    )

    [sent] = graph.messages_to(ALICE)
    assert response == {ALICE_ENTITY: {"message_id": sent.message_id}}
    assert sent.template_name == "whoop_alert"
    assert sent.template_language == "en_US"
    assert sent.body_parameters == ("Sleep", "Slept 6 h. Go to bed earlier")
    state = hass.states.get(ALICE_ENTITY)
    assert state is not None
    assert state.state != STATE_UNKNOWN


async def test_template_with_named_parameters(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()

    await _call(
        hass,
        "send_whatsapp_template",
        template=NAMED_ALERT_TEMPLATE,
        language="en_US",
        parameters={"title": "Strain", "message": "Strain 19.2"},
    )

    [sent] = graph.messages_to(ALICE)
    assert dict(zip(sent.parameter_names, sent.body_parameters, strict=True)) == {
        "title": "Strain",
        "message": "Strain 19.2",
    }


async def test_template_language_defaults_to_the_recipients(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    graph.add_template("whoop_alert", "de_DE", body="WHOOP: {{1}} {{2}}")
    await set_up_sender(
        recipient("Alice", delivery_mode="automatic", template_language="de_DE"),
        recipient("Bob", BOB, delivery_mode="text"),
    )

    await _call(
        hass, "send_whatsapp_template", template="whoop_alert", parameters=["a", "b"]
    )
    await _call(
        hass,
        "send_whatsapp_template",
        BOB_ENTITY,
        template="whoop_alert",
        parameters=["a", "b"],
    )

    assert graph.messages_to(ALICE)[0].template_language == "de_DE"
    assert graph.messages_to(BOB)[0].template_language == "en_US"


async def test_template_errors_name_the_template(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, "send_whatsapp_template", template="nope", language="fr")
    assert caught.value.translation_key == "whatsapp_template_refused"
    assert caught.value.translation_placeholders["template"] == "nope"
    assert caught.value.translation_placeholders["language"] == "fr"


async def test_image_by_url(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)

    response = await _call(
        hass,
        "send_whatsapp_media",
        kind="image",
        url="https://example.com/chart.png",
        caption="Your week",
    )

    [sent] = graph.messages_to(ALICE)
    assert response == {ALICE_ENTITY: {"message_id": sent.message_id}}
    assert sent.type == "image"
    assert sent.media_link == "https://example.com/chart.png"
    assert sent.caption == "Your week"
    assert sent.filename is None


async def test_document_by_url_is_named_after_the_url(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)

    await _call(
        hass,
        "send_whatsapp_media",
        kind="document",
        url="https://example.com/reports/sleep.pdf?week=47",
    )
    await _call(
        hass,
        "send_whatsapp_media",
        kind="document",
        url="https://example.com/reports/sleep.pdf",
        filename="Sleep report.pdf",
    )

    assert [message.filename for message in graph.messages_to(ALICE)] == [
        "sleep.pdf",
        "Sleep report.pdf",
    ]


async def test_document_from_a_local_file_is_uploaded_first(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
) -> None:
    report = tmp_path / "sleep.pdf"
    report.write_bytes(PDF)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()
    graph.open_window(ALICE)

    await _call(
        hass,
        "send_whatsapp_media",
        kind="document",
        file=str(report),
        caption="Week 47",
    )

    [upload] = graph.uploads.values()
    assert upload.data == PDF
    assert upload.mime_type == "application/pdf"
    assert upload.filename == "sleep.pdf"
    [sent] = graph.messages_to(ALICE)
    assert sent.type == "document"
    assert sent.media_id == upload.media_id
    assert sent.media_link is None
    assert sent.filename == "sleep.pdf"
    assert sent.caption == "Week 47"


async def test_image_from_a_local_file(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n")
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()
    graph.open_window(ALICE)

    await _call(hass, "send_whatsapp_media", kind="image", file=str(chart))

    [sent] = graph.messages_to(ALICE)
    assert sent.type == "image"
    assert sent.media_id in graph.uploads
    assert graph.uploads[sent.media_id].mime_type == "image/png"


async def test_a_file_type_whatsapp_refuses(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
) -> None:
    odd = tmp_path / "data.xyz"
    odd.write_bytes(b"?")
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()

    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, "send_whatsapp_media", kind="document", file=str(odd))

    assert caught.value.translation_key == "whatsapp_invalid_parameter"
    assert graph.uploads == {}


async def test_a_file_outside_the_allowed_folders_is_refused(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secrets.yaml"
    secret.write_text("password: hunter2")
    hass.config.allowlist_external_dirs = set()
    await set_up_sender()

    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, "send_whatsapp_media", kind="document", file=str(secret))

    assert caught.value.translation_key == "whatsapp_path_not_allowed"
    assert graph.uploads == {}


async def test_a_missing_file_is_reported(
    hass: HomeAssistant, set_up_sender: SetUpSender, tmp_path: Path
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()

    with pytest.raises(ServiceValidationError) as caught:
        await _call(
            hass, "send_whatsapp_media", kind="image", file=str(tmp_path / "none.png")
        )

    assert caught.value.translation_key == "whatsapp_file_unreadable"


async def test_a_caption_too_long_is_refused_not_cut(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    graph.open_window(ALICE)

    with pytest.raises(ServiceValidationError) as caught:
        await _call(
            hass,
            "send_whatsapp_media",
            kind="image",
            url="https://example.com/chart.png",
            caption="x" * 1025,
        )

    assert caught.value.translation_key == "whatsapp_caption_too_long"
    assert caught.value.translation_placeholders == {"length": "1025", "limit": "1024"}
    assert graph.messages == []


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "image"},
        {
            "kind": "image",
            "url": "https://example.com/a.png",
            "file": "/config/www/a.png",
        },
        {"kind": "video", "url": "https://example.com/a.mp4"},
        {"kind": "image", "url": "not a url"},
    ],
)
async def test_media_action_schema(
    hass: HomeAssistant, set_up_sender: SetUpSender, data: dict[str, Any]
) -> None:
    await set_up_sender()
    with pytest.raises(probatio.Invalid):
        await _call(hass, "send_whatsapp_media", **data)


async def test_actions_reach_only_whatsapp_entities(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    await set_up_sender()
    with pytest.raises(HomeAssistantError, match="did not match any entities"):
        await _call(
            hass,
            "send_whatsapp_template",
            "notify.somebody_else",
            template="whoop_alert",
            parameters=["a", "b"],
        )
    assert graph.messages == []


async def test_an_upload_is_retried_once_after_a_temporary_failure(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
) -> None:
    report = tmp_path / "sleep.pdf"
    report.write_bytes(PDF)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next(131000, endpoint="media")

    await _call(hass, "send_whatsapp_media", kind="document", file=str(report))

    assert len(graph.uploads) == 1
    assert len(graph.messages_to(ALICE)) == 1
    assert [r.status >= 400 for r in graph.requests.to("media")] == [True, False]


async def test_an_upload_failing_twice_is_reported_and_nothing_is_sent(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
) -> None:
    report = tmp_path / "sleep.pdf"
    report.write_bytes(PDF)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()
    graph.open_window(ALICE)
    graph.fail_next(131000, endpoint="media", count=3)

    with pytest.raises(HomeAssistantError):
        await _call(hass, "send_whatsapp_media", kind="document", file=str(report))

    assert len(graph.requests.to("media")) == 2
    assert graph.uploads == {}
    assert graph.requests.to("messages") == []


# Local files: checked against WhatsApp's limits before they are read -----------------------

MEGABYTE = 1024 * 1024


def _sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk space (and no memory unless read)."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


@pytest.mark.parametrize(
    ("kind", "name", "size", "limit"),
    [
        ("image", "chart.png", 5 * MEGABYTE + 1, "5 MB"),
        ("document", "history.pdf", 100 * MEGABYTE + 1, "100 MB"),
    ],
)
async def test_a_file_over_the_limit_of_its_kind_is_refused_unread(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
    kind: str,
    name: str,
    size: int,
    limit: str,
) -> None:
    big = _sparse(tmp_path / name, size)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()
    graph.open_window(ALICE)

    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, "send_whatsapp_media", kind=kind, file=str(big))

    assert caught.value.translation_key == "whatsapp_file_too_large"
    assert f"{kind} files of at most {limit}" in str(caught.value)
    assert graph.uploads == {}
    assert graph.messages == []


async def test_a_document_larger_than_an_image_may_be_is_streamed(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
) -> None:
    report = _sparse(tmp_path / "year.pdf", 6 * MEGABYTE)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()
    graph.open_window(ALICE)

    await _call(hass, "send_whatsapp_media", kind="document", file=str(report))

    [upload] = graph.uploads.values()
    assert len(upload.data) == 6 * MEGABYTE
    assert upload.mime_type == "application/pdf"
    [sent] = graph.messages_to(ALICE)
    assert sent.media_id == upload.media_id


async def test_an_image_too_large_sent_as_a_document_is_refused_by_its_type(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
) -> None:
    # Within the document limit, but WhatsApp takes a PNG only up to the image limit.
    photo = _sparse(tmp_path / "photo.png", 6 * MEGABYTE)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()

    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, "send_whatsapp_media", kind="document", file=str(photo))

    assert caught.value.translation_key == "whatsapp_file_too_large"
    assert "image files of at most 5 MB" in str(caught.value)
    assert "6.0 MB" in str(caught.value)
    assert graph.uploads == {}


async def test_a_folder_is_not_a_file_to_send(
    hass: HomeAssistant, set_up_sender: SetUpSender, tmp_path: Path
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()

    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, "send_whatsapp_media", kind="document", file=str(tmp_path))

    assert caught.value.translation_key == "whatsapp_file_unreadable"
    assert "not a regular file" in str(caught.value)


def _peak_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    pytest.skip("no /proc/self/status")


def _reset_peak_rss() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("the peak RSS cannot be reset here")


async def test_a_huge_file_costs_no_memory(
    hass: HomeAssistant,
    set_up_sender: SetUpSender,
    graph: GraphSandbox,
    tmp_path: Path,
) -> None:
    huge = _sparse(tmp_path / "huge.pdf", 1024 * MEGABYTE)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await set_up_sender()
    _reset_peak_rss()
    before = _peak_rss_kib()

    with pytest.raises(ServiceValidationError):
        await _call(hass, "send_whatsapp_media", kind="document", file=str(huge))

    growth_mib = (_peak_rss_kib() - before) / 1024
    print(f"1 GiB document refused: peak RSS +{growth_mib:.1f} MiB")  # noqa: T201 - the figure asked for
    assert growth_mib < 32
    assert graph.uploads == {}


async def test_a_file_in_memory_is_uploaded_for_a_recipient(
    hass: HomeAssistant, set_up_sender: SetUpSender, graph: GraphSandbox
) -> None:
    entry = await set_up_sender()
    alice = RecipientSettings.from_subentry(next(iter(entry.subentries.values())))

    media_id = await entry.runtime_data.sender.async_upload_media(
        alice, PDF, "application/pdf", "report.pdf"
    )

    assert graph.uploads[media_id].data == PDF
    assert graph.uploads[media_id].filename == "report.pdf"

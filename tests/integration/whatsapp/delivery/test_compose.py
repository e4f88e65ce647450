"""What a notification becomes: a text in parts, or the parameters of the recipient's template."""

import pytest

from custom_components.whoop.whatsapp.delivery.compose import (
    notification_template_parameters,
    text_body,
    text_parts,
)
from custom_components.whoop.whatsapp.settings import (
    DEFAULT_TITLE,
    TemplateParameters,
    TemplateSettings,
)
from custom_components.whoop.whatsapp_api import TEXT_MAX_LENGTH


def test_the_title_goes_in_bold_on_its_own_line() -> None:
    assert text_body("Recovery 34 %", "WHOOP") == "*WHOOP*\nRecovery 34 %"
    assert text_body("Recovery 34 %", None) == "Recovery 34 %"


def test_a_long_text_is_split_not_cut() -> None:
    message = "word " * 2000
    parts = text_parts(message, "WHOOP")
    assert len(parts) == 3
    assert all(len(part) <= TEXT_MAX_LENGTH for part in parts)

    def squeeze(text: str) -> str:
        return "".join(text.split())

    assert squeeze("".join(parts)) == squeeze(text_body(message, "WHOOP"))


def _template(
    parameters: TemplateParameters,
    title_parameter: str | None = None,
    message_parameter: str | None = None,
) -> TemplateSettings:
    return TemplateSettings(
        name="whoop_alert",
        language="en_US",
        parameters=parameters,
        title_parameter=title_parameter,
        message_parameter=message_parameter,
    )


@pytest.mark.parametrize(
    ("template", "title", "expected"),
    [
        (_template(TemplateParameters.TITLE_AND_MESSAGE), "T", ["T", "M"]),
        (_template(TemplateParameters.TITLE_AND_MESSAGE), None, [DEFAULT_TITLE, "M"]),
        (_template(TemplateParameters.MESSAGE), "T", ["M"]),
        (_template(TemplateParameters.NONE), "T", []),
        (
            _template(TemplateParameters.NAMED, "head", "text"),
            "T",
            {"head": "T", "text": "M"},
        ),
        (_template(TemplateParameters.NAMED), "T", {"message": "M"}),
    ],
)
def test_template_parameters_from_a_notification(
    template: TemplateSettings, title: str | None, expected: object
) -> None:
    assert notification_template_parameters(template, "M", title) == expected

"""Every translation key the WhatsApp code uses has an English text, with the placeholders it gets."""

import json
from pathlib import Path
import re

import pytest

import custom_components.whoop as integration

PACKAGE = Path(integration.__file__).parent
WHATSAPP_MODULES = sorted(
    str(path.relative_to(PACKAGE)) for path in (PACKAGE / "whatsapp").rglob("*.py")
)
STRINGS = json.loads((PACKAGE / "translations" / "en.json").read_text())
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _source(module: str) -> str:
    return (PACKAGE / module).read_text()


def _exception_keys() -> set[str]:
    keys: set[str] = set()
    for module in WHATSAPP_MODULES:
        keys |= set(re.findall(r'translation_key="(whatsapp_\w+)"', _source(module)))
        keys |= set(re.findall(r'"(whatsapp_\w+)"\),', _source(module)))
        keys |= set(re.findall(r'key = "(whatsapp_\w+)"', _source(module)))
        keys |= set(re.findall(r'return "(whatsapp_\w+)"', _source(module)))
        keys |= set(re.findall(r'ErrorOutcome\(\s*"(whatsapp_\w+)"', _source(module)))
    keys.discard("whatsapp_token_expiring")  # issues, checked below
    keys.discard("whatsapp_token_renewal_failed")
    return keys


def test_the_key_scan_finds_the_keys() -> None:
    # Guards the scan itself: a scan finding nothing would make the next test pass vacuously.
    keys = _exception_keys()
    assert {
        "whatsapp_outside_window",
        "whatsapp_send_failed",
        "whatsapp_path_not_allowed",
        "whatsapp_token_rejected",
    } <= keys


@pytest.mark.parametrize("key", sorted(_exception_keys()))
def test_exception_messages_exist(key: str) -> None:
    assert STRINGS["exceptions"][key]["message"]


# The placeholders each family of exceptions receives from the code.
SEND_PLACEHOLDERS = {
    "sender",
    "recipient",
    "phone_number",
    "template",
    "language",
    "code",
    "details",
}


@pytest.mark.parametrize("key", sorted(_exception_keys()))
def test_exception_messages_use_only_given_placeholders(key: str) -> None:
    extra = {
        "whatsapp_invalid_phone_number": {"recipient", "reason"},
        "whatsapp_invalid_message": {"recipient", "reason"},
        "whatsapp_caption_too_long": {"length", "limit"},
        "whatsapp_path_not_allowed": {"path"},
        "whatsapp_file_unreadable": {"path", "error"},
        "whatsapp_file_too_large": {"kind", "size", "limit"},
        "whatsapp_message_too_long": {"length", "limit"},
        "whatsapp_token_rejected": {"sender"},
        "whatsapp_phone_number_inaccessible": {"sender"},
        "whatsapp_token_missing_permission": {"sender"},
        "whatsapp_setup_unavailable": {"sender", "details"},
    }
    allowed = extra.get(key, SEND_PLACEHOLDERS)
    used = set(PLACEHOLDER.findall(STRINGS["exceptions"][key]["message"]))
    assert used <= allowed


@pytest.mark.parametrize(
    "key",
    [
        "whatsapp_account_blocked",
        "whatsapp_not_registered",
        "whatsapp_token_expiring",
        "whatsapp_token_renewal_failed",
    ],
)
def test_issues_exist(key: str) -> None:
    issue = STRINGS["issues"][key]
    assert issue["title"]
    used = set(PLACEHOLDER.findall(issue["title"] + issue["description"]))
    assert used <= {"sender", "details", "date"}


def test_config_flow_errors_and_aborts_exist() -> None:
    source = _source("whatsapp/sender_flow.py") + _source("whatsapp/recipients/flow.py")
    form_errors = set(STRINGS["config"]["error"])
    assert {
        "invalid_token",
        "token_expired",
        "missing_permission",
        "unknown_phone_number_id",
        "cannot_connect",
        "invalid_app_credentials",
        "unknown",
    } <= form_errors
    assert set(re.findall(r'error="(\w+)"', source)) <= form_errors | {
        "whatsapp_already_configured"
    }
    assert {"whatsapp_already_configured", "wrong_phone_number"} <= set(
        STRINGS["config"]["abort"]
    )
    recipient_errors = set(re.findall(r'\] = "(\w+)"', source))
    assert len(recipient_errors) == 7
    assert recipient_errors <= set(STRINGS["config_subentries"]["recipient"]["error"])


def test_steps_and_selectors_exist() -> None:
    steps = STRINGS["config"]["step"]
    assert {"whatsapp_sender", "whatsapp_reauth", "whatsapp_reconfigure"} <= set(steps)
    recipient_steps = STRINGS["config_subentries"]["recipient"]["step"]
    assert {"user", "reconfigure", "template"} <= set(recipient_steps)
    assert set(STRINGS["selector"]["delivery_mode"]["options"]) == {
        "text",
        "template",
        "automatic",
    }
    assert set(STRINGS["selector"]["template_parameters"]["options"]) == {
        "title_and_message",
        "message",
        "named",
        "none",
    }
    assert STRINGS["entity"]["notify"]["whatsapp"]["name"] == "WhatsApp"

"""The table from Cloud API errors to what the user is told agrees with the client's classification."""

import json
from pathlib import Path

import pytest

import custom_components.whoop as integration
from custom_components.whoop.whatsapp.delivery.errors import (
    ACCOUNT_ISSUES,
    ERROR_OUTCOMES,
    UNKNOWN_ERROR_OUTCOME,
    error_outcome,
)
from custom_components.whoop.whatsapp_api import (
    ERROR_CLASSES,
    WhatsAppError,
    WhatsAppErrorKind,
    WhatsAppMessageError,
    WhatsAppTemporaryError,
)

STRINGS = json.loads(
    (Path(integration.__file__).parent / "translations" / "en.json").read_text()
)


@pytest.mark.parametrize("code", sorted(ERROR_CLASSES))
def test_every_documented_code_has_its_own_message(code: int) -> None:
    outcome = error_outcome(ERROR_CLASSES[code]("refused", code=code))
    assert outcome is not UNKNOWN_ERROR_OUTCOME
    assert STRINGS["exceptions"][outcome.translation_key]["message"]


def test_an_unknown_error_has_the_general_message() -> None:
    assert error_outcome(WhatsAppError("odd", code=999_999)) is UNKNOWN_ERROR_OUTCOME


def test_a_message_the_client_cannot_build_is_the_users_to_fix() -> None:
    outcome = error_outcome(WhatsAppMessageError("A text message needs a body"))
    assert outcome.translation_key == "whatsapp_invalid_message"
    assert outcome.user_fixable


def test_repair_errors_have_an_issue_text() -> None:
    assert set(ACCOUNT_ISSUES) == {
        "whatsapp_account_blocked",
        "whatsapp_not_registered",
    }
    for issue in ACCOUNT_ISSUES:
        assert STRINGS["issues"][issue]["title"]


def test_no_row_is_shadowed_by_an_earlier_one() -> None:
    classes = [error_class for error_class, _ in ERROR_OUTCOMES]
    for index, error_class in enumerate(classes):
        assert not any(issubclass(error_class, earlier) for earlier in classes[:index])


def test_temporary_errors_do_not_say_permanent() -> None:
    key = error_outcome(WhatsAppTemporaryError("later", code=131016)).translation_key
    assert WhatsAppTemporaryError.kind is WhatsAppErrorKind.RETRY_ONCE
    assert "permanent" not in STRINGS["exceptions"][key]["message"].lower()
    assert "temporar" in STRINGS["exceptions"][key]["message"].lower()

"""Parsing Graph responses into models: a body that breaks the contract raises WhatsAppResponseError."""

from typing import Any

import pytest

from custom_components.whoop.whatsapp_api import (
    ExchangedToken,
    PhoneNumber,
    SentMessage,
    TokenInfo,
    WhatsAppResponseError,
)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"data": []},
        {"data": {"scopes": []}},
        {"data": {"is_valid": "yes"}},
        {"data": {"is_valid": True, "expires_at": "never"}},
        {"data": {"is_valid": True, "expires_at": True}},
        {"data": {"is_valid": True, "scopes": "whatsapp_business_messaging"}},
        {"data": {"is_valid": True, "scopes": [1]}},
        {"data": {"is_valid": True, "granular_scopes": {}}},
        {"data": {"is_valid": True, "granular_scopes": [{"target_ids": []}]}},
        {"data": {"is_valid": True, "type": ["USER"]}},
    ],
)
def test_malformed_debug_token(data: dict[str, Any]) -> None:
    with pytest.raises(WhatsAppResponseError):
        TokenInfo.from_graph(data)


def test_debug_token_with_numbers_as_ids() -> None:
    info = TokenInfo.from_graph(
        {"data": {"is_valid": False, "app_id": 1234, "expires_at": 0}}
    )

    assert info.app_id == "1234"
    assert info.expires_at is None
    assert info.scopes == ()
    assert not info.can_send_messages


def test_malformed_phone_number() -> None:
    with pytest.raises(WhatsAppResponseError, match="verified_name"):
        PhoneNumber.from_graph({"id": "1", "display_phone_number": "+1 650-555-0199"})


def test_exchanged_token_without_lifetime() -> None:
    token = ExchangedToken.from_graph({"access_token": "EAAx"})

    assert (token.expires_in, token.token_type) == (None, "bearer")


def test_sent_message_without_status() -> None:
    sent = SentMessage.from_graph(
        {"contacts": [{"wa_id": "1"}], "messages": [{"id": "wamid.x"}]}
    )

    assert sent == SentMessage("wamid.x", "1", None)

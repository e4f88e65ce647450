"""The business number lookup, token inspection and token exchange."""

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from custom_components.whoop.whatsapp_api import (
    ExchangedToken,
    GranularScope,
    TokenInfo,
    WhatsAppAuthenticationError,
    WhatsAppClient,
    WhatsAppErrorKind,
    WhatsAppInvalidParameterError,
    WhatsAppPermissionError,
)
from sandbox.graph import (
    APP_ID,
    APP_SECRET,
    BUSINESS_ACCOUNT_ID,
    DISPLAY_PHONE_NUMBER,
    PHONE_NUMBER_ID,
    VERIFIED_NAME,
    GraphSandbox,
)

from .conftest import RECIPIENT, START


async def test_get_phone_number(client: WhatsAppClient) -> None:
    number = await client.get_phone_number()

    assert number.phone_number_id == PHONE_NUMBER_ID
    assert number.display_phone_number == DISPLAY_PHONE_NUMBER
    assert number.verified_name == VERIFIED_NAME
    assert number.quality_rating == "GREEN"


async def test_get_phone_number_with_a_management_only_token(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token("manager", scopes=["whatsapp_business_management"])
    client.set_access_token("manager")

    number = await client.get_phone_number()

    assert number.verified_name == VERIFIED_NAME


async def test_get_phone_number_without_whatsapp_scopes(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token("ads-only", scopes=["ads_management"])
    client.set_access_token("ads-only")

    with pytest.raises(WhatsAppPermissionError):
        await client.get_phone_number()


async def test_debug_never_expiring_system_user_token(client: WhatsAppClient) -> None:
    info = await client.debug_token()

    assert info.is_valid
    assert info.type == "SYSTEM_USER"
    assert info.expires_at is None
    assert info.scopes == (
        "whatsapp_business_messaging",
        "whatsapp_business_management",
    )
    assert (
        GranularScope("whatsapp_business_messaging", (BUSINESS_ACCOUNT_ID,))
        in info.granular_scopes
    )
    assert info.app_id == APP_ID
    assert info.application
    assert info.can_send_messages


async def test_debug_expiring_token(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    expires_at = START + timedelta(days=12)
    graph.add_token("sixty-day", expires_at=expires_at)
    client.set_access_token("sixty-day")

    info = await client.debug_token()

    assert info.expires_at == expires_at
    assert info.expires_at.tzinfo is UTC


async def test_debug_token_without_messaging_permission(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token(
        "manager", scopes=["whatsapp_business_management"], phone_number_ids=[]
    )
    client.set_access_token("manager")

    info = await client.debug_token()

    assert info.is_valid
    assert not info.can_send_messages
    assert info.granular_scopes == (GranularScope("whatsapp_business_management"),)


async def test_debug_expired_token_fails_authentication(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token("old", expires_at=START - timedelta(days=1))
    client.set_access_token("old")

    with pytest.raises(WhatsAppAuthenticationError) as caught:
        await client.debug_token()

    assert caught.value.expired


async def test_exchange_token_gives_a_60_day_token_that_sends(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token("expiring-soon", expires_at=START + timedelta(days=3))
    client.set_access_token("expiring-soon")

    exchanged = await client.exchange_token(APP_ID, APP_SECRET)

    assert exchanged.expires_in == 60 * 24 * 3600
    assert exchanged.token_type == "bearer"
    assert exchanged.access_token not in repr(exchanged)
    client.set_access_token(exchanged.access_token)
    info = await client.debug_token()
    assert info.expires_at == START + timedelta(days=60)
    assert info.can_send_messages
    await client.send_text(RECIPIENT, "Still here")
    assert len(graph.messages) == 1


async def test_exchange_token_sends_the_documented_parameters(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    await client.exchange_token(APP_ID, APP_SECRET)

    # The sandbox refuses a system user exchange without set_token_expires_in_60_days=true, so
    # success proves the flag; the new token carries the old one's rights.
    new_tokens = [
        token for token in graph.tokens.values() if token.expires_at is not None
    ]
    assert len(new_tokens) == 1
    assert new_tokens[0].token_type == "SYSTEM_USER"
    assert new_tokens[0].phone_number_ids == (PHONE_NUMBER_ID,)


async def test_expired_token_cannot_be_exchanged(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.add_token("too-late", expires_at=START - timedelta(seconds=1))
    client.set_access_token("too-late")

    with pytest.raises(WhatsAppAuthenticationError) as caught:
        await client.exchange_token(APP_ID, APP_SECRET)

    assert caught.value.expired


async def test_exchange_with_a_wrong_secret(client: WhatsAppClient) -> None:
    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.exchange_token(APP_ID, "wrong-secret")

    # Meta answers code 1 here: the client must not treat it as a temporary failure.
    assert caught.value.code == 1
    assert caught.value.kind is WhatsAppErrorKind.NEVER_RETRY
    assert "wrong-secret" not in str(caught.value)


async def test_exchange_with_an_empty_secret(client: WhatsAppClient) -> None:
    # An empty secret is nothing to redact: the message stays readable.
    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.exchange_token(APP_ID, "")

    assert caught.value.code == 1
    assert caught.value.message


async def test_exchange_with_a_wrong_app_id(client: WhatsAppClient) -> None:
    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.exchange_token("42", APP_SECRET)

    assert caught.value.code == 101


async def test_the_secret_never_appears_in_errors(
    client: WhatsAppClient, graph: GraphSandbox
) -> None:
    graph.fail_next(
        100, endpoint="access_token", message=f"Bad request with {APP_SECRET}"
    )

    with pytest.raises(WhatsAppInvalidParameterError) as caught:
        await client.exchange_token(APP_ID, APP_SECRET)

    assert APP_SECRET not in str(caught.value)


async def test_client_credentials_token_cannot_send(
    session: aiohttp.ClientSession, graph_url: str, graph: GraphSandbox
) -> None:
    async with session.get(
        f"{graph_url}/v26.0/oauth/access_token",
        params={
            "grant_type": "client_credentials",
            "client_id": APP_ID,
            "client_secret": APP_SECRET,
        },
    ) as response:
        app_token = (await response.json())["access_token"]
    client = WhatsAppClient(session, app_token, PHONE_NUMBER_ID, base_url=graph_url)

    info = await client.debug_token()
    with pytest.raises(WhatsAppPermissionError) as caught:
        await client.send_text(RECIPIENT, "Hi")

    assert app_token.startswith(f"{APP_ID}|")
    assert (info.type, info.is_valid, info.can_send_messages) == ("APP", True, False)
    assert caught.value.code == 10
    assert graph.messages == []


def test_exchanged_token_repr_hides_the_token() -> None:
    token = ExchangedToken(access_token="EAAsecret", expires_in=10)

    assert "EAAsecret" not in repr(token)


def test_token_info_expiry_is_aware() -> None:
    info = TokenInfo.from_graph(
        {"data": {"is_valid": True, "expires_at": 1_800_000_000, "scopes": []}}
    )

    assert info.expires_at == datetime.fromtimestamp(1_800_000_000, UTC)
    assert info.type is None
    assert not info.can_send_messages

"""WHOOP's OAuth2 implementation: Home Assistant's, plus what WHOOP's token endpoint expects."""

import asyncio
from typing import Any, Final, override

from homeassistant.components.application_credentials import (
    AuthImplementation,
    AuthorizationServer,
)
from homeassistant.exceptions import OAuth2TokenRequestConnectionError

from ...const import whoop_base_url
from ...whoop_api import OAUTH_AUTHORIZE_PATH, OAUTH_TOKEN_PATH, OFFLINE_SCOPE

# The same bound as a data request: without it aiohttp waits 300 s, every coordinator of the
# account queued behind the refresh.
TOKEN_REQUEST_TIMEOUT: Final = 20.0


def authorization_server() -> AuthorizationServer:
    """Return WHOOP's authorize and token URLs (the sandbox's in development)."""
    return AuthorizationServer(
        authorize_url=f"{whoop_base_url()}{OAUTH_AUTHORIZE_PATH}",
        token_url=f"{whoop_base_url()}{OAUTH_TOKEN_PATH}",
    )


class WhoopOAuth2Implementation(AuthImplementation):
    """Refresh with ``scope=offline``, as WHOOP documents, so a new refresh token is issued.

    WHOOP rotates refresh tokens: each refresh invalidates the previous one. One refresher per
    entry sends them (see auth/refresher.py), so a refresh token is never spent twice. A refresh
    is bounded by TOKEN_REQUEST_TIMEOUT (the code exchange by the config flow's own timeout).
    """

    @override
    async def _async_refresh_token(self, token: dict[str, Any]) -> dict[str, Any]:
        try:
            async with asyncio.timeout(TOKEN_REQUEST_TIMEOUT):
                new_token = await self._token_request(
                    {
                        "grant_type": "refresh_token",
                        "refresh_token": token["refresh_token"],
                        "scope": OFFLINE_SCOPE,
                    }
                )
        except TimeoutError as err:
            # No answer says nothing about the grant: retry later, never reauth.
            raise OAuth2TokenRequestConnectionError(domain=self.service_domain) from err
        if not new_token.get("access_token"):
            # Merging an answer without a token would keep the dead one with a fresh expiry.
            raise OAuth2TokenRequestConnectionError(domain=self.service_domain)
        if set(str(new_token.get("scope", "")).split()) <= {OFFLINE_SCOPE}:
            # The answer to a scope=offline refresh may name only that scope; what the member
            # granted is still what the authorization said, and entities are built from it.
            new_token.pop("scope", None)
        return {**token, **new_token}

"""The business number and its token: what the Graph API says about them, and renewal."""

from typing import Final

from ._client_base import ClientBase
from .exceptions import TOKEN_EXCHANGE_ERROR_CLASSES
from .models import ExchangedToken, PhoneNumber, TokenInfo

_PHONE_NUMBER_FIELDS: Final = "display_phone_number,verified_name,quality_rating"


class AccountRequests(ClientBase):
    """Reads the business number and the token, and extends the token before it expires."""

    async def get_phone_number(self) -> PhoneNumber:
        """Return the business phone number (validates the phone number id and the token's access)."""
        response = await self._transport.request(
            "GET", self._phone_number_id, params={"fields": _PHONE_NUMBER_FIELDS}
        )
        return PhoneNumber.from_graph(response)

    async def debug_token(self) -> TokenInfo:
        """Inspect the client's own token: validity, expiry and permissions."""
        response = await self._transport.request(
            "GET", "debug_token", params={"input_token": self._transport.access_token}
        )
        return TokenInfo.from_graph(response)

    async def exchange_token(self, app_id: str, app_secret: str) -> ExchangedToken:
        """Extend a 60-day system user token before it expires (Meta's documented ``fb_exchange_token``).

        The client keeps using its current token: pass the new one to :meth:`set_access_token`.
        An app token (client credentials) cannot send messages, so it is never requested.

        Args:
            app_id: The Meta app's id.
            app_secret: The Meta app's secret.
        """
        params = {
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": app_secret,
            "set_token_expires_in_60_days": "true",
            "fb_exchange_token": self._transport.access_token,
        }
        response = await self._transport.request(
            "GET",
            "oauth/access_token",
            params=params,
            authenticated=False,
            secrets=(app_secret,),
            error_overrides=TOKEN_EXCHANGE_ERROR_CLASSES,
        )
        return ExchangedToken.from_graph(response)

"""One authorised HTTP request to WHOOP, with a timeout, error mapping and rate-limit headers."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
import json
import logging

import aiohttp
from yarl import URL

from ._http import leading_integer, raise_for_status, retry_after_seconds
from .const import MAX_RESPONSE_BYTES
from .exceptions import (
    WhoopConnectionError,
    WhoopMembershipInactiveError,
    WhoopResponseError,
)

_LOGGER = logging.getLogger(__name__)

type TokenProvider = Callable[[], Awaitable[str]]
"""Returns a valid access token; called before every request."""

type Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware."""


def utc_now() -> datetime:
    """Return the system clock's time in UTC."""
    return datetime.now(UTC)


class WhoopTransport:
    """Sends requests to WHOOP's API for one member and remembers the last rate-limit headers."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        token_provider: TokenProvider,
        *,
        base_url: str,
        request_timeout: float,
        clock: Clock,
    ) -> None:
        """Send through ``session`` with tokens from ``token_provider`` (see WhoopClient)."""
        self._session = session
        self._token_provider = token_provider
        self._base_url = base_url.rstrip("/")
        self._request_timeout = request_timeout
        self._clock = clock
        self.rate_limit_remaining: int | None = None
        self.rate_limit_limit: int | None = None

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> object:
        """Return the decoded JSON body of a GET, which must not be empty."""
        data = await self.request("GET", path, params)
        if data is None:
            msg = f"GET {path} returned an empty body"
            raise WhoopResponseError(msg)
        return data

    async def request(
        self, method: str, path: str, params: Mapping[str, str] | None = None
    ) -> object | None:
        """Send one request and return its decoded JSON body (``None`` if empty).

        Raises:
            WhoopError: The request failed; the subclass says how.
        """
        request_name = f"{method} {path}"
        token = await self._token_provider()
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        url = URL(f"{self._base_url}{path}", encoded=True)
        try:
            async with (
                asyncio.timeout(self._request_timeout),
                self._session.request(
                    method, url, params=params, headers=headers
                ) as response,
            ):
                self._record_rate_limit(response.headers)
                status = response.status
                body = await _read_at_most(response, MAX_RESPONSE_BYTES)
                retry_after = retry_after_seconds(response.headers, self._clock())
        except TimeoutError as err:
            msg = f"{request_name} timed out after {self._request_timeout:g} s"
            raise WhoopConnectionError(msg) from err
        except aiohttp.ClientError as err:
            msg = f"{request_name} failed: {type(err).__name__}"
            raise WhoopConnectionError(msg) from err
        _LOGGER.debug("%s -> %d", request_name, status)
        if body is None:
            msg = f"{request_name} returned more than {MAX_RESPONSE_BYTES // 1_048_576} MiB"
            raise WhoopResponseError(msg, status=status)
        if status == HTTPStatus.FORBIDDEN and _says_deactivated(body):
            msg = f"{request_name}: the member's WHOOP membership is inactive (403)"
            raise WhoopMembershipInactiveError(msg, status=status)
        raise_for_status(request_name, status, retry_after)
        if status == HTTPStatus.NO_CONTENT or not body.strip():
            return None
        try:
            data: object = json.loads(body)
        except (ValueError, RecursionError) as err:
            msg = f"{request_name} returned a body that is not valid JSON"
            raise WhoopResponseError(msg, status=status) from err
        return data

    def _record_rate_limit(self, headers: Mapping[str, str]) -> None:
        self.rate_limit_remaining = leading_integer(
            headers.get("X-RateLimit-Remaining")
        )
        self.rate_limit_limit = leading_integer(headers.get("X-RateLimit-Limit"))


def _says_deactivated(body: bytes) -> bool:
    """Whether a 403 body is WHOOP's ``{"error": "deactivated_user"}``."""
    try:
        data: object = json.loads(body)
    except ValueError, RecursionError:
        return False
    return isinstance(data, dict) and data.get("error") == "deactivated_user"


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """Return the body, or ``None`` as soon as it is known to be longer than ``limit`` bytes."""
    if response.content_length is not None and response.content_length > limit:
        return None
    body = bytearray()
    async for chunk in response.content.iter_chunked(65_536):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)

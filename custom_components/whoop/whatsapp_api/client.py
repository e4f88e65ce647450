"""Async client for the WhatsApp Cloud API (Meta's Graph API), on a caller-owned aiohttp session.

Its parts each have one job: messages, templates, media uploads, the account; the transport sends.
"""

import aiohttp

from ._account import AccountRequests
from ._messages import MessageRequests
from ._templates import TemplateRequests
from ._transport import GraphTransport
from ._uploads import MediaUploads
from .const import DEFAULT_REQUEST_TIMEOUT, GRAPH_API_VERSION, GRAPH_BASE_URL


class WhatsAppClient(MessageRequests, TemplateRequests, MediaUploads, AccountRequests):
    """Send WhatsApp messages from one business phone number through the Cloud API.

    The client does not retry: each error's ``kind`` tells the caller what to do, and rate
    limits per recipient are best handled by a queue per recipient.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        access_token: str,
        phone_number_id: str,
        *,
        base_url: str = GRAPH_BASE_URL,
        api_version: str = GRAPH_API_VERSION,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        """Initialise the client.

        Args:
            session: The aiohttp session to use (not closed by the client).
            access_token: A system user token with ``whatsapp_business_messaging``.
            phone_number_id: The Graph id of the business phone number to send from.
            base_url: The Graph API host; a sandbox URL in tests.
            api_version: The Graph API version, e.g. ``v26.0``.
            request_timeout: Seconds allowed for each request.
        """
        self._transport = GraphTransport(
            session,
            access_token,
            base_url=f"{base_url.rstrip('/')}/{api_version}",
            request_timeout=request_timeout,
        )
        self._phone_number_id = phone_number_id

    def __repr__(self) -> str:
        """Describe the client without its token."""
        return f"{type(self).__name__}(phone_number_id={self._phone_number_id!r}, base_url={self._transport.base_url!r})"

    @property
    def phone_number_id(self) -> str:
        """The Graph id of the business phone number the client sends from."""
        return self._phone_number_id

    def set_access_token(self, access_token: str) -> None:
        """Use another token from now on, e.g. the one :meth:`exchange_token` returned."""
        self._transport.access_token = access_token

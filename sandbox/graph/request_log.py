"""The log of API requests the Graph part answered, so tests can count sends, retries and uploads.

Only the method, the path and the status are kept: never a token, a body or a phone number's
message text. The admin endpoints (``/_sandbox/...``) and the messages page are not logged.
"""

from collections import deque
from dataclasses import dataclass
from typing import Final

MAX_LOGGED_REQUESTS: Final = 10_000
"""The log keeps this many newest requests, so a long-running sandbox stays bounded."""


@dataclass(frozen=True, slots=True)
class GraphRequest:
    """One answered Graph API request, e.g. ``POST /v21.0/<phone number id>/messages`` → 200.

    ``endpoint`` names the API endpoint as the failures do: ``messages``, ``media``,
    ``message_templates``, ``phone_number``, ``debug_token``, ``access_token``.
    """

    endpoint: str
    method: str
    path: str
    status: int


class GraphRequestLog:
    """The newest answered API requests, oldest first."""

    def __init__(self) -> None:
        """Start empty."""
        self._requests: deque[GraphRequest] = deque(maxlen=MAX_LOGGED_REQUESTS)

    def append(self, request: GraphRequest) -> None:
        """Log ``request`` (the oldest is forgotten once the log is full)."""
        self._requests.append(request)

    def to(self, endpoint: str, method: str = "POST") -> list[GraphRequest]:
        """The requests with ``method`` to ``endpoint`` (e.g. every attempt to send a message)."""
        return [
            r for r in self._requests if r.endpoint == endpoint and r.method == method
        ]

    def clear(self) -> None:
        """Forget every logged request."""
        self._requests.clear()

    def __len__(self) -> int:
        """How many requests are logged."""
        return len(self._requests)

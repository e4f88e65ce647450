"""Exceptions raised by the WHOOP API client.

Messages name the request (method and path) and the HTTP status, never a token.
"""


class WhoopError(Exception):
    """Base class of every error raised by this library.

    Attributes:
        status: The HTTP status of the response that caused the error, if there was one.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        """Initialise the error with a message and the HTTP status, if any."""
        super().__init__(message)
        self.status = status


class WhoopAuthenticationError(WhoopError):
    """WHOOP rejected the access token (401) or the grant lacks a scope (403)."""


class WhoopMembershipInactiveError(WhoopError):
    """WHOOP answered 403 ``deactivated_user``: the member's membership is inactive.

    The token is fine: refreshing it or signing in again changes nothing.
    """


class WhoopRateLimitError(WhoopError):
    """WHOOP answered 429: the app's request budget is spent for now.

    Attributes:
        retry_after: Seconds to wait before retrying, from ``X-RateLimit-Reset`` or
            ``Retry-After`` (seconds, epoch time or HTTP date), at most an hour or, when
            the daily window is spent, until the next UTC midnight; ``None`` when
            WHOOP gave neither.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        """Initialise the error with the delay WHOOP asked for."""
        super().__init__(message, status=status)
        self.retry_after = retry_after


class WhoopConnectionError(WhoopError):
    """WHOOP could not be reached, timed out, or failed on its side (5xx)."""


class WhoopNotFoundError(WhoopError):
    """The requested record does not exist (404)."""


class WhoopResponseError(WhoopError):
    """WHOOP answered with malformed JSON, an unexpected shape or status."""

"""Errors raised by the WhatsApp Cloud API client.

Meta advises branching on the Graph error ``code`` (and ``error_subcode``), never on the HTTP status:
:data:`ERROR_CLASSES` maps every documented code to the exception that tells the caller what to do.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar, Final

# error_subcode of code 190 when the token has expired (rather than being invalid or revoked).
SUBCODE_TOKEN_EXPIRED: Final = 463

ERROR_TEXT_MAX_LENGTH: Final = 1024
"""The longest text from an error body kept in an exception (Meta's texts are far shorter)."""


class WhatsAppErrorKind(StrEnum):
    """What a caller does about an error: the classification delivery decides by."""

    RETRY_AFTER_BACKOFF = "retry_after_backoff"
    """A rate limit: send again after a growing pause (:class:`WhatsAppRateLimitError` only)."""

    RETRY_ONCE = "retry_once"
    """A temporary failure: send again once (:class:`WhatsAppTemporaryError` only)."""

    NEVER_RETRY = "never_retry"
    """Sending the same again fails the same way: tell the user."""

    REAUTH = "reauth"
    """Only a new or better token helps: ask the user for one."""

    REPAIR = "repair"
    """The business account or number needs fixing in Meta's tools: raise a repair issue."""


class WhatsAppError(Exception):
    """Base of every error raised by the client.

    Attributes:
        message: Meta's message (or the client's own), with any secret removed.
        code: The Graph error ``code``; ``None`` when the error did not come from a Graph error body.
        subcode: The Graph ``error_subcode``, if any.
        details: ``error_data.details``: often the most precise explanation.
        fbtrace_id: Meta's trace id, for a support request.
        http_status: The HTTP status of the response, if one was received.
        is_transient: Meta's ``is_transient``: ``True`` makes an error otherwise never retried temporary.
        user_title: Meta's ``error_user_title``, a heading meant for people, if any.
        user_message: Meta's ``error_user_msg``, an explanation meant for people, if any.
    """

    kind: ClassVar[WhatsAppErrorKind] = WhatsAppErrorKind.NEVER_RETRY
    """What the caller does about it; each subclass names its own."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        details: str | None = None,
        fbtrace_id: str | None = None,
        http_status: int | None = None,
        is_transient: bool | None = None,
        user_title: str | None = None,
        user_message: str | None = None,
    ) -> None:
        """Initialise the error from the fields of a Graph error body."""
        self.message = message
        self.code = code
        self.subcode = subcode
        self.details = details
        self.fbtrace_id = fbtrace_id
        self.http_status = http_status
        self.is_transient = is_transient
        self.user_title = user_title
        self.user_message = user_message
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = self.message
        if self.code is not None:
            text += f" (code {self.code}" + (
                f", subcode {self.subcode})" if self.subcode else ")"
            )
        if self.details and self.details not in self.message:
            text += f": {self.details}"
        return text


class WhatsAppAuthenticationError(WhatsAppError):
    """The access token is expired, invalid or revoked (190, 0): the user must enter a new one."""

    kind = WhatsAppErrorKind.REAUTH

    @property
    def expired(self) -> bool:
        """Whether the token expired (rather than being invalid or revoked)."""
        return self.subcode == SUBCODE_TOKEN_EXPIRED


class WhatsAppPermissionError(WhatsAppError):
    """The token lacks ``whatsapp_business_messaging`` or access to the number (10, 200-299)."""

    kind = WhatsAppErrorKind.REAUTH


class WhatsAppInvalidParameterError(WhatsAppError):
    """A parameter of the request is invalid or missing (100, 131008, 131009)."""


class WhatsAppRecipientNotAllowedError(WhatsAppError):
    """The recipient is not in the test number's allowed list (131030)."""


class WhatsAppOutsideWindowError(WhatsAppError):
    """More than 24 hours passed since the person last wrote: only a template is delivered (131047)."""


class WhatsAppUnsupportedMessageError(WhatsAppError):
    """The message type is not supported (131051)."""


class WhatsAppTemplateError(WhatsAppError):
    """The template is missing, paused, disabled or got the wrong parameters (132000-132016)."""


class WhatsAppUndeliverableError(WhatsAppError):
    """The recipient cannot receive the message: not on WhatsApp or an outdated app (131026)."""


class WhatsAppRateLimitError(WhatsAppError):
    """A rate limit was hit (app, account, throughput, spam or same-recipient pair): retry later."""

    kind = WhatsAppErrorKind.RETRY_AFTER_BACKOFF


class WhatsAppAccountBlockedError(WhatsAppError):
    """The business account is blocked or locked for a policy violation (368, 131031)."""

    kind = WhatsAppErrorKind.REPAIR


class WhatsAppNotRegisteredError(WhatsAppError):
    """The business phone number is not registered with the Cloud API (133010)."""

    kind = WhatsAppErrorKind.REPAIR


class WhatsAppTemporaryError(WhatsAppError):
    """Meta reported a temporary failure: retry once.

    Codes 1, 2, 131000, 131016 (service unavailable), 131057 (account in maintenance), any error
    Meta marks ``is_transient``, or a bare 5xx.
    """

    kind = WhatsAppErrorKind.RETRY_ONCE


class WhatsAppConnectionError(WhatsAppError):
    """The Graph API could not be reached (timeout, network failure).

    Not retried automatically: a timeout may come after Meta accepted a message, and sending it
    again could deliver it twice.
    """


class WhatsAppResponseError(WhatsAppError):
    """The Graph API (or a webhook) sent a body the client does not understand."""


class WhatsAppWebhookError(WhatsAppResponseError):
    """A webhook body is too large, not JSON, or breaks the shapes Meta documents."""


class WhatsAppMessageError(WhatsAppError, ValueError):
    """The client cannot build the message asked for; nothing was sent.

    E.g. an empty or too long text, an empty template parameter, too many buttons. It is a
    ``ValueError`` too, for callers written before it existed.
    """


class WhatsAppMediaError(WhatsAppMessageError):
    """A file WhatsApp would refuse (type not accepted), or that cannot be read; nothing was sent."""


class WhatsAppMediaTooLargeError(WhatsAppMediaError):
    """A file is larger than WhatsApp accepts for its kind; it was neither read nor sent.

    Attributes:
        media_kind: ``image``, ``video``, ``audio``, ``document``, ``sticker``...
        size: The file's size in bytes.
        max_bytes: The largest file of that kind, in bytes.
    """

    def __init__(self, *, kind: str, size: int, max_bytes: int, label: str) -> None:
        """Initialise the error from the kind of media, the file's size and the limit."""
        self.media_kind = kind
        self.size = size
        self.max_bytes = max_bytes
        megabyte = 1024 * 1024
        size_text = (
            f"{size / megabyte:.1f} MB"
            if max_bytes >= megabyte
            else f"{size / 1024:.0f} KB"
        )
        super().__init__(
            f"A WhatsApp {kind.replace('_', ' ')} may be at most {label}; the file has {size_text}"
        )


class InvalidPhoneNumberError(ValueError):
    """A phone number cannot be turned into E.164.

    Attributes:
        reason: Why, in words a user can act on (the number itself is left out of the message).
    """

    def __init__(self, reason: str) -> None:
        """Initialise the error with the reason the number was refused."""
        self.reason = reason
        super().__init__(f"Invalid phone number: {reason}")


ERROR_CLASSES: Final[Mapping[int, type[WhatsAppError]]] = {
    0: WhatsAppAuthenticationError,
    104: WhatsAppAuthenticationError,  # no access token at all
    190: WhatsAppAuthenticationError,
    3: WhatsAppPermissionError,  # capability missing
    10: WhatsAppPermissionError,
    131005: WhatsAppPermissionError,  # access denied
    **dict.fromkeys(range(200, 300), WhatsAppPermissionError),
    100: WhatsAppInvalidParameterError,
    101: WhatsAppInvalidParameterError,  # invalid application id (token exchange)
    131008: WhatsAppInvalidParameterError,
    131009: WhatsAppInvalidParameterError,
    131053: WhatsAppInvalidParameterError,  # media upload error: the file was refused
    131030: WhatsAppRecipientNotAllowedError,
    131047: WhatsAppOutsideWindowError,
    131051: WhatsAppUnsupportedMessageError,
    132000: WhatsAppTemplateError,
    132001: WhatsAppTemplateError,
    132005: WhatsAppTemplateError,  # text with parameters filled in is too long
    132007: WhatsAppTemplateError,  # template format character policy violated
    132012: WhatsAppTemplateError,  # parameter format mismatch
    132015: WhatsAppTemplateError,
    132016: WhatsAppTemplateError,
    131026: WhatsAppUndeliverableError,
    4: WhatsAppRateLimitError,
    80007: WhatsAppRateLimitError,
    130429: WhatsAppRateLimitError,
    131048: WhatsAppRateLimitError,  # spam rate limit
    131056: WhatsAppRateLimitError,
    368: WhatsAppAccountBlockedError,
    131031: WhatsAppAccountBlockedError,
    133010: WhatsAppNotRegisteredError,
    1: WhatsAppTemporaryError,
    2: WhatsAppTemporaryError,
    131000: WhatsAppTemporaryError,
    131016: WhatsAppTemporaryError,  # service unavailable
    131057: WhatsAppTemporaryError,  # business account in maintenance mode
}
"""The exception for each Graph error code; codes not listed raise :class:`WhatsAppError`."""


TOKEN_EXCHANGE_ERROR_CLASSES: Final[Mapping[int, type[WhatsAppError]]] = {
    # Meta answers a wrong app secret with code 1 ("unknown error"): on the token endpoint it
    # means the app id or secret was refused, not a temporary failure worth retrying.
    1: WhatsAppInvalidParameterError,
}
"""Codes that mean something else on ``/oauth/access_token`` than elsewhere."""


def error_class_for(
    code: int,
    overrides: Mapping[int, type[WhatsAppError]] | None = None,
    *,
    is_transient: bool | None = None,
) -> type[WhatsAppError]:
    """Return the exception class for a Graph error code (``overrides`` first, for one endpoint).

    An error Meta marks ``is_transient`` that would otherwise never be retried is temporary;
    rate limits, token and account errors keep their class.
    """
    if overrides and code in overrides:
        return overrides[
            code
        ]  # what the code means on that endpoint, whatever else Meta says
    error_class = ERROR_CLASSES.get(code, WhatsAppError)
    if is_transient and error_class.kind is WhatsAppErrorKind.NEVER_RETRY:
        return WhatsAppTemporaryError
    return error_class

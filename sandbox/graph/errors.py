"""Graph API errors as Meta sends them: the body, the HTTP status and the usual message per code."""

from collections.abc import Mapping
import random
import string
from typing import Final, NamedTuple

from aiohttp import web


class ErrorDefaults(NamedTuple):
    """How Meta presents one error code."""

    http_status: int
    message: str
    details: str | None = None


_AUTH = 401
_FORBIDDEN = 403
_BAD_REQUEST = 400
_TOO_MANY = 429

ERROR_DEFAULTS: Final[Mapping[int, ErrorDefaults]] = {
    0: ErrorDefaults(_AUTH, "(#0) AuthException: the access token could not be validated"),
    1: ErrorDefaults(_BAD_REQUEST, "An unknown error has occurred."),
    2: ErrorDefaults(503, "An unexpected error has occurred. Please retry your request later."),
    4: ErrorDefaults(_TOO_MANY, "(#4) Application request limit reached"),
    10: ErrorDefaults(_FORBIDDEN, "(#10) Application does not have permission for this action"),
    100: ErrorDefaults(_BAD_REQUEST, "(#100) Invalid parameter"),
    101: ErrorDefaults(_BAD_REQUEST, "Error validating application. Invalid application ID."),
    104: ErrorDefaults(_AUTH, "An access token is required to request this resource."),
    190: ErrorDefaults(_AUTH, "Invalid OAuth access token - Cannot parse access token"),
    200: ErrorDefaults(_FORBIDDEN, "(#200) Permissions error"),
    368: ErrorDefaults(_FORBIDDEN, "(#368) Temporarily blocked for policies violations"),
    80007: ErrorDefaults(_TOO_MANY, "(#80007) Rate limit issues", "The WhatsApp Business Account has reached its rate limit."),
    130429: ErrorDefaults(_TOO_MANY, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."),
    131000: ErrorDefaults(500, "(#131000) Something went wrong", "Message failed to send due to an unknown error."),
    131005: ErrorDefaults(_FORBIDDEN, "(#131005) Access denied", "Permission is either not granted or has been removed."),
    131008: ErrorDefaults(_BAD_REQUEST, "(#131008) Required parameter is missing"),
    131009: ErrorDefaults(_BAD_REQUEST, "(#131009) Parameter value is not valid"),
    131026: ErrorDefaults(_BAD_REQUEST, "(#131026) Message undeliverable", "Unable to deliver message: the recipient is not on WhatsApp or uses an outdated app."),
    131030: ErrorDefaults(_BAD_REQUEST, "(#131030) Recipient phone number not in allowed list", "Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again."),
    131031: ErrorDefaults(_FORBIDDEN, "(#131031) Business Account locked", "The WhatsApp Business Account has been locked."),
    131047: ErrorDefaults(_BAD_REQUEST, "(#131047) Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."),
    131048: ErrorDefaults(_TOO_MANY, "(#131048) Spam rate limit hit"),
    131051: ErrorDefaults(_BAD_REQUEST, "(#131051) Unsupported message type"),
    131053: ErrorDefaults(_BAD_REQUEST, "(#131053) Media upload error"),
    131056: ErrorDefaults(_TOO_MANY, "(#131056) (Business Account, Consumer Account) pair rate limit hit", "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."),
    132000: ErrorDefaults(_BAD_REQUEST, "(#132000) Number of parameters does not match the expected number of params"),
    132001: ErrorDefaults(_BAD_REQUEST, "(#132001) Template name does not exist in the translation"),
    132005: ErrorDefaults(_BAD_REQUEST, "(#132005) Template Hydrated Text Too Long"),
    132007: ErrorDefaults(_BAD_REQUEST, "(#132007) Template Format Character Policy Violated"),
    132012: ErrorDefaults(_BAD_REQUEST, "(#132012) Parameter format does not match format in the created template"),
    132015: ErrorDefaults(_BAD_REQUEST, "(#132015) Template is Paused"),
    132016: ErrorDefaults(_BAD_REQUEST, "(#132016) Template is Disabled"),
    133010: ErrorDefaults(_BAD_REQUEST, "(#133010) Account not registered", "The phone number is not registered on the WhatsApp Business Platform."),
}  # fmt: skip
"""The codes of the reference's table, and a few neighbours; 200-299 share code 200's entry."""

_PERMISSION_RANGE: Final = range(200, 300)


def defaults_for(code: int) -> ErrorDefaults:
    """Return how Meta presents ``code`` (a generic 400 for codes the sandbox does not know)."""
    if code in ERROR_DEFAULTS:
        return ERROR_DEFAULTS[code]
    if code in _PERMISSION_RANGE:
        return ErrorDefaults(_FORBIDDEN, f"(#{code}) Permissions error")
    return ErrorDefaults(_BAD_REQUEST, f"(#{code}) Sandbox error {code}")


class GraphError(Exception):
    """An error the sandbox answers with a Graph error body."""

    def __init__(
        self,
        code: int,
        *,
        subcode: int | None = None,
        message: str | None = None,
        details: str | None = None,
    ) -> None:
        """Describe the error; message and details default to Meta's usual ones for ``code``."""
        defaults = defaults_for(code)
        self.code = code
        self.subcode = subcode
        self.message = message or defaults.message
        self.details = details or defaults.details
        self.http_status = defaults.http_status
        super().__init__(self.message)

    def to_body(self) -> dict[str, object]:
        """Return the JSON body Meta would send."""
        error: dict[str, object] = {
            "message": self.message,
            "type": "OAuthException",
            "code": self.code,
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.details is not None:
            error["error_data"] = {
                "messaging_product": "whatsapp",
                "details": self.details,
            }
        error["fbtrace_id"] = _trace_id()
        return {"error": error}

    def to_response(self) -> web.Response:
        """Return the HTTP response Meta would send."""
        headers = {}
        if self.http_status == _AUTH:
            reason = self.message.replace('"', "'")
            headers["WWW-Authenticate"] = (
                f'OAuth "Facebook Platform" "invalid_token" "{reason}"'
            )
        return web.json_response(
            self.to_body(), status=self.http_status, headers=headers
        )


def _trace_id() -> str:
    return "".join(random.choices(string.ascii_letters + string.digits, k=11))

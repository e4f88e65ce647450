"""Async client for the WhatsApp Cloud API (Meta's Graph API).

Self-contained (aiohttp only, no Home Assistant import) so it can be published as a library.
"""

from .client import TemplateParameters, WhatsAppClient
from .const import GRAPH_API_VERSION, GRAPH_BASE_URL, SCOPE_MANAGEMENT, SCOPE_MESSAGING
from .exceptions import (
    ERROR_CLASSES,
    InvalidPhoneNumberError,
    WhatsAppAccountBlockedError,
    WhatsAppAuthenticationError,
    WhatsAppConnectionError,
    WhatsAppError,
    WhatsAppErrorKind,
    WhatsAppInvalidParameterError,
    WhatsAppMessageError,
    WhatsAppNotRegisteredError,
    WhatsAppOutsideWindowError,
    WhatsAppPermissionError,
    WhatsAppRateLimitError,
    WhatsAppRecipientNotAllowedError,
    WhatsAppResponseError,
    WhatsAppTemplateError,
    WhatsAppTemporaryError,
    WhatsAppUndeliverableError,
    WhatsAppUnsupportedMessageError,
    error_class_for,
)
from .models import ExchangedToken, GranularScope, PhoneNumber, SentMessage, TokenInfo
from .phone_numbers import (
    InternationalNumber,
    mask_phone_number,
    normalize_phone_number,
    parse_phone_number,
)
from .text import (
    CAPTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    flatten_template_parameter,
    split_text,
)

__all__ = [
    "CAPTION_MAX_LENGTH",
    "ERROR_CLASSES",
    "GRAPH_API_VERSION",
    "GRAPH_BASE_URL",
    "SCOPE_MANAGEMENT",
    "SCOPE_MESSAGING",
    "TEXT_MAX_LENGTH",
    "ExchangedToken",
    "GranularScope",
    "InternationalNumber",
    "InvalidPhoneNumberError",
    "PhoneNumber",
    "SentMessage",
    "TemplateParameters",
    "TokenInfo",
    "WhatsAppAccountBlockedError",
    "WhatsAppAuthenticationError",
    "WhatsAppClient",
    "WhatsAppConnectionError",
    "WhatsAppError",
    "WhatsAppErrorKind",
    "WhatsAppInvalidParameterError",
    "WhatsAppMessageError",
    "WhatsAppNotRegisteredError",
    "WhatsAppOutsideWindowError",
    "WhatsAppPermissionError",
    "WhatsAppRateLimitError",
    "WhatsAppRecipientNotAllowedError",
    "WhatsAppResponseError",
    "WhatsAppTemplateError",
    "WhatsAppTemporaryError",
    "WhatsAppUndeliverableError",
    "WhatsAppUnsupportedMessageError",
    "error_class_for",
    "flatten_template_parameter",
    "mask_phone_number",
    "normalize_phone_number",
    "parse_phone_number",
    "split_text",
]

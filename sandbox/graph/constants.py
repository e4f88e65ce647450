"""Fixed identities of the Graph sandbox: the business number, its app and its tokens."""

from typing import Final

PHONE_NUMBER_ID: Final = "106540352242922"
"""The Graph id of the sandbox's business phone number."""
DISPLAY_PHONE_NUMBER: Final = "+1 650-555-0199"
VERIFIED_NAME: Final = "WHOOP Sandbox"
BUSINESS_ACCOUNT_ID: Final = "102290129340398"
"""The WhatsApp Business Account (WABA) the number belongs to."""

APP_ID: Final = "1234567890123456"
APP_NAME: Final = "WHOOP Home Assistant (sandbox)"
APP_SECRET: Final = "sandbox-app-secret-0123456789abcdef"  # noqa: S105  # a made-up secret of the sandbox
ACCESS_TOKEN: Final = "EAASandboxSystemUserToken0000000000000000"  # noqa: S105  # a made-up token
"""A system user token that never expires, with both WhatsApp permissions on the sandbox number."""

SCOPE_MESSAGING: Final = "whatsapp_business_messaging"
SCOPE_MANAGEMENT: Final = "whatsapp_business_management"
DEFAULT_SCOPES: Final = (SCOPE_MESSAGING, SCOPE_MANAGEMENT)

# Token types as debug_token names them.
TOKEN_TYPE_SYSTEM_USER: Final = "SYSTEM_USER"  # noqa: S105  # a type name, not a secret
TOKEN_TYPE_APP: Final = "APP"  # noqa: S105  # a type name, not a secret

NOT_ON_WHATSAPP_NUMBER: Final = "+16505550142"
"""A recipient that is not on WhatsApp: sends to it fail with 131026."""

DEFAULT_PAIR_INTERVAL: Final = 6.0
"""Seconds Meta wants between two messages to the same person (131056 when closer)."""

EXCHANGED_TOKEN_LIFETIME_SECONDS: Final = 60 * 24 * 3600
TEXT_MAX_LENGTH: Final = 4096
CAPTION_MAX_LENGTH: Final = 1024
TEMPLATE_BODY_MAX_LENGTH: Final = 1024
"""Longest template body once its parameters are filled in (132005 beyond)."""
INTERACTIVE_BODY_MAX_LENGTH: Final = 1024
MAX_REPLY_BUTTONS: Final = 3
BUTTON_TITLE_MAX_LENGTH: Final = 20
BUTTON_ID_MAX_LENGTH: Final = 256

"""Fixed facts of the sandbox's WHOOP developer app: credentials, scopes and limits."""

from typing import Final

CLIENT_ID: Final = "sandbox-client-id"
CLIENT_SECRET: Final = "sandbox-client-secret"  # noqa: S105 - a public, fake test credential

SCOPE_OFFLINE: Final = "offline"
SCOPE_RECOVERY: Final = "read:recovery"
SCOPE_CYCLES: Final = "read:cycles"
SCOPE_WORKOUT: Final = "read:workout"
SCOPE_SLEEP: Final = "read:sleep"
SCOPE_PROFILE: Final = "read:profile"
SCOPE_BODY: Final = "read:body_measurement"

# In the order WHOOP's documentation lists them; the authorize page shows them in this order.
ALL_SCOPES: Final = (
    SCOPE_RECOVERY,
    SCOPE_CYCLES,
    SCOPE_WORKOUT,
    SCOPE_SLEEP,
    SCOPE_PROFILE,
    SCOPE_BODY,
    SCOPE_OFFLINE,
)

ACCESS_TOKEN_LIFETIME_SECONDS: Final = 3600
AUTHORIZATION_CODE_LIFETIME_SECONDS: Final = 600

RATE_LIMIT_PER_MINUTE: Final = 100
RATE_LIMIT_PER_DAY: Final = 10_000

PAGE_LIMIT_DEFAULT: Final = 10
PAGE_LIMIT_MAX: Final = 25

DEFAULT_SEED: Final = 20_251_120
HISTORY_DAYS: Final = 730
"""Days of history each member has before the sandbox starts, unless told otherwise."""
MAX_HISTORY_DAYS: Final = 3_660

"""Constants of WHOOP's developer API v2: hosts, paths, scopes and limits."""

from datetime import timedelta
from typing import Final

WHOOP_API_BASE_URL: Final = "https://api.prod.whoop.com"

# OAuth 2.0 (authorization code grant); both paths are relative to WHOOP_API_BASE_URL.
OAUTH_AUTHORIZE_PATH: Final = "/oauth/oauth2/auth"
OAUTH_TOKEN_PATH: Final = "/oauth/oauth2/token"  # noqa: S105 - a URL path, no secret

SCOPE_READ_RECOVERY: Final = "read:recovery"
SCOPE_READ_CYCLES: Final = "read:cycles"
SCOPE_READ_WORKOUT: Final = "read:workout"
SCOPE_READ_SLEEP: Final = "read:sleep"
SCOPE_READ_PROFILE: Final = "read:profile"
SCOPE_READ_BODY_MEASUREMENT: Final = "read:body_measurement"
# Without it WHOOP issues no refresh token at all.
OFFLINE_SCOPE: Final = "offline"

ALL_SCOPES: Final[tuple[str, ...]] = (
    SCOPE_READ_RECOVERY,
    SCOPE_READ_CYCLES,
    SCOPE_READ_WORKOUT,
    SCOPE_READ_SLEEP,
    SCOPE_READ_PROFILE,
    SCOPE_READ_BODY_MEASUREMENT,
)

# Data endpoints, relative to WHOOP_API_BASE_URL. "{id}" marks a path parameter.
PROFILE_PATH: Final = "/developer/v2/user/profile/basic"
BODY_MEASUREMENT_PATH: Final = "/developer/v2/user/measurement/body"
USER_ACCESS_PATH: Final = "/developer/v2/user/access"
CYCLES_PATH: Final = "/developer/v2/cycle"
CYCLE_PATH: Final = "/developer/v2/cycle/{id}"
CYCLE_RECOVERY_PATH: Final = "/developer/v2/cycle/{id}/recovery"
CYCLE_SLEEP_PATH: Final = "/developer/v2/cycle/{id}/sleep"
RECOVERIES_PATH: Final = "/developer/v2/recovery"
SLEEPS_PATH: Final = "/developer/v2/activity/sleep"
SLEEP_PATH: Final = "/developer/v2/activity/sleep/{id}"
WORKOUTS_PATH: Final = "/developer/v2/activity/workout"
WORKOUT_PATH: Final = "/developer/v2/activity/workout/{id}"

# Collections return at most this many records per page.
MAX_PAGE_LIMIT: Final = 25
DEFAULT_MAX_PAGES: Final = 10
DEFAULT_REQUEST_TIMEOUT: Final = 20.0
# The most of a response body read: WHOOP's largest answer (a page of 25 records) is some 40 KB;
# a longer body is refused unread, not held in memory.
MAX_RESPONSE_BYTES: Final = 4 * 1024 * 1024

# Rate limits, per app across all its members: 100 requests a minute, 10,000 a day.
DAILY_REQUEST_LIMIT: Final = 10_000
# The longest wait a 429 may ask for, in seconds, unless the daily window is spent: then
# the wait may last until the next UTC midnight.
MAX_RATE_LIMIT_WAIT: Final = 3600.0

# Webhook signature headers (the timestamp is in milliseconds since the epoch).
WEBHOOK_SIGNATURE_HEADER: Final = "X-WHOOP-Signature"
WEBHOOK_TIMESTAMP_HEADER: Final = "X-WHOOP-Signature-Timestamp"
# A delivery signed further than this from now, either side, is refused as a replay.
# WHOOP signs each attempt when it sends it; 5 minutes leaves room for clock drift.
WEBHOOK_TIMESTAMP_TOLERANCE: Final = timedelta(minutes=5)
# WHOOP's event bodies are about 150 bytes; a receiver reads no more than this.
MAX_WEBHOOK_BODY_BYTES: Final = 64 * 1024

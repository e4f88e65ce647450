"""Constants of the WhatsApp Cloud API (Meta's Graph API)."""

from typing import Final

GRAPH_BASE_URL: Final = "https://graph.facebook.com"
# The only place the Graph API version is named: each version lives about two years.
GRAPH_API_VERSION: Final = "v26.0"

MESSAGING_PRODUCT: Final = "whatsapp"

# The permission a token needs to send messages.
SCOPE_MESSAGING: Final = "whatsapp_business_messaging"
# The permission to read and manage the business account and its phone numbers.
SCOPE_MANAGEMENT: Final = "whatsapp_business_management"

DEFAULT_REQUEST_TIMEOUT: Final = 20.0
# The most of a response body read: the Graph API's largest answer here (a page of message
# templates) is some tens of KB; a longer body is refused unread, not held in memory.
MAX_RESPONSE_BYTES: Final = 4 * 1024 * 1024

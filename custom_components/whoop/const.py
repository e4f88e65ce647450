"""Constants of the WHOOP integration."""

import os
from typing import Final

from .whatsapp_api import GRAPH_BASE_URL
from .whoop_api import WHOOP_API_BASE_URL

DOMAIN: Final = "whoop"

# A config entry is either a WHOOP account or a WhatsApp sender; entry_kind.py tells which.
CONF_ENTRY_TYPE: Final = "entry_type"

# A WhatsApp sender's recipients are config subentries of this type.
SUBENTRY_TYPE_RECIPIENT: Final = "recipient"

# The only place the API base URLs come from. Development, the demo and the tests point them at
# the sandbox through these environment variables, read at each use.
WHOOP_URL_VARIABLE: Final = "WHOOP_API_URL"
WHATSAPP_URL_VARIABLE: Final = "WHATSAPP_GRAPH_URL"


def whoop_base_url() -> str:
    """Return the WHOOP API base URL."""
    return os.environ.get(WHOOP_URL_VARIABLE, WHOOP_API_BASE_URL).rstrip("/")


def whatsapp_base_url() -> str:
    """Return the Graph API base URL."""
    return os.environ.get(WHATSAPP_URL_VARIABLE, GRAPH_BASE_URL).rstrip("/")

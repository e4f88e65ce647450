"""The WhatsApp Cloud API part of the sandbox: Meta's Graph API for one business account.

``GraphSandbox`` holds the state and the Python API; ``create_graph_app`` serves it (mounted under
``/graph``, so a send is ``POST <sandbox url>/graph/v26.0/<phone_number_id>/messages``).
"""

from .app import create_graph_app
from .constants import (
    ACCESS_TOKEN,
    APP_ID,
    APP_SECRET,
    BUSINESS_ACCOUNT_ID,
    DEFAULT_PAIR_INTERVAL,
    DISPLAY_PHONE_NUMBER,
    NOT_ON_WHATSAPP_NUMBER,
    PHONE_NUMBER_ID,
    VERIFIED_NAME,
)
from .errors import ERROR_DEFAULTS, GraphError
from .models import BusinessPhoneNumber, ReceivedMessage, SandboxToken, UploadedMedia
from .state import WINDOW, GraphSandbox
from .templates import ALERT_TEMPLATE, NAMED_ALERT_TEMPLATE, Template

__all__ = [
    "ACCESS_TOKEN",
    "ALERT_TEMPLATE",
    "APP_ID",
    "APP_SECRET",
    "BUSINESS_ACCOUNT_ID",
    "DEFAULT_PAIR_INTERVAL",
    "DISPLAY_PHONE_NUMBER",
    "ERROR_DEFAULTS",
    "NAMED_ALERT_TEMPLATE",
    "NOT_ON_WHATSAPP_NUMBER",
    "PHONE_NUMBER_ID",
    "VERIFIED_NAME",
    "WINDOW",
    "BusinessPhoneNumber",
    "GraphError",
    "GraphSandbox",
    "ReceivedMessage",
    "SandboxToken",
    "Template",
    "UploadedMedia",
    "create_graph_app",
]

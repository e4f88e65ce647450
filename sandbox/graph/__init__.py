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
from .models import (
    BusinessPhoneNumber,
    Button,
    InboundMessage,
    ReceivedMessage,
    SandboxToken,
    UploadedMedia,
)
from .outbox import WebhookOutbox
from .state import WINDOW, WINDOW_ASYNC, WINDOW_SYNC, GraphSandbox
from .templates import (
    ALERT_TEMPLATE,
    NAMED_ALERT_TEMPLATE,
    QUICK_REPLY_TEMPLATE,
    Template,
)
from .webhooks import (
    SIGNATURE_HEADER,
    SubscriptionError,
    WebhookDelivery,
    WebhookSubscription,
    sign,
)

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
    "QUICK_REPLY_TEMPLATE",
    "SIGNATURE_HEADER",
    "VERIFIED_NAME",
    "WINDOW",
    "WINDOW_ASYNC",
    "WINDOW_SYNC",
    "BusinessPhoneNumber",
    "Button",
    "GraphError",
    "GraphSandbox",
    "InboundMessage",
    "ReceivedMessage",
    "SandboxToken",
    "SubscriptionError",
    "Template",
    "UploadedMedia",
    "WebhookDelivery",
    "WebhookOutbox",
    "WebhookSubscription",
    "create_graph_app",
    "sign",
]

"""The WHOOP developer API part of the sandbox: OAuth, v2 data, rate limits, faults, webhooks."""

from .constants import ALL_SCOPES, CLIENT_ID, CLIENT_SECRET
from .faults import Fault, FaultKind, Faults
from .generator import DayPlan, SleepPlan, WorkoutPlan
from .members import DEFAULT_MEMBERS, JANE, JOHN, REALISTIC_MEMBERS, Member
from .records import MemberRecords, ScoreState
from .request_log import LoggedRequest
from .routes import add_whoop_routes
from .webhooks import PendingRetry, SignatureMode, WebhookDelivery, WebhookEvent, sign
from .whoop_sandbox import UnknownMemberError, WhoopSandbox

__all__ = [
    "ALL_SCOPES",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "DEFAULT_MEMBERS",
    "JANE",
    "JOHN",
    "REALISTIC_MEMBERS",
    "DayPlan",
    "Fault",
    "FaultKind",
    "Faults",
    "LoggedRequest",
    "Member",
    "MemberRecords",
    "PendingRetry",
    "ScoreState",
    "SignatureMode",
    "SleepPlan",
    "UnknownMemberError",
    "WebhookDelivery",
    "WebhookEvent",
    "WhoopSandbox",
    "WorkoutPlan",
    "add_whoop_routes",
    "sign",
]

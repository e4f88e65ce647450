"""Diagnostics of a WHOOP account: what is known and how fresh, never the member's values.

Users paste diagnostics into public bug reports; HRV, weight or sleep are personal data. So each
record is described by its kind, score state, dates and which of its values are present.
"""

from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any, Final

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .coordinator import WhoopConfigEntry, WhoopCoordinator

# Tokens, the client secret and the webhook id are secrets; names and WHOOP ids identify the member.
TO_REDACT: Final = {
    "access_token",
    "refresh_token",
    "client_secret",
    "title",
    "unique_id",
    "webhook_id",
}
# Dates that tell which day a record belongs to and when WHOOP scored it.
_RECORD_DATES: Final = ("start", "end", "created_at", "updated_at")


async def async_get_account_diagnostics(
    hass: HomeAssistant, entry: WhoopConfigEntry
) -> dict[str, Any]:
    """Return the account's state: scopes, rate limit, and each coordinator's health."""
    runtime_data = entry.runtime_data
    return {
        "entry": async_redact_data(
            {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
            },
            TO_REDACT,
        ),
        "granted_scopes": sorted(runtime_data.tokens.granted_scopes),
        "rate_limit": {
            "limit": runtime_data.client.rate_limit_limit,
            "remaining": runtime_data.client.rate_limit_remaining,
        },
        "coordinators": {
            str(coordinator.family): _coordinator(coordinator)
            for coordinator in runtime_data.coordinators
        },
    }


def _coordinator(coordinator: WhoopCoordinator[Any]) -> dict[str, Any]:
    data = coordinator.data
    return {
        "last_update_success": coordinator.last_update_success,
        "last_exception": str(coordinator.last_exception)
        if coordinator.last_exception
        else None,
        "update_interval_seconds": coordinator.update_interval.total_seconds()
        if coordinator.update_interval
        else None,
        "last_push": coordinator.last_push.isoformat()
        if coordinator.last_push
        else None,
        "records": {
            field.name: _record(getattr(data, field.name)) for field in fields(data)
        }
        if is_dataclass(data)
        else None,
    }


def _record(record: object) -> dict[str, Any] | None:
    """Describe a record by its state, dates and the names of the values it carries."""
    if record is None:
        return None
    described: dict[str, Any] = {"kind": type(record).__name__}
    if (state := getattr(record, "score_state", None)) is not None:
        described["score_state"] = str(state)
    for name in _RECORD_DATES:
        if isinstance(value := getattr(record, name, None), datetime):
            described[name] = value.isoformat()
    score = getattr(record, "score", record)
    if is_dataclass(score) and not isinstance(score, type):
        described["values_present"] = sorted(
            field.name
            for field in fields(score)
            if getattr(score, field.name) is not None
            and field.name not in _RECORD_DATES
            and not field.name.endswith("_id")
            and field.name not in {"id", "score", "score_state"}
        )
    return described

"""The log of requests the WHOOP part answered, for tests and the benchmark to count calls."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from .records import format_timestamp


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One answered request; ``route`` is the path template, ids replaced by ``{id}``.

    For a form post (the token endpoint) ``form_fields`` names the fields sent and ``scope`` is
    the ``scope`` field's value; the values of the other fields (tokens, secrets) are never kept.
    """

    method: str
    path: str
    route: str
    status: int
    at: datetime
    form_fields: tuple[str, ...] = ()
    scope: str | None = None
    user_id: int | None = None
    """The member whose valid access token the request carried (None without one)."""

    @property
    def key(self) -> str:
        """The counting key, e.g. ``"GET /developer/v2/cycle/{id}"``."""
        return f"{self.method} {self.route}"

    def as_json(self) -> dict[str, object]:
        """Describe the request for the admin API (a form post adds ``form_fields`` and ``scope``)."""
        described: dict[str, object] = {
            "method": self.method,
            "path": self.path,
            "route": self.route,
            "status": self.status,
            "at": format_timestamp(self.at),
        }
        if self.form_fields:
            described["form_fields"] = list(self.form_fields)
            described["scope"] = self.scope
        if self.user_id is not None:
            described["user_id"] = self.user_id
        return described


MAX_LOGGED_REQUESTS = 200_000
"""The log keeps this many newest requests, so a long-running sandbox stays bounded."""


def append_bounded(requests: list[LoggedRequest], logged: LoggedRequest) -> None:
    """Append ``logged``, dropping the oldest tenth once the log is full."""
    requests.append(logged)
    if len(requests) > MAX_LOGGED_REQUESTS:
        del requests[: MAX_LOGGED_REQUESTS // 10]


def count_requests(
    requests: list[LoggedRequest], user_id: int | None = None
) -> Counter[str]:
    """Count requests by ``"METHOD /route/template"`` (only ``user_id``'s, when given)."""
    return Counter(
        request.key
        for request in requests
        if user_id is None or request.user_id == user_id
    )

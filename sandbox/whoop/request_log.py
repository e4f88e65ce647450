"""The log of requests the WHOOP part answered, for tests and the benchmark to count calls."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from .records import format_timestamp


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One answered request; ``route`` is the path template, ids replaced by ``{id}``."""

    method: str
    path: str
    route: str
    status: int
    at: datetime

    @property
    def key(self) -> str:
        """The counting key, e.g. ``"GET /developer/v2/cycle/{id}"``."""
        return f"{self.method} {self.route}"

    def as_json(self) -> dict[str, object]:
        """Describe the request for the admin API."""
        return {
            "method": self.method,
            "path": self.path,
            "route": self.route,
            "status": self.status,
            "at": format_timestamp(self.at),
        }


def count_requests(requests: list[LoggedRequest]) -> Counter[str]:
    """Count requests by ``"METHOD /route/template"``."""
    return Counter(request.key for request in requests)

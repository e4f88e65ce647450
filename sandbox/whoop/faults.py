"""Faults a test arms on purpose: rate limiting, server errors, slowness, broken bodies."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final


class FaultKind(StrEnum):
    """What an armed fault does to the requests it matches."""

    RATE_LIMIT = "rate_limit"
    """429 with rate-limit headers; param ``reset_seconds`` (default 60)."""
    SERVER_ERROR = "server_error"
    """An error status; param ``status`` (default 500)."""
    SLOW = "slow"
    """Answers normally after ``delay`` seconds (default 2)."""
    MALFORMED_JSON = "malformed_json"
    """200 with a truncated JSON body."""
    MISSING_FIELDS = "missing_fields"
    """200 with required fields dropped; param ``fields`` (default: the first key of each object)."""
    TOKEN_SERVER_ERROR = "token_server_error"  # noqa: S105 - a fault name, not a secret
    """An error status from the token endpoint only; param ``status`` (default 500)."""


TOKEN_PATH: Final = "/oauth/oauth2/token"  # noqa: S105 - a URL path, not a secret


@dataclass(slots=True)
class Fault:
    """One armed fault: it hits the next ``remaining`` requests whose path starts with ``path``."""

    kind: FaultKind
    path: str
    remaining: int | None
    """Requests it still hits; None hits every matching request until cleared."""
    params: Mapping[str, object] = field(default_factory=dict)

    def matches(self, path: str) -> bool:
        """Whether this fault applies to a request for ``path``."""
        if self.kind is FaultKind.TOKEN_SERVER_ERROR and not path.startswith(
            TOKEN_PATH
        ):
            return False
        return path.startswith(self.path)

    def as_json(self) -> dict[str, object]:
        """Describe the fault for the admin API."""
        return {
            "kind": self.kind.value,
            "path": self.path,
            "remaining": self.remaining,
            "params": dict(self.params),
        }


class Faults:
    """The armed faults, consumed in the order they were added."""

    def __init__(self) -> None:
        """Start with no fault armed."""
        self._faults: list[Fault] = []

    def add(
        self, kind: str, *, path: str = "", count: int = 1, **params: object
    ) -> Fault:
        """Arm a fault of ``kind`` for the next ``count`` requests under ``path`` (0: until cleared).

        Raises:
            ValueError: ``kind`` is unknown or ``count`` is negative.
        """
        if count < 0:
            msg = f"count must be 0 (until cleared) or more, not {count}"
            raise ValueError(msg)
        fault = Fault(
            kind=FaultKind(kind), path=path, remaining=count or None, params=params
        )
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Disarm every fault."""
        self._faults.clear()

    @property
    def armed(self) -> tuple[Fault, ...]:
        """The faults still armed, oldest first."""
        return tuple(self._faults)

    def take(self, path: str) -> Fault | None:
        """Return the first fault matching ``path`` and spend one of its uses."""
        for fault in self._faults:
            if fault.matches(path):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                return fault
        return None

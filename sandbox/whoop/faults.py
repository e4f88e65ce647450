"""Faults a test arms on purpose: rate limiting, server errors, slowness, broken bodies."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

MAX_DELAY_SECONDS: Final = 60.0
"""No fault holds an answer back longer than this, whatever a test asks."""
MAX_HOLD_SECONDS: Final = 120.0
"""A ``hang`` fault closes the connection after this long if the client has not given up."""
MAX_ARMED_FAULTS: Final = 1_000
MAX_FAULT_COUNT: Final = 1_000_000
RESET_FORMS: Final = ("seconds", "epoch", "absurd")
RATE_LIMIT_WINDOWS: Final = ("minute", "day")
OUT_OF_RANGE_VALUES: Final = (
    "huge_integer",
    "negative",
    "max_float",
    "overflow_float",
    "nan_string",
    "infinity_string",
)


class FaultKind(StrEnum):
    """What an armed fault does to the requests it matches."""

    RATE_LIMIT = "rate_limit"
    """429 with rate-limit headers; params ``reset_seconds`` (default 60) and ``reset_form``.

    ``reset_form`` says how ``X-RateLimit-Reset`` is written: ``seconds`` (WHOOP's form, the
    default), ``epoch`` (the Unix time of the reset, on the sandbox clock) or ``absurd`` (10**15).
    ``window`` says which budget is spent: ``minute`` (the default) or ``day`` (the daily 10,000:
    it leads ``X-RateLimit-Limit``, as WHOOP writes it).
    """
    SERVER_ERROR = "server_error"
    """An error status; param ``status`` (default 500)."""
    SLOW = "slow"
    """Waits ``delay`` seconds (default 2), then handles the request (a refresh rotates late)."""
    ANSWER_LATE = "answer_late"
    """Handles the request at once (a refresh rotates), then holds the answer ``delay`` seconds (default 5)."""
    HANG = "hang"
    """Handles the request at once (a refresh rotates), then never answers.

    The connection stays open until the client gives up, or until ``hold`` seconds (default and
    cap 120) pass and the sandbox closes it unanswered. Logged with status 499.
    """
    DEACTIVATED_USER = "deactivated_user"
    """403 ``{"error": "deactivated_user"}``: the member's WHOOP membership is inactive."""
    OUT_OF_RANGE = "out_of_range"
    """200 with absurd values in ``fields`` (default: every number but ids), written as raw JSON.

    Param ``value``: ``huge_integer`` (10**400, the default), ``negative`` (minus the real value,
    or -1), ``max_float`` (1e308), ``overflow_float`` (1e999, which most parsers read as infinity),
    ``nan_string`` (``"NaN"``) or ``infinity_string`` (``"Infinity"``).
    """
    MALFORMED_JSON = "malformed_json"
    """200 with a truncated JSON body."""
    MISSING_FIELDS = "missing_fields"
    """200 with required fields dropped; param ``fields`` (default: the first key of each object)."""
    OVERSIZE_BODY = "oversize_body"
    """200 with the real answer padded with whitespace to ``size`` bytes (default 8 MiB, at most
    64 MiB): valid JSON that no client should read whole. ``chunked`` (default false) sends it
    without a Content-Length, as a stream."""
    TOKEN_SERVER_ERROR = "token_server_error"  # noqa: S105 - a fault name, not a secret
    """An error status from the token endpoint only; param ``status`` (default 500)."""


MAX_OVERSIZE_BYTES: Final = 64 * 1024 * 1024
DEFAULT_OVERSIZE_BYTES: Final = 8 * 1024 * 1024
TOKEN_PATH: Final = "/oauth/oauth2/token"  # noqa: S105 - a URL path, not a secret
DATA_PATH: Final = "/developer/"


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
        # WHOOP answers deactivated_user on data calls; its token endpoint knows no such error.
        if self.kind is FaultKind.DEACTIVATED_USER and not path.startswith(DATA_PATH):
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
            ValueError: ``kind`` is unknown, ``count`` or a parameter is out of range, or too
                many faults are armed.
        """
        if not 0 <= count <= MAX_FAULT_COUNT:
            msg = f"count must be 0 (until cleared) to {MAX_FAULT_COUNT}, not {count}"
            raise ValueError(msg)
        if len(self._faults) >= MAX_ARMED_FAULTS:
            msg = f"at most {MAX_ARMED_FAULTS} faults can be armed at once"
            raise ValueError(msg)
        fault_kind = FaultKind(kind)
        _check_params(fault_kind, params)
        fault = Fault(
            kind=fault_kind, path=path, remaining=count or None, params=params
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


def _check_params(kind: FaultKind, params: Mapping[str, object]) -> None:
    """Refuse parameters the sandbox could not honour within its bounds.

    Raises:
        ValueError: a parameter has the wrong type or is out of range.
    """
    bounds = {"delay": MAX_DELAY_SECONDS, "hold": MAX_HOLD_SECONDS}
    for name, cap in bounds.items():
        value = params.get(name)
        if value is not None and (
            not isinstance(value, int | float) or not 0 <= value <= cap
        ):
            msg = f"{name} must be a number of seconds from 0 to {cap:g}"
            raise ValueError(msg)
    integers = {
        "size": (0, MAX_OVERSIZE_BYTES, "a number of bytes"),
        "status": (100, 599, "an HTTP status"),
        "reset_seconds": (0, 86_400, "an integer"),
    }
    for name, (low, high, what) in integers.items():
        value = params.get(name)
        if value is not None and (
            not isinstance(value, int) or not low <= value <= high
        ):
            msg = f"{name} must be {what} from {low} to {high}"
            raise ValueError(msg)
    if (
        kind is FaultKind.RATE_LIMIT
        and params.get("reset_form", "seconds") not in RESET_FORMS
    ):
        msg = f"reset_form must be one of {', '.join(RESET_FORMS)}"
        raise ValueError(msg)
    if (
        kind is FaultKind.RATE_LIMIT
        and params.get("window", "minute") not in RATE_LIMIT_WINDOWS
    ):
        msg = f"window must be one of {', '.join(RATE_LIMIT_WINDOWS)}"
        raise ValueError(msg)
    if kind is FaultKind.OUT_OF_RANGE:
        if params.get("value", "huge_integer") not in OUT_OF_RANGE_VALUES:
            msg = f"value must be one of {', '.join(OUT_OF_RANGE_VALUES)}"
            raise ValueError(msg)
        fields = params.get("fields")
        if fields is not None and (
            not isinstance(fields, list | tuple)
            or not all(isinstance(name, str) for name in fields)
        ):
            msg = "fields must be a list of field names"
            raise ValueError(msg)

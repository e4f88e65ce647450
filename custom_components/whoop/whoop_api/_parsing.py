"""Strict, typed reading of decoded JSON: every defect becomes a WhoopResponseError.

Error messages name the record type, the field and the JSON type found, never the value
(values are a member's health data and do not belong in logs).
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
import math

from .exceptions import WhoopResponseError

# Checked in order: bool before number, since a Python bool is an int.
_JSON_TYPE_NAMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"),
    ((int, float), "number"),
    (str, "string"),
    ((list, tuple), "array"),
    (Mapping, "object"),
)


def json_type_name(value: object) -> str:
    """Return the JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    for python_types, name in _JSON_TYPE_NAMES:
        if isinstance(value, python_types):
            return name
    return type(value).__name__


def as_integer(value: object) -> int | None:
    """Return ``value`` as an int, or ``None`` if it is not an integral JSON number.

    An integral float (``68.0``) is accepted; a boolean is not a number.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def as_finite_float(value: float) -> float | None:
    """Return a decoded JSON number as a finite float, else ``None``.

    JSON integers are accepted (WHOOP sends ``"recovery_score": 66``); NaN, infinities
    and integers too large for a float are not finite.
    """
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def as_timestamp(value: object) -> datetime | None:
    """Return an ISO 8601 string with an offset as an aware UTC datetime, else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            return None
        return parsed.astimezone(UTC)
    except ValueError, OverflowError:
        return None


class FieldReader:
    """Reads typed fields of a decoded JSON object; a defect is a WhoopResponseError."""

    def __init__(self, data: object, record_name: str) -> None:
        """Wrap ``data``, which must be a JSON object, describing it as ``record_name``.

        Raises:
            WhoopResponseError: ``data`` is not a JSON object.
        """
        if not isinstance(data, Mapping):
            msg = f"{record_name}: expected a JSON object, got {json_type_name(data)}"
            raise WhoopResponseError(msg)
        self._data: Mapping[object, object] = data
        self._record_name = record_name

    def invalid(self, key: str, expected: str) -> WhoopResponseError:
        """Return the error saying field ``key`` should be ``expected``."""
        found = json_type_name(self._data.get(key))
        return WhoopResponseError(
            f"{self._record_name}: field '{key}' should be {expected}, got {found}"
        )

    @property
    def record_name(self) -> str:
        """The name of the record, as used in error messages."""
        return self._record_name

    def has(self, key: str) -> bool:
        """Return whether ``key`` is present with a non-null value."""
        return self._data.get(key) is not None

    def value(self, key: str) -> object:
        """Return the raw value of a required field.

        Raises:
            WhoopResponseError: The field is missing or null.
        """
        raw = self._data.get(key)
        if raw is None:
            msg = f"{self._record_name}: field '{key}' is missing"
            raise WhoopResponseError(msg)
        return raw

    def integer(self, key: str) -> int:
        """Return a required integer field."""
        number = as_integer(self.value(key))
        if number is None:
            raise self.invalid(key, "an integer")
        return number

    def json_number(self, key: str) -> int | float:
        """Return a required JSON number as decoded: possibly huge, NaN or infinite."""
        number = self.value(key)
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise self.invalid(key, "a number")
        return number

    def boolean(self, key: str) -> bool:
        """Return a required boolean field."""
        flag = self.value(key)
        if not isinstance(flag, bool):
            raise self.invalid(key, "a boolean")
        return flag

    def string(self, key: str) -> str:
        """Return a required string field (possibly empty)."""
        text = self.value(key)
        if not isinstance(text, str):
            raise self.invalid(key, "a string")
        return text

    def identifier(self, key: str) -> str:
        """Return a required, non-empty string identifier (sleep and workout UUIDs)."""
        text = self.string(key)
        if not text.strip():
            raise self.invalid(key, "a non-empty string")
        return text

    def timestamp(self, key: str) -> datetime:
        """Return a required ISO 8601 timestamp with an offset, as aware UTC."""
        when = as_timestamp(self.value(key))
        if when is None:
            raise self.invalid(key, "an ISO 8601 timestamp with a UTC offset")
        return when

    def enum[E: StrEnum](self, key: str, enum_type: type[E]) -> E:
        """Return a required string field as a member of ``enum_type``."""
        text = self.value(key)
        if isinstance(text, str):
            for member in enum_type:
                if member.value == text:
                    return member
        choices = ", ".join(member.value for member in enum_type)
        raise self.invalid(key, f"one of {choices}")

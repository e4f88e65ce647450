"""Typed access to decoded JSON: a body that breaks the contract raises WhatsAppResponseError."""

from collections.abc import Mapping, Sequence

from .exceptions import WhatsAppResponseError

type JSONObject = Mapping[str, object]


def as_object(value: object, what: str) -> JSONObject:
    """Return ``value`` as a JSON object, or raise if it is something else."""
    if not isinstance(value, Mapping):
        msg = f"Expected an object for {what}"
        raise WhatsAppResponseError(msg)
    return value


def as_list(value: object, what: str) -> Sequence[object]:
    """Return ``value`` as a JSON array, or raise if it is something else."""
    if not isinstance(value, list):
        msg = f"Expected an array for {what}"
        raise WhatsAppResponseError(msg)
    return value


def required_str(data: JSONObject, key: str) -> str:
    """Return the string at ``key``; a number is accepted as Graph ids sometimes are numbers."""
    value = data.get(key)
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    msg = f"Missing or invalid field {key!r}"
    raise WhatsAppResponseError(msg)


def optional_str(data: JSONObject, key: str) -> str | None:
    """Return the string at ``key``, or ``None`` when it is absent."""
    if data.get(key) is None:
        return None
    return required_str(data, key)


def optional_int(data: JSONObject, key: str) -> int | None:
    """Return the integer at ``key``, or ``None`` when it is absent."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"Invalid integer field {key!r}"
        raise WhatsAppResponseError(msg)
    return value


def str_list(data: JSONObject, key: str) -> tuple[str, ...]:
    """Return the array of strings at ``key`` (empty when absent)."""
    value = data.get(key)
    if value is None:
        return ()
    items = as_list(value, key)
    if not all(isinstance(item, str) for item in items):
        msg = f"Expected strings in {key!r}"
        raise WhatsAppResponseError(msg)
    return tuple(str(item) for item in items)

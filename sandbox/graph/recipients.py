"""Phone numbers as the Graph sandbox compares them: digits only, like a ``wa_id``."""

import re
from typing import Final

from .errors import GraphError

_SEPARATORS: Final = re.compile(r"[\s\-().]")
_MIN_DIGITS: Final = 7
_MAX_DIGITS: Final = 15


def digits_of(phone: str) -> str:
    """Return the digits of a phone number written with ``+``, spaces, hyphens or parentheses.

    Raises:
        ValueError: The text is not a phone number.
    """
    digits = _SEPARATORS.sub("", phone).removeprefix("+")
    if (
        not (digits.isascii() and digits.isdigit())
        or not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS
    ):
        msg = f"Not a phone number: {phone!r}"
        raise ValueError(msg)
    return digits


def recipient_digits(to: object) -> str:
    """Return the digits of a message's ``to``, refusing it the way Meta does."""
    if not isinstance(to, str) or not to.strip():
        raise GraphError(131008, details="The parameter to is required.")
    try:
        return digits_of(to)
    except ValueError:
        raise GraphError(100, details="Param to is not a valid phone number.") from None

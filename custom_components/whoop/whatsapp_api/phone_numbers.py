"""Phone numbers as WhatsApp wants them: E.164 with a ``+`` and the country code.

Meta prepends the business number's own country code to a number without ``+``, which can reach
the wrong person, so numbers without a country code are refused unless a default region is given.
The checks are plausibility checks (known country code, length, stray trunk prefix), not a full
numbering-plan validation.
"""

import re
from typing import Final

from ._calling_codes import (
    CALLING_CODES,
    NATIONAL_NUMBER_KEEPS_ZERO,
    NO_LEADING_ZERO,
    NORTH_AMERICAN_CODE,
    REGION_ALIASES,
    REGION_CALLING_CODES,
    TRUNK_PREFIXES,
)
from .exceptions import InvalidPhoneNumberError

__all__ = ["InvalidPhoneNumberError", "normalize_phone_number"]

E164_MAX_DIGITS: Final = 15
_MIN_DIGITS_SHORT_CODE: Final = 8  # country codes of one or two digits
_MIN_DIGITS_LONG_CODE: Final = 7  # three-digit codes (e.g. Niue: +683 and four digits)
_NORTH_AMERICAN_LENGTH: Final = 10
_LONGEST_CALLING_CODE: Final = 3

_SEPARATORS: Final = re.compile(r"[\s\-().\u00a0\u2010-\u2015]")
# "+44 (0)20 ..." writes the trunk prefix in parentheses: it is not dialled from abroad.
_BRACKETED_TRUNK_ZERO: Final = re.compile(r"\(\s*0\s*\)")
_NANP_EXIT_CODE: Final = "011"


def normalize_phone_number(text: str, default_region: str | None = None) -> str:
    """Return a phone number in E.164 with a leading ``+``, e.g. ``+4915112345678``.

    Spaces, hyphens, dots, parentheses and a ``(0)`` trunk hint are ignored; ``00`` (and ``011``
    for a North American default region) may stand for ``+``.

    Args:
        text: The number as a person typed it.
        default_region: ISO 3166-1 code (``DE``, ``US``; ``UK`` works too) or calling code (``+49``)
            used for a number written without country code; ``None`` refuses such numbers.

    Returns:
        ``+`` followed by the country code and the national number, digits only.

    Raises:
        InvalidPhoneNumberError: The text is not a plausible international number; ``reason`` says why.
    """
    compact = _SEPARATORS.sub("", _BRACKETED_TRUNK_ZERO.sub("", text.strip()))
    if not compact:
        msg = "it is empty"
        raise InvalidPhoneNumberError(msg)
    if any(character.isalpha() for character in compact):
        msg = "it contains letters"
        raise InvalidPhoneNumberError(msg)
    international = compact.startswith("+")
    digits = compact.removeprefix("+")
    if not (digits.isascii() and digits.isdigit()):
        msg = (
            "it contains characters other than digits, spaces, hyphens and parentheses"
        )
        raise InvalidPhoneNumberError(msg)
    if not international and digits.startswith("00"):
        international, digits = True, digits.removeprefix("00")
    if not international:
        if default_region is None:
            msg = "the country code is missing: start with + and the country code"
            raise InvalidPhoneNumberError(msg)
        digits = _with_region_code(digits, _region_calling_code(default_region))
    _check_international(digits)
    return f"+{digits}"


def _region_calling_code(region: str) -> str:
    name = region.strip().upper()
    if name.removeprefix("+") in CALLING_CODES:
        return name.removeprefix("+")
    code = REGION_CALLING_CODES.get(REGION_ALIASES.get(name, name))
    if code is None:
        msg = f"unknown default region {region!r}"
        raise InvalidPhoneNumberError(msg)
    return code


def _with_region_code(national: str, calling_code: str) -> str:
    """Turn a number dialled inside the default region into an international one (without +)."""
    if calling_code == NORTH_AMERICAN_CODE and national.startswith(_NANP_EXIT_CODE):
        return national.removeprefix(_NANP_EXIT_CODE)
    trunk_prefix = TRUNK_PREFIXES.get(calling_code, "0")
    if calling_code == NORTH_AMERICAN_CODE and len(national) == _NORTH_AMERICAN_LENGTH:
        trunk_prefix = ""  # ten digits are the national number itself
    if calling_code not in NATIONAL_NUMBER_KEEPS_ZERO and trunk_prefix:
        national = national.removeprefix(trunk_prefix)
    return calling_code + national


def _check_international(digits: str) -> None:
    calling_code = _calling_code_of(digits)
    national = digits.removeprefix(calling_code)
    shortest = (
        _MIN_DIGITS_LONG_CODE
        if len(calling_code) == _LONGEST_CALLING_CODE
        else _MIN_DIGITS_SHORT_CODE
    )
    if len(digits) < shortest:
        msg = "it is too short"
        raise InvalidPhoneNumberError(msg)
    if len(digits) > E164_MAX_DIGITS:
        msg = f"it is too long: at most {E164_MAX_DIGITS} digits with the country code"
        raise InvalidPhoneNumberError(msg)
    if calling_code in NO_LEADING_ZERO and national.startswith("0"):
        msg = f"remove the 0 after the country code +{calling_code}"
        raise InvalidPhoneNumberError(msg)
    if calling_code == NORTH_AMERICAN_CODE:
        _check_north_american(national)


def _calling_code_of(digits: str) -> str:
    for length in range(1, _LONGEST_CALLING_CODE + 1):
        if digits[:length] in CALLING_CODES:
            return digits[:length]
    msg = "the country code is unknown"
    raise InvalidPhoneNumberError(msg)


def _check_north_american(national: str) -> None:
    if len(national) != _NORTH_AMERICAN_LENGTH:
        msg = "a +1 number has ten digits after the 1"
        raise InvalidPhoneNumberError(msg)
    # Area and exchange codes never start with 0 or 1.
    if national[0] in "01" or national[3] in "01":
        msg = "this is not a valid +1 number"
        raise InvalidPhoneNumberError(msg)

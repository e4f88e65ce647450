"""Phone numbers as WhatsApp wants them: E.164 with a ``+`` and the country code.

Meta prepends the business number's own country code to a number without ``+``, which can reach
the wrong person, so numbers without a country code are refused unless a default region is given.
Length and validity are checked per country against Google's numbering plan data (``phonenumbers``).
"""

from dataclasses import dataclass
import re
from typing import Final

import phonenumbers

from .exceptions import InvalidPhoneNumberError

__all__ = [
    "InternationalNumber",
    "InvalidPhoneNumberError",
    "mask_phone_number",
    "normalize_phone_number",
    "parse_phone_number",
]

PHONE_NUMBER_MAX_LENGTH: Final = 64
"""The longest text accepted as a phone number, separators included."""

MASK: Final = "•••"
_MASK_TAIL_DIGITS: Final = 3
_MIN_HIDDEN_DIGITS: Final = 3

_SEPARATORS: Final = re.compile(r"[\s\-().\u00a0\u2010-\u2015]")
# "+44 (0)20 ..." writes the trunk prefix in parentheses: it is not dialled from abroad.
_BRACKETED_TRUNK_ZERO: Final = re.compile(r"\(\s*0\s*\)")
_GROUP_SEPARATORS: Final = re.compile(r"[\s-]+")
_REGION_ALIASES: Final = {"UK": "GB"}
_NON_GEOGRAPHIC_REGION: Final = "001"

# Ofcom keeps 07700 900000-900999 for drama and examples: no line has them, so the numbering
# plan data calls them invalid, but they are what documentation and tests should use.
_FICTION_RANGES: Final = (("+447700900000", "+447700900999"),)

_LENGTH_REASONS: Final = {
    phonenumbers.ValidationResult.TOO_SHORT: "it is too short",
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "it is too short",
    phonenumbers.ValidationResult.TOO_LONG: "it is too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "it has the wrong number of digits",
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "the country code is unknown",
}


@dataclass(frozen=True, slots=True)
class InternationalNumber:
    """A checked phone number in the forms it is stored, shown and named in messages.

    Attributes:
        e164: For storage and the API, e.g. ``+4915123456789``.
        international: For display, grouped, e.g. ``+49 1512 3456789``.
        masked: For messages that must name the number, e.g. ``+49 1512 ••• 789``.
    """

    e164: str
    international: str
    masked: str

    @property
    def wa_id(self) -> str:
        """The number as WhatsApp ids write it: digits only."""
        return self.e164.removeprefix("+")


def normalize_phone_number(text: str, default_region: str | None = None) -> str:
    """Return a phone number in E.164 with a leading ``+``, e.g. ``+4915123456789``.

    See :func:`parse_phone_number` for what is accepted.

    Raises:
        InvalidPhoneNumberError: The text is not a valid number; ``reason`` says why.
    """
    return parse_phone_number(text, default_region).e164


def parse_phone_number(
    text: str, default_region: str | None = None
) -> InternationalNumber:
    """Check a phone number as a person typed it and return its stored, shown and masked forms.

    Spaces, hyphens, dots, parentheses and a ``(0)`` trunk hint are ignored; ``00`` may stand for
    ``+``, and a default region's own international prefix (``011`` in North America) works too.

    Args:
        text: The number as a person typed it.
        default_region: ISO 3166-1 code (``DE``, ``US``; ``UK`` works too) or calling code (``+49``)
            used for a number written without country code; ``None`` refuses such numbers.

    Raises:
        InvalidPhoneNumberError: The text is not a valid number; ``reason`` says why (without
            the number itself).
    """
    if len(text) > PHONE_NUMBER_MAX_LENGTH:
        msg = f"it is too long: at most {PHONE_NUMBER_MAX_LENGTH} characters"
        raise InvalidPhoneNumberError(msg)
    compact = _SEPARATORS.sub("", _BRACKETED_TRUNK_ZERO.sub("", text.strip()))
    _check_characters(compact)
    if compact.startswith("00"):
        compact = "+" + compact.removeprefix("00")
    region = None
    if not compact.startswith("+"):
        if default_region is None:
            msg = "the country code is missing: start with + and the country code"
            raise InvalidPhoneNumberError(msg)
        region = _region(default_region)
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException as err:
        raise InvalidPhoneNumberError(_parse_failure_reason(err)) from err
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    _check_number(number, e164)
    international = phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return InternationalNumber(
        e164=e164, international=international, masked=_mask(international, number)
    )


def mask_phone_number(e164: str) -> str:
    """Return a stored number as messages may name it, e.g. ``+49 1512 ••• 789``.

    Raises:
        InvalidPhoneNumberError: ``e164`` is not a valid number.
    """
    return parse_phone_number(e164).masked


def _check_characters(compact: str) -> None:
    if not compact:
        msg = "it is empty"
        raise InvalidPhoneNumberError(msg)
    # phonenumbers would read letters as a keypad spells them (1-800-FLOWERS): refuse them.
    if any(character.isalpha() for character in compact):
        msg = "it contains letters"
        raise InvalidPhoneNumberError(msg)
    digits = compact.removeprefix("+")
    if not digits:
        msg = "it is too short"
        raise InvalidPhoneNumberError(msg)
    if not (digits.isascii() and digits.isdigit()):
        msg = (
            "it contains characters other than digits, spaces, hyphens and parentheses"
        )
        raise InvalidPhoneNumberError(msg)


def _region(default_region: str) -> str:
    name = default_region.strip().upper()
    calling_code = name.removeprefix("+")
    if calling_code.isdigit():
        name = phonenumbers.region_code_for_country_code(int(calling_code))
    name = _REGION_ALIASES.get(name, name)
    if name not in phonenumbers.SUPPORTED_REGIONS:
        msg = f"unknown default region {default_region[:8]!r}"
        raise InvalidPhoneNumberError(msg)
    return name


def _parse_failure_reason(err: phonenumbers.NumberParseException) -> str:
    match err.error_type:
        case phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return "the country code is unknown"
        case phonenumbers.NumberParseException.TOO_LONG:
            return "it is too long"
        case _:
            return "it is too short"


def _check_number(number: phonenumbers.PhoneNumber, e164: str) -> None:
    length = phonenumbers.is_possible_number_with_reason(number)
    if length != phonenumbers.ValidationResult.IS_POSSIBLE:
        reason = _LENGTH_REASONS.get(length, "it is not a phone number")
        msg = f"{reason} for +{number.country_code}"
        raise InvalidPhoneNumberError(msg)
    if not phonenumbers.is_valid_number(number) and not _is_fiction(e164):
        msg = f"this is not a valid +{number.country_code} number"
        raise InvalidPhoneNumberError(msg)


def _is_fiction(e164: str) -> bool:
    # Same length within a range, so comparing the texts compares the numbers.
    return any(
        len(e164) == len(low) and low <= e164 <= high for low, high in _FICTION_RANGES
    )


def _mask(international: str, number: phonenumbers.PhoneNumber) -> str:
    """Keep the country code, the first group and the last digits; hide the middle."""
    national = phonenumbers.national_significant_number(number)
    country, *groups = _GROUP_SEPARATORS.split(international)
    head = groups[0] if groups else ""
    tail = min(_MASK_TAIL_DIGITS, len(national) // 3)
    if len(national) - len(head) - tail < _MIN_HIDDEN_DIGITS:
        head = ""  # a short number would show almost everything
    parts = [country, head, MASK, national[len(national) - tail :] if tail else ""]
    return " ".join(part for part in parts if part)

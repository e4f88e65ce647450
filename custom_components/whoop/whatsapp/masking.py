"""Phone numbers as error texts, repairs and logs may show them: masked, next to a name.

A full number identifies a person (or the business), so what Home Assistant shows or logs names
people by the name they were given and a masked number, e.g. ``Alice (+44 7700 ••• 123)``.
"""

import re
from typing import Final

from homeassistant.config_entries import ConfigEntry

from ..whatsapp_api import InvalidPhoneNumberError, PhoneNumber, parse_phone_number

MASK: Final = "•••"
# A number written with a +, maybe grouped (+1 650-555-0199), or a bare WhatsApp id of 10 to
# 15 digits (447700900123): dates and times have fewer digits in a row or no +.
_NUMBER: Final = re.compile(
    r"\+\d[\d \-().]{5,20}\d|(?<!\w)(?<!\d\.)\d{10,15}(?!\w|\.\d)"
)
_TITLE_PREFIX: Final = "WhatsApp "
_MIN_DIGITS: Final = 8
_MAX_HEAD: Final = 4  # "+" and a country code of up to three digits


def mask_number(number: str) -> str:
    """Return ``number`` masked, e.g. ``+49 1511 ••• 678``; never raises (a bad number is all mask)."""
    text = number if number.startswith("+") else f"+{number}"
    try:
        return parse_phone_number(text).masked
    except InvalidPhoneNumberError:
        digits = "".join(character for character in number if character.isdigit())
        # Too few digits to hide a middle: show none of them.
        if len(digits) < _MIN_DIGITS:
            return MASK
        # The country code as written (+1 555-...), else the first two digits.
        head = text.split()[0] if " " in text.strip() else text[:3]
        if len(head) > _MAX_HEAD:
            head = text[:3]
        return f"{head} {MASK} {digits[-3:]}"


def mask_numbers_in(text: str) -> str:
    """Return ``text`` with every phone number in it masked (Meta's error texts may hold one)."""
    return _NUMBER.sub(lambda match: mask_number(match.group()), text)


def sender_title(phone_number: PhoneNumber) -> str:
    """Return the title of a sender entry, e.g. ``WhatsApp Acme (+1 650 ••• 199)``."""
    return f"{_TITLE_PREFIX}{phone_number.verified_name} ({mask_number(phone_number.display_phone_number)})"


def sender_name(entry: ConfigEntry) -> str:
    """Return how messages name a sender, e.g. ``Acme (+1 650 ••• 199)``.

    From its title (the user may have renamed it; an entry of an older version has the full
    number in it), with any number masked.
    """
    return mask_numbers_in(entry.title.removeprefix(_TITLE_PREFIX))

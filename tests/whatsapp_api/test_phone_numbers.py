"""Phone number normalisation to E.164."""

import re

from hypothesis import given, strategies as st
import pytest

from custom_components.whoop.whatsapp_api import (
    InternationalNumber,
    InvalidPhoneNumberError,
    mask_phone_number,
    normalize_phone_number,
    parse_phone_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+4915123456789", "+4915123456789"),
        ("+49 151 23456789", "+4915123456789"),
        ("+49 (151) 234-567-89", "+4915123456789"),
        ("0049 151 23456789", "+4915123456789"),
        ("  +49-151-23456789  ", "+4915123456789"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        (
            "+44 7700 900123",
            "+447700900123",
        ),  # Ofcom's drama range: no line, but allowed
        ("+44 020 7946 0958", "+442079460958"),  # a trunk 0 after the code is dropped
        ("+49 0151 23456789", "+4915123456789"),
        ("+1 (650) 555-1234", "+16505551234"),
        ("+1 202 555 0123", "+12025550123"),
        ("+1 650.555.1234", "+16505551234"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+39 06 6982 1234", "+390669821234"),  # Italy keeps its leading 0
        ("+225 07 07 12 34 56", "+2250707123456"),
        ("+91 98765 43210", "+919876543210"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("+55 11 91234 5678", "+5511912345678"),
        ("+61 412 345 678", "+61412345678"),
        ("+7 912 345 67 89", "+79123456789"),
        ("+683 4002", "+6834002"),  # Niue: seven digits in all
        ("+800 1234 5678", "+80012345678"),  # non-geographic
        ("+49\u00a0151\u00a023456789", "+4915123456789"),
        ("+49 151 \u2013 23456789", "+4915123456789"),
    ],
)
def test_international_numbers(text: str, expected: str) -> None:
    assert normalize_phone_number(text) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("0151 23456789", "DE", "+4915123456789"),
        ("0151 23456789", "de", "+4915123456789"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("020 7946 0958", "UK", "+442079460958"),
        ("(650) 555-1234", "US", "+16505551234"),
        ("1 650 555 1234", "US", "+16505551234"),
        ("011 49 151 23456789", "US", "+4915123456789"),
        ("416-555-0199", "CA", "+14165550199"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06 6982 1234", "IT", "+390669821234"),
        ("8 912 345-67-89", "RU", "+79123456789"),
        ("06 30 123 4567", "HU", "+36301234567"),
        ("612 345 678", "ES", "+34612345678"),
        ("0151 23456789", "+49", "+4915123456789"),
        ("0151 23456789", "49", "+4915123456789"),
        (
            "+33 6 12 34 56 78",
            "DE",
            "+33612345678",
        ),  # a country code wins over the region
        ("0033 6 12 34 56 78", "DE", "+33612345678"),
    ],
)
def test_national_numbers_with_a_default_region(
    text: str, region: str, expected: str
) -> None:
    assert normalize_phone_number(text, default_region=region) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("0151 23456789", "country code is missing"),
        ("15123456789", "country code is missing"),
        ("+49 151 CALL-ME", "letters"),
        ("+1 800 FLOWERS", "letters"),
        ("+49 151 2345678 ext. 12", "letters"),
        ("+49 151 #2345678", "other than digits"),
        ("+49+15123456789", "other than digits"),
        ("++4915123456789", "other than digits"),
        ("+٤٩١٥١٢٣٤٥٦٧٨٩", "other than digits"),
        ("+", "too short"),
        ("+999 1234 5678", "country code is unknown"),
        ("+0 151 23456789", "country code is unknown"),
        ("+44 7700 9001", "too short for +44"),  # two digits short
        ("+44 7700 90012", "not a valid +44 number"),
        ("+44 7700 9001234", "too long for +44"),
        ("+44 7700 901123", "not a valid +44 number"),  # just outside the drama range
        ("+49 1234", "not a valid +49 number"),
        ("+683 400", "too short for +683"),
        ("+49 1512345678901234", "too long for +49"),
        ("+1 650 555 123", "too short for +1"),
        ("+1 650 555 12345", "too long for +1"),
        ("+1 150 555 1234", "not a valid +1 number"),
        ("+1 650 055 1234", "not a valid +1 number"),
        ("+" + "1" * 64, "at most 64 characters"),
    ],
)
def test_refused_numbers(text: str, reason: str) -> None:
    with pytest.raises(InvalidPhoneNumberError, match=re.escape(reason)) as caught:
        normalize_phone_number(text)

    assert caught.value.reason in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_unknown_default_region() -> None:
    with pytest.raises(InvalidPhoneNumberError, match="unknown default region"):
        normalize_phone_number("0151 23456789", default_region="Atlantis")


def test_the_number_itself_is_not_in_the_message() -> None:
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize_phone_number("+49 1512 99887766554")

    assert "99887766" not in str(caught.value)


@given(
    st.sampled_from(
        [("+49", "1512"), ("+44", "7700900"), ("+1", "650555"), ("+33", "612")]
    ),
    st.data(),
)
def test_formatting_does_not_change_the_result(
    country_and_range: tuple[str, str], data: st.DataObject
) -> None:
    country, number_range = country_and_range
    # Fill the range up to the country's length: every such number is valid (or fiction).
    length = {"+49": 11, "+44": 10, "+1": 10, "+33": 9}[country]
    rest = data.draw(
        st.from_regex(rf"[0-9]{{{length - len(number_range)}}}", fullmatch=True)
    )
    national = number_range + rest
    if country == "+1":
        national = number_range + "01" + rest[2:]  # 555-01xx is kept for fiction
    plain = normalize_phone_number(country + national)
    spaced = normalize_phone_number(
        f"{country} {national[:3]}-{national[3:6]} {national[6:]}"
    )
    dialled = normalize_phone_number("00" + country[1:] + national)

    assert plain == spaced == dialled == country + national
    assert normalize_phone_number(plain) == plain


@pytest.mark.parametrize(
    ("text", "international", "masked"),
    [
        ("+4915123456789", "+49 1512 3456789", "+49 1512 ••• 789"),
        ("+44 7700 900123", "+44 7700 900123", "+44 7700 ••• 123"),
        ("+1 650 555 0123", "+1 650-555-0123", "+1 650 ••• 123"),
        ("+33612345678", "+33 6 12 34 56 78", "+33 6 ••• 678"),
        (
            "+800 1234 5678",
            "+800 1234 5678",
            "+800 ••• 78",
        ),  # first group would show all
        ("+683 4002", "+683 4002", "+683 ••• 2"),
    ],
)
def test_stored_shown_and_masked_forms(
    text: str, international: str, masked: str
) -> None:
    number = parse_phone_number(text)

    assert number == InternationalNumber(
        e164=normalize_phone_number(text), international=international, masked=masked
    )
    assert number.wa_id == number.e164.removeprefix("+")
    assert mask_phone_number(number.e164) == masked


@given(st.from_regex(r"[1-9][0-9]{2}", fullmatch=True))
def test_the_mask_hides_the_middle(middle: str) -> None:
    number = parse_phone_number(f"+49 1512 3{middle}789")

    assert middle not in number.masked.replace("1512", "").replace("789", "")
    assert number.masked == "+49 1512 ••• 789"


def test_too_short_after_the_international_prefix() -> None:
    with pytest.raises(InvalidPhoneNumberError, match="too short"):
        normalize_phone_number("011 4", default_region="US")


def test_too_long_for_the_parser() -> None:
    with pytest.raises(InvalidPhoneNumberError, match="too long"):
        normalize_phone_number("1" * 20, default_region="DE")

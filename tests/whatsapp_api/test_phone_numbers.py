"""Phone number normalisation to E.164."""

import re

from hypothesis import given, strategies as st
import pytest

from custom_components.whoop.whatsapp_api import (
    InvalidPhoneNumberError,
    normalize_phone_number,
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
        ("+44 7700 900123", "+447700900123"),
        ("+1 (650) 555-1234", "+16505551234"),
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
        ("+999 1234 5678", "country code is unknown"),
        ("+0 151 23456789", "country code is unknown"),
        ("+49 1234", "too short"),
        ("+683 400", "too short"),
        ("+49 1512345678901234", "too long"),
        ("+49 0151 23456789", "remove the 0"),
        ("+44 020 7946 0958", "remove the 0"),
        ("+1 650 555 123", "ten digits"),
        ("+1 650 555 12345", "ten digits"),
        ("+1 150 555 1234", "not a valid +1 number"),
        ("+1 650 055 1234", "not a valid +1 number"),
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
        normalize_phone_number("+49 0151 99887766")

    assert "99887766" not in str(caught.value)


@given(
    st.sampled_from(["+49", "+44", "+33", "+39", "+91"]),
    st.from_regex(r"[1-9][0-9]{8,9}", fullmatch=True),
)
def test_formatting_does_not_change_the_result(country: str, national: str) -> None:
    plain = normalize_phone_number(country + national)
    spaced = normalize_phone_number(
        f"{country} {national[:3]}-{national[3:6]} {national[6:]}"
    )
    dialled = normalize_phone_number("00" + country[1:] + national)

    assert plain == spaced == dialled == country + national
    assert normalize_phone_number(plain) == plain

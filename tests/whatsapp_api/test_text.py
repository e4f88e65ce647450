"""Template parameter flattening and message splitting."""

import re

from hypothesis import given, strategies as st
import pytest

from custom_components.whoop.whatsapp_api import (
    TEXT_MAX_LENGTH,
    flatten_template_parameter,
    split_text,
)

# What Meta refuses in a template parameter.
FORBIDDEN = re.compile(r"[\n\r\t]| {5,}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Recovery 34 %", "Recovery 34 %"),
        ("Low recovery\nRest today", "Low recovery · Rest today"),
        ("Low recovery.\nRest today", "Low recovery. Rest today"),
        (
            "Summary:\n- Sleep 7 h\n- HRV 48 ms\n* Strain 12",
            "Summary: Sleep 7 h · HRV 48 ms · Strain 12",
        ),
        ("Para one\n\n\nPara two", "Para one · Para two"),
        ("a\r\nb\rc", "a · b · c"),
        ("tab\tseparated\t\tvalues", "tab separated values"),
        ("five     spaces", "five spaces"),
        ("four    spaces", "four spaces"),
        ("  padded  ", "padded"),
        ("line\u2028separator\u2029para", "line · separator · para"),
        ("no\u00a0break", "no break"),
        ("Ready?\nGo!", "Ready? Go!"),
        ("-5 °C outside", "-5 °C outside"),
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_flatten_template_parameter(text: str, expected: str) -> None:
    assert flatten_template_parameter(text) == expected


@given(st.text())
def test_flattened_text_is_always_accepted_by_meta(text: str) -> None:
    flattened = flatten_template_parameter(text)

    assert not FORBIDDEN.search(flattened)
    assert flattened == flattened.strip()
    assert flatten_template_parameter(flattened) == flattened


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Zs", "Zl", "Zp"))))
def test_flattening_keeps_text_without_whitespace(text: str) -> None:
    assert flatten_template_parameter(text) == text


def test_split_short_text_is_one_chunk() -> None:
    assert split_text("Hello") == ["Hello"]
    assert split_text("") == []
    assert split_text("x" * TEXT_MAX_LENGTH) == ["x" * TEXT_MAX_LENGTH]


def test_split_prefers_paragraphs() -> None:
    text = "First paragraph, rather long.\n\nSecond one here.\nWith a second line."

    chunks = split_text(text, 50)

    assert chunks == [
        "First paragraph, rather long.\n\n",
        "Second one here.\nWith a second line.",
    ]


def test_split_falls_back_to_lines_then_words() -> None:
    lines = "alpha beta gamma\ndelta epsilon zeta\neta theta"
    words = "alpha beta gamma delta epsilon zeta eta theta"

    assert split_text(lines, 36) == [
        "alpha beta gamma\ndelta epsilon zeta\n",
        "eta theta",
    ]
    assert split_text(words, 20) == [
        "alpha beta gamma ",
        "delta epsilon zeta ",
        "eta theta",
    ]


def test_split_ignores_a_paragraph_break_too_early_in_the_chunk() -> None:
    text = "Hi\n\n" + "word " * 30

    chunks = split_text(text, 60)

    assert len(chunks[0]) > 30
    assert "".join(chunks) == text


def test_split_cuts_a_word_longer_than_the_limit() -> None:
    assert split_text("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    # A word that fills a chunk exactly leaves the space after it to the next chunk.
    assert split_text("abcd efgh", 4) == ["abcd", " efg", "h"]


def test_split_never_cuts_inside_an_emoji_sequence_or_accent() -> None:
    family = "👨\u200d👩\u200d👧"
    thumbs = "👍🏽"
    flags = "🇩🇪🇫🇷"
    accented = "e\u0301"

    assert split_text(family * 2, 6) == [family, family]
    assert split_text(thumbs * 3, 3) == [thumbs, thumbs, thumbs]
    assert split_text(flags, 3) == ["🇩🇪", "🇫🇷"]
    assert split_text("ab" + accented, 3) == ["ab", accented]


def test_split_cuts_a_cluster_longer_than_the_limit() -> None:
    assert split_text("e\u0301\u0301\u0301", 2) == ["e\u0301", "\u0301\u0301"]


def test_split_rejects_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        split_text("text", 0)


@given(st.text(), st.integers(min_value=1, max_value=60))
def test_split_loses_nothing_and_respects_the_limit(text: str, limit: int) -> None:
    chunks = split_text(text, limit)

    assert "".join(chunks) == text
    assert all(0 < len(chunk) <= limit for chunk in chunks)


@given(
    st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=12), min_size=1),
    st.integers(13, 80),
)
def test_split_of_words_never_cuts_a_word(words: list[str], limit: int) -> None:
    # Words shorter than the limit (with the space after them) always fit in a chunk.
    text = " ".join(words)

    chunks = split_text(text, limit)

    assert [word for chunk in chunks for word in chunk.split()] == words

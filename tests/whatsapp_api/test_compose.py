"""Composing: template parameters flattened and shortened to fit, long texts split."""

import re

from hypothesis import given, strategies as st
import pytest

from custom_components.whoop.whatsapp_api import (
    ELLIPSIS,
    TEMPLATE_BODY_MAX_LENGTH,
    TEMPLATE_PARAMETER_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ComposedParameters,
    WhatsAppMessageError,
    compose_template_parameters,
    flatten_template_parameter,
    shorten,
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
        ("*\n0", "0"),  # a marker alone on its line
        ("- - nested", "nested"),
        ("-", "-"),  # only a marker: it is the text
        ("- \n *", "- *"),
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


# The sandbox's ALERT_TEMPLATE: "WHOOP alert: {{1}}\n\n{{2}}\n\nSent by Home Assistant."
ALERT_FIXED_LENGTH = len("WHOOP alert: \n\n\n\nSent by Home Assistant.")


def test_parameters_are_flattened_and_kept_when_they_fit() -> None:
    composed = compose_template_parameters(["Low recovery", "Rest\ntoday"])

    assert composed == ComposedParameters(
        parameters=(
            {"type": "text", "text": "Low recovery"},
            {"type": "text", "text": "Rest · today"},
        )
    )
    assert composed.texts == ("Low recovery", "Rest · today")


def test_named_parameters_keep_their_names() -> None:
    composed = compose_template_parameters({"title": "A", "message": "x" * 2000})

    assert [p["parameter_name"] for p in composed.parameters] == ["title", "message"]
    assert composed.shortened == ("message",)
    assert len(composed.texts[1]) == TEMPLATE_PARAMETER_MAX_LENGTH
    assert composed.texts[1].endswith(ELLIPSIS)


def test_known_fixed_text_shortens_the_longest_parameter_to_fit() -> None:
    composed = compose_template_parameters(
        ["Recovery 12 %", "word " * 400], fixed_text_length=ALERT_FIXED_LENGTH
    )

    assert composed.shortened == ("2",)
    assert composed.texts[0] == "Recovery 12 %"
    total = ALERT_FIXED_LENGTH + sum(len(text) for text in composed.texts)
    assert TEMPLATE_BODY_MAX_LENGTH - 20 <= total <= TEMPLATE_BODY_MAX_LENGTH
    assert composed.texts[1].endswith("word…")  # cut between words


def test_long_parameters_share_the_room_fairly() -> None:
    composed = compose_template_parameters(
        ["a" * 900, "b" * 900, "c" * 10], fixed_text_length=100
    )

    assert composed.shortened == ("1", "2")
    assert [len(text) for text in composed.texts] == [457, 457, 10]


def test_a_fixed_text_leaving_no_room_is_refused() -> None:
    with pytest.raises(WhatsAppMessageError, match="no room for 2 parameters"):
        compose_template_parameters(["a", "b"], fixed_text_length=1023)


def test_an_empty_parameter_is_refused() -> None:
    with pytest.raises(WhatsAppMessageError, match="parameter title is empty"):
        compose_template_parameters({"title": "\n \t"})


def test_one_text_is_not_a_list_of_parameters() -> None:
    with pytest.raises(TypeError, match="not one text"):
        compose_template_parameters("Hello")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("Recovery is low today", 12, "Recovery is…"),
        ("Recovery is low today", 11, "Recovery…"),
        ("abcdefghijklmnop", 5, "abcd…"),
        ("abc", 1, "…"),
        ("abc", 0, ""),
        ("ab👨\u200d👩\u200d👧", 5, "ab…"),  # never inside an emoji sequence
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected


@given(st.text(min_size=1), st.integers(min_value=0, max_value=80))
def test_shortened_text_fits_and_ends_with_an_ellipsis(text: str, limit: int) -> None:
    result = shorten(text, limit)

    assert len(result) <= limit
    assert result == text or result.endswith(ELLIPSIS) or limit == 0


@given(
    st.lists(
        st.text(min_size=1, max_size=1500).filter(str.strip), min_size=1, max_size=4
    ),
    st.integers(min_value=0, max_value=900),
)
def test_composed_parameters_always_fit_and_meta_accepts_them(
    values: list[str], fixed: int
) -> None:
    composed = compose_template_parameters(values, fixed_text_length=fixed)

    assert fixed + sum(len(text) for text in composed.texts) <= TEMPLATE_BODY_MAX_LENGTH
    assert all(len(text) <= TEMPLATE_PARAMETER_MAX_LENGTH for text in composed.texts)
    assert not any(FORBIDDEN.search(text) for text in composed.texts)
    assert all(
        (len(flatten_template_parameter(value)) > len(text))
        == (str(key) in composed.shortened)
        for key, value, text in zip(
            range(1, len(values) + 1), values, composed.texts, strict=True
        )
    )


def test_split_prefers_an_early_word_boundary_to_cutting_a_word() -> None:
    # The only space is in the first half of the chunk: still better than a cut inside a word.
    assert split_text("a bcdefghij", 6) == ["a ", "bcdefg", "hij"]

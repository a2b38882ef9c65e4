"""Numbers typed by the learner: ``parse_number`` reads each language's marks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnn_core.locales import NumberParseError, format_number, parse_number


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("0,80", "pt", 0.8),  # the Inputs quiz: 204 / 255 written the Brazilian way
        ("1.234,5", "pt", 1234.5),
        ("0.80", "en", 0.8),
        ("1,234.5", "en", 1234.5),
        ("0.80", "pt", 0.8),  # a point that cannot group thousands is a decimal point
        ("0,8", "en", 0.8),  # and a comma likewise in English
        ("1.234", "pt", 1234.0),  # ambiguous: follows the language (thousands)
        ("1,234", "en", 1234.0),
        ("1,234", "pt", 1.234),
        ("1.234", "en", 1.234),
        ("1.234.567", "pt", 1234567.0),
        ("1,234,567", "en", 1234567.0),
        ("1,234.5", "pt", 1234.5),  # both marks: the last one is the decimal mark
        ("1.234,5", "en", 1234.5),
        (" 3072 ", "pt", 3072.0),
        ("3 072", "pt", 3072.0),  # a space between thousands
        ("-0,5", "pt", -0.5),
        ("\u22120,5", "pt", -0.5),  # the typographic minus
        ("+2", "en", 2.0),
        (",5", "pt", 0.5),
        ("5,", "pt", 5.0),
        ("1e-3", "en", 0.001),
        ("1e-3", "pt", 0.001),
        ("0.800", "pt", 0.8),  # a leading zero is never a thousands group
        ("0,800", "en", 0.8),
    ],
)
def test_reads_each_languages_marks(text, lang, expected):
    assert parse_number(text, lang) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_is_none(text):
    assert parse_number(text, "pt") is None


@pytest.mark.parametrize(
    "text", ["abc", "1,2,3", "1.2.3", "1..2", "1,,2", "1.23,4.5", "1,2.3,4", "12a", "--1", ",", "."]
)
def test_garbage_raises_with_a_message_in_each_language(text):
    with pytest.raises(NumberParseError) as caught:
        parse_number(text, "pt")
    assert "1.234,5" in caught.value.message("pt")
    assert "1,234.5" in caught.value.message("en")
    with pytest.raises(ValueError):
        parse_number(text, "en")


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=5),
    st.sampled_from(["pt", "en"]),
    st.booleans(),
)
def test_reads_back_what_format_number_writes(value, decimals, lang, grouping):
    # Every number the app writes, the learner can type back, in either language.
    text = format_number(value, lang, decimals, grouping=grouping)
    assert parse_number(text, lang) == pytest.approx(round(value, decimals), abs=10**-decimals)

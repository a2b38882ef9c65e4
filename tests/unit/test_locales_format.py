"""Numbers written per language: the one formatter every page uses."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnn_core.locales import format_number, format_percent


@pytest.mark.parametrize(
    ("value", "decimals", "en", "pt"),
    [
        (229834, None, "229,834", "229.834"),  # the blog model's parameter count
        (0.547, None, "0.547", "0,547"),
        (3072.5, 1, "3,072.5", "3.072,5"),
        (1234567.891, 2, "1,234,567.89", "1.234.567,89"),
        (0.71711, 5, "0.71711", "0,71711"),
        (45000.0, None, "45,000", "45.000"),  # whole floats are written as whole numbers
        (1e-05, None, "1e-05", "1e-05"),  # a learning rate as Keras users write it
        (0.01, None, "0.01", "0,01"),
        (2.5, 0, "2", "2"),  # Python rounds half to even
        (999.96, 1, "1,000.0", "1.000,0"),
        (-1234.5, 1, "-1,234.5", "-1.234,5"),
    ],
)
def test_numbers_use_each_languages_marks(value, decimals, en, pt):
    assert format_number(value, "en", decimals) == en
    assert format_number(value, "pt", decimals) == pt


def test_locale_spellings_and_unknown_languages():
    assert format_number(229834, "pt-BR") == "229.834"
    assert format_number(229834, "en_US") == "229,834"
    # Like t(): a language the catalog does not have falls back to Portuguese.
    assert format_number(229834, "de") == "229.834"


def test_numpy_scalars_are_numbers_too():
    assert format_number(np.int64(50000), "pt") == "50.000"
    assert format_number(np.float32(0.5), "en", 2) == "0.50"
    assert format_number(np.uint8(255), "en") == "255"


def test_grouping_can_be_turned_off():
    assert format_number(1234.5, "pt", 2, grouping=False) == "1234,50"
    assert format_number(1234.5, "en", 2, grouping=False) == "1234.50"
    assert format_number(229834, "en", grouping=False) == "229834"


def test_trim_drops_trailing_zeros_only_after_the_mark():
    assert format_number(0.5, "en", 3, trim=True) == "0.5"
    assert format_number(2.0, "pt", 3, trim=True) == "2"
    assert format_number(0.1234, "pt", 3, trim=True) == "0,123"
    assert format_number(100, "en", 0, trim=True) == "100"  # no decimal mark: nothing to trim
    assert format_number(1200.5, "pt", 2, trim=True) == "1.200,5"


@pytest.mark.parametrize("value", [-0.0, -0.0001, -0.0004])
def test_a_value_that_rounds_to_zero_has_no_minus_sign(value):
    assert format_number(value, "en", 2) == "0.00"
    assert format_number(value, "pt", 3, trim=True) == "0"
    assert format_number(-0.006, "en", 2) == "-0.01"


def test_missing_values():
    for value in (None, math.nan, math.inf, -math.inf):
        assert format_number(value, "en", 2, missing="—") == "—"
        assert format_percent(value, "pt", missing="?") == "?"
    assert format_number(0, "en", missing="—") == "0"  # zero is a value, not a missing one
    assert format_number(math.nan, "en", 2) == "nan"
    with pytest.raises(TypeError):
        format_number(None, "en")
    with pytest.raises(TypeError):
        format_percent(None, "en")


def test_percentages():
    assert format_percent(0.7524, "en", 2) == "75.24%"  # the blog's reported accuracy
    assert format_percent(0.7524, "pt", 2) == "75,24%"
    assert format_percent(0.873, "pt") == "87,3%"
    assert format_percent(1, "en", 0) == "100%"
    assert format_percent(0.0004, "en", 1) == "0.0%"
    assert format_percent(12.345, "pt", 1) == "1.234,5%"
    assert format_percent(12.345, "pt", 1, grouping=False) == "1234,5%"


@given(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.integers(min_value=0, max_value=6),
)
def test_portuguese_text_reads_back_as_the_rounded_number(value, decimals):
    en = format_number(value, "en", decimals)
    pt = format_number(value, "pt", decimals)
    # The two languages differ exactly by swapping the marks.
    assert pt == en.translate(str.maketrans(",.", ".,"))
    read_back = float(pt.replace(".", "").replace(",", "."))
    assert read_back == pytest.approx(round(value, decimals), abs=10**-decimals)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_are_written_in_full(value):
    assert format_number(value, "en").replace(",", "") == str(value)
    assert format_number(value, "pt").replace(".", "") == str(value)

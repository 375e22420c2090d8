"""Text helpers in detail: numerals, dates, cell formats, widths and line breaking."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.documents.text import (
    EMPTY_CELL,
    XLSX_FORMATS,
    NumberFormat,
    break_lines,
    break_units,
    chinese_count,
    display_width,
    format_cell,
    format_date,
)


def width(text: str) -> float:
    return float(display_width(text))


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "零"),
        (11, "十一"),
        (30, "三十"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1000, "一千"),
        (1010, "一千零一十"),
        (2026, "二千零二十六"),
        (9999, "九千九百九十九"),
    ],
)
def test_chinese_count_more(number: int, words: str) -> None:
    assert chinese_count(number) == words


@pytest.mark.parametrize("number", [-1, 10000])
def test_chinese_count_range(number: int) -> None:
    with pytest.raises(ValueError):
        chinese_count(number)


@given(st.integers(1, 9999))
def test_chinese_count_uses_only_numerals(number: int) -> None:
    words = chinese_count(number)
    assert set(words) <= set("零一二三四五六七八九十百千")
    assert not words.endswith("零") and "零零" not in words


def test_dates() -> None:
    assert format_date(date(2026, 12, 31)) == "2026年12月31日"
    assert format_date(datetime(2026, 1, 2, 8, 30, tzinfo=UTC)) == "2026年1月2日"
    assert format_date("2026年") == "2026年"


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (12.6, NumberFormat.INTEGER, "13"),
        (Decimal("0.5"), NumberFormat.PERCENT, "50.00%"),
        (1, NumberFormat.PERCENT, "100.00%"),
        (Decimal("1234567.891"), NumberFormat.MONEY, "1,234,567.89"),
        (3, NumberFormat.DECIMAL, "3.00"),
        (7, NumberFormat.TEXT, "7"),
        ("已办结", NumberFormat.INTEGER, "已办结"),
        ("", NumberFormat.TEXT, EMPTY_CELL),
        (True, NumberFormat.TEXT, "是"),
        (False, NumberFormat.INTEGER, "否"),
        (date(2026, 3, 1), NumberFormat.TEXT, "2026年3月1日"),
    ],
)
def test_format_cell(value: object, fmt: NumberFormat, shown: str) -> None:
    assert format_cell(value, fmt) == shown  # type: ignore[arg-type]


def test_every_format_has_an_excel_format() -> None:
    assert set(XLSX_FORMATS) == set(NumberFormat)
    assert XLSX_FORMATS[NumberFormat.PERCENT] == "0.00%"


def test_display_width() -> None:
    assert display_width("") == 0
    assert display_width("abc") == 3
    assert display_width("中文") == 4
    assert display_width("（，）") == 6  # full-width punctuation is wide
    assert display_width("ａ") == 2  # full-width Latin


def test_break_units() -> None:
    assert break_units("化解率97.33%，同比") == ["化", "解", "率", "97.33%", "，", "同", "比"]
    assert break_units("GB/T 9704-2012") == ["GB/T", " ", "9704-2012"]
    assert break_units("") == []


def test_break_lines_basic() -> None:
    assert break_lines("一二三四五六", width, 4, 4) == ["一二", "三四", "五六"]
    assert break_lines("一二三四五六", width, 2, 6) == ["一", "二三四", "五六"]
    assert break_lines("", width, 4, 4) == [""]


def test_forced_line_breaks_are_kept() -> None:
    assert break_lines("甲乙\n丙丁", width, 10, 10) == ["甲乙", "丙丁"]


def test_opening_marks_do_not_end_a_line() -> None:
    # "《" would end line 1: it moves down with the word it opens
    assert break_lines("一二三《四五》", width, 8, 8) == ["一二三", "《四五》"]


def test_closing_marks_do_not_start_a_line() -> None:
    assert break_lines("一二三四。五", width, 8, 8) == ["一二三", "四。五"]
    # two closing marks in a row travel together with the last character
    assert break_lines("一二三四”。", width, 8, 8) == ["一二三", "四”。"]


def test_long_latin_token_is_split_when_it_cannot_fit() -> None:
    lines = break_lines("ABCDEFGHIJKL", width, 4, 4)
    assert "".join(lines) == "ABCDEFGHIJKL"
    assert all(display_width(line) <= 4 for line in lines)


def test_numbers_stay_whole_when_they_fit() -> None:
    assert break_lines("共计1234件", width, 6, 6) == ["共计", "1234件"]

"""Text helpers shared by the renderers: Chinese numerals and dates, cell formatting,
display width, and line breaking with the Chinese 避头尾 (kinsoku) rules."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

CellValue = str | int | float | Decimal | date | None

DIGITS = "零一二三四五六七八九"

# Characters that may not begin a line (closing punctuation) and may not end one (opening).
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…—·%‰℃,.;:?!)]}")
NO_LINE_END = set("（《「『【〔〈“‘([{")

EMPTY_CELL = "—"


class NumberFormat(StrEnum):
    """How a table column shows its numbers (xlsx number format in brackets)."""

    TEXT = "text"  # @
    INTEGER = "integer"  # 0
    DECIMAL = "decimal"  # 0.00
    PERCENT = "percent"  # 0.00%   (values are fractions: 0.9736 → 97.36%)
    MONEY = "money"  # #,##0.00


XLSX_FORMATS: dict[NumberFormat, str] = {
    NumberFormat.TEXT: "@",
    NumberFormat.INTEGER: "0",
    NumberFormat.DECIMAL: "0.00",
    NumberFormat.PERCENT: "0.00%",
    NumberFormat.MONEY: "#,##0.00",
}


def chinese_count(number: int) -> str:
    """1 → 一, 3 → 三, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (0 ≤ n < 10000)."""
    if not 0 <= number < 10000:
        raise ValueError(f"out of range: {number}")
    if number == 0:
        return DIGITS[0]
    units = ["", "十", "百", "千"]
    digits = [int(d) for d in str(number)]
    out: list[str] = []
    zero_pending = False
    for position, digit in enumerate(digits):
        unit = units[len(digits) - position - 1]
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append(DIGITS[0])
            zero_pending = False
        out.append(DIGITS[digit] + unit)
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


def format_date(value: date | datetime | str) -> str:
    """GB/T 9704 7.3.5.1: 2026年3月1日 (year in full, no leading zeros)."""
    if isinstance(value, str):
        return value
    return f"{value.year}年{value.month}月{value.day}日"


def format_cell(value: CellValue, number_format: NumberFormat) -> str:
    """The text a table cell shows in .docx and .pdf (xlsx keeps the number itself)."""
    if value is None or value == "":
        return EMPTY_CELL
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    match number_format:
        case NumberFormat.INTEGER:
            return str(int(round(value)))
        case NumberFormat.DECIMAL:
            return f"{float(value):.2f}"
        case NumberFormat.PERCENT:
            return f"{float(value) * 100:.2f}%"
        case NumberFormat.MONEY:
            return f"{float(value):,.2f}"
        case _:
            return str(value)


def display_width(text: str) -> int:
    """Columns a string takes in a fixed-width grid: East Asian wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def break_units(text: str) -> list[str]:
    """Break units: each CJK character alone, runs of Latin letters and digits together."""
    tokens: list[str] = []
    for ch in text:
        last = tokens[-1][-1] if tokens else ""
        letter_after = (
            ch.isascii() and ch.isalnum() and last.isascii() and (last.isalnum() or last in ".-/")
        )
        mark_after = ch in ".-/%" and last.isascii() and last.isalnum()
        if last and (letter_after or mark_after):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def break_lines(
    text: str,
    width_of: Callable[[str], float],
    first_width: float,
    width: float,
) -> list[str]:
    """Greedy line breaking for Chinese text.

    `width_of` measures a string; the first line may be narrower (首行缩进). No line starts
    with closing punctuation nor ends with opening punctuation: the previous token moves down
    with it (避头尾). A token wider than a line is split by character.
    """
    lines: list[str] = []
    for raw in text.split("\n"):
        tokens: list[str] = []
        for token in break_units(raw):
            limit = first_width if not lines else width
            if len(token) > 1 and width_of(token) > limit:
                tokens.extend(token)
            else:
                tokens.append(token)
        current: list[str] = []
        while tokens:
            limit = first_width if not lines else width
            token = tokens.pop(0)
            if not current or width_of("".join(current) + token) <= limit + 1e-6:
                current.append(token)
                continue
            # token does not fit: apply 避头 / 避尾 by moving tokens to the next line
            carry = [token]
            while len(current) > 1 and carry[0][:1] in NO_LINE_START:
                carry.insert(0, current.pop())
            while len(current) > 1 and current[-1][-1:] in NO_LINE_END:
                carry.insert(0, current.pop())
            lines.append("".join(current))
            current = []
            tokens[:0] = carry
        lines.append("".join(current))
    return lines

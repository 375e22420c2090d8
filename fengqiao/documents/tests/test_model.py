"""The document model and its text helpers: layout numbers, header spans, numerals, line
breaking (property-tested)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.documents.kinds.bulletin import bulletin
from fengqiao.documents.layout import LAYOUT, LAYOUT_TABLE, char_pitch_mm, line_pitch_mm
from fengqiao.documents.model import (
    Column,
    CopiesNote,
    DataTable,
    HeaderCell,
    Heading,
    KeyValue,
    KeyValueTable,
    PageSetup,
    header_cells,
    header_depth,
    leaf_columns,
)
from fengqiao.documents.tests import samples
from fengqiao.documents.text import (
    NO_LINE_END,
    NO_LINE_START,
    NumberFormat,
    break_lines,
    break_units,
    chinese_count,
    display_width,
    format_cell,
    format_date,
)


def test_layout_numbers_are_consistent_and_sourced() -> None:
    assert LAYOUT["paper_width"] - LAYOUT["margin_left"] - LAYOUT["margin_right"] == 156
    assert LAYOUT["paper_height"] - LAYOUT["margin_top"] - LAYOUT["margin_bottom"] == 225
    assert (LAYOUT["margin_top"], LAYOUT["margin_bottom"]) == (37, 35)
    assert (LAYOUT["margin_left"], LAYOUT["margin_right"]) == (28, 26)
    assert (LAYOUT["body_size"], LAYOUT["title_size"]) == (16, 22)
    assert (LAYOUT["lines_per_page"], LAYOUT["chars_per_line"]) == (22, 28)
    assert all(measure.source for measure in LAYOUT_TABLE)
    assert len({measure.key for measure in LAYOUT_TABLE}) == len(LAYOUT_TABLE)
    assert line_pitch_mm() == pytest.approx(225 / 22)
    assert char_pitch_mm() == pytest.approx(156 / 28)
    page = PageSetup.official()
    assert page.body_width_mm == 156 and page.body_height_mm == 225


def test_two_level_header_spans() -> None:
    table = samples.resolution_table()
    assert header_depth(table.columns) == 2
    assert [c.title for c in leaf_columns(table.columns)] == [
        "县（区）",
        "排查",
        "化解",
        "化解率",
        "协议金额（元）",
        "防止民转刑",
    ]
    assert header_cells(table.columns) == [
        HeaderCell(0, 0, 2, 1, "县（区）"),
        HeaderCell(0, 1, 1, 3, "矛盾纠纷"),
        HeaderCell(1, 1, 1, 1, "排查"),
        HeaderCell(1, 2, 1, 1, "化解"),
        HeaderCell(1, 3, 1, 1, "化解率"),
        HeaderCell(0, 4, 2, 1, "协议金额（元）"),
        HeaderCell(0, 5, 2, 1, "防止民转刑"),
    ]


def test_three_level_header_leaves_span_down() -> None:
    columns = [
        Column("地区"),
        Column(
            "纠纷",
            children=(Column("受理"), Column("化解", children=(Column("件"), Column("人")))),
        ),
    ]
    cells = {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in header_cells(columns)}
    assert cells == {
        ("地区", 0, 0, 3, 1),
        ("纠纷", 0, 1, 1, 3),
        ("受理", 1, 1, 2, 1),
        ("化解", 1, 2, 1, 2),
        ("件", 2, 2, 1, 1),
        ("人", 2, 3, 1, 1),
    }


def test_rows_must_match_the_columns() -> None:
    with pytest.raises(ValueError, match="want 2"):
        DataTable(title="t", columns=[Column("a"), Column("b")], rows=[["x"]])


def test_key_value_rows_respect_spans() -> None:
    table = KeyValueTable(
        items=[KeyValue("姓名", "甲"), KeyValue("住址", "某地", span=2), KeyValue("性别", "男")]
    )
    assert [[item.label for item in row] for row in table.rows()] == [["姓名"], ["住址"], ["性别"]]


@pytest.mark.parametrize(
    ("number", "words"),
    [(1, "一"), (2, "二"), (3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五")],
)
def test_chinese_count(number: int, words: str) -> None:
    assert chinese_count(number) == words


def test_copies_note_text() -> None:
    assert CopiesNote(3, holders="当事人各执一份").text == "本协议一式三份，当事人各执一份。"
    with pytest.raises(ValueError):
        CopiesNote(0)


def test_cell_and_date_formats() -> None:
    assert format_date(date(2026, 3, 1)) == "2026年3月1日"  # no leading zeros (7.3.5.1)
    assert format_cell(0.9736, NumberFormat.PERCENT) == "97.36%"
    assert format_cell(1234, NumberFormat.INTEGER) == "1234"
    assert format_cell(213000.5, NumberFormat.MONEY) == "213,000.50"
    assert format_cell(None, NumberFormat.INTEGER) == "—"
    assert display_width("化解率a1") == 8


def test_bulletin_numbers_its_sections() -> None:
    headings = [b for b in bulletin(samples.bulletin_data()).blocks if isinstance(b, Heading)]
    assert [(h.text, h.level) for h in headings] == [
        ("一、总体情况", 1),
        ("（一）分类情况", 2),
        ("二、下一步工作", 1),
    ]


def test_all_text_covers_every_printed_character() -> None:
    doc = bulletin(samples.bulletin_data())
    text = doc.all_text()
    for piece in ("兰平安办〔2026〕7号", "矛盾纠纷", "97.33%", "213,000.50", "2026年4月3日"):
        assert piece in text


CJK = st.sampled_from("国家人民调解协议书纠纷，。、；：（）《》“”0123456789abcXYZ ")


@given(text=st.text(CJK, min_size=1, max_size=200), width=st.integers(4, 40))
def test_break_lines_keeps_text_and_obeys_kinsoku(text: str, width: int) -> None:
    lines = break_lines(text, lambda s: float(display_width(s)), width - 4, width)
    assert "".join(lines) == text
    for number, line in enumerate(lines):
        limit = width - 4 if number == 0 else width
        # a line only overflows when it is a single unbreakable token
        assert display_width(line) <= limit or len(break_units(line)) <= 1
        if number > 0 and line:
            previous = break_units(lines[number - 1])
            # a closing mark opens a line only when the previous line could not give one up
            assert line[0] not in NO_LINE_START or len(previous) <= 1
            assert previous[-1][-1:] not in NO_LINE_END or len(previous) <= 1

"""Statistics tables with any header tree, property-tested: the header cells tile the header
grid exactly, and the .xlsx and .docx renderers merge exactly those ranges and keep every
number."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document as open_docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from fengqiao.documents.model import (
    Column,
    DataTable,
    Document,
    header_cells,
    header_depth,
    leaf_columns,
)
from fengqiao.documents.text import NumberFormat, format_cell
from fengqiao.documents.to_docx import render_docx
from fengqiao.documents.to_xlsx import MAX_WIDTH, render_xlsx

TITLES = st.sampled_from(["受理", "办结", "化解", "按期办结率", "满意率", "件", "人", "金额"])
FORMATS = st.sampled_from(list(NumberFormat))


def column_trees(depth: int = 3) -> st.SearchStrategy[Column]:
    leaf = st.builds(Column, TITLES, FORMATS)
    if depth == 1:
        return leaf
    group = st.builds(
        lambda title, children: Column(title, children=tuple(children)),
        TITLES,
        st.lists(column_trees(depth - 1), min_size=1, max_size=3),
    )
    return st.one_of(leaf, group)


def tables() -> st.SearchStrategy[DataTable]:
    def build(columns: list[Column], data: st.DataObject) -> DataTable:
        leaves = leaf_columns(columns)
        cell = st.one_of(st.integers(0, 10**6), st.floats(0, 1), st.none())
        rows = data.draw(st.lists(st.tuples(*[cell for _ in leaves]), min_size=1, max_size=4))
        return DataTable(title="随机表", columns=columns, rows=[list(row) for row in rows])

    columns = st.lists(column_trees(), min_size=1, max_size=4)
    return st.builds(build, columns, st.data())


@given(columns=st.lists(column_trees(), min_size=1, max_size=5))
def test_header_cells_tile_the_header_grid(columns: list[Column]) -> None:
    depth, width = header_depth(columns), len(leaf_columns(columns))
    covered: dict[tuple[int, int], str] = {}
    for cell in header_cells(columns):
        assert cell.rowspan >= 1 and cell.colspan >= 1
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                assert (r, c) not in covered
                covered[(r, c)] = cell.text
    assert set(covered) == {(r, c) for r in range(depth) for c in range(width)}
    # the bottom row names the leaves
    assert [covered[(depth - 1, c)] for c in range(width)] == [
        leaf.title for leaf in leaf_columns(columns)
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables())
def test_xlsx_merges_exactly_the_header_spans_and_keeps_numbers(table: DataTable) -> None:
    sheet = load_workbook(io.BytesIO(render_xlsx(table))).worksheets[0]
    width = len(table.leaves)
    top = 2  # title row, then the header (no unit row in these tables)
    expected = {
        f"{get_column_letter(1 + c.col)}{top + c.row}:"
        f"{get_column_letter(c.col + c.colspan)}{top - 1 + c.row + c.rowspan}"
        for c in header_cells(table.columns)
        if c.rowspan > 1 or c.colspan > 1
    }
    merged = {str(r) for r in sheet.merged_cells.ranges}
    if width > 1:
        expected.add(f"A1:{get_column_letter(width)}1")
    assert merged == expected
    first = top + header_depth(table.columns)
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            got = sheet.cell(first + r, c + 1).value
            if value is None:
                assert got == "—"
            else:
                assert got == pytest.approx(value)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables())
def test_docx_table_shows_formatted_values(table: DataTable) -> None:
    opened = open_docx(io.BytesIO(render_docx(Document(title="表", blocks=[table]))))
    grid = opened.tables[0]
    depth = header_depth(table.columns)
    assert len(grid.rows) == depth + len(table.rows)
    for cell in header_cells(table.columns):
        top = grid.cell(cell.row, cell.col)
        assert top.text == cell.text
        bottom = grid.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)
        assert top._tc is bottom._tc
    for r, row in enumerate(table.rows):
        for c, (value, column) in enumerate(zip(row, table.leaves, strict=True)):
            assert grid.cell(depth + r, c).text == format_cell(value, column.format)


def test_xlsx_types_dates_decimals_and_text() -> None:
    table = DataTable(
        title="类型",
        columns=[
            Column("日期"),
            Column("金额", NumberFormat.MONEY),
            Column("比率", NumberFormat.DECIMAL),
            Column("说明"),
        ],
        rows=[[date(2026, 3, 1), Decimal("1234.50"), 1.5, "较长的说明文字" * 20]],
        freeze_columns=0,
    )
    sheet = load_workbook(io.BytesIO(render_xlsx(table))).worksheets[0]
    assert sheet["A3"].is_date and sheet["A3"].value.date() == date(2026, 3, 1)
    assert sheet["B3"].value == pytest.approx(1234.5) and sheet["B3"].number_format == "#,##0.00"
    assert sheet["C3"].number_format == "0.00"
    assert sheet.column_dimensions["D"].width == MAX_WIDTH  # long text is capped and wraps
    assert sheet.freeze_panes == "A3"  # header only, no frozen column


def test_xlsx_single_column_and_no_unit() -> None:
    table = DataTable(title="单列", columns=[Column("数量", NumberFormat.INTEGER)], rows=[[5]])
    sheet = load_workbook(io.BytesIO(render_xlsx(table))).worksheets[0]
    assert not sheet.merged_cells.ranges
    assert sheet["A1"].value == "单列" and sheet["A2"].value == "数量" and sheet["A3"].value == 5


def test_explicit_column_width_is_kept() -> None:
    table = DataTable(
        title="宽", columns=[Column("名称", width=30), Column("值")], rows=[["甲", 1]]
    )
    sheet = load_workbook(io.BytesIO(render_xlsx(table))).worksheets[0]
    assert sheet.column_dimensions["A"].width == 30


def test_wide_tables_print_landscape() -> None:
    columns = [Column(f"指标{n}", NumberFormat.INTEGER) for n in range(10)]
    table = DataTable(title="宽表", columns=columns, rows=[list(range(10))])
    sheet = load_workbook(io.BytesIO(render_xlsx(table))).worksheets[0]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage

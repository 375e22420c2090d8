"""The .xlsx output read back with openpyxl: merged title and header ranges, typed numbers
with their formats, CJK-aware widths and a frozen header."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from fengqiao.documents.model import Column, DataTable, NumberFormat
from fengqiao.documents.tests import samples
from fengqiao.documents.to_xlsx import render_xlsx


def sheet_of(data: bytes, index: int = 0) -> Worksheet:
    assert data[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(data)).worksheets[index]
    assert isinstance(sheet, Worksheet)
    return sheet


def test_merged_header_rows_and_numbers() -> None:
    sheet = sheet_of(render_xlsx(samples.resolution_table()))
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:F1", "A2:F2", "A3:A4", "B3:D3", "E3:E4", "F3:F4"} <= merged
    assert sheet["A1"].value == "2026年3月各县（区）矛盾纠纷化解情况"
    assert sheet["A2"].value == "单位：件"
    assert [sheet.cell(4, c).value for c in (2, 3, 4)] == ["排查", "化解", "化解率"]
    assert sheet["B3"].value == "矛盾纠纷"
    assert sheet["A5"].value == "城关区" and sheet["B5"].value == 500
    assert sheet["D6"].value == pytest.approx(711 / 734)
    assert sheet["D6"].number_format == "0.00%"
    assert sheet["E5"].number_format == "#,##0.00"
    assert sheet["B7"].value == 1234 and sheet["B7"].font.bold
    assert sheet["A8"].value == "注：化解率＝化解件数÷排查件数。"
    assert sheet["A9"].value == "数据来源：综治中心业务系统"


def test_frozen_header_widths_and_print_setup() -> None:
    sheet = sheet_of(render_xlsx(samples.resolution_table()))
    assert sheet.freeze_panes == "B5"  # below the two header rows, after the area column
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEF"}
    assert widths["E"] >= 14  # 协议金额（元）: 7 Chinese characters count double
    assert widths["B"] >= 8
    assert sheet.print_title_rows == "$3:$4"  # repeated on every printed page
    assert int(sheet.page_setup.paperSize or 0) == int(sheet.PAPERSIZE_A4)


def test_several_tables_make_several_sheets_with_valid_names() -> None:
    one = samples.resolution_table()
    two = DataTable(
        title="排名:前10/后10?",
        columns=[Column("单位"), Column("满意率", NumberFormat.PERCENT)],
        rows=[["甲", 0.9], ["乙", None]],
    )
    workbook = load_workbook(io.BytesIO(render_xlsx([one, two, one])))
    names = workbook.sheetnames
    assert len(names) == 3 and len(set(names)) == 3
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert workbook.worksheets[1]["B4"].value == "—"  # a missing figure is shown, not blank


def test_empty_input_is_refused() -> None:
    with pytest.raises(ValueError):
        render_xlsx([])

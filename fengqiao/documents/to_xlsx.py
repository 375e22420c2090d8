"""Render statistics tables to .xlsx (openpyxl) the way officials lay them out: a merged
title row, a unit row, multi-row merged headers, typed numbers with number formats, column
widths that count Chinese characters double, a frozen header and A4 print settings."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from copy import copy
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from fengqiao.documents.model import DataTable, header_cells
from fengqiao.documents.text import XLSX_FORMATS, CellValue, display_width, format_cell

# House style for spreadsheets (GB/T 9704 does not cover them).
TITLE_FONT = Font(name="黑体", size=16, bold=True)
HEADER_FONT = Font(name="黑体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=11)
TOTAL_FONT = Font(name="宋体", size=11, bold=True)
NOTE_FONT = Font(name="宋体", size=10)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MIN_WIDTH, MAX_WIDTH = 8, 60
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(table: DataTable, index: int, used: set[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\; names must be unique."""
    base = SHEET_NAME_FORBIDDEN.sub("", table.sheet_name or table.title)[:28] or f"表{index}"
    name, n = base, 2
    while name in used:
        name = f"{base[:26]}({n})"
        n += 1
    used.add(name)
    return name


def write_table(sheet: Worksheet, table: DataTable) -> None:
    leaves = table.leaves
    width = len(leaves)
    last_col = get_column_letter(width)
    sheet["A1"] = table.title
    sheet["A1"].font = TITLE_FONT
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 32
    if width > 1:
        sheet.merge_cells(f"A1:{last_col}1")
    row = 2
    if table.unit:
        sheet.cell(row=2, column=1, value=table.unit).font = NOTE_FONT
        sheet.cell(row=2, column=1).alignment = Alignment(horizontal="right")
        if width > 1:
            sheet.merge_cells(f"A2:{last_col}2")
        row = 3
    header_top = row
    cells = header_cells(table.columns)
    depth = max(cell.row for cell in cells) + 1
    for r in range(header_top, header_top + depth):
        for c in range(1, width + 1):
            target = sheet.cell(row=r, column=c)
            target.border = GRID
            target.fill = HEADER_FILL
            target.font = HEADER_FONT
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for cell in cells:
        top, left = header_top + cell.row, 1 + cell.col
        sheet.cell(row=top, column=left, value=cell.text)
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=top,
                start_column=left,
                end_row=top + cell.rowspan - 1,
                end_column=left + cell.colspan - 1,
            )
    first_data = header_top + depth
    r = first_data
    # Setting a style hashes it (slow for thousands of cells): style the first cell of each
    # (font, numeric, column) once and copy its style array to the others.
    styled: dict[tuple[int, bool, int], Any] = {}
    for values, font in [(v, BODY_FONT) for v in table.rows] + [
        (v, TOTAL_FONT) for v in table.total_rows
    ]:
        for c, (value, column) in enumerate(zip(values, leaves, strict=True), start=1):
            target = sheet.cell(row=r, column=c, value=_excel_value(value))
            key = (id(font), isinstance(target.value, int | float), c)
            if key in styled:
                target._style = copy(styled[key])  # type: ignore[attr-defined]
                continue
            target.border = GRID
            target.font = font
            numeric = isinstance(target.value, int | float)
            if numeric:
                target.number_format = XLSX_FORMATS[column.format]
                target.alignment = Alignment(horizontal="right", vertical="center")
            else:
                target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            styled[key] = copy(target._style)  # type: ignore[attr-defined]
        r += 1
    footer = [*table.notes, *([f"数据来源：{table.source}"] if table.source else [])]
    for line in footer:
        sheet.cell(row=r, column=1, value=line).font = NOTE_FONT
        sheet.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        if width > 1:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1
    _column_widths(sheet, table)
    freeze = get_column_letter(1 + max(0, min(table.freeze_columns, width - 1)))
    sheet.freeze_panes = f"{freeze}{first_data}"
    sheet.print_title_rows = f"{header_top}:{first_data - 1}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if width > 7 else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True


def _excel_value(value: CellValue) -> str | int | float | date:
    if isinstance(value, Decimal):
        return float(value)
    if value is None:
        return "—"
    return value


def _column_widths(sheet: Worksheet, table: DataTable) -> None:
    """Widths in Excel character units, Chinese characters counted twice; a group title is
    shared among the columns it spans."""
    leaves = table.leaves
    wanted = [0.0] * len(leaves)
    for cell in header_cells(table.columns):
        share = display_width(cell.text) / cell.colspan
        for c in range(cell.col, cell.col + cell.colspan):
            wanted[c] = max(wanted[c], share)
    for values in (*table.rows, *table.total_rows):
        for c, (value, column) in enumerate(zip(values, leaves, strict=True)):
            shown = format_cell(value, column.format)
            wanted[c] = max(wanted[c], display_width(shown))
    for c, column in enumerate(leaves):
        width = column.width or min(MAX_WIDTH, max(MIN_WIDTH, wanted[c] + 3))
        sheet.column_dimensions[get_column_letter(c + 1)].width = width


def render_xlsx(tables: DataTable | Sequence[DataTable]) -> bytes:
    """One worksheet per table; returns the workbook as bytes."""
    items = [tables] if isinstance(tables, DataTable) else list(tables)
    if not items:
        raise ValueError("render_xlsx needs at least one table")
    workbook = Workbook()
    used: set[str] = set()
    for index, table in enumerate(items, start=1):
        sheet = workbook.active if index == 1 else workbook.create_sheet()
        assert sheet is not None
        sheet.title = sheet_title(table, index, used)
        write_table(sheet, table)
    workbook.properties.creator = "fengqiao"
    workbook.properties.title = items[0].title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

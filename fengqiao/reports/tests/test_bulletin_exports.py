"""The written bulletin (every number traced) and the exports, read back with openpyxl,
python-docx and pypdf, carrying the right numbers in Chinese."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from fengqiao.reports import bulletin, exports, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.test_indicators import MARCH, build

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _numbers(texts: list[str]) -> list[str]:
    """The numbers of a text, leaving out the hotline's name "12345" (not a figure)."""
    return [n for text in texts for n in NUMBER.findall(text.replace("12345", ""))]


@pytest.mark.django_db
def test_bulletin_text_and_traces(desk: Desk) -> None:
    build(desk)
    result = bulletin.build(desk.t.province, MARCH)
    body = result.body()
    overall = body[1]
    assert overall.startswith(
        "2026年3月，全省共受理各类事项11件，同比上升1000.00%，环比上升450.00%；办结9件，"
        "按期办结率80.00%，同比降低20.00个百分点；化解率63.64%；超期件2件，并单1件。"
    ), overall
    assert "其中，12345热线工单9件，网格事件2件。" in body
    assert any("本期全省未受理矛盾纠纷。" in p for p in body)
    hotline = next(p for p in body if p.startswith("本期受理12345热线工单"))
    assert "响应率80.00%" in hotline and "满意率80.00%" in hotline  # H2 of 5 (G2 is no order)
    # every number in the body is a traced one, in order
    traced = _numbers([t["text"] for t in result.traces])
    assert _numbers(body) == traced
    received = next(t for t in result.traces if t["text"] == "11件")
    assert received["indicator"] == "received"
    assert received["params"] == {"region": "620000000000", "period": "2026-03"}
    assert result.data.title == "关于2026年3月甘肃省平安建设主要指标情况的通报"
    assert result.data.recipients.startswith("各市（州）")


@pytest.mark.django_db
def test_bulletin_docx_and_pdf_read_back(desk: Desk) -> None:
    build(desk)
    result = bulletin.build(desk.t.province, MARCH)
    docx = exports.bulletin_file(result, "docx")
    assert docx.filename.endswith(".docx")
    document = DocxDocument(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "全省共受理各类事项11件，同比上升1000.00%" in text
    assert "化解率63.64%" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "兰州市" in cells and "11" in cells
    pdf = exports.bulletin_file(result, "pdf")
    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = re.sub(r"\s+", "", extracted)
    assert "全省共受理各类事项11件" in flat
    assert "按期办结率80.00%" in flat


@pytest.mark.django_db
def test_table_exports_read_back(desk: Desk) -> None:
    build(desk)
    result = tables.build_for(TABLES["hotline_units"], desk.t.county, MARCH)
    xlsx = exports.tables_file([result], "xlsx", "城关区12345热线工单办理情况表")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "城关区12345热线工单办理情况表（按承办单位）"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    flat = [v for row in values for v in row if v is not None]
    assert "承办量" in flat and "本期" in flat and "三率" in flat and "响应率" in flat
    header_rows = [i for i, row in enumerate(values) if "承办单位" in row]
    assert header_rows and any(r.startswith("A") for r in merged)  # merged header cells
    env = next(row for row in values if row[0] == "城关区生态环境分局")
    assert env[1] == 4 and env[7] == 0.75  # 承办量, 按期办结率 as a fraction (0.00% format)
    docx = exports.tables_file([result], "docx", "表")
    cells = [
        c.text
        for t in DocxDocument(io.BytesIO(docx.content)).tables
        for row in t.rows
        for c in row.cells
    ]
    assert "城关区生态环境分局" in cells and "75.00%" in cells
    pdf = exports.tables_file([result], "pdf", "表")
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    assert "城关区生态环境分局" in text and "75.00%" in text

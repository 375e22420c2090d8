"""Where the PDF puts things, measured from the text positions pypdf reports: the GB/T 9704
type area (28 mm left, 37 mm top, 35 mm bottom), 22 lines of 28 characters, the typefaces of
each heading level, the red header and the page numbers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from pypdf import PdfReader

from fengqiao.documents.kinds.bulletin import bulletin
from fengqiao.documents.layout import LAYOUT, MM_PER_PT
from fengqiao.documents.model import Document, Heading, Paragraph, SignatureBlock
from fengqiao.documents.tests import samples
from fengqiao.documents.to_pdf import render_pdf

PAGE_HEIGHT_MM = 297.0
PITCH_MM = 225 / 22
CHAR_MM = 156 / 28


@dataclass(frozen=True)
class Run:
    """A piece of text as drawn: left edge and baseline (mm from the top-left corner)."""

    text: str
    x: float
    y: float
    font: str
    size: float


def runs(data: bytes) -> list[list[Run]]:
    reader = PdfReader(io.BytesIO(data))
    pages: list[list[Run]] = []
    for page in reader.pages:
        found: list[Run] = []

        def visit(
            text: str, cm: Any, tm: Any, font: Any, size: float, found: list[Run] = found
        ) -> None:
            if text.strip():
                x, y = tm[4] * MM_PER_PT, PAGE_HEIGHT_MM - tm[5] * MM_PER_PT
                found.append(Run(text.strip(), x, y, str(font.get("/BaseFont", "")), size))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


@pytest.fixture(scope="module")
def long_document() -> list[list[Run]]:
    doc = Document(
        title="版式测试",
        blocks=[
            Heading("一、一级标题", 1),
            Heading("（一）二级标题", 2),
            Heading("1.三级标题", 3),
            Paragraph("国" * 28 * 50),
            SignatureBlock(seal="某某机关", signed_on="2026年4月3日"),
        ],
    )
    return runs(render_pdf(doc))


def body_lines(page: list[Run]) -> list[Run]:
    return [run for run in page if set(run.text) == {"国"}]


def test_full_page_has_22_lines_28_characters_on_the_type_area(
    long_document: list[list[Run]],
) -> None:
    second = body_lines(long_document[1])
    assert len(second) == LAYOUT["lines_per_page"]
    assert all(len(run.text) == LAYOUT["chars_per_line"] for run in second)
    assert all(run.x == pytest.approx(LAYOUT["margin_left"], abs=0.05) for run in second)
    gaps = [b.y - a.y for a, b in zip(second, second[1:], strict=False)]
    assert all(gap == pytest.approx(PITCH_MM, abs=0.05) for gap in gaps)
    top, bottom = LAYOUT["margin_top"], PAGE_HEIGHT_MM - LAYOUT["margin_bottom"]
    assert top < second[0].y < top + PITCH_MM  # first baseline inside the first grid line
    assert bottom - PITCH_MM < second[-1].y < bottom  # last baseline inside the last one


def test_first_line_is_indented_two_characters(long_document: list[list[Run]]) -> None:
    first = body_lines(long_document[0])[0]
    assert len(first.text) == 26
    assert first.x == pytest.approx(LAYOUT["margin_left"] + 2 * CHAR_MM, abs=0.05)


def test_typefaces_by_element(long_document: list[list[Run]]) -> None:
    by_text = {run.text: run for run in long_document[0]}
    assert by_text["版式测试"].size == 22 and "SerifCJKSCBold" in by_text["版式测试"].font
    assert "SansCJKSCBold" in by_text["一、一级标题"].font  # 黑体
    assert "SerifCJKSCBold" in by_text["（一）二级标题"].font  # 楷体 (substituted)
    assert by_text["1.三级标题"].font.endswith("SerifCJKSC")  # 仿宋 (substituted)
    assert all(run.size == 16 for run in body_lines(long_document[0]))


def test_page_numbers_alternate_sides(long_document: list[list[Run]]) -> None:
    numbers = [[r for r in page if r.text.startswith("—")][0] for page in long_document]
    assert len(numbers) >= 3
    body_bottom = PAGE_HEIGHT_MM - LAYOUT["margin_bottom"]
    for index, number in enumerate(numbers, start=1):
        assert number.text.replace(" ", "") == f"—{index}—"
        assert number.size == LAYOUT["page_number_size"]
        assert body_bottom + 5 < number.y < body_bottom + 12  # about 7 mm under the type area
        if index % 2 == 0:
            assert number.x == pytest.approx(LAYOUT["margin_left"] + CHAR_MM, abs=0.1)
        else:
            assert number.x > 150  # right-hand side on odd pages


def test_date_stands_four_characters_from_the_right(long_document: list[list[Run]]) -> None:
    last = long_document[-1]
    date = next(run for run in last if run.text == "2026年4月3日")
    seal = next(run for run in last if run.text == "某某机关")
    assert seal.y < date.y
    assert date.x < 210 - LAYOUT["margin_right"] - 4 * CHAR_MM


def test_red_header_sits_35_mm_into_the_type_area() -> None:
    data = render_pdf(bulletin(samples.bulletin_data()))
    first = runs(data)[0]
    issuer = next(run for run in first if run.text == "兰州市平安建设领导小组办公室")
    number = next(run for run in first if run.text == "兰平安办〔2026〕7号")
    title = next(run for run in first if run.text.startswith("关于"))
    top = LAYOUT["margin_top"] + LAYOUT["issuer_top"]
    assert top < issuer.y < top + LAYOUT["issuer_size"] * MM_PER_PT
    assert issuer.y < number.y < title.y
    assert issuer.size == LAYOUT["issuer_size"]
    assert b"0.902 0 0.0706 rg" in _page_content(data)  # OFFICIAL_RED (E60012) as fill colour


def _page_content(data: bytes) -> bytes:
    page = PdfReader(io.BytesIO(data)).pages[0]
    contents = page.get_contents()
    assert contents is not None
    return contents.get_data()

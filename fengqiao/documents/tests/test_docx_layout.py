"""The .docx page furniture, read from the XML: document defaults, line grid, page-number
footers, the red header rule, table merges and fonts, signature layout and the 版记 rules."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document as open_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from fengqiao.documents.kinds.bulletin import bulletin
from fengqiao.documents.kinds.mediation import mediation_agreement
from fengqiao.documents.layout import FONTS, FontRole, red_hex
from fengqiao.documents.model import Document, KeyValue, KeyValueTable, PageBreak, Paragraph, Spacer
from fengqiao.documents.tests import samples
from fengqiao.documents.to_docx import render_docx


def p_pr(paragraph: Any) -> Any:
    """The paragraph's w:pPr (asserted present)."""
    properties = paragraph._p.pPr
    assert properties is not None
    return properties


def east_asian_font(run: Any) -> str:
    fonts = run._element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    assert fonts is not None
    return str(fonts.get(qn("w:eastAsia")))


def opened(doc: Document) -> DocxDocument:
    return open_docx(io.BytesIO(render_docx(doc)))


@pytest.fixture(scope="module")
def notice() -> DocxDocument:
    return opened(bulletin(samples.bulletin_data()))


@pytest.fixture(scope="module")
def agreement() -> DocxDocument:
    return opened(mediation_agreement(samples.agreement_data()))


def test_document_defaults_are_chinese_16pt(notice: DocxDocument) -> None:
    defaults = notice.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert r_pr.find(qn("w:sz")).get(qn("w:val")) == "32"
    assert r_pr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == FONTS[FontRole.BODY].office_name
    assert r_pr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert notice.core_properties.author == "fengqiao"
    assert notice.core_properties.title.startswith("关于2026年3月")


def test_line_grid_of_22_lines(notice: DocxDocument) -> None:
    grid = notice.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"  # 225 mm / 22 in twips, rounded down


def test_page_numbers_odd_right_even_left(notice: DocxDocument) -> None:
    assert notice.settings.odd_and_even_pages_header_footer
    section = notice.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for paragraph in (odd, even):
        field = paragraph._p.find(qn("w:fldSimple"))
        assert field is not None and field.get(qn("w:instr")).strip() == "PAGE"
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")


def test_red_header_rule_and_off_grid_title(notice: DocxDocument) -> None:
    number = next(p for p in notice.paragraphs if p.text == "兰平安办〔2026〕7号")
    bottom = p_pr(number).find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == red_hex() and bottom.get(qn("w:val")) == "single"
    title = next(p for p in notice.paragraphs if p.text.startswith("关于"))
    assert p_pr(title).find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    assert east_asian_font(title.runs[0]) == FONTS[FontRole.TITLE].office_name


def test_pbdr_precedes_spacing_as_the_schema_requires(notice: DocxDocument) -> None:
    for paragraph in notice.paragraphs:
        p_pr = paragraph._p.pPr
        children = [child.tag for child in p_pr] if p_pr is not None else []
        if qn("w:pBdr") in children and qn("w:spacing") in children:
            assert children.index(qn("w:pBdr")) < children.index(qn("w:spacing"))


def test_heading_fonts_follow_the_levels(notice: DocxDocument) -> None:
    def east_asian(text: str) -> str:
        paragraph = next(p for p in notice.paragraphs if p.text == text)
        assert paragraph.paragraph_format.keep_with_next
        return east_asian_font(paragraph.runs[0])

    assert east_asian("一、总体情况") == "黑体"
    assert east_asian("（一）分类情况") == "楷体"


def test_table_total_row_and_alignment(notice: DocxDocument) -> None:
    table = notice.tables[0]
    total = table.rows[4]
    assert total.cells[0].text == "合计"
    run = total.cells[1].paragraphs[0].runs[0]
    assert east_asian_font(run) == "黑体"
    assert total.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[2].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_imprint_rules(notice: DocxDocument) -> None:
    cc = next(p for p in notice.paragraphs if p.text.startswith("\u3000抄送"))
    borders = p_pr(cc).find(qn("w:pBdr"))
    assert {child.tag for child in borders} == {qn("w:top"), qn("w:bottom")}
    thick = int(borders.find(qn("w:top")).get(qn("w:sz")))
    thin = int(borders.find(qn("w:bottom")).get(qn("w:sz")))
    assert thick > thin  # 0.35 mm first rule, 0.25 mm middle rule
    printed = next(p for p in notice.paragraphs if p.text.endswith("印发"))
    assert "\t2026年4月3日印发" in printed.text


def test_party_caption_spans_its_rows(agreement: DocxDocument) -> None:
    table = agreement.tables[0]
    assert table.cell(0, 0).text == "当事人"
    assert table.cell(0, 0)._tc is table.cell(3, 0)._tc
    assert table.cell(3, 1).text == "单位或住址"
    assert table.cell(3, 2)._tc is table.cell(3, 4)._tc  # the address spans two pairs


def test_signature_places_two_per_row(agreement: DocxDocument) -> None:
    signatures = agreement.tables[-1]
    assert [c.text for c in signatures.rows[0].cells] == ["当事人（签名盖章或按指印）"] * 2
    assert [c.text for c in signatures.rows[1].cells] == ["人民调解员（签名）", "记录人（签名）"]
    seal = next(p for p in agreement.paragraphs if p.text.endswith("（印）"))
    date = next(p for p in agreement.paragraphs if p.text == "2026年3月1日")
    assert seal.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.right_indent is not None
    assert abs(date.paragraph_format.right_indent.mm - 4 * 156 / 28) < 0.1  # 右空四字


def test_short_last_row_and_spacers_page_breaks() -> None:
    doc = Document(
        title="表格",
        blocks=[
            KeyValueTable(items=[KeyValue("甲", "1"), KeyValue("乙", "2"), KeyValue("丙", "3")]),
            Spacer(2),
            PageBreak(),
            Paragraph("末页", indent=False),
        ],
    )
    result = opened(doc)
    table = result.tables[0]
    assert table.cell(1, 1)._tc is table.cell(1, 3)._tc  # the odd pair fills the row
    breaks = result.element.body.findall(".//" + qn("w:br"))
    assert [b.get(qn("w:type")) for b in breaks] == ["page"]
    last = result.paragraphs[-1]
    assert last.text == "末页" and last.paragraph_format.first_line_indent is None

"""The .docx output read back with python-docx: every required field is there, in Chinese,
in the GB/T 9704 page layout, with the East Asian font set on the runs."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace

import pytest
from docx import Document as open_docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Mm

from fengqiao.documents.kinds.bulletin import bulletin
from fengqiao.documents.kinds.mediation import mediation_agreement
from fengqiao.documents.kinds.petition import ReviewRight, petition_decision
from fengqiao.documents.layout import FONTS, LAYOUT, FontRole, red_hex
from fengqiao.documents.model import Document, Paragraph
from fengqiao.documents.tests import samples
from fengqiao.documents.to_docx import render_docx


def read(data: bytes) -> DocxDocument:
    assert data[:2] == b"PK"
    return open_docx(io.BytesIO(data))


def all_text(doc: DocxDocument) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def east_asian_fonts(doc: DocxDocument) -> Iterator[str]:
    for run in doc.element.body.iter(qn("w:r")):
        fonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        if fonts is not None and run.findtext(qn("w:t")):
            yield fonts.get(qn("w:eastAsia"))


def test_mediation_agreement_has_every_required_field() -> None:
    doc = read(render_docx(mediation_agreement(samples.agreement_data())))
    text = all_text(doc)
    for field in (
        "人民调解协议书",
        "编号：（2026）酒人调字第12号",
        samples.PARTY_A,
        samples.PARTY_B,
        "回族",
        "兰州市城关区秦安路14号",
        "纠纷主要事实、争议事项",
        "共用通道的使用及堆放物的清理",  # disputed points
        "应承担主要责任",  # responsibility
        "经调解，自愿达成如下协议",
        "履行方式",
        "秦安路12号与14号之间共用通道",  # place of performance
        "2026年3月10日前履行完毕",  # deadline
        "当事人（签名盖章或按指印）",
        "人民调解员（签名）",
        "记录人（签名）",
        "酒泉路街道人民调解委员会（印）",
        "2026年3月1日",
        "本协议一式三份，当事人各执一份，人民调解委员会留存一份。",
    ):
        assert field in text, field
    for number, term in enumerate(samples.TERMS):
        assert f"{'一二三'[number]}、{term}" in text
    assert text.count("当事人（签名盖章或按指印）") == 2  # one place per party


def test_copies_count_comes_from_data() -> None:
    text = all_text(read(render_docx(mediation_agreement(samples.agreement_data(copies=4)))))
    assert "本协议一式四份" in text and "一式三份" not in text


def test_runs_name_the_east_asian_font_and_page_follows_gbt9704() -> None:
    doc = read(render_docx(mediation_agreement(samples.agreement_data())))
    fonts = set(east_asian_fonts(doc))
    assert FONTS[FontRole.BODY].office_name in fonts  # 仿宋
    assert FONTS[FontRole.TITLE].office_name in fonts  # 方正小标宋简体 (the title)
    assert None not in fonts
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    for margin, key in (
        (section.top_margin, "margin_top"),
        (section.bottom_margin, "margin_bottom"),
        (section.left_margin, "margin_left"),
        (section.right_margin, "margin_right"),
    ):
        assert margin is not None and abs(margin - Mm(LAYOUT[key])) < Mm(0.1)
    title = doc.paragraphs[0]
    assert title.text == "人民调解协议书"
    assert title.runs[0].font.size is not None and title.runs[0].font.size.pt == 22
    normal = doc.styles["Normal"]
    assert normal.font.size is not None and normal.font.size.pt == 16
    spacing = normal.paragraph_format.line_spacing
    assert spacing is not None and 28.9 < spacing.pt < 29  # 225 mm / 22 lines


def test_twenty_eight_characters_fit_a_line() -> None:
    """Normal text is tightened so 28 characters of 16 pt fit 156 mm (GB/T 9704 5.2.3)."""
    doc = read(render_docx(Document(title="测试", blocks=[Paragraph("国" * 40)])))
    spacing = doc.styles["Normal"].element.find(qn("w:rPr") + "/" + qn("w:spacing"))
    assert spacing is not None
    advance_pt = 16 + int(spacing.get(qn("w:val"))) / 20
    assert 28 * advance_pt <= 156 / 25.4 * 72 < 29 * advance_pt


def test_petition_decision_states_outcome_basis_and_review_window() -> None:
    data = samples.decision_data()
    text = all_text(read(render_docx(petition_decision(data))))
    assert "信访事项处理意见书" in text and data.organ in text
    assert "赵信访：" in text
    assert "处理意见：不予支持。" in text
    assert "《物业管理条例》第三十五条；《特种设备安全法》第四十二条。" in text
    assert "根据《信访工作条例》第三十五条的规定" in text
    assert "自收到本意见书之日起30日内，向兰州市城关区人民政府书面提出复查请求" in text
    assert "2026年2月20日" in text


def test_review_days_are_data() -> None:
    changed = replace(samples.decision_data(), review=ReviewRight(45, "某市人民政府", "某规定"))
    text = all_text(read(render_docx(petition_decision(changed))))
    assert "之日起45日内" in text and "根据某规定的规定" in text


def test_bulletin_has_red_header_sections_table_and_imprint() -> None:
    doc = read(render_docx(bulletin(samples.bulletin_data())))
    text = all_text(doc)
    issuer = doc.paragraphs[0]
    assert issuer.text == "兰州市平安建设领导小组办公室"
    assert str(issuer.runs[0].font.color.rgb) == red_hex()
    for field in (
        "兰平安办〔2026〕7号",
        "各县（区）平安建设领导小组办公室，市直有关单位：",
        "一、总体情况",
        "（一）分类情况",
        "二、下一步工作",
        "单位：件",
        "97.33%",
        "213,000.50",
        "抄送：市委政法委。",
        "2026年4月3日印发",
    ):
        assert field in text, field
    table = doc.tables[0]
    assert table.cell(0, 1).text == "矛盾纠纷"
    assert table.cell(0, 1)._tc is table.cell(0, 3)._tc  # merged across three columns
    assert table.cell(0, 0)._tc is table.cell(1, 0)._tc  # 县（区） spans both header rows
    assert [table.cell(1, c).text for c in (1, 2, 3)] == ["排查", "化解", "化解率"]
    assert table.cell(4, 1).text == "1234"
    repeat = table.rows[0]._tr.find(qn("w:trPr") + "/" + qn("w:tblHeader"))
    assert repeat is not None


@pytest.mark.parametrize("copies", [0, 2])
def test_too_few_copies_is_refused(copies: int) -> None:
    with pytest.raises(ValueError):
        mediation_agreement(samples.agreement_data(copies=copies))

"""The PDF output parsed with pypdf: the Chinese text comes back out, every font is embedded
(a FontFile2 TrueType subset) with a ToUnicode map, and the page is A4 on the 22 × 28 grid."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from fengqiao.documents import fonts
from fengqiao.documents.kinds.bulletin import bulletin
from fengqiao.documents.kinds.mediation import mediation_agreement
from fengqiao.documents.kinds.petition import petition_decision
from fengqiao.documents.model import Document, Paragraph
from fengqiao.documents.tests import samples
from fengqiao.documents.to_pdf import render_pdf


def read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def text_of(reader: PdfReader) -> str:
    """All text, with line breaks and spaces removed (lines break inside words)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def font_dicts(reader: PdfReader) -> list[Any]:
    found = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            found[font["/BaseFont"]] = font
    return list(found.values())


@pytest.fixture(scope="module")
def agreement_pdf() -> PdfReader:
    return read(render_pdf(mediation_agreement(samples.agreement_data())))


def test_agreement_text_reads_back_in_chinese(agreement_pdf: PdfReader) -> None:
    text = text_of(agreement_pdf)
    for field in (
        "人民调解协议书",
        "编号：（2026）酒人调字第12号",
        samples.PARTY_A,  # includes 𠮷, outside the Basic Multilingual Plane
        samples.PARTY_B,
        "纠纷主要事实、争议事项",
        "争议事项：共用通道的使用及堆放物的清理。",
        "各方责任：",
        "经调解，自愿达成如下协议",
        "履行期限：2026年3月10日前履行完毕。",
        "当事人（签名盖章或按指印）",
        "人民调解员（签名）",
        "记录人（签名）",
        "酒泉路街道人民调解委员会（印）",
        "本协议一式三份，当事人各执一份，人民调解委员会留存一份。",
        "2026年3月1日",
    ):
        assert field in text, field
    for term in samples.TERMS:
        assert re.sub(r"\s+", "", term) in text


def test_every_font_is_an_embedded_subset(agreement_pdf: PdfReader) -> None:
    found = font_dicts(agreement_pdf)
    assert found
    for font in found:
        assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
        assert "/ToUnicode" in font
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
        assert re.match(r"^/[A-Z]{6}\+", font["/BaseFont"])  # subset tag
        assert "NotoS" in font["/BaseFont"]


def test_page_is_a4_with_page_numbers(agreement_pdf: PdfReader) -> None:
    box = agreement_pdf.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210
    assert round(float(box.height) / 72 * 25.4) == 297
    assert "—1—" in re.sub(r"\s+", "", agreement_pdf.pages[0].extract_text())


def test_body_lines_hold_28_characters() -> None:
    """GB/T 9704 5.2.3: 28 characters per line; the first line is indented two."""
    reader = read(render_pdf(Document(title="版心测试", blocks=[Paragraph("国" * 60)])))
    lines = [line.strip() for line in reader.pages[0].extract_text().splitlines()]
    body = [line for line in lines if line and set(line) == {"国"}]
    assert [len(line) for line in body] == [26, 28, 6]


def test_no_line_starts_with_closing_punctuation() -> None:
    text = "国" * 26 + "，" + "国" * 10 + "。"  # the comma would open line 2
    reader = read(render_pdf(Document(title="避头尾", blocks=[Paragraph(text)])))
    lines = [line.strip() for line in reader.pages[0].extract_text().splitlines()]
    body = [line for line in lines if line and "国" in line]
    assert body == ["国" * 25, "国，" + "国" * 10 + "。"]


def test_decision_and_bulletin_read_back() -> None:
    decision = text_of(read(render_pdf(petition_decision(samples.decision_data()))))
    assert "信访事项处理意见书" in decision and "处理意见：不予支持。" in decision
    assert "自收到本意见书之日起30日内" in decision
    notice = text_of(read(render_pdf(bulletin(samples.bulletin_data()))))
    for field in ("兰平安办〔2026〕7号", "一、总体情况", "化解率", "97.33%", "1234", "印发"):
        assert field in notice, field


def test_missing_font_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "search_dirs", lambda: [tmp_path])
    with pytest.raises(fonts.FontUnavailable, match="fonts-noto-cjk"):
        render_pdf(Document(title="无字体"))


def test_font_directory_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source = fonts.locate("serif")
    (tmp_path / source.path.name).symlink_to(source.path)
    monkeypatch.setenv("FENGQIAO_CJK_FONT_DIR", str(tmp_path))
    assert fonts.search_dirs()[0] == tmp_path
    assert fonts.locate("serif").path == tmp_path / source.path.name

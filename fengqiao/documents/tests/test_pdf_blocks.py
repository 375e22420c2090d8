"""Each kind of block in the PDF: long tables repeat their header on the next page, wide tables
use a smaller size, forms, alignment, spacers and page breaks, the 版记 at the foot of the
last page, and the file's metadata."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from fengqiao.documents.kinds.mediation import mediation_agreement
from fengqiao.documents.layout import LAYOUT
from fengqiao.documents.model import (
    Align,
    Column,
    DataTable,
    Document,
    Imprint,
    KeyValue,
    KeyValueTable,
    NumberFormat,
    PageBreak,
    Paragraph,
    Spacer,
)
from fengqiao.documents.tests import samples
from fengqiao.documents.tests.test_pdf_layout import Run, runs
from fengqiao.documents.to_pdf import render_pdf


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_long_table_repeats_its_header_on_every_page() -> None:
    table = DataTable(
        title="网格员履职情况",
        columns=[
            Column("网格"),
            Column(
                "走访",
                children=(
                    Column("户数", NumberFormat.INTEGER),
                    Column("人次", NumberFormat.INTEGER),
                ),
            ),
        ],
        rows=[[f"第{n}网格", n * 3, n * 7] for n in range(1, 61)],
    )
    pages = pages_text(render_pdf(Document(title="长表", blocks=[table])))
    assert len(pages) >= 3
    for text in pages:
        assert "户数" in text and "人次" in text
    everything = "".join(pages)
    assert "第60网格" in everything and "420" in everything


def test_wide_table_uses_a_smaller_size() -> None:
    columns = [Column(f"指标{n}", NumberFormat.INTEGER) for n in range(10)]
    wide = DataTable(title="宽表", columns=columns, rows=[list(range(10))])
    narrow = DataTable(title="窄表", columns=columns[:3], rows=[[1, 2, 3]])
    sizes = {}
    for table in (wide, narrow):
        cells = [
            r for r in runs(render_pdf(Document(title="t", blocks=[table])))[0] if r.text == "指标1"
        ]
        sizes[table.title] = cells[0].size
    assert sizes == {"宽表": LAYOUT["note_size"], "窄表": LAYOUT["data_table_size"]}


def test_table_unit_notes_and_source_are_printed() -> None:
    text = re.sub(
        r"\s+",
        "",
        "".join(pages_text(render_pdf(Document(title="t", blocks=[samples.resolution_table()])))),
    )
    for piece in (
        "单位：件",
        "注：化解率＝化解件数÷排查件数。",
        "数据来源：综治中心业务系统",
        "213,000.50",
        "98.00%",
    ):
        assert piece in text, piece


def test_key_value_form_with_caption() -> None:
    form = KeyValueTable(
        items=[
            KeyValue("姓名", "某甲"),
            KeyValue("性别", "女"),
            KeyValue("住址", "兰州市城关区某路1号", span=2),
        ],
        caption="申请人",
    )
    found = {r.text: r for r in runs(render_pdf(Document(title="表单", blocks=[form])))[0]}
    assert {"申请人", "姓名", "某甲", "住址", "兰州市城关区某路1号"} <= set(found)
    assert found["申请人"].x < found["姓名"].x < found["某甲"].x
    assert found["姓名"].y < found["住址"].y


def test_alignment_spacer_and_page_break() -> None:
    doc = Document(
        title="对齐",
        blocks=[
            Paragraph("居左", indent=False, align=Align.LEFT),
            Paragraph("居中", indent=False, align=Align.CENTER),
            Paragraph("居右", indent=False, align=Align.RIGHT),
            Spacer(3),
            Paragraph("空行之后", indent=False),
            PageBreak(),
            Paragraph("第二页", indent=False),
        ],
    )
    pages = runs(render_pdf(doc))
    first: dict[str, Run] = {r.text: r for r in pages[0]}
    left, center, right = first["居左"], first["居中"], first["居右"]
    assert left.x < center.x < right.x
    assert abs((center.x + 2 * 5.64 / 2) - (28 + 156 / 2)) < 1  # centred on the type area
    assert right.x > 28 + 156 - 2 * 5.64 - 1
    assert first["空行之后"].y - right.y > 3.5 * (225 / 22)
    assert [r.text for r in pages[1] if not r.text.startswith("—")] == ["第二页"]


def test_latin_words_and_numbers_are_not_split() -> None:
    words = "国" * 24 + "ABCDEFGH" + "国" * 10 + "2026年"
    lines = pages_text(render_pdf(Document(title="词", blocks=[Paragraph(words)])))[0].splitlines()
    body = [line.strip() for line in lines if "国" in line]
    assert body[0] == "国" * 24  # the Latin word moves whole to the next line
    assert body[1].startswith("ABCDEFGH")


def test_imprint_sits_at_the_foot_of_the_last_page() -> None:
    doc = Document(
        title="版记",
        blocks=[Paragraph("国" * 28 * 19)],
        imprint=Imprint(
            cc="某某单位", printer="某某办公室", printed_on=samples.bulletin_data().issued_on
        ),
    )
    pages = runs(render_pdf(doc))
    assert len(pages) == 2  # no room left on page 1, so the 版记 goes to the foot of page 2
    last = {r.text: r for r in pages[-1]}
    bottom = 297 - LAYOUT["margin_bottom"]
    assert bottom - 2 * 225 / 22 < last["抄送：某某单位。"].y < last["某某办公室"].y < bottom
    assert "2026年4月3日印发" in last


def test_metadata_holds_no_personal_information() -> None:
    data = render_pdf(mediation_agreement(samples.agreement_data()))
    info = PdfReader(io.BytesIO(data)).metadata
    assert info is not None
    assert info.title == "人民调解协议书" and info.creator == "fengqiao"
    assert samples.PARTY_A not in str(dict(info)) and samples.PARTY_B not in str(dict(info))

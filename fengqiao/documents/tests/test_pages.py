"""Page setups other than the default (landscape, no page numbers), what every block contributes
to the font subset, the per-process glyph cache, and the console command under its dashed name."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone
from docx import Document as open_docx
from docx.oxml.ns import qn
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from fengqiao.accounts.models import User
from fengqiao.cli import main as fengqiao_cli
from fengqiao.documents import fonts, registry
from fengqiao.documents.actions import do_request_export, run_pending_jobs
from fengqiao.documents.kinds.mediation import Copies, Party, mediation_agreement
from fengqiao.documents.model import (
    Block,
    Column,
    CopiesNote,
    DataTable,
    Document,
    Heading,
    Imprint,
    KeyValue,
    KeyValueTable,
    NumberFormat,
    PageBreak,
    PageSetup,
    Paragraph,
    RedHeader,
    SignatureBlock,
    SignaturePlace,
    Spacer,
    block_text,
)
from fengqiao.documents.models import ExportJob, ExportStatus
from fengqiao.documents.registry import ExportContext, ExportFile, ExportGenerator
from fengqiao.documents.render import render_docx, render_pdf
from fengqiao.documents.tests import samples

LANDSCAPE = replace(
    PageSetup.official(), width_mm=297, height_mm=210, chars_per_line=40, lines_per_page=14
)


def test_landscape_page_in_both_formats() -> None:
    doc = Document(title="横向报表", blocks=[samples.resolution_table()], page=LANDSCAPE)
    box = PdfReader(io.BytesIO(render_pdf(doc))).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    section = open_docx(io.BytesIO(render_docx(doc))).sections[0]
    assert section.page_width is not None and round(section.page_width.mm) == 297
    assert section.page_height is not None and round(section.page_height.mm) == 210


def test_page_numbers_can_be_switched_off() -> None:
    page = PageSetup.official(page_numbers=False)
    doc = Document(title="无页码", blocks=[Paragraph("正文")], page=page)
    text = PdfReader(io.BytesIO(render_pdf(doc))).pages[0].extract_text()
    assert "—" not in text and "正文" in text
    opened = open_docx(io.BytesIO(render_docx(doc)))
    assert not opened.settings.odd_and_even_pages_header_footer
    assert opened.sections[0].footer.paragraphs[0].text == ""


def test_block_text_covers_every_block() -> None:
    table = DataTable(
        title="表名", columns=[Column("甲", NumberFormat.PERCENT)], rows=[[0.5]], unit="单位：件"
    )
    signed = SignatureBlock(
        places=[SignaturePlace("甲方（签名）")], seal="某委员会", signed_on=date(2026, 1, 2)
    )
    form = KeyValueTable(items=[KeyValue("姓名", "某乙")], caption="当事人")
    cases: list[tuple[Block, list[str]]] = [
        (Heading("一、标题"), ["一、标题"]),
        (Paragraph("正文", lead="引语："), ["引语：正文"]),
        (form, ["当事人", "姓名", "某乙"]),
        (table, ["表名", "单位：件", "甲", "50.00%", "数据来源："]),
        (signed, ["甲方（签名）", "某委员会", "2026年1月2日"]),
        (SignatureBlock(seal="某机关"), ["年月日"]),
        (CopiesNote(2, holders="各执一份"), ["本协议一式二份，各执一份。"]),
        (Spacer(1), [""]),
        (PageBreak(), [""]),
    ]
    for block, pieces in cases:
        text = block_text(block)
        for piece in pieces:
            assert piece in text, (block, piece)


def test_all_text_includes_header_and_imprint() -> None:
    doc = Document(
        title="标题",
        red_header=RedHeader("某机关", "某〔2026〕1号"),
        recipient="各单位：",
        imprint=Imprint(cc="某单位", printer="某办公室", printed_on=date(2026, 1, 2)),
    )
    text = doc.all_text()
    for piece in ("某机关", "某〔2026〕1号", "各单位：", "某单位", "某办公室", "抄送", "印发"):
        assert piece in text


def test_converted_glyphs_are_cached_per_process(tmp_path: Path) -> None:
    face = fonts.locate("serif")
    fonts.subset_to_truetype(face, "缓存测试", tmp_path / "a.ttf")
    source = fonts._source(face)
    cmap = source.cmap
    names = {cmap[ord(ch)] for ch in "缓存测试"}
    assert names <= set(source.converted)
    before = {name: source.converted[name] for name in names}
    fonts.subset_to_truetype(face, "缓存", tmp_path / "b.ttf")
    assert all(source.converted[name] is before[name] for name in names)  # not converted again


def test_agreement_pdf_with_an_organisation_and_a_third_party() -> None:
    data = samples.agreement_data()
    company = Party(
        "兰州某某物业服务有限公司", role="被申请人", representative="刘某（法定代表人）"
    )
    third = Party("王某某", role="第三人")
    doc = mediation_agreement(
        replace(data, parties=[data.parties[0], company, third], copies=Copies(4))
    )
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for piece in (
        "兰州某某物业服务有限公司",
        "代表人或代理人",
        "刘某（法定代表人）",
        "被申请人（签名盖章或按指印）",
        "第三人（签名盖章或按指印）",
        "本协议一式四份",
    ):
        assert piece in text, piece


def test_copies_note_is_indented_two_characters() -> None:
    opened = open_docx(io.BytesIO(render_docx(Document(title="份数", blocks=[CopiesNote(3)]))))
    paragraph = next(p for p in opened.paragraphs if p.text == "本协议一式三份。")
    p_pr = paragraph._p.pPr
    assert p_pr is not None
    indent = p_pr.find(qn("w:ind"))
    assert indent is not None and indent.get(qn("w:firstLineChars")) == "200"


# ------------------------------------------------------------------ the console command


def tiny(context: ExportContext) -> ExportFile:
    return ExportFile("小.txt", "内容".encode(), registry.CSV)


@pytest.fixture
def tiny_kind(settings: Settings, tmp_path: Path) -> Iterator[str]:
    settings.DATA_DIR = tmp_path
    registry.register(ExportGenerator("test.tiny", "小文件", tiny))
    yield "test.tiny"
    registry.unregister("test.tiny")


def test_run_exports_by_its_dashed_name(
    town_operator: User,
    tiny_kind: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = do_request_export(actor=town_operator, kind=tiny_kind)
    # the command closes all connections when it ends; keep the test database's open
    monkeypatch.setattr(connections, "close_all", lambda: None)
    fengqiao_cli(["fengqiao", "run-exports"])
    printed = capsys.readouterr().out
    assert "完成" in printed and "共完成 1 个，失败 0 个" in printed
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.size == len("内容".encode())


def test_expired_jobs_show_as_expired(town_operator: User, tiny_kind: str) -> None:
    job = do_request_export(actor=town_operator, kind=tiny_kind)
    run_pending_jobs()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    run_pending_jobs()  # purges
    client = Client()
    client.force_login(town_operator)
    status = client.get(f"/api/v1/exports/{job.pk}").json()
    assert status["status"] == "expired" and status["status_label"] == "已过期"
    assert status["download_url"] is None

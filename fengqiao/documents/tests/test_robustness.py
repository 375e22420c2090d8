"""Robustness: random documents render in both formats and keep their text; a job requeued
while it ran does not leave a file behind; parameters must be JSON; purging touches only
expired files; a bulletin export goes all the way from request to PDF download."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document as open_docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from fengqiao.accounts.models import User
from fengqiao.documents import registry
from fengqiao.documents.actions import do_request_export, purge_expired_exports, run_pending_jobs
from fengqiao.documents.kinds.bulletin import bulletin
from fengqiao.documents.model import (
    Align,
    Block,
    CopiesNote,
    Document,
    Heading,
    KeyValue,
    KeyValueTable,
    Paragraph,
    SignatureBlock,
    SignaturePlace,
    Spacer,
)
from fengqiao.documents.models import ExportJob, ExportStatus
from fengqiao.documents.registry import (
    DOCX,
    PDF,
    ExportContext,
    ExportFile,
    ExportGenerator,
    ExportInvalid,
)
from fengqiao.documents.render import render_docx, render_pdf
from fengqiao.documents.tests import samples

HAN = st.text(
    st.sampled_from("调解协议当事人纠纷化解网格综治中心，。、；：（）“”0123456789AB"),
    min_size=1,
    max_size=60,
)


def blocks() -> st.SearchStrategy[Block]:
    return st.one_of(
        st.builds(Heading, HAN, st.integers(1, 4)),
        st.builds(
            Paragraph, HAN, st.one_of(st.just(""), HAN), st.booleans(), st.sampled_from(list(Align))
        ),
        st.builds(CopiesNote, st.integers(1, 12), st.just("协议"), st.just("各执一份")),
        st.builds(
            KeyValueTable,
            st.lists(st.builds(KeyValue, HAN, HAN, st.integers(1, 2)), min_size=1, max_size=5),
            st.integers(1, 3),
            st.one_of(st.just(""), st.just("当事人")),
        ),
        st.builds(
            SignatureBlock,
            st.lists(st.builds(SignaturePlace, HAN.map(lambda t: t[:10])), max_size=4),
            HAN.map(lambda t: t[:16]),
            st.just(date(2026, 3, 1)),
        ),
        st.builds(Spacer, st.integers(0, 2)),
    )


def visible(block: Block) -> list[str]:
    match block:
        case Heading(text=text) | CopiesNote(text=text):
            return [text]
        case Paragraph(text=text, lead=lead):
            return [lead + text]
        case KeyValueTable(items=items):
            return [piece for item in items for piece in (item.label, item.value)]
        case SignatureBlock(places=places, seal=seal):
            return [place.label for place in places] + [seal, "2026年3月1日"]
        case _:
            return []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.lists(blocks(), max_size=6), title=HAN)
def test_random_documents_keep_their_text_in_docx(content: list[Block], title: str) -> None:
    opened = open_docx(io.BytesIO(render_docx(Document(title=title, blocks=content))))
    parts = [p.text for p in opened.paragraphs]
    for table in opened.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    text = "\n".join(parts)
    assert title in text
    for block in content:
        for piece in visible(block):
            assert piece in text


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.lists(blocks(), min_size=1, max_size=4), title=HAN)
def test_random_documents_keep_their_text_in_pdf(content: list[Block], title: str) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(Document(title=title, blocks=content))))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert re.sub(r"\s+", "", title) in text
    for block in content:
        for piece in visible(block):
            assert re.sub(r"\s+", "", piece) in text


# ------------------------------------------------------------------ export edge cases

state: dict[str, Any] = {}


def requeued_meanwhile(context: ExportContext) -> ExportFile:
    """Simulate the stalled-job sweep taking the job back while this worker still runs."""
    ExportJob.objects.filter(pk=state["job"]).update(status=ExportStatus.QUEUED)
    return ExportFile("x.xlsx", b"PK-data", registry.XLSX)


def bulletin_pdf(context: ExportContext) -> ExportFile:
    context.progress(30)
    doc = bulletin(samples.bulletin_data())
    context.progress(60)
    return ExportFile("2026年3月通报.pdf", render_pdf(doc), PDF)


def bulletin_docx(context: ExportContext) -> ExportFile:
    return ExportFile("2026年3月通报.docx", render_docx(bulletin(samples.bulletin_data())), DOCX)


def returns_a_date(owner: User, params: dict[str, Any]) -> dict[str, Any]:
    return {"month": date(2026, 3, 1)}


@pytest.fixture(autouse=True)
def kinds(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.DATA_DIR = tmp_path
    registry.register(ExportGenerator("test.race", "竞争", requeued_meanwhile))
    registry.register(ExportGenerator("test.bulletin_pdf", "通报PDF", bulletin_pdf))
    registry.register(ExportGenerator("test.bulletin_docx", "通报Word", bulletin_docx))
    registry.register(ExportGenerator("test.date", "日期", bulletin_docx, validate=returns_a_date))
    yield
    for kind in ("test.race", "test.bulletin_pdf", "test.bulletin_docx", "test.date"):
        registry.unregister(kind)


def test_a_job_requeued_while_running_leaves_no_file(town_operator: User, tmp_path: Path) -> None:
    job = do_request_export(actor=town_operator, kind="test.race")
    state["job"] = job.pk
    summary = run_pending_jobs()  # runs it once, does not pick it up again in the same call
    job.refresh_from_db()
    assert job.status == ExportStatus.QUEUED and job.file_name == ""
    assert summary.done == [] and summary.failed == []
    assert not list((tmp_path / "exports").glob("*"))


def test_parameters_must_be_json(town_operator: User) -> None:
    with pytest.raises(ExportInvalid) as caught:
        do_request_export(actor=town_operator, kind="test.date")
    assert caught.value.errors == [{"field": "params", "message": "参数必须是 JSON 数据。"}]
    assert not ExportJob.objects.exists()


def test_purge_only_touches_expired_files(town_operator: User) -> None:
    keep = do_request_export(actor=town_operator, kind="test.bulletin_docx")
    drop = do_request_export(actor=town_operator, kind="test.bulletin_docx")
    run_pending_jobs()
    ExportJob.objects.filter(pk=drop.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert purge_expired_exports() == 1
    keep.refresh_from_db()
    drop.refresh_from_db()
    kept_path, dropped_path = keep.file_path(), drop.file_name
    assert keep.status == ExportStatus.DONE and kept_path is not None and kept_path.is_file()
    assert drop.status == ExportStatus.EXPIRED and dropped_path == ""
    assert purge_expired_exports() == 0  # already purged


def test_bulletin_export_from_request_to_pdf(town_operator: User) -> None:
    client = Client()
    client.force_login(town_operator)
    created = client.post(
        "/api/v1/exports", {"kind": "test.bulletin_pdf"}, content_type="application/json"
    ).json()
    run_pending_jobs()
    status = client.get(f"/api/v1/exports/{created['id']}").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["download_name"] == "2026年3月通报.pdf" and status["size"] > 10_000
    response = client.get(status["download_url"])
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response["Content-Type"] == PDF
    assert "filename*=utf-8''2026%E5%B9%B43%E6%9C%88" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "兰平安办〔2026〕7号" in text and "化解率" in text

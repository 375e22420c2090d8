"""Running export jobs: concurrent workers, stored files, limits, generators that vanish,
and what the owner sees in the job list."""

from __future__ import annotations

import io
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from pytest_django.fixtures import Settings

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.documents import registry
from fengqiao.documents.actions import do_request_export, run_pending_jobs
from fengqiao.documents.kinds.mediation import mediation_agreement
from fengqiao.documents.models import ExportJob, ExportStatus
from fengqiao.documents.registry import PDF, ExportContext, ExportFile, ExportGenerator
from fengqiao.documents.tests import samples
from fengqiao.documents.to_docx import render_docx

KIND = "test.agreement"
calls: list[str] = []


def agreement_docx(context: ExportContext) -> ExportFile:
    calls.append(str(context.owner.pk))
    context.progress(150)  # clamped
    data = render_docx(mediation_agreement(samples.agreement_data()))
    return ExportFile("人民调解协议书.docx", data, registry.DOCX)


@pytest.fixture(autouse=True)
def generator(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.DATA_DIR = tmp_path
    calls.clear()
    registry.register(ExportGenerator(KIND, "协议书", agreement_docx))
    yield
    registry.unregister(KIND)


def test_stored_file_is_private_and_complete(town_operator: User, tmp_path: Path) -> None:
    do_request_export(actor=town_operator, kind=KIND)
    [job] = run_pending_jobs().done
    path = job.file_path()
    assert path is not None and path.parent == tmp_path / "exports"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(path.parent.glob(".*.part"))  # written atomically
    assert job.size == path.stat().st_size and job.download_name == "人民调解协议书.docx"
    assert "人民调解协议书" not in path.name  # the stored name says nothing


def test_progress_is_clamped_below_completion(town_operator: User) -> None:
    seen: list[int] = []
    do_request_export(actor=town_operator, kind=KIND)
    run_pending_jobs(on_progress=lambda job, percent: seen.append(percent))
    assert seen == [99]
    assert ExportJob.objects.get().progress == 100


def test_limit_and_order(town_operator: User, county_leader: User) -> None:
    first = do_request_export(actor=town_operator, kind=KIND)
    second = do_request_export(actor=county_leader, kind=KIND)
    out = io.StringIO()
    call_command("run_exports", "--limit", "1", stdout=out)
    assert "共完成 1 个" in out.getvalue()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ExportStatus.DONE and second.status == ExportStatus.QUEUED
    assert calls == [str(town_operator.pk)]  # generated for its owner, oldest first


def test_a_generator_removed_after_the_request(town_operator: User) -> None:
    job = do_request_export(actor=town_operator, kind=KIND)
    registry.unregister(KIND)
    [failed] = run_pending_jobs().failed
    assert failed.pk == job.pk and failed.error == "导出类型已不可用。"
    response = _client(town_operator).get(f"/api/v1/exports/{job.pk}")
    assert response.json()["status_label"] == "失败" and response.json()["kind_label"] == KIND


def test_the_owner_lists_only_their_jobs_newest_first(town_operator: User, outsider: User) -> None:
    older = do_request_export(actor=town_operator, kind=KIND)
    newer = do_request_export(actor=town_operator, kind=KIND)
    do_request_export(actor=outsider, kind=KIND)
    listed = _client(town_operator).get("/api/v1/exports").json()
    assert [row["id"] for row in listed] == [str(newer.pk), str(older.pk)]
    assert all(row["status"] == "queued" and row["download_url"] is None for row in listed)


def test_audit_rows_carry_no_parameters(town_operator: User) -> None:
    registry.unregister(KIND)
    registry.register(
        ExportGenerator(KIND, "协议书", agreement_docx, validate=lambda user, params: params)
    )
    job = do_request_export(actor=town_operator, kind=KIND, params={"region": "620102001000"})
    entry = AuditEntry.objects.get(action="export.request")
    assert entry.object_id == str(job.pk) and entry.actor_id == town_operator.pk
    assert entry.data == {"kind": KIND}


def test_pdf_content_type_is_kept(town_operator: User) -> None:
    registry.register(
        ExportGenerator(
            "test.pdf", "PDF", lambda context: ExportFile("a.pdf", b"%PDF-1.4 test", PDF)
        )
    )
    try:
        job = do_request_export(actor=town_operator, kind="test.pdf")
        run_pending_jobs()
        response = _client(town_operator).get(f"/api/v1/exports/{job.pk}/download")
        assert response["Content-Type"] == PDF
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    finally:
        registry.unregister("test.pdf")


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_run_each_job_once(town_operator: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims need PostgreSQL (SQLite serialises writers)")
    jobs = [do_request_export(actor=town_operator, kind=KIND) for _ in range(4)]
    done: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            summary = run_pending_jobs()
            with lock:
                done.extend(str(job.pk) for job in summary.done)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(done) == sorted(str(job.pk) for job in jobs)
    assert len(calls) == len(jobs)
    assert set(ExportJob.objects.values_list("attempts", flat=True)) == {1}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client

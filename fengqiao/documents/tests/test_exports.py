"""Background exports: request over the API, run by `fengqiao run-exports`, download by the
owner only (others 404), audit rows without parameters, expiry, failures and stalled jobs."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django.fixtures import Settings as SettingsWrapper

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.documents import registry
from fengqiao.documents.actions import (
    _claim_next,
    do_request_export,
    purge_expired_exports,
    run_pending_jobs,
)
from fengqiao.documents.models import ExportJob, ExportStatus
from fengqiao.documents.registry import (
    XLSX,
    ExportContext,
    ExportFailed,
    ExportFile,
    ExportGenerator,
    ExportInvalid,
)
from fengqiao.documents.tests import samples
from fengqiao.documents.to_xlsx import render_xlsx

KIND = "test.resolution"


def resolution_export(context: ExportContext) -> ExportFile:
    for percent in (10, 50, 90):
        context.progress(percent)
    return ExportFile(
        f"{context.params['month']}矛盾纠纷化解情况.xlsx",
        render_xlsx(samples.resolution_table()),
        XLSX,
    )


def validate_month(owner: User, params: dict[str, Any]) -> dict[str, Any]:
    month = str(params.get("month", ""))
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        raise ExportInvalid([{"field": "params.month", "message": "月份格式应为 YYYY-MM。"}])
    return {"month": month}


def failing_export(context: ExportContext) -> ExportFile:
    raise RuntimeError("secret detail 13812345678")


def refusing_export(context: ExportContext) -> ExportFile:
    raise ExportFailed("所选地区暂无数据。")


@pytest.fixture(autouse=True)
def generators(settings: SettingsWrapper, tmp_path: Path) -> Iterator[None]:
    settings.DATA_DIR = tmp_path
    registry.register(ExportGenerator(KIND, "化解情况表", resolution_export, validate_month))
    registry.register(ExportGenerator("test.fail", "失败", failing_export))
    registry.register(ExportGenerator("test.refuse", "拒绝", refusing_export))
    registry.register(
        ExportGenerator(
            "test.personal", "名单", resolution_export, validate_month, personal_data=True
        )
    )
    yield
    for kind in (KIND, "test.fail", "test.refuse", "test.personal"):
        registry.unregister(kind)


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_full_journey_request_run_download(
    town_operator: User, outsider: User, tmp_path: Path
) -> None:
    client = login(town_operator)
    response = client.post(
        "/api/v1/exports",
        {"kind": KIND, "params": {"month": "2026-03"}},
        content_type="application/json",
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["kind_label"] == "化解情况表"
    assert body["download_url"] is None
    job_id = body["id"]

    out = io.StringIO()
    call_command("run_exports", stdout=out)
    printed = out.getvalue()
    assert "开始" in printed and "进度 50%" in printed and "完成" in printed

    job = ExportJob.objects.get(pk=job_id)
    assert job.status == ExportStatus.DONE and job.progress == 100
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", job.file_name)
    assert (tmp_path / "exports" / job.file_name).is_file()
    assert job.expires_at is not None and job.expires_at > timezone.now()

    status = client.get(f"/api/v1/exports/{job_id}").json()
    assert status["status"] == "done" and status["download_url"].endswith("/download")

    response = client.get(f"/api/v1/exports/{job_id}/download")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == XLSX
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert load_workbook(io.BytesIO(data)).worksheets[0]["B7"].value == 1234

    for other in (login(outsider), Client()):
        assert other.get(f"/api/v1/exports/{job_id}/download").status_code in (401, 404)
        assert other.get(f"/api/v1/exports/{job_id}").status_code in (401, 404)
    assert login(outsider).get(f"/api/v1/exports/{job_id}/download").status_code == 404
    assert login(outsider).get("/api/v1/exports").json() == []

    actions = list(AuditEntry.objects.filter(object_id=job_id).values_list("action", flat=True))
    assert actions == ["export.request", "export.done", "export.download"]
    for entry in AuditEntry.objects.filter(object_id=job_id):
        assert "2026-03" not in str(entry.data)  # parameters never reach the audit log
        assert entry.data["kind"] == KIND


def test_bad_input_is_422_with_field_errors(town_operator: User) -> None:
    client = login(town_operator)
    unknown = client.post("/api/v1/exports", {"kind": "nope"}, content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "kind"
    bad = client.post(
        "/api/v1/exports",
        {"kind": KIND, "params": {"month": "三月"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "params.month", "message": "月份格式应为 YYYY-MM。"}]
    assert client.get("/api/v1/exports/not-a-uuid").status_code == 422
    assert not ExportJob.objects.exists()


def test_not_ready_and_expired(town_operator: User) -> None:
    client = login(town_operator)
    job = do_request_export(actor=town_operator, kind=KIND, params={"month": "2026-03"})
    assert client.get(f"/api/v1/exports/{job.pk}/download").status_code == 409
    run_pending_jobs()
    job.refresh_from_db()
    path = job.file_path()
    assert path is not None and path.is_file()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(f"/api/v1/exports/{job.pk}/download")
    assert response.status_code == 410 and "过期" in response.json()["detail"]
    assert purge_expired_exports() == 1
    assert not path.exists()
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.EXPIRED


def test_failures_keep_details_out_of_the_message(town_operator: User) -> None:
    broken = do_request_export(actor=town_operator, kind="test.fail")
    refused = do_request_export(actor=town_operator, kind="test.refuse")
    summary = run_pending_jobs()
    assert {job.pk for job in summary.failed} == {broken.pk, refused.pk}
    broken.refresh_from_db()
    refused.refresh_from_db()
    assert broken.status == ExportStatus.FAILED and "出错" in broken.error
    assert "secret" not in broken.error and "138" not in broken.error
    assert refused.error == "所选地区暂无数据。"
    assert AuditEntry.objects.filter(action="export.failed").count() == 2


def test_a_job_is_claimed_once(town_operator: User) -> None:
    job = do_request_export(actor=town_operator, kind=KIND, params={"month": "2026-03"})
    claimed = _claim_next()
    assert claimed is not None and claimed.pk == job.pk and claimed.attempts == 1
    assert _claim_next() is None  # the conditional update refuses a second claim


def test_stalled_jobs_are_requeued_then_failed(
    town_operator: User, settings: SettingsWrapper
) -> None:
    settings.EXPORT_MAX_ATTEMPTS = 2
    job = do_request_export(actor=town_operator, kind=KIND, params={"month": "2026-03"})
    long_ago = timezone.now() - timedelta(hours=2)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, heartbeat_at=long_ago, attempts=1
    )
    summary = run_pending_jobs()
    assert summary.requeued == 1 and [j.pk for j in summary.done] == [job.pk]
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, heartbeat_at=long_ago, attempts=2
    )
    assert run_pending_jobs().requeued == 0
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "中断" in job.error


def test_personal_data_exports_are_delivered_once(town_operator: User) -> None:
    client = login(town_operator)
    job = do_request_export(actor=town_operator, kind="test.personal", params={"month": "2026-03"})
    run_pending_jobs()
    job.refresh_from_db()
    path = job.file_path()
    first = client.get(f"/api/v1/exports/{job.pk}/download")
    assert first.status_code == 200 and first.content[:2] == b"PK"
    assert first["Cache-Control"] == "no-store"
    assert path is not None and not path.exists()
    assert client.get(f"/api/v1/exports/{job.pk}/download").status_code == 410


def test_too_many_unfinished_exports(town_operator: User, settings: SettingsWrapper) -> None:
    settings.EXPORT_MAX_PENDING = 2
    client = login(town_operator)
    payload = {"kind": KIND, "params": {"month": "2026-03"}}
    for _ in range(2):
        assert (
            client.post("/api/v1/exports", payload, content_type="application/json").status_code
            == 202
        )
    refused = client.post("/api/v1/exports", payload, content_type="application/json")
    assert refused.status_code == 429 and "尚未完成" in refused.json()["detail"]


def test_kinds_are_listed(town_operator: User) -> None:
    kinds = login(town_operator).get("/api/v1/exports/kinds").json()
    assert {"kind": KIND, "label": "化解情况表"} in kinds


def test_duplicate_registration_is_refused() -> None:
    with pytest.raises(ValueError):
        registry.register(ExportGenerator(KIND, "again", resolution_export))


def test_anonymous_callers_are_refused() -> None:
    client = Client()
    payload = {"kind": KIND, "params": {"month": "2026-03"}}
    assert (
        client.post("/api/v1/exports", payload, content_type="application/json").status_code == 401
    )
    assert client.get("/api/v1/exports").status_code == 401
    assert client.get("/api/v1/exports/kinds").status_code == 401


def test_malformed_payloads_are_422(town_operator: User) -> None:
    client = login(town_operator)
    payloads: list[dict[str, Any]] = [
        {"params": {}},
        {"kind": KIND, "params": ["2026-03"]},
        {"kind": 3},
    ]
    for payload in payloads:
        response = client.post("/api/v1/exports", payload, content_type="application/json")
        assert response.status_code == 422, payload
        assert response.json()["detail"] == "提交的数据有误，请检查标注的字段。"
    broken = client.post("/api/v1/exports", "{not json", content_type="application/json")
    assert broken.status_code in (400, 422)
    assert not ExportJob.objects.exists()


def test_failed_job_status_and_no_download(town_operator: User) -> None:
    job = do_request_export(actor=town_operator, kind="test.refuse")
    run_pending_jobs()
    client = login(town_operator)
    status = client.get(f"/api/v1/exports/{job.pk}").json()
    assert status["status"] == "failed" and status["error"] == "所选地区暂无数据。"
    assert status["download_url"] is None
    assert client.get(f"/api/v1/exports/{job.pk}/download").status_code == 409


def test_missing_file_is_410(town_operator: User) -> None:
    job = do_request_export(actor=town_operator, kind=KIND, params={"month": "2026-03"})
    run_pending_jobs()
    job.refresh_from_db()
    path = job.file_path()
    assert path is not None
    path.unlink()
    response = login(town_operator).get(f"/api/v1/exports/{job.pk}/download")
    assert response.status_code == 410 and "不存在" in response.json()["detail"]
    assert not AuditEntry.objects.filter(action="export.download").exists()


def test_download_is_recorded_each_time(town_operator: User) -> None:
    job = do_request_export(actor=town_operator, kind=KIND, params={"month": "2026-03"})
    run_pending_jobs()
    client = login(town_operator)
    for _ in range(2):
        assert client.get(f"/api/v1/exports/{job.pk}/download").status_code == 200
    job.refresh_from_db()
    assert job.downloaded_at is not None
    downloads = AuditEntry.objects.filter(action="export.download", object_id=str(job.pk))
    assert downloads.count() == 2
    assert set(downloads.values_list("actor_id", flat=True)) == {town_operator.pk}

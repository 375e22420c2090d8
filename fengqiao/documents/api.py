"""Export jobs over the API: request, follow, download. A job belongs to its owner alone:
anyone else gets 404, exactly as for a job that does not exist (AC-02)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router, Schema, Status

from fengqiao.accounts.scope import request_user
from fengqiao.api import ApiError
from fengqiao.documents import registry
from fengqiao.documents.actions import (
    ExportRefused,
    do_record_download,
    do_request_export,
    read_once,
)
from fengqiao.documents.models import ExportJob, ExportStatus
from fengqiao.documents.registry import ExportInvalid

router = Router(tags=["exports"])


class ExportIn(Schema):
    kind: str
    params: dict[str, Any] = {}


class ExportOut(Schema):
    id: uuid.UUID
    kind: str
    kind_label: str
    status: str
    status_label: str
    progress: int
    error: str
    download_name: str
    size: int
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    download_url: str | None


class KindOut(Schema):
    kind: str
    label: str


def _out(job: ExportJob) -> ExportOut:
    generator = registry.get(job.kind)
    ready = job.status == ExportStatus.DONE and not job.is_expired()
    return ExportOut(
        id=job.pk,
        kind=job.kind,
        kind_label=generator.label if generator else job.kind,
        status=job.status,
        status_label=job.get_status_display(),
        progress=job.progress,
        error=job.error,
        download_name=job.download_name,
        size=job.size,
        created_at=job.created_at,
        finished_at=job.finished_at,
        expires_at=job.expires_at,
        download_url=f"/api/v1/exports/{job.pk}/download" if ready else None,
    )


def _own_job(request: HttpRequest, job_id: uuid.UUID) -> ExportJob:
    try:
        return ExportJob.objects.get(pk=job_id, owner=request_user(request))
    except ExportJob.DoesNotExist:
        raise Http404 from None


@router.get("/kinds", response=list[KindOut], summary="可申请的导出类型")
def kinds(request: HttpRequest) -> list[KindOut]:
    return [KindOut(kind=g.kind, label=g.label) for g in registry.GENERATORS.values()]


@router.post("", response={202: ExportOut}, summary="申请导出（后台生成）")
def request_export(request: HttpRequest, payload: ExportIn) -> Status[ExportOut]:
    user = request_user(request)
    try:
        job = do_request_export(actor=user, kind=payload.kind, params=payload.params)
    except ExportInvalid as exc:
        raise ApiError(
            422, "提交的数据有误，请检查标注的字段。", "Invalid input.", exc.errors
        ) from exc
    except ExportRefused as exc:
        raise ApiError(429, str(exc), "Too many unfinished exports.") from exc
    return Status(202, _out(job))


@router.get("", response=list[ExportOut], summary="我的导出任务")
def my_exports(request: HttpRequest) -> list[ExportOut]:
    jobs = ExportJob.objects.filter(owner=request_user(request)).order_by("-created_at")[:50]
    return [_out(job) for job in jobs]


@router.get("/{job_id}", response=ExportOut, summary="导出任务状态")
def export_status(request: HttpRequest, job_id: uuid.UUID) -> ExportOut:
    return _out(_own_job(request, job_id))


@router.get("/{job_id}/download", summary="下载导出文件")
def download(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse | FileResponse:
    job = _own_job(request, job_id)
    if job.status == ExportStatus.EXPIRED or (job.status == ExportStatus.DONE and job.is_expired()):
        raise ApiError(410, "导出文件已过期，请重新申请导出。", "The export has expired.")
    if job.status != ExportStatus.DONE:
        raise ApiError(409, "导出文件尚未生成完成。", "The export is not ready yet.")
    path = job.file_path()
    if path is None or not path.is_file():
        raise ApiError(410, "导出文件已不存在，请重新申请导出。", "The export file is gone.")
    generator = registry.get(job.kind)
    do_record_download(actor=request_user(request), job=job)
    response: HttpResponse | FileResponse
    if generator is not None and generator.personal_data:
        response = HttpResponse(read_once(job), content_type=job.content_type)
        disposition = content_disposition_header(True, job.download_name)
        response["Content-Disposition"] = disposition or "attachment"
    else:
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=job.download_name,
            content_type=job.content_type,
        )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""Export job actions: request, run (from `fengqiao run-exports` or the sweep), download.

Audit rows carry the kind, the job id and the file size, never the parameters or the file's
contents (PII-02)."""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.audit.actions import record
from fengqiao.audit.models import Outcome
from fengqiao.documents import registry
from fengqiao.documents.models import ExportJob, ExportStatus, export_dir
from fengqiao.documents.registry import ExportContext, ExportFailed, ExportFile, ExportInvalid

logger = logging.getLogger(__name__)

GENERIC_FAILURE = "生成文件时出错，请稍后重试；如仍失败请联系系统管理员。"
INTERRUPTED = "导出任务多次中断，已停止，请重新提交。"
UNKNOWN_KIND = "导出类型已不可用。"


class ExportRefused(RuntimeError):
    """Too many unfinished exports for one user (API answers 429)."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@transaction.atomic
def do_request_export(*, actor: User, kind: str, params: dict[str, Any] | None = None) -> ExportJob:
    """Queue an export of `kind` for `actor`; the generator validates the parameters."""
    generator = registry.get(kind)
    if generator is None:
        raise ExportInvalid([{"field": "kind", "message": "未知的导出类型。"}])
    cleaned = dict(params or {})
    if generator.validate is not None:
        cleaned = generator.validate(actor, cleaned)
    try:
        json.dumps(cleaned)
    except (TypeError, ValueError) as exc:
        raise ExportInvalid([{"field": "params", "message": "参数必须是 JSON 数据。"}]) from exc
    limit = _setting("EXPORT_MAX_PENDING", 5)
    pending = ExportJob.objects.filter(
        owner=actor, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    ).count()
    if pending >= limit:
        raise ExportRefused(f"您已有 {pending} 个导出任务尚未完成，请稍后再提交。")
    job = ExportJob.objects.create(owner=actor, kind=kind, params=cleaned)
    record("export.request", actor=actor, obj=job, data={"kind": kind})
    return job


@dataclass
class RunSummary:
    """What one call of run_pending_jobs did."""

    done: list[ExportJob] = field(default_factory=list)
    failed: list[ExportJob] = field(default_factory=list)
    requeued: int = 0
    purged: int = 0


ProgressHook = Callable[[ExportJob, int], None]


def run_pending_jobs(
    *, limit: int | None = None, on_progress: ProgressHook | None = None
) -> RunSummary:
    """Requeue stalled jobs, delete expired files, then run queued jobs oldest first.

    Called by `fengqiao run-exports` and by the sweep. Each job is claimed with a
    conditional UPDATE, so concurrent workers never run the same job twice."""
    summary = RunSummary(requeued=requeue_stalled_jobs(), purged=purge_expired_exports())
    claimed: set[Any] = set()  # each job at most once per call, even if requeued meanwhile
    while limit is None or len(claimed) < limit:
        job = _claim_next(exclude=claimed)
        if job is None:
            break
        claimed.add(job.pk)
        finished = _run(job, on_progress)
        if finished.status == ExportStatus.DONE:
            summary.done.append(finished)
        elif finished.status == ExportStatus.FAILED:
            summary.failed.append(finished)
    return summary


def _claim_next(exclude: set[Any] | None = None) -> ExportJob | None:
    candidates = ExportJob.objects.filter(status=ExportStatus.QUEUED).order_by("created_at")
    if exclude:
        candidates = candidates.exclude(pk__in=exclude)
    for pk in candidates.values_list("pk", flat=True)[:10]:
        now = timezone.now()
        claimed = ExportJob.objects.filter(pk=pk, status=ExportStatus.QUEUED).update(
            status=ExportStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            attempts=F("attempts") + 1,
        )
        if claimed:
            return ExportJob.objects.select_related("owner").get(pk=pk)
    return None


def _run(job: ExportJob, on_progress: ProgressHook | None) -> ExportJob:
    generator = registry.get(job.kind)
    if generator is None:
        return _fail(job, UNKNOWN_KIND)

    def progress(percent: int) -> None:
        percent = max(0, min(99, int(percent)))
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            progress=percent, heartbeat_at=timezone.now()
        )
        job.progress = percent
        if on_progress:
            on_progress(job, percent)

    try:
        output = generator.generate(ExportContext(job.owner, dict(job.params), progress))
    except ExportFailed as exc:
        return _fail(job, str(exc)[:500])
    except Exception:  # a generator's bug must not stop the other jobs or the sweep
        logger.exception("export %s (%s) failed", job.pk, job.kind)
        return _fail(job, GENERIC_FAILURE)
    return _finish(job, output, generator.personal_data)


def _store(output: ExportFile) -> tuple[str, int]:
    """Write the file under a random name (atomically, owner-only permissions)."""
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    suffix = Path(output.filename).suffix.lower()[:10]
    name = secrets.token_hex(16) + suffix
    temporary = directory / f".{name}.part"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(output.content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, directory / name)
    return name, len(output.content)


def _finish(job: ExportJob, output: ExportFile, personal_data: bool) -> ExportJob:
    name, size = _store(output)
    now = timezone.now()
    ttl = timedelta(hours=_setting("EXPORT_TTL_HOURS", 24))
    with transaction.atomic():
        updated = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.DONE,
            progress=100,
            file_name=name,
            download_name=output.filename[:200],
            content_type=output.content_type,
            size=size,
            finished_at=now,
            expires_at=now + ttl,
            error="",
        )
        if updated:
            record(
                "export.done",
                obj=job,
                data={"kind": job.kind, "size": size, "personal_data": personal_data},
            )
    if not updated:  # requeued as stalled meanwhile: another run owns it now
        (export_dir() / name).unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def _fail(job: ExportJob, message: str) -> ExportJob:
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        record("export.failed", obj=job, outcome=Outcome.FAILURE, data={"kind": job.kind})
    job.refresh_from_db()
    return job


def requeue_stalled_jobs() -> int:
    """Running jobs without a heartbeat for EXPORT_STALE_MINUTES (a worker died) go back to
    the queue, or fail after EXPORT_MAX_ATTEMPTS attempts."""
    cutoff = timezone.now() - timedelta(minutes=_setting("EXPORT_STALE_MINUTES", 30))
    stalled = ExportJob.objects.filter(status=ExportStatus.RUNNING, heartbeat_at__lt=cutoff)
    attempts = _setting("EXPORT_MAX_ATTEMPTS", 3)
    with transaction.atomic():
        failed = stalled.filter(attempts__gte=attempts).update(
            status=ExportStatus.FAILED, error=INTERRUPTED, finished_at=timezone.now()
        )
        requeued = stalled.filter(attempts__lt=attempts).update(
            status=ExportStatus.QUEUED, progress=0
        )
        if failed or requeued:
            record("export.requeue", data={"requeued": requeued, "failed": failed})
    return requeued


def purge_expired_exports() -> int:
    """Delete the files of finished exports past their expiry; the rows stay as history."""
    now = timezone.now()
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now)
    count = 0
    for job in expired:
        _discard(job)
        count += 1
    return count


def _discard(job: ExportJob) -> None:
    path = job.file_path()
    if path is not None:
        path.unlink(missing_ok=True)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file_name="")
    job.status, job.file_name = ExportStatus.EXPIRED, ""


@transaction.atomic
def do_record_download(*, actor: User, job: ExportJob) -> None:
    """Audit a download by the owner; remember the first download time."""
    if job.downloaded_at is None:
        job.downloaded_at = timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(downloaded_at=job.downloaded_at)
    record(
        "export.download",
        actor=actor,
        obj=job,
        data={"kind": job.kind, "size": job.size},
    )


def read_once(job: ExportJob) -> bytes:
    """For personal-data exports: read the file and delete it (delivered once, PII-03)."""
    path = job.file_path()
    if path is None:
        raise FileNotFoundError(job.pk)
    content = path.read_bytes()
    _discard(job)
    return content

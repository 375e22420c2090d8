"""Background export jobs (issue 6 item 6): a file generated for one user, kept for a while
under DATA_DIR/exports with a random name, downloadable by its owner only."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    EXPIRED = "expired", "已过期"


def export_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


class ExportJob(models.Model):
    """One requested export. Claimed by a worker with a conditional update
    (queued → running), so two workers never run the same job."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField("导出类型", max_length=80)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    file_name = models.CharField("存储文件名", max_length=80, blank=True)
    download_name = models.CharField("下载文件名", max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    error = models.CharField("错误信息", max_length=500, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    downloaded_at = models.DateTimeField("首次下载时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="export_status_created"),
            models.Index(fields=["owner", "created_at"], name="export_owner_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.get_status_display()}"

    def is_expired(self, now: datetime | None = None) -> bool:
        if self.status == ExportStatus.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def file_path(self) -> Path | None:
        return export_dir() / self.file_name if self.file_name else None

"""`fengqiao run-exports`: run the queued export jobs now, printing their progress.

The sweep calls the same function (fengqiao.documents.actions.run_pending_jobs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fengqiao.documents.actions import run_pending_jobs
from fengqiao.documents.models import ExportJob


class Command(BaseCommand):
    help = "运行排队中的导出任务并显示进度"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="最多运行的任务数")

    def handle(self, *args: Any, **options: Any) -> None:
        last: dict[str, int] = {}

        def on_progress(job: ExportJob, percent: int) -> None:
            key = str(job.pk)
            if key not in last:
                self.stdout.write(f"导出任务 {key[:8]}（{job.kind}）开始")
            if percent // 10 > last.get(key, -1) // 10:
                self.stdout.write(f"  {key[:8]} 进度 {percent}%")
            last[key] = percent

        summary = run_pending_jobs(limit=options["limit"], on_progress=on_progress)
        for job in summary.done:
            self.stdout.write(f"导出任务 {str(job.pk)[:8]}（{job.kind}）完成，{job.size} 字节")
        for job in summary.failed:
            self.stdout.write(f"导出任务 {str(job.pk)[:8]}（{job.kind}）失败：{job.error}")
        self.stdout.write(
            f"共完成 {len(summary.done)} 个，失败 {len(summary.failed)} 个；"
            f"重新排队 {summary.requeued} 个，清理过期文件 {summary.purged} 个。"
        )

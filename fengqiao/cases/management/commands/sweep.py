"""`fengqiao sweep`: overdue, supervision, escalation, outbox delivery (docs/cases.md), and
the signed audit checkpoint when one is due (AUD-05)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fengqiao.audit import checkpoints
from fengqiao.cases import sweep


class Command(BaseCommand):
    help = "巡检：标记超期、督办升级、提级、发送通知（可由 cron 或 systemd 定时器每分钟运行）"

    def handle(self, *args: Any, **options: Any) -> None:
        summary = sweep.run()
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(f"合计变更 total changes: {summary.changes}")
        written = checkpoints.write_if_due()  # AUD-05, when the audit head moved
        if written is not None:
            self.stdout.write(f"审计检查点 audit checkpoint: seq {written.seq}")

"""`fengqiao audit-checkpoint`: sign the audit chain head now and append it to the checkpoint
file (AUD-05). The sweep does the same every AUDIT_CHECKPOINT_MINUTES when the head moved."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fengqiao.audit import checkpoints


class Command(BaseCommand):
    help = "为审计链头生成签名检查点并写入库外检查点文件"

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = checkpoints.write()
        self.stdout.write(
            self.style.SUCCESS(f"已写入检查点：审计序号 {checkpoint.seq}，时间 {checkpoint.at}")
        )

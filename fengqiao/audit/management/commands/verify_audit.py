"""`fengqiao verify-audit`: check the whole audit hash chain (AUD-04); exit code 1 on a break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fengqiao.audit.verify import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链，报告第一条有问题的序号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="每批读取的记录数")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(batch_size=max(1, options["batch_size"]))
        if report.problem is not None:
            raise CommandError(
                f"{report.problem.message()}；此前 {report.count} 条完整。", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"审计链完整：{report.count} 条"))

"""`fengqiao verify-audit`: check the whole audit hash chain (AUD-04) and the signed checkpoints
kept outside the database (AUD-05); exit code 1 on a break."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fengqiao.audit import checkpoints
from fengqiao.audit.verify import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链及库外检查点，报告第一条有问题的序号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="每批读取的记录数")
        parser.add_argument(
            "--checkpoints",
            type=Path,
            default=None,
            help="检查点文件（默认 FENGQIAO_AUDIT_CHECKPOINT_FILE；不存在则只校验哈希链）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(batch_size=max(1, options["batch_size"]))
        if report.problem is not None:
            raise CommandError(
                f"{report.problem.message()}；此前 {report.count} 条完整。", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"审计链完整：{report.count} 条"))
        path: Path = options["checkpoints"] or settings.AUDIT_CHECKPOINT_FILE
        if options["checkpoints"] is not None and not path.exists():
            raise CommandError(f"检查点文件不存在：{path}", returncode=2)
        found = checkpoints.read(path)
        if not found:
            self.stdout.write(f"未找到检查点（{path}），仅校验了哈希链。")
            return
        problem = checkpoints.verify(found)
        if problem is not None:
            raise CommandError(problem.message(), returncode=1)
        self.stdout.write(self.style.SUCCESS(f"检查点一致：{len(found)} 个（{path}）"))

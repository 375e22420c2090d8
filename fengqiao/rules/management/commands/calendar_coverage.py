"""`fengqiao calendar-coverage`: how far the working-day calendar reaches, for operators and
monitoring (`--fail-on-warning` exits 1 while the coverage warning stands)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fengqiao.rules.calendar import calendar_status


class Command(BaseCommand):
    help = "显示工作日历覆盖范围；临近或超过覆盖期时给出警告。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fail-on-warning",
            action="store_true",
            help="有警告时以状态码 1 退出（供监控使用）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        status = calendar_status(timezone.localdate())
        years = "、".join(str(y) for y in status.published_years) or "无"
        self.stdout.write(
            f"工作日历覆盖至 {status.coverage_end.isoformat()}（chinesecalendar 至 "
            f"{status.package_end.isoformat()}；已录入全年安排的年份：{years}；"
            f"剩余 {status.days_left} 天，提前 {status.warning_days} 天警告）"
        )
        if status.warning is None:
            return
        self.stderr.write(status.warning)
        if options["fail_on_warning"]:
            raise CommandError("工作日历覆盖范围不足。", returncode=1)

"""`fengqiao bench generate --cases N`: a realistic province for the benchmarks (bench/).

    fengqiao bench generate --cases 1000000 [--years 3] [--end 2026-10-31] [--seed 1]

Imports Gansu if needed, adds grids and units, then writes N cases with their assignments,
statistics facts and rollups (docs/performance.md). Meant for a database of its own
(DATABASE_URL=postgres://…/fengqiao_bench), never a production one.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fengqiao.reports.bench.generate import Generator, Options
from fengqiao.reports.selectors import cube_row_count


class Command(BaseCommand):
    help = "基准测试数据：fengqiao bench generate --cases N"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="生成一个省的事项数据（含统计汇总）")
        gen.add_argument("--cases", type=int, required=True, help="事项数")
        gen.add_argument("--years", type=int, default=3, help="覆盖年数，默认 3")
        gen.add_argument("--end", help="最后一天 YYYY-MM-DD，默认今天")
        gen.add_argument("--seed", type=int, default=20260301)
        gen.add_argument("--chunk", type=int, default=200_000, help="每批事项数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 1 or options["years"] < 1 or options["chunk"] < 1:
            raise CommandError("--cases、--years、--chunk 必须为正整数。")
        try:
            end = dt.date.fromisoformat(options["end"]) if options["end"] else None
        except ValueError:
            raise CommandError("--end 应为 YYYY-MM-DD。") from None
        opts = Options(
            cases=options["cases"], years=options["years"], end=end, seed=options["seed"],
            chunk=options["chunk"],
        )  # fmt: skip
        started = time.monotonic()
        written = Generator(opts, self._say).run()
        elapsed = time.monotonic() - started
        self._say(f"完成：{written} 件，用时 {elapsed:.1f} 秒（{written / elapsed:.0f} 件/秒）")
        for table, rows in cube_row_count().items():
            self._say(f"  汇总表 {table}: {rows} 行")

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

"""Benchmark of the statistics layer (issue 6 §8), on a database of its own.

    DATABASE_URL=postgres://fengqiao@127.0.0.1:54329/fengqiao_stats_bench \\
        /work/main/.venv/bin/python bench/reports_bench.py --cases 200000
    # provincial scale (hours of generation on 2 cores):
    ... bench/reports_bench.py --cases 10000000 --chunk 250000

It first tops the database up to `--cases` cases with `fengqiao bench generate` (the real
Gansu division codes, grids, units, seasonal category mix, skewed area sizes, three years),
runs ANALYZE, then measures in the same process:

1. the five-level drill-down (province → city → county → township → village, following the
   busiest child), through `dashboard.drill` on the rollups, against the same counts
   aggregated from the raw case table (cases grouped by grid, folded into the children);
2. the monthly provincial report pack (`packs.render`: bulletin .docx/.pdf, ten tables
   .xlsx, traces), against the raw GROUP BYs those tables would need (by area, category,
   lead unit and channel, for the period, a year before and the month before);
3. the township worklist (`GET /api/v1/cases/?open=true`, first page, through the real
   API with an operator of the township; and its page + count SQL alone), p50 and p99 over
   the five busiest townships, against the same with the worklist index
   `case_region_open_due` dropped inside a transaction that is rolled back.

Figures are printed as milliseconds and as ratios (raw ÷ rollup), so they can be compared
across machines; the raw totals are checked against the rollup totals. Nothing here is a
test: no assertion on time anywhere.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, F, Q, Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from fengqiao.accounts.models import Role, RoleAssignment, User  # noqa: E402
from fengqiao.cases.models import Case  # noqa: E402
from fengqiao.regions.models import Level, Region  # noqa: E402
from fengqiao.reports import dashboard, packs, periods, selectors  # noqa: E402
from fengqiao.reports.models import AreaMonth, Cadence, ReportSchedule  # noqa: E402
from fengqiao.reports.periods import Period  # noqa: E402

PROVINCE = "620000000000"


def say(text: str) -> None:
    print(text, flush=True)


def timed(function: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Milliseconds of each of `repeat` runs after one warm-up run, and the last result."""
    result = function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def user(username: str, role: str, region: Region) -> User:
    account = User.objects.filter(username=username).first()
    if account is None:
        account = User.objects.create_user(username=username, password="Bench-Passw0rd-2026")
        RoleAssignment.objects.create(user=account, role=role, region=region, can_act=True)
    return account


# ------------------------------------------------------------------ data


def top_up(target: int, chunk: int, end: str) -> None:
    have = Case.objects.count()
    if have >= target:
        say(f"数据：已有 {have} 件（目标 {target}），不再生成。")
        return
    say(f"数据：已有 {have} 件，生成 {target - have} 件…")
    started = time.monotonic()
    call_command(
        "bench", "generate", "--cases", str(target - have), "--chunk", str(chunk), "--end", end
    )
    say(f"生成用时 {time.monotonic() - started:.0f} 秒")


def analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# ------------------------------------------------------------------ raw baselines


def _bounds(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, dtime.min, tz)
    end = datetime.combine(period.end, dtime.max, tz)
    return start, end


def raw_children(region: Region, plist: list[Period]) -> list[dict[int, dict[str, int]]]:
    """受理量, 办结量, 超期件, 化解 of each child area from the case table (current tree)."""
    kids = dict(
        Region.objects.filter(parent=region).values_list("path", "pk")
    )  # child path → child id
    out: list[dict[int, dict[str, int]]] = []
    for period in plist:
        start, end = _bounds(period)
        received = Q(received_at__gte=start, received_at__lte=end) & ~Q(status="merged")
        rows = (
            Case.objects.filter(region__path__startswith=region.path)
            .filter(received | Q(closed_at__gte=start, closed_at__lte=end))
            .values("region__path")
            .annotate(
                received=Count("pk", filter=received),
                closed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lte=end)),
                overdue=Count("pk", filter=received & Q(is_overdue=True)),
                resolved=Count("pk", filter=received & Q(resolved=True)),
            )
        )
        folded: dict[int, dict[str, int]] = {}
        for row in rows:
            path = row.pop("region__path")
            child = next((pk for p, pk in kids.items() if path.startswith(p)), region.pk)
            cell = folded.setdefault(child, dict.fromkeys(row, 0))
            for key, value in row.items():
                cell[key] += value
        out.append(folded)
    return out


def raw_pack(region: Region, plist: list[Period]) -> int:
    """The raw GROUP BYs a monthly pack's tables need; returns the number of groups."""
    groups = 0
    for period in plist:
        start, end = _bounds(period)
        base = Case.objects.filter(
            region__path__startswith=region.path, received_at__gte=start, received_at__lte=end
        ).exclude(status="merged")
        for dimension in ("region__parent__parent__parent__parent", "category__parent",
                          "lead_unit", "channel", "kind"):  # fmt: skip
            groups += len(
                base.values(dimension).annotate(
                    n=Count("pk"),
                    overdue=Count("pk", filter=Q(is_overdue=True)),
                    resolved=Count("pk", filter=Q(resolved=True)),
                    satisfied=Count("pk", filter=Q(satisfaction__in=["satisfied", "basic"])),
                )
            )
    return groups


# ------------------------------------------------------------------ measurements


def drill_down(period: Period, repeat: int) -> None:
    say(f"\n一、五级下钻（{period.label}；每级 {repeat} 次取中位数）")
    say("对照：同一进程内直接聚合事项表（按网格分组后归并到下级）")
    leader = user("bench_leader", Role.LEADER, Region.objects.get(code=PROVINCE))
    region = Region.objects.get(code=PROVINCE)
    plist = dashboard.compare_periods(period)
    say(f"{'层级':<8}{'区划':<16}{'汇总表 ms':>10}{'事项表 ms':>10}{'倍数':>8}  受理量一致")
    total_rollup = total_raw = 0.0
    while region.level <= Level.VILLAGE:
        request = dashboard.Request(
            region, period, selectors.Filters(), dashboard.DEFAULT_INDICATORS
        )
        rollup_ms, out = timed(functools.partial(dashboard.drill, leader, request), repeat)
        raw_ms, raw = timed(functools.partial(raw_children, region, plist), repeat)
        rollup_received = sum(int(c["figures"]["received"]["value"]) for c in out["children"])
        raw_received = sum(v["received"] for k, v in raw[0].items() if k != region.pk)
        agree = "是" if rollup_received == raw_received else f"否 {rollup_received}/{raw_received}"
        a, b = median(rollup_ms), median(raw_ms)
        total_rollup += a
        total_raw += b
        say(f"{Level(region.level).label:<8}{region.name[:14]:<16}{a:>10.1f}{b:>10.1f}"
            f"{b / a if a else 0:>8.1f}  {agree}")  # fmt: skip
        if not out["children"]:
            break
        busiest = max(out["children"], key=lambda c: int(c["figures"]["received"]["value"]))
        region = Region.objects.get(code=busiest["area"]["code"])
        if region.level > Level.VILLAGE:
            break
    say(f"合计：汇总表 {total_rollup:.1f} ms，事项表 {total_raw:.1f} ms，"
        f"倍数 {total_raw / total_rollup if total_rollup else 0:.1f}")  # fmt: skip


def report_pack(period: Period, repeat: int) -> None:
    say(f"\n二、全省月度报表包（{period.label}；{repeat} 次取中位数）")
    province = Region.objects.get(code=PROVINCE)
    schedule = ReportSchedule.objects.filter(region=province, cadence=Cadence.MONTHLY).first()
    if schedule is None:
        schedule = ReportSchedule.objects.create(
            region=province, cadence=Cadence.MONTHLY, audience_roles=["leader"], is_active=False
        )
    with tempfile.TemporaryDirectory() as directory:
        settings.DATA_DIR = Path(directory)
        pack_ms, (files, _) = timed(lambda: packs.render(schedule, period), repeat)
        size = sum(f["size"] for f in files)
    plist = dashboard.compare_periods(period)
    raw_ms, groups = timed(lambda: raw_pack(province, plist), repeat)
    a, b = median(pack_ms), median(raw_ms)
    say(f"报表包（通报 docx+pdf、报表 xlsx、数字来源 json；{len(files)} 个文件，"
        f"{size // 1024} KB）：{a:.0f} ms")  # fmt: skip
    say(f"事项表上同口径的分组聚合（{groups} 组，仅查询、不含排版）：{b:.0f} ms")
    say(f"倍数（事项表查询 ÷ 完整报表包）：{b / a if a else 0:.2f}")


WORKLIST_INDEX = "case_region_open_due"


class _Rollback(Exception):
    """Raised to roll back the transaction that dropped the worklist index."""


def _server_ms(statements: list[str]) -> float:
    """Planning + execution time the server reports for the statements (EXPLAIN ANALYZE)."""
    total = 0.0
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += float(plan[0]["Planning Time"]) + float(plan[0]["Execution Time"])
    return total


def _worklist_round(
    towns: list[Region], repeat: int, client: Client
) -> tuple[list[float], list[float], list[float], int]:
    """(API samples, SQL samples, server-side samples, most open cases) over the townships,
    `repeat` each."""
    api: list[float] = []
    sql: list[float] = []
    server: list[float] = []
    rows = 0
    for town in towns:
        operator = user(f"bench_op_{town.code}", Role.OPERATOR, town)
        client.force_login(operator)
        ms, response = timed(lambda: client.get("/api/v1/cases/", {"open": "true"}), repeat)
        assert response.status_code == 200, response.content[:200]
        rows = max(rows, response.json()["count"])
        api += ms
        page = (
            Case.objects.visible_to(operator)
            .filter(is_open=True)
            .select_related("region", "category", "lead_unit")
            .order_by(F("due_at").asc(nulls_last=True), "-received_at", "pk")
        )

        def query(q: Any = page) -> tuple[list[Case], int]:
            return list(q[:50]), q.count()

        ms, _ = timed(query, repeat)
        sql += ms
        with CaptureQueriesContext(connection) as captured:
            query()
        statements = [q["sql"] for q in captured.captured_queries]
        server += [_server_ms(statements) for _ in range(repeat)]
    return api, sql, server, rows


def worklist(repeat: int) -> None:
    say(f"\n三、乡镇待办列表（GET /api/v1/cases/?open=true，第一页；每个乡镇 {repeat} 次）")
    say(f"对照：同一进程内删去索引 {WORKLIST_INDEX}（事务内，随后回滚）再测同样的请求")
    towns = list(
        Region.objects.filter(
            pk__in=AreaMonth.objects.filter(level=Level.TOWNSHIP)
            .values("region")
            .annotate(n=Sum("open_now"))
            .order_by("-n")
            .values_list("region", flat=True)[:5]
        )
    )  # the five busiest townships
    client = Client()
    api, sql, server, rows = _worklist_round(towns, repeat, client)
    base_api: list[float] = []
    base_sql: list[float] = []
    base_server: list[float] = []
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP INDEX IF EXISTS {WORKLIST_INDEX}")
                base_api, base_sql, base_server, _ = _worklist_round(towns, repeat, client)
                raise _Rollback
        except _Rollback:
            pass
    say(f"{'':<22}{'p50 ms':>10}{'p99 ms':>10}{'无索引 p50':>12}{'无索引 p99':>12}{'p99 倍数':>10}")
    for label, now, before in (("API 请求（含会话、权限）", api, base_api),
                               ("列表与计数查询（ORM）", sql, base_sql),
                               ("同上，数据库内计划+执行", server, base_server)):  # fmt: skip
        ratio = p99(before) / p99(now) if before and p99(now) else 0
        b50 = f"{median(before):>12.1f}" if before else f"{'—':>12}"
        b99 = f"{p99(before):>12.1f}" if before else f"{'—':>12}"
        say(f"{label:<22}{median(now):>10.1f}{p99(now):>10.1f}{b50}{b99}{ratio:>10.1f}")
    say(f"（最多 {rows} 件未结；目标 p99 ≤ 50 ms）")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=200_000, help="事项数（默认 200000）")
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--end", default="2026-10-31", help="数据最后一天")
    parser.add_argument("--period", default="2026-09", help="统计期")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-generate", action="store_true", help="只测量现有数据")
    parser.add_argument("--parts", default="drill,pack,worklist", help="测哪几项（逗号分隔）")
    args = parser.parse_args()
    name = str(connection.settings_dict.get("NAME", ""))
    if "bench" not in name:
        sys.exit(f"请使用专用的基准库（库名含 bench），当前：{name}")
    say(f"数据库：{connection.vendor} {name}")
    if not args.no_generate:
        top_up(args.cases, args.chunk, args.end)
    analyze()
    counts = selectors.cube_row_count()
    say(f"事项 {Case.objects.count()} 件；汇总表行数 {counts}")
    period = periods.parse(args.period)
    parts = set(args.parts.split(","))
    if "drill" in parts:
        drill_down(period, args.repeat)
    if "pack" in parts:
        report_pack(period, max(1, args.repeat // 2))
    if "worklist" in parts:
        worklist(args.repeat * 4)


if __name__ == "__main__":
    main()

"""`fengqiao bench generate` on the test territory: its rollups equal the recomputation
from the raw rows it wrote, and its `CaseFact` rows equal the facts read back."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from fengqiao.cases.models import Assignment, Case
from fengqiao.reports import periods, selectors, sync
from fengqiao.reports.models import CaseFact
from fengqiao.reports.tests.desk import Desk, at
from fengqiao.testing import Territory


@pytest.mark.django_db
def test_generated_province_is_consistent(territory: Territory) -> None:
    out = io.StringIO()
    call_command("bench", "generate", "--cases", "3000", "--chunk", "1000", "--end",
                 "2026-10-31", stdout=out)  # fmt: skip
    assert "完成：3000 件" in out.getvalue()
    assert Case.objects.count() == 3000
    assert Assignment.objects.exists()
    kinds = set(Case.objects.values_list("kind", flat=True))
    assert {"hotline", "grid_event", "dispute", "petition"} <= kinds
    assert Case.objects.filter(status="merged", parent__isnull=False).exists()
    assert Case.objects.filter(is_open=True, is_overdue=True).exists()
    assert sync.differences() == []
    # the stored facts are what the sync would compute from the raw rows
    rows = list(CaseFact.objects.order_by("case_id"))
    stored = sync._stored(rows)
    from fengqiao.reports import conf, facts

    ids = [row.case_id for row in rows]
    snapshots = {row.case_id: sync._chain_ids(row) for row in rows}
    fresh = facts.load(ids, snapshots=snapshots, window=conf.response_window())
    assert stored == fresh


def _script() -> Any:
    """bench/reports_bench.py, imported as a module (it is a script, not a package)."""
    path = Path(__file__).resolve().parents[3] / "bench" / "reports_bench.py"
    spec = importlib.util.spec_from_file_location("reports_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_benchmark_baseline_counts_what_the_rollups_count(desk: Desk) -> None:
    """The raw-table baseline of bench/reports_bench.py is the same figure, not a cheaper
    one: its received counts per child area equal the drill-down's (no territory change
    here, so the current tree and the recorded one agree)."""
    for day in ("2026-03-02", "2026-03-03", "2026-03-04", "2026-02-10", "2025-03-05"):
        desk.register(at(day))
    west = desk.register(at("2026-03-05"), region=desk.t.other_grid, actor=desk.west_operator)
    desk.answer(west, at("2026-03-05", "10:05"))
    desk.sync()
    script = _script()
    march = periods.parse("2026-03")
    plist = [march, periods.year_before(march), periods.parse("2026-02")]
    raw = script.raw_children(desk.t.city, plist)
    rolled = selectors.children(desk.t.city, plist)
    for raw_period, rolled_period in zip(raw, rolled, strict=True):
        assert {k: v["received"] for k, v in raw_period.items()} == {
            k: v["received"] for k, v in rolled_period.items()
        }
    assert raw[0][desk.t.county.pk]["received"] == 3 and raw[0][desk.t.other_county.pk] == {
        "received": 1, "closed": 1, "overdue": 0, "resolved": 1,
    }  # fmt: skip
    assert script.raw_pack(desk.t.province, plist) > 0
    assert script.p99([1.0, 2.0, 3.0]) == 3.0 and script.median([1.0, 5.0, 2.0]) == 2.0

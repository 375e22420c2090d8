"""`fengqiao bench generate` on the test territory: its rollups equal the recomputation
from the raw rows it wrote, and its `CaseFact` rows equal the facts read back."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from fengqiao.cases.models import Assignment, Case
from fengqiao.reports import sync
from fengqiao.reports.models import CaseFact
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

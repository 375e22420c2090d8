"""Keeping the rollups current: every action queues its case and the commit syncs it; a
failed sync is left for the sweep; syncing is idempotent; `differences()` finds a tampered
rollup and `rebuild()` repairs it; the settings (with their sources) steer the figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fengqiao.audit.models import AuditEntry
from fengqiao.reports import conf, rankings, sync
from fengqiao.reports.actions import do_rebuild_rollups
from fengqiao.reports.models import (
    AreaDay,
    AreaMonth,
    CaseFact,
    ReportSetting,
    SyncQueue,
    UnitMonth,
)
from fengqiao.reports.tests.desk import Desk, at
from fengqiao.reports.tests.test_indicators import MARCH, figure

Capture = Callable[..., Any]


@pytest.mark.django_db
def test_each_action_is_synced_when_it_commits(
    desk: Desk, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = desk.register(at("2026-03-02"))
    assert SyncQueue.objects.count() == 0  # synced at commit, the queue row gone
    fact = CaseFact.objects.get(case_id=case.pk)
    assert fact.counted and str(fact.received_on) == "2026-03-02" and fact.is_open
    assert [fact.a1, fact.a2, fact.a6] == [desk.t.province.pk, desk.t.city.pk, desk.t.grid_a1.pk]
    row = AreaMonth.objects.get(region=desk.t.grid_a1.pk, kind="hotline")
    assert (row.received, row.open_now, row.parent, row.level) == (1, 1, desk.t.village.pk, 6)
    with django_capture_on_commit_callbacks(execute=True):
        desk.dispatch(case, at("2026-03-02", "11:00"))
        desk.sign(case, at("2026-03-02", "12:00"))
    unit = UnitMonth.objects.get(unit=desk.env.pk, relation="lead", region=desk.t.county.pk)
    assert (unit.received, unit.dispatched, unit.responded) == (1, 1, 1)
    assert AreaDay.objects.filter(region=desk.t.county.pk, received=1).count() == 1
    assert sync.differences() == []


@pytest.mark.django_db
def test_a_failed_sync_is_left_for_the_sweep(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Capture
) -> None:
    def broken(ids: Any) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(sync, "_sync_ids", broken)
    with django_capture_on_commit_callbacks(execute=True):
        case = desk.register(at("2026-03-02"))  # the request itself succeeds
    assert list(SyncQueue.objects.values_list("case_id", flat=True)) == [case.pk]
    assert sync.pending() == 1
    assert not AreaMonth.objects.filter(kind="hotline").exists()
    monkeypatch.undo()
    desk.sweep(at("2026-03-02", "12:00"))  # the sweep step picks it up
    assert sync.pending() == 0
    assert figure(desk.t.province, "received").value == 1
    assert sync.differences() == []


@pytest.mark.django_db
def test_syncing_is_idempotent_and_batched(desk: Desk) -> None:
    cases = [desk.register(at("2026-03-02", f"1{i}:00")) for i in range(3)]
    assert sync.pending() >= 3
    assert sync.sync(limit=1, batch=1) == 1
    assert sync.pending() >= 2
    assert desk.sync() >= 2 and sync.pending() == 0
    assert figure(desk.t.province, "received").value == 3
    SyncQueue.objects.bulk_create([SyncQueue(case_id=c.pk) for c in cases])
    assert desk.sync() == 3  # queue rows processed …
    assert figure(desk.t.province, "received").value == 3  # … and nothing counted twice
    SyncQueue.objects.create(case_id=cases[0].pk)
    assert sync.sync([cases[1].pk]) == 0  # only the named cases
    assert sync.pending() == 1


@pytest.mark.django_db
def test_differences_find_tampering_and_rebuild_repairs(desk: Desk) -> None:
    case = desk.register(at("2026-03-02"))
    desk.answer(case, at("2026-03-02", "10:05"))
    desk.sync()
    AreaMonth.objects.filter(region=desk.t.city.pk).update(received=5)
    found = sync.differences()
    assert len(found) == 1 and "stored" in found[0] and "'received': 5" in found[0]
    result = do_rebuild_rollups(actor=None)
    assert result.cases == 1 and result.keys > 0
    assert sync.differences() == []
    assert AuditEntry.objects.filter(action="report.rebuild").count() == 1
    assert figure(desk.t.city, "closed").value == 1


@pytest.mark.django_db
def test_settings_are_data_with_their_source(desk: Desk) -> None:
    for key, (default, label, source) in conf.DEFAULTS.items():
        row = ReportSetting.objects.get(key=key)
        assert row.value == default and row.label == label and row.source == source
        assert "规则" in source or "设计取值" in source
    assert conf.ranking_min_sample() == 30
    ReportSetting.objects.filter(key="ranking_min_sample").update(value=2)
    assert conf.ranking_min_sample() == 2
    ReportSetting.objects.filter(key="ranking_min_sample").delete()
    assert conf.ranking_min_sample() == 30  # the documented default when the row is gone


@pytest.mark.django_db
def test_the_response_window_setting_decides_what_counts_as_responded(desk: Desk) -> None:
    case = desk.register(at("2026-03-02"))
    desk.dispatch(case, at("2026-03-02", "11:00"))
    desk.sign(case, at("2026-03-02", "13:00"))  # two hours later
    desk.sync()
    assert figure(desk.t.province, "response_rate").value == 1
    ReportSetting.objects.filter(key="response_window_hours").update(value=1)
    sync.rebuild()
    assert figure(desk.t.province, "response_rate").value == 0
    assert sync.differences() == []


@pytest.mark.django_db
def test_ranking_uses_the_minimum_sample_setting(desk: Desk) -> None:
    for day in ("2026-03-02", "2026-03-03"):
        case = desk.register(at(day))
        desk.answer(case, at(day, "10:05"))
    other = desk.register(at("2026-03-04"), region=desk.t.other_grid, actor=desk.west_operator)
    desk.reject(other, at("2026-03-04", "10:05"))
    desk.sync()
    ReportSetting.objects.filter(key="ranking_min_sample").update(value=1)
    result = rankings.ranking(desk.t.city, MARCH, "resolution_rate")
    assert result.min_sample == 1 and result.shown
    # 城关区 2 of 2 resolved (answered at once), 七里河区 0 of 1 (rejected)
    assert [(r.name, r.rank, r.figure.text()) for r in result.rows] == [
        ("城关区", 1, "100.00%"),
        ("七里河区", 2, "0.00%"),
    ]
    assert result.as_json()["rows"][0]["trace"]["indicator"] == "resolution_rate"

"""Issue 6 §8: dashboards, tables, rankings and bulletins read the rollups only — no query of
theirs touches the case, party or timeline tables — and their number of queries does not
grow with the number of rows shown. Tables too large for a request go to an export job."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fengqiao.accounts.models import Role, User
from fengqiao.documents.actions import do_request_export, run_pending_jobs
from fengqiao.documents.models import ExportJob, ExportStatus
from fengqiao.reports import bulletin, dashboard, rankings, selectors, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.test_indicators import MARCH, build
from fengqiao.testing import make_user

RAW_TABLES = ("cases_case", "cases_party", "cases_casetransition", "cases_assignment")


def _queries(call: Callable[[], Any]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db
def test_statistics_reads_never_touch_the_case_tables(desk: Desk) -> None:
    build(desk)
    leader = make_user("scan_leader", Role.LEADER, desk.t.province, can_act=False)
    reads: dict[str, Callable[[], Any]] = {
        "drill": lambda: dashboard.drill(
            leader,
            dashboard.Request(
                desk.t.city, MARCH, selectors.Filters(), dashboard.DEFAULT_INDICATORS
            ),
        ),
        "ranking": lambda: rankings.ranking(desk.t.county, MARCH, "on_time_rate", by="units"),
        "bulletin": lambda: bulletin.build(desk.t.province, MARCH),
    }

    def table(table_id: str) -> Callable[[], Any]:
        return lambda: tables.build_for(TABLES[table_id], desk.t.county, MARCH)

    reads.update({f"table {t}": table(t) for t in TABLES})
    for name, read in reads.items():
        sql = _queries(read)
        assert sql, name
        touching = [q for q in sql if any(f'"{table}"' in q for table in RAW_TABLES)]
        assert touching == [], (name, touching)


@pytest.mark.django_db
def test_the_drill_down_costs_the_same_queries_for_more_children(desk: Desk) -> None:
    build(desk)
    leader = make_user("count_leader", Role.LEADER, desk.t.province, can_act=False)

    def drill(region: Any) -> int:
        request = dashboard.Request(region, MARCH, selectors.Filters(), ("received",))
        return len(_queries(lambda: dashboard.drill(leader, request)))

    one_child = drill(desk.t.province)  # 兰州市
    two_children = drill(desk.t.city)  # 城关区, 七里河区
    assert one_child == two_children <= 6


@pytest.mark.django_db
def test_tables_too_large_for_a_request_go_to_an_export_job(
    desk: Desk, county_leader: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(desk)
    monkeypatch.setattr(tables, "MAX_SYNC_ROWS", 0)
    client = Client()
    client.force_login(county_leader)
    refused = client.get("/api/v1/reports/tables/hotline_units", {"period": "2026-03"})
    assert refused.status_code == 422 and "导出任务" in refused.json()["detail"]
    job = do_request_export(
        actor=county_leader, kind="reports.table",
        params={"table": "hotline_units", "period": "2026-03"},
    )  # fmt: skip
    run_pending_jobs()
    done = ExportJob.objects.get(pk=job.pk)
    assert done.status == ExportStatus.DONE and done.progress == 100
    path = done.file_path()
    assert path is not None
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet is not None
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "城关区生态环境分局" in labels and "全地区合计（含未派单事项）" in labels

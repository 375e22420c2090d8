"""Scheduled report packs (made by the sweep, read by their audience only, kept for the
retention period, downloads audited), schedules through the API, the background export jobs
(`reports.table`, `reports.report`, `reports.bulletin`: progress, read back, scope checked
again when the job runs) and AC-06: no statistics output carries personal information."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document as DocxDocument
from openpyxl import load_workbook

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.actions import PartyDraft
from fengqiao.documents.actions import do_request_export, run_pending_jobs
from fengqiao.documents.models import ExportJob, ExportStatus
from fengqiao.documents.registry import ExportInvalid
from fengqiao.reports import packs
from fengqiao.reports.actions import ScheduleRefused, do_create_schedule, do_stop_schedule
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.models import CaseFact, ReportPack, ReportSchedule, ReportSetting
from fengqiao.reports.tests.desk import Desk, at
from fengqiao.reports.tests.test_indicators import build
from fengqiao.testing import make_user

API = "/api/v1/reports"


def _bytes(response: Any) -> bytes:
    """The body of a plain or a streaming (file) response."""
    if response.streaming:
        return b"".join(response.streaming_content)
    content: bytes = response.content
    return content


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------ schedules


@pytest.mark.django_db
def test_schedules_through_the_api(
    desk: Desk, county_admin: User, county_leader: User, outsider: User, town_operator: User
) -> None:
    admin = _client(county_admin)
    payload = {
        "region": desk.t.county.code,
        "cadence": "monthly",
        "audience_roles": ["leader", "region_admin"],
        "issuer": "城关区综治中心",
    }
    created = admin.post(f"{API}/schedules", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["region"] == {"code": "620102000000", "name": "城关区"}
    assert body["audience_roles"] == ["leader", "region_admin"] and body["is_active"] is True
    entry = AuditEntry.objects.get(action="report.schedule")
    assert entry.data["region"] == "620102000000" and entry.actor_id == county_admin.pk
    # the same area and cadence twice: 422 on the cadence field
    again = admin.post(f"{API}/schedules", payload, content_type="application/json")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "cadence"
    # weekly packs are for provinces and cities; audiences are business roles; tables exist
    bad = {**payload, "cadence": "weekly", "audience_roles": ["audit_admin"], "tables": ["x"]}
    refused = admin.post(f"{API}/schedules", bad, content_type="application/json")
    fields = {e["field"] for e in refused.json()["errors"]}
    assert refused.status_code == 422 and fields == {"cadence", "audience_roles", "tables"}
    # an operator of the area may not set schedules: 403; an area outside the scope: 404
    operator = _client(town_operator).post(
        f"{API}/schedules", {**payload, "region": desk.t.town.code}, content_type="application/json"
    )
    assert operator.status_code == 403
    outside = admin.post(
        f"{API}/schedules", {**payload, "region": desk.t.other_county.code},
        content_type="application/json",
    )  # fmt: skip
    assert outside.status_code == 404
    # who sees it: the county leader yes (list and detail), the 七里河区 operator no
    listed = _client(county_leader).get(f"{API}/schedules").json()
    assert [s["id"] for s in listed["items"]] == [body["id"]] and listed["count"] == 1
    assert _client(county_leader).get(f"{API}/schedules/{body['id']}").status_code == 200
    assert _client(outsider).get(f"{API}/schedules").json()["count"] == 0
    assert _client(outsider).get(f"{API}/schedules/{body['id']}").status_code == 404
    # stopping: the leader may not (403), the administrator may
    assert _client(county_leader).post(f"{API}/schedules/{body['id']}/stop").status_code == 403
    stopped = admin.post(f"{API}/schedules/{body['id']}/stop")
    assert stopped.status_code == 200 and stopped.json()["is_active"] is False
    assert AuditEntry.objects.filter(action="report.schedule_stop").count() == 1
    # a stopped schedule frees the cadence for a new one
    assert (
        admin.post(f"{API}/schedules", payload, content_type="application/json").status_code == 201
    )


@pytest.mark.django_db
def test_schedule_actions_check_the_acting_scope(desk: Desk, county_admin: User) -> None:
    with pytest.raises(ScheduleRefused) as caught:
        do_create_schedule(
            actor=county_admin, region=desk.t.city, cadence="monthly", audience_roles=["leader"]
        )
    assert caught.value.forbidden and caught.value.errors[0]["field"] == "region"
    schedule = do_create_schedule(
        actor=county_admin, region=desk.t.town, cadence="monthly", audience_roles=["leader"],
        issuer="x" * 150,
    )  # fmt: skip
    assert len(schedule.issuer) == 100
    other_admin = make_user("west_admin", Role.REGION_ADMIN, desk.t.other_county)
    with pytest.raises(ScheduleRefused):
        do_stop_schedule(schedule, actor=other_admin)
    assert ReportSchedule.objects.get(pk=schedule.pk).is_active


# ------------------------------------------------------------------ packs


def _schedule(desk: Desk, region: Any, cadence: str, audience: list[str]) -> ReportSchedule:
    return ReportSchedule.objects.create(
        region=region, cadence=cadence, audience_roles=audience, issuer="城关区综治中心"
    )


@pytest.mark.django_db
def test_the_sweep_makes_monthly_packs_once(
    desk: Desk, county_leader: User, town_operator: User, outsider: User
) -> None:
    build(desk)
    schedule = _schedule(desk, desk.t.county, "monthly", ["leader"])
    desk.sweep(at("2026-04-01", "02:00"))
    pack = ReportPack.objects.get(schedule=schedule)
    assert (pack.period, pack.period_label) == ("2026-03", "2026年3月")
    names = [f["name"] for f in pack.files]
    assert [n.rsplit(".", 1)[1] for n in names] == ["docx", "pdf", "xlsx", "json"]
    assert all(packs.file_path(f).exists() for f in pack.files)
    assert AuditEntry.objects.filter(action="report.pack").count() == 1
    desk.sweep(at("2026-04-01", "03:00"))  # running again changes nothing
    assert ReportPack.objects.filter(schedule=schedule).count() == 1

    # the audience reads it …
    listed = _client(county_leader).get(f"{API}/packs").json()
    assert listed["count"] == 1 and listed["items"][0]["period"] == "2026-03"
    files = listed["items"][0]["files"]
    assert [f["index"] for f in files] == [0, 1, 2, 3]
    response = _client(county_leader).get(files[0]["url"])
    assert response.status_code == 200
    document = DocxDocument(io.BytesIO(_bytes(response)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "全区共受理各类事项9件" in text and "城关区综治中心" in text
    download = AuditEntry.objects.get(action="report.pack_download")
    assert download.data["file"] == names[0]
    workbook = load_workbook(io.BytesIO(_bytes(_client(county_leader).get(files[2]["url"]))))
    assert "12345热线“三率”情况表（按地区）" in workbook.sheetnames
    traces = json.loads(_bytes(_client(county_leader).get(files[3]["url"])))
    assert traces["tables"]["overview"]["total"]["cells"][0]["value"] == 9
    assert traces["bulletin"][0]["kind"] in ("period", "value")
    assert _client(county_leader).get(f"{API}/packs/{pack.pk}/files/9").status_code == 404
    # … nobody else: an operator below the area, an operator of another county
    for user in (town_operator, outsider):
        assert _client(user).get(f"{API}/packs").json()["count"] == 0
        assert _client(user).get(f"{API}/packs/{pack.pk}").status_code == 404
        assert _client(user).get(files[0]["url"]).status_code == 404


@pytest.mark.django_db
def test_the_pack_lists_what_the_area_allows(desk: Desk) -> None:
    build(desk)
    city = _schedule(desk, desk.t.city, "monthly", ["leader"])
    desk.sweep(at("2026-04-02"))
    pack = ReportPack.objects.get(schedule=city)
    stored = json.loads(packs.file_path(pack.files[3]).read_bytes())
    # the grid table is drawn from the county down: not in a city's pack
    assert "grid_activity" not in stored["tables"] and "overview" in stored["tables"]
    assert stored["tables"]["overview"]["rows"][0]["label"] == "城关区"
    chosen = ReportSchedule.objects.create(
        region=desk.t.county, cadence="monthly", audience_roles=["leader"],
        tables=["grid_activity"],
    )  # fmt: skip
    desk.sweep(at("2026-04-02", "11:00"))
    mine = ReportPack.objects.get(schedule=chosen)
    assert list(json.loads(packs.file_path(mine.files[3]).read_bytes())["tables"]) == [
        "grid_activity"
    ]


@pytest.mark.django_db
def test_weekly_packs_and_inactive_schedules(desk: Desk) -> None:
    build(desk)
    weekly = _schedule(desk, desk.t.city, "weekly", ["leader"])
    stopped = _schedule(desk, desk.t.province, "monthly", ["leader"])
    ReportSchedule.objects.filter(pk=stopped.pk).update(is_active=False)
    desk.sweep(at("2026-03-09", "01:00"))  # Monday: week 10 has ended
    pack = ReportPack.objects.get(schedule=weekly)
    assert pack.period == "2026-W10" and pack.period_label.startswith("2026年第10周")
    assert not ReportPack.objects.filter(schedule=stopped).exists()
    traces = json.loads(packs.file_path(pack.files[-1]).read_bytes())
    assert list(traces["tables"]) == ["overview"]
    assert traces["tables"]["overview"]["total"]["cells"][0]["value"] == 5


@pytest.mark.django_db
def test_packs_are_purged_after_the_retention_period(desk: Desk, county_leader: User) -> None:
    schedule = _schedule(desk, desk.t.county, "monthly", ["leader"])
    desk.sweep(at("2026-04-01", "02:00"))
    pack = ReportPack.objects.get(schedule=schedule)
    paths = [packs.file_path(f) for f in pack.files]
    assert all(p.exists() for p in paths)
    ReportSetting.objects.filter(key="pack_keep_days").update(value=10)
    assert packs.run_due(pack.generated_at + timedelta(days=5)) == 0  # within retention
    purged = packs.run_due(pack.generated_at + timedelta(days=11))
    assert purged == 1
    assert not any(p.exists() for p in paths)
    assert ReportPack.objects.get(pk=pack.pk).files == []  # the row stays as history
    assert AuditEntry.objects.filter(action="report.pack_purge").count() == 1
    assert _client(county_leader).get(f"{API}/packs").json()["count"] == 0
    assert _client(county_leader).get(f"{API}/packs/{pack.pk}").status_code == 404


@pytest.mark.django_db
def test_pack_audience_follows_roles_and_areas(desk: Desk) -> None:
    schedule = _schedule(desk, desk.t.county, "monthly", ["leader", "operator"])
    pack = ReportPack.objects.create(
        schedule=schedule, region=desk.t.county, period="2026-03", period_label="2026年3月",
        files=[{"name": "a.docx", "stored": "a.docx", "size": 1, "content_type": "x"}],
    )  # fmt: skip
    readers = {
        "city_leader": (Role.LEADER, desk.t.city, True),
        "county_operator": (Role.OPERATOR, desk.t.county, True),
        "county_mediator": (Role.MEDIATOR, desk.t.county, False),  # not in the audience
        "town_leader": (Role.LEADER, desk.t.town, False),  # below the pack's area
        "west_leader": (Role.LEADER, desk.t.other_county, False),
    }
    for name, (role, region, allowed) in readers.items():
        user = make_user(name, role, region, can_act=False)
        assert (pack in packs.readable_packs(user)) is allowed, name
    expired = make_user("expired_leader", Role.LEADER, desk.t.city)
    RoleAssignment.objects.filter(user=expired).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert pack not in packs.readable_packs(expired)


# ------------------------------------------------------------------ export jobs


def _run() -> tuple[list[int], Any]:
    seen: list[int] = []
    summary = run_pending_jobs(on_progress=lambda job, percent: seen.append(percent))
    return seen, summary


@pytest.mark.django_db
def test_table_and_report_export_jobs(desk: Desk, county_leader: User) -> None:
    build(desk)
    table = do_request_export(
        actor=county_leader, kind="reports.table",
        params={"table": "hotline_units", "period": "2026-03", "format": "xlsx"},
    )  # fmt: skip
    assert table.params == {
        "region": "620102000000",
        "period": "2026-03",
        "format": "xlsx",
        "table": "hotline_units",
    }  # the area defaults to the top of the scope
    report = do_request_export(
        actor=county_leader, kind="reports.report",
        params={"report": "petition_annual", "period": "2026", "format": "docx"},
    )  # fmt: skip
    progress, summary = _run()
    assert {j.pk for j in summary.done} == {table.pk, report.pk} and not summary.failed
    assert 80 in progress  # the tables are built with progress reported
    done = ExportJob.objects.get(pk=table.pk)
    assert done.status == ExportStatus.DONE and done.download_name.endswith(".xlsx")
    path = done.file_path()
    assert path is not None
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert any(r[0] == "城关区生态环境分局" and r[1] == 4 for r in rows)
    annual = ExportJob.objects.get(pk=report.pk)
    assert annual.download_name == "城关区信访情况年度报告统计表（2026年）.docx"
    report_path = annual.file_path()
    assert report_path is not None
    document = DocxDocument(io.BytesIO(report_path.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert any("信访事项统计表（按领域）" in t for t in texts)
    assert any("被反映问题较多的单位" in t for t in texts)


@pytest.mark.django_db
def test_bulletin_export_job_through_the_api(desk: Desk, county_leader: User) -> None:
    build(desk)
    client = _client(county_leader)
    kinds = {k["kind"] for k in client.get("/api/v1/exports/kinds").json()}
    assert {"reports.table", "reports.report", "reports.bulletin"} <= kinds
    queued = client.post(
        "/api/v1/exports",
        {"kind": "reports.bulletin", "params": {"period": "2026-03", "format": "pdf"}},
        content_type="application/json",
    )
    assert queued.status_code == 202, queued.content
    job_id = queued.json()["id"]
    assert client.get(f"/api/v1/exports/{job_id}").json()["status"] == "queued"
    progress, _ = _run()
    assert progress[:2] == [10, 70]
    status = client.get(f"/api/v1/exports/{job_id}").json()
    assert status["status"] == "done" and status["download_url"]
    pdf = client.get(status["download_url"])
    content = _bytes(pdf)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "全区共受理各类事项9件" in text.replace("\n", "").replace(" ", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("reports.table", {"table": "nope", "period": "2026-03"}, "params.table"),
        ("reports.table", {"table": "overview", "period": "2026-13"}, "params.period"),
        ("reports.table", {"table": "overview", "period": "2026-03", "format": "csv"},
         "params.format"),
        ("reports.table", {"table": "overview", "period": "2026-03", "region": "620103000000"},
         "params.region"),
        ("reports.report", {"report": "nope", "period": "2026-03"}, "params.report"),
        ("reports.bulletin", {"period": "2026-03", "format": "xlsx"}, "params.format"),
    ],
)  # fmt: skip
def test_export_requests_are_validated(
    desk: Desk, county_leader: User, kind: str, params: dict[str, str], field: str
) -> None:
    with pytest.raises(ExportInvalid) as caught:
        do_request_export(actor=county_leader, kind=kind, params=params)
    assert field in {e["field"] for e in caught.value.errors}
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_export_jobs_check_the_scope_again_when_they_run(desk: Desk) -> None:
    leader = make_user("moving_leader", Role.LEADER, desk.t.county, can_act=False)
    job = do_request_export(
        actor=leader, kind="reports.table", params={"table": "overview", "period": "2026-03"}
    )
    RoleAssignment.objects.filter(user=leader).update(region=desk.t.other_county)
    _, summary = _run()
    assert [j.pk for j in summary.failed] == [job.pk]
    assert ExportJob.objects.get(pk=job.pk).error == "区划已不在您的统计范围内。"
    too_deep = do_request_export(
        actor=leader, kind="reports.table",
        params={"table": "hotline_units", "period": "2026-03", "region": "620103001001"},
    )  # fmt: skip
    _, summary = _run()
    failed = ExportJob.objects.get(pk=too_deep.pk)
    assert failed.status == ExportStatus.FAILED and "乡镇" in failed.error


# ------------------------------------------------------------------ AC-06


SECRETS = ("欧阳锋", "13800138000", "620102199001011234", "庆阳路1号")


@pytest.mark.django_db
def test_no_statistics_output_carries_personal_information(desk: Desk) -> None:
    party = PartyDraft(role="complainant", name="欧阳锋", phone="13800138000",
                       id_number="620102199001011234", address="兰州市城关区庆阳路1号")  # fmt: skip
    case = desk.register(at("2026-03-02"), parties=[party])
    desk.dispatch(case, at("2026-03-02", "11:00"))
    desk.sync()
    leader = make_user("pii_leader", Role.LEADER, desk.t.province, can_act=False)
    client = _client(leader)
    bodies: list[str] = []
    for path, params in [
        ("/indicators", {}),
        ("/areas", {"period": "2026-03"}),
        ("/areas", {"period": "2026-03", "region": desk.t.grid_a1.code}),
        ("/rankings", {"period": "2026-03", "indicator": "response_rate", "by": "units",
                       "region": desk.t.county.code}),
        ("/bulletin", {"period": "2026-03"}),
        *[(f"/tables/{t}", {"period": "2026-03", "region": desk.t.county.code}) for t in TABLES],
    ]:  # fmt: skip
        response = client.get(f"{API}{path}", params)
        assert response.status_code in (200, 422), (path, response.content)
        bodies.append(response.content.decode())
    xlsx = client.get(f"{API}/tables/overview/export", {"period": "2026-03", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    bodies.append(json.dumps([list(r) for r in sheet.iter_rows(values_only=True)], default=str))
    docx = client.get(f"{API}/bulletin/export", {"period": "2026-03"})
    bodies.append("\n".join(p.text for p in DocxDocument(io.BytesIO(docx.content)).paragraphs))
    assert any("1件" in b for b in bodies)  # the case is counted …
    for body in bodies:
        for secret in SECRETS:
            assert secret not in body  # … but nobody in it is named
    # the rollups and facts have no column that could hold a person's details
    fact = CaseFact.objects.get(case_id=case.pk)
    assert not any(secret in json.dumps(fact.extra, ensure_ascii=False) for secret in SECRETS)
    from django.apps import apps

    for model in apps.get_app_config("reports").get_models():
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"name", "phone", "id_number", "address", "parties", "description"}

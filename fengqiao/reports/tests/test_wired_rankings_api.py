"""Rankings on the wired figures (调解成功率 by units and by areas, 建议采纳率 by areas) with the
minimum sample and honest ties, and the API's answers to bad input on the new figures and
the annual report's export job — each a 4xx naming its field, never a 500.

Disputes of March 2026, by lead unit (mediated / succeeded):

    生态环境分局 (城关区)   4 / 3  → 75.00 %
    住建局 (城关区)         4 / 3  → 75.00 %   (a tie with 生态环境分局)
    七里河区住建局          5 / 4  → 80.00 %
    调委会 (城关区)          1 / 1  → 100.00 %  (below the minimum sample of 4)
"""

from __future__ import annotations

import pytest

from fengqiao.accounts.models import Role, User
from fengqiao.documents.actions import do_request_export, run_pending_jobs
from fengqiao.documents.models import ExportJob
from fengqiao.documents.registry import ExportInvalid
from fengqiao.reports import periods, rankings, sync
from fengqiao.reports.models import ReportSetting
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.records import dispute, get, petition, recommend
from fengqiao.testing import make_user
from fengqiao.units.models import Unit, UnitType

MARCH = periods.parse("2026-03")


def _disputes(desk: Desk) -> Unit:
    committee = Unit.objects.create(
        code="TW-T1", name="秦安路社区人民调解委员会",
        unit_type=UnitType.MEDIATION_COMMITTEE, region=desk.t.village,
    )  # fmt: skip
    plan = [
        (desk.env, desk.t.grid_a1, 4, 3),
        (desk.housing, desk.t.grid_a2, 4, 3),
        (desk.other, desk.t.other_grid, 5, 4),
        (committee, desk.t.grid_a1, 1, 1),
    ]
    for unit, grid, mediated, succeeded in plan:
        for index in range(mediated):
            outcome = "success" if index < succeeded else "failure"
            dispute(grid, "TJ02", "2026-03-02", outcome=outcome, outcome_on="2026-03-09",
                    amount="10" if outcome == "success" else None, lead_unit=unit)  # fmt: skip
    sync.sync()
    return committee


@pytest.mark.django_db
def test_units_ranked_on_mediation_success_with_a_tie(desk: Desk) -> None:
    _disputes(desk)
    result = rankings.ranking(desk.t.city, MARCH, "mediation_success_rate", by=rankings.UNITS,
                              kinds=("dispute",), min_sample=4)  # fmt: skip
    assert result.shown
    table = [(r.name, r.rank, str(r.figure.value), r.sample, r.note) for r in result.rows]
    assert table == [
        ("七里河区住建局", 1, "0.8000", 5, ""),
        ("城关区生态环境分局", 2, "0.7500", 4, ""),
        ("城关区住建局", 2, "0.7500", 4, ""),
        ("秦安路社区人民调解委员会", None, "1.0000", 1, "样本不足4件，不参与排名"),
    ]  # the next rank after a tie of two at 2 would be 4
    trace = result.rows[0].figure.trace()
    assert (trace["numerator"], trace["denominator"]) == ("4", "5")


@pytest.mark.django_db
def test_too_small_samples_mean_no_ranking(desk: Desk) -> None:
    _disputes(desk)
    result = rankings.ranking(desk.t.city, MARCH, "mediation_success_rate", by=rankings.UNITS,
                              kinds=("dispute",), min_sample=5)  # fmt: skip
    assert not result.shown and all(r.rank is None for r in result.rows)
    assert result.note == "达到最小样本量（5件）的不足两个，不予排名。"
    areas = rankings.ranking(desk.t.city, MARCH, "mediation_success_rate", kinds=("dispute",),
                             min_sample=4)  # fmt: skip
    # 城关区 9 / 7 = 77.78 %, 七里河区 5 / 4 = 80.00 %
    assert [(r.name, r.rank, str(r.figure.value)) for r in areas.rows] == [
        ("七里河区", 1, "0.8000"), ("城关区", 2, "0.7778"),
    ]  # fmt: skip
    sizes = rankings.ranking(desk.t.city, MARCH, "agreement_amount", kinds=("dispute",))
    assert not sizes.shown and sizes.note == "「协议金额」为规模指标，不作排名。"


@pytest.mark.django_db
def test_ranking_through_the_api_uses_the_setting(desk: Desk) -> None:
    _disputes(desk)
    leader = make_user("rank_city", Role.LEADER, desk.t.city, can_act=False)
    body = get(leader, "/rankings", indicator="mediation_success_rate", region=desk.t.city.code,
               period="2026-03", by="units", kinds="dispute")  # fmt: skip
    assert body["min_sample"] == 30 and body["shown"] is False  # the shipped setting
    ReportSetting.objects.filter(key="ranking_min_sample").update(value=4)
    body = get(leader, "/rankings", indicator="mediation_success_rate", region=desk.t.city.code,
               period="2026-03", by="units", kinds="dispute")  # fmt: skip
    assert body["shown"] is True
    assert [(r["name"], r["rank"], r["text"]) for r in body["rows"]][:3] == [
        ("七里河区住建局", 1, "80.00%"), ("城关区生态环境分局", 2, "75.00%"),
        ("城关区住建局", 2, "75.00%"),
    ]  # fmt: skip


@pytest.mark.django_db
def test_areas_ranked_on_adoption(desk: Desk) -> None:
    bureau = Unit.objects.create(code="XF-R", name="信访局", unit_type=UnitType.PETITION_BUREAU,
                                 region=desk.t.city)  # fmt: skip
    east = petition(desk.t.grid_a1, "RX0501", "2026-03-02", about=desk.env)
    west = petition(desk.t.other_grid, "RX0501", "2026-03-02", about=desk.other)
    for adopted in (True, False, None, True):
        recommend(east, bureau, desk.env, "2026-03-05", adopted=adopted)
    recommend(west, bureau, desk.other, "2026-03-06", adopted=True)
    sync.sync()
    result = rankings.ranking(desk.t.city, MARCH, "adoption_rate", kinds=("petition",),
                              min_sample=1)  # fmt: skip
    assert [(r.name, r.rank, r.figure.text(), r.sample) for r in result.rows] == [
        ("七里河区", 1, "100.00%", 1), ("城关区", 2, "50.00%", 4),
    ]  # fmt: skip


# ------------------------------------------------------------------ bad input


@pytest.mark.django_db
def test_bad_input_on_the_wired_figures_is_4xx_with_fields(desk: Desk, county_leader: User) -> None:
    body = get(county_leader, "/areas", 422, period="2026-03", indicators="adoption,mediated")
    assert body["errors"] == [{"field": "indicators", "message": "未知的指标：adoption"}]
    body = get(county_leader, "/areas", 422, period="2026-03", kinds="mediation")
    assert body["errors"] == [{"field": "kinds", "message": "未知的事项类型：mediation"}]
    body = get(county_leader, "/areas", 422, period="2026-03", category="TJ0101")
    assert body["errors"][0]["field"] == "category"  # not a top-level category
    body = get(county_leader, "/rankings", 422, indicator="adoption", period="2026")
    assert body["errors"] == [{"field": "indicator", "message": "未知的指标。"}]
    body = get(county_leader, "/rankings", 422, indicator="adoption_rate", period="2026",
               by="grids")  # fmt: skip
    assert body["errors"][0]["field"] == "by"
    body = get(county_leader, "/rankings", 422, indicator="adoption_rate", period="2026-02-30")
    assert body["errors"][0]["field"] == "period"
    body = get(county_leader, "/petition-annual", 422)
    assert body["errors"][0]["field"] == "period"
    get(county_leader, "/petition-annual/export", 404, period="2026", region="620103000000")


@pytest.mark.django_db
def test_the_annual_report_as_a_background_job(
    desk: Desk, county_leader: User, outsider: User
) -> None:
    petition(desk.t.grid_a1, "RX0501", "2026-03-02", about=desk.env, routed="transfer",
             routed_on="2026-03-04")  # fmt: skip
    sync.sync()
    job = do_request_export(actor=county_leader, kind="reports.petition_annual",
                            params={"period": "2026", "format": "xlsx"})  # fmt: skip
    assert job.params["region"] == desk.t.county.code and job.params["format"] == "xlsx"
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.download_name == "关于2026年度城关区信访情况的报告.xlsx"
    assert job.content_type.endswith("spreadsheetml.sheet") and job.size > 0
    # per-field refusals when requested
    with pytest.raises(ExportInvalid) as refused:
        do_request_export(actor=county_leader, kind="reports.petition_annual",
                          params={"period": "2026-99", "format": "odt",
                                  "region": desk.t.other_county.code})  # fmt: skip
    assert {e["field"] for e in refused.value.errors} == {
        "params.region",
        "params.period",
        "params.format",
    }
    # a month is a valid period but not a year: the job fails with the reason
    monthly = do_request_export(actor=county_leader, kind="reports.petition_annual",
                                params={"period": "2026-03", "format": "docx"})  # fmt: skip
    run_pending_jobs()
    monthly.refresh_from_db()
    assert monthly.status == "failed" and "按年度编制" in monthly.error
    assert ExportJob.objects.filter(owner=outsider).count() == 0

"""The rule-22 petition annual report (信访工作条例 第四十一条) from the petition app's own
records, read by the real provider: statistics by form and field, the most-complained units
(kept on the petition record, not on the case), 转送 / 交办 on the routing date, 督办, the
recommendations made and adopted, 同比 against 2025, the year's boundaries, a region change,
and the written report (.docx / .pdf) and its tables (.xlsx) read back.

The data (城关区 unless said):

    P1 生态环境 RX0501 recv 2026-02-03 来信  → 生态环境分局  transfer 02-08  closed 02-20 due 02-25
    P2 生态环境 RX0502 recv 2026-03-03 网上  → 生态环境分局  assign 03-05 督办
       closed 03-28 due 03-20
    P3 住房物业 RX0201 recv 2026-04-03 走访  → 住建局        assign 04-06 督办(挂牌)
    P4 生态环境 RX0501 recv 2026-05-03 网上  → 生态环境分局  (not routed)
    P5 住房物业 RX0201 recv 2026-12-31 23:30 电话 → 住建局   transfer 2027-01-02 00:30
    P6 住房物业 RX0201 recv 2025-12-31 23:30 来信 → 住建局   transfer 2026-01-01 00:10
    Q1 生态环境 RX0501 recv 2025-06-01 来信  → 生态环境分局  transfer 2025-06-03 督办
    Q2 生态环境 RX0501 recv 2025-07-01 网上  → 生态环境分局  assign 2025-07-02
    W1 住房物业 RX0201 recv 2026-03-01 来信 (七里河区) → 七里河区住建局 transfer 03-02 督办

    recommendations: R1 P2 2026-03-10 adopted; R2 P2 2026-06-01 not adopted;
    R3 P3 2026-12-31 unanswered; R4 P1 2025-11-01 adopted; R5 Q1 2026-01-05 adopted;
    RW W1 2026-03-10 adopted
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.regions.actions import do_reparent
from fengqiao.regions.models import Region
from fengqiao.reports import annual, exports, periods, sync, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.selectors import NotAvailable
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.records import by_label, get, petition, recommend
from fengqiao.units.models import Unit, UnitType

YEAR = periods.parse("2026")
# leaf columns of the routing table
RECEIVED, RECEIVED_YOY, TRANSFER, TRANSFER_YOY, ASSIGN, ASSIGN_YOY = range(6)
SUPERVISED, SUPERVISED_YOY, CLOSED, ON_TIME, MADE, MADE_YOY, ADOPTED, RATE = range(6, 14)
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _data(desk: Desk) -> dict[str, Any]:
    t = desk.t
    a1, a2, west = t.grid_a1, t.grid_a2, t.other_grid
    env, housing = desk.env, desk.housing
    bureau = Unit.objects.create(code="XF-620102", name="城关区信访局",
                                 unit_type=UnitType.PETITION_BUREAU, region=t.county)  # fmt: skip
    west_bureau = Unit.objects.create(code="XF-620103", name="七里河区信访局",
                                      unit_type=UnitType.PETITION_BUREAU,
                                      region=t.other_county)  # fmt: skip
    made = {
        "P1": petition(a1, "RX0501", "2026-02-03", about=env, routed="transfer",
                       routed_on="2026-02-08", closed="2026-02-20", due="2026-02-25"),
        "P2": petition(a1, "RX0502", "2026-03-03", channel="online", about=env, routed="assign",
                       routed_on="2026-03-05", supervised=1, closed="2026-03-28", due="2026-03-20"),
        "P3": petition(a2, "RX0201", "2026-04-03", channel="visit", about=housing,
                       routed="assign", routed_on="2026-04-06", supervised=2),
        "P4": petition(a1, "RX0501", "2026-05-03", channel="online", about=env),
        "P5": petition(a2, "RX0201", "2026-12-31 23:30", channel="phone", about=housing,
                       routed="transfer", routed_on="2027-01-02 00:30"),
        "P6": petition(a2, "RX0201", "2025-12-31 23:30", about=housing, routed="transfer",
                       routed_on="2026-01-01 00:10"),
        "Q1": petition(a1, "RX0501", "2025-06-01", about=env, routed="transfer",
                       routed_on="2025-06-03", supervised=1),
        "Q2": petition(a1, "RX0501", "2025-07-01", channel="online", about=env, routed="assign",
                       routed_on="2025-07-02"),
        "W1": petition(west, "RX0201", "2026-03-01", about=desk.other, routed="transfer",
                       routed_on="2026-03-02", supervised=1),
    }  # fmt: skip
    recommend(made["P2"], bureau, env, "2026-03-10", adopted=True)
    recommend(made["P2"], bureau, env, "2026-06-01", adopted=False)
    recommend(made["P3"], bureau, housing, "2026-12-31", adopted=None)
    recommend(made["P1"], bureau, env, "2025-11-01", adopted=True)
    recommend(made["Q1"], bureau, env, "2026-01-05", adopted=True)
    recommend(made["W1"], west_bureau, desk.other, "2026-03-10", adopted=True)
    assert sync.sync() >= len(made)
    assert sync.differences() == []
    return made


@pytest.fixture
def data(desk: Desk) -> dict[str, Any]:
    return _data(desk)


@pytest.mark.django_db
def test_routing_supervision_and_recommendations_by_area(desk: Desk, data: dict[str, Any]) -> None:
    rows = by_label(tables.build_for(TABLES["petition_routing"], desk.t.city, YEAR))
    county, west, total = rows["城关区"], rows["七里河区"], rows["合计"]
    assert county[RECEIVED] == 5 and str(county[RECEIVED_YOY]) == "0.6667"  # 2025: P6 Q1 Q2
    # 转送 by the routing date: P1 and P6 (routed on New Year's night); P5 went in 2027
    assert county[TRANSFER] == 2 and str(county[TRANSFER_YOY]) == "1.0000"  # Q1: 1 → 2
    assert county[ASSIGN] == 2 and str(county[ASSIGN_YOY]) == "1.0000"  # Q2: 1 → 2
    assert county[SUPERVISED] == 2 and str(county[SUPERVISED_YOY]) == "1.0000"  # Q1
    assert county[CLOSED] == 2 and str(county[ON_TIME]) == "0.5000"  # P1 on time, P2 late
    # R1 R2 R3 made in 2026 from 2026 items, R5 from a 2025 item; R4 was made in 2025
    assert county[MADE] == 4 and str(county[MADE_YOY]) == "3.0000"
    assert county[ADOPTED] == 2 and str(county[RATE]) == "0.5000"  # R1, R5
    assert west[RECEIVED] == 1 and west[TRANSFER] == 1 and west[MADE] == 1 and west[ADOPTED] == 1
    assert west[MADE_YOY] is None  # nothing a year before: no ratio
    assert total[RECEIVED] == 6 and total[TRANSFER] == 3 and total[SUPERVISED] == 3
    assert total[MADE] == 5 and total[ADOPTED] == 3 and str(total[RATE]) == "0.6000"


@pytest.mark.django_db
def test_fields_forms_and_most_complained_units(desk: Desk, data: dict[str, Any]) -> None:
    fields = by_label(tables.build_for(TABLES["petition_fields"], desk.t.county, YEAR))
    assert fields["生态环境"][0] == 3 and fields["住房与物业"][0] == 2  # P1 P2 P4 / P3 P5
    assert fields["合计"][0] == 5
    forms = tables.build_for(TABLES["petition_channels"], desk.t.county, YEAR)
    assert [(r.label, r.cells[0].value) for r in forms.rows] == [
        ("网上信访", 2), ("来信", 1), ("电话", 1), ("传真", 0), ("信访走访", 1),
    ]  # fmt: skip
    units = tables.build_for(TABLES["petition_units"], desk.t.county, YEAR)
    # the unit complained about comes from the petition record (the case leaves it empty
    # for every type but accusations, AC-10)
    assert Case.objects.filter(pk=data["P1"].pk, respondent_unit__isnull=True).exists()
    assert [(r.label, r.cells[0].value) for r in units.rows] == [
        ("城关区生态环境分局", 3), ("城关区住建局", 2),
    ]  # fmt: skip
    # 同比 of the units: 生态环境分局 had Q1 Q2 in 2025 (2 → 3), 住建局 P6 (1 → 2)
    assert [str(r.cells[1].value) for r in units.rows] == ["0.5000", "1.0000"]


@pytest.mark.django_db
def test_the_year_boundary_follows_local_time(desk: Desk, data: dict[str, Any]) -> None:
    december = by_label(
        tables.build_for(TABLES["petition_routing"], desk.t.county, periods.parse("2026-12"))
    )
    assert december["合计"][RECEIVED] == 1  # P5 at 23:30 on 31 December (Beijing time)
    assert december["合计"][TRANSFER] == 0 and december["合计"][MADE] == 1  # R3
    january = by_label(
        tables.build_for(TABLES["petition_routing"], desk.t.county, periods.parse("2027-01"))
    )
    assert january["合计"][RECEIVED] == 0 and january["合计"][TRANSFER] == 1  # P5 routed
    new_year = by_label(
        tables.build_for(TABLES["petition_routing"], desk.t.county, periods.parse("2026-01"))
    )
    assert new_year["合计"][TRANSFER] == 1 and new_year["合计"][MADE] == 1  # P6, R5
    assert new_year["合计"][RECEIVED] == 0
    last = by_label(tables.build_for(TABLES["petition_routing"], desk.t.county,
                                     periods.parse("2025")))  # fmt: skip
    assert last["合计"][RECEIVED] == 3 and last["合计"][TRANSFER] == 1  # Q1 (P6 went in 2026)
    assert last["合计"][MADE] == 1 and last["合计"][ADOPTED] == 1  # R4


@pytest.mark.django_db
def test_an_answer_recorded_later_changes_the_cohort(desk: Desk, data: dict[str, Any]) -> None:
    from fengqiao.petitions.models import Recommendation

    Recommendation.objects.filter(made_at__date=date(2026, 12, 31)).update(adopted=True)
    from fengqiao.reports.models import SyncQueue

    SyncQueue.objects.create(case_id=data["P3"].pk)
    sync.sync()
    county = by_label(tables.build_for(TABLES["petition_routing"], desk.t.county, YEAR))
    assert county["合计"][MADE] == 4 and county["合计"][ADOPTED] == 3
    assert str(county["合计"][RATE]) == "0.7500"
    assert sync.differences() == []


@pytest.mark.django_db
def test_figures_stay_with_the_area_of_the_event(desk: Desk, data: dict[str, Any]) -> None:
    # 撤并 on 2026-06-15: 秦安路社区 moves under 西园街道 (七里河区)
    do_reparent(desk.t.village, new_parent=desk.t.other_town, actor=None,
                effective_on=date(2026, 6, 15))  # fmt: skip
    bureau = Unit.objects.get(code="XF-620102")
    recommend(data["P2"], bureau, desk.env, "2026-07-01", adopted=True)  # an older item
    moved = petition(Region.objects.get(pk=desk.t.grid_a1.pk), "RX0501", "2026-07-02",
                     about=desk.env, routed="transfer", routed_on="2026-07-03")  # fmt: skip
    sync.sync()
    assert sync.differences() == []
    rows = by_label(tables.build_for(TABLES["petition_routing"], desk.t.city, YEAR))
    # P2 was registered in 城关区: its new recommendation stays there
    assert rows["城关区"][MADE] == 5 and rows["城关区"][ADOPTED] == 3
    assert rows["城关区"][RECEIVED] == 5
    # the item registered after the move counts in 七里河区
    assert rows["七里河区"][RECEIVED] == 2 and rows["七里河区"][TRANSFER] == 2
    assert Case.objects.get(pk=moved.pk).region.path.startswith(desk.t.other_county.path)


# ------------------------------------------------------------------ the written report


def _numbers(texts: list[str]) -> list[str]:
    return [n for text in texts for n in NUMBER.findall(text)]


@pytest.mark.django_db
def test_the_annual_report_text(desk: Desk, data: dict[str, Any]) -> None:
    result = annual.build(desk.t.county, YEAR, issued_on=date(2027, 1, 20))
    body = result.body()
    assert body[0] == "根据《信访工作条例》第四十一条，现将2026年度城关区信访情况报告如下。"
    assert "2026年，全区共登记受理信访事项5件，同比上升66.67%；办结2件，按期办结率50.00%。" in body
    assert "按信访形式分，网上信访2件、来信1件、电话1件、信访走访1件。" in body
    assert "反映问题涉及的领域主要是：生态环境3件、住房与物业2件。" in body
    assert "被反映问题较多的机关、单位是：城关区生态环境分局3件、城关区住建局2件。" in body
    assert (
        "全年转送有权处理机关信访事项2件，同比上升100.00%；交办下级机关2件，同比上升100.00%；"
        "对受理的信访事项督办2件，同比上升100.00%。"
    ) in body
    assert (
        "全年提出改进工作、完善政策和追究责任的建议4条，同比上升300.00%；"
        "截至统计时被采纳2条，采纳率50.00%。"
    ) in body
    headings = [s.heading for s in result.data.sections]
    assert headings[:3] == [
        "信访事项数据统计、涉及领域及被投诉较多的机关单位",
        "转送、交办、督办情况",
        "提出改进工作、完善政策和追究责任建议及被采纳情况",
    ]
    assert result.data.title == "关于2026年度城关区信访情况的报告"
    assert result.data.recipients == "城关区党委、政府" and result.data.issuer == "城关区信访局"
    # every number in the text is traced to an indicator, a table cell or the period
    traced = _numbers([t["text"] for t in result.traces])
    for number in _numbers(body):
        assert number in traced, number
    made = next(t for t in result.traces if t["text"] == "4条")
    assert made["indicator"] == "recommendations" and made["params"]["period"] == "2026"
    assert made["params"]["kinds"] == ["petition"]


@pytest.mark.django_db
def test_the_annual_report_at_a_village_and_without_recommendations(desk: Desk) -> None:
    petition(desk.t.grid_a1, "RX0501", "2026-05-01", about=desk.env)
    sync.sync()
    result = annual.build(desk.t.village, YEAR)
    body = result.body()
    assert "本年度未提出改进工作、完善政策和追究责任的建议。" in body
    assert "2026年，全社区共登记受理信访事项1件，同比无可比数据；办结0件。" in body
    # the form and unit tables stop at townships: a village report has the others only
    assert [r.definition.id for r in result.tables] == ["petition_fields", "petition_routing"]
    assert not any(p.startswith("按信访形式分") for p in body)


@pytest.mark.django_db
def test_the_annual_report_needs_a_year_above_the_grids(desk: Desk) -> None:
    with pytest.raises(NotAvailable, match="按年度编制"):
        annual.build(desk.t.county, periods.parse("2026-03"))
    with pytest.raises(NotAvailable, match="村（社区）及以上"):
        annual.build(desk.t.grid_a1, YEAR)


@pytest.mark.django_db
def test_the_docx_pdf_and_xlsx_read_back(desk: Desk, data: dict[str, Any]) -> None:
    result = annual.build(desk.t.county, YEAR, issued_on=date(2027, 1, 20))
    docx = exports.annual_file(result, "docx")
    assert docx.filename == "关于2026年度城关区信访情况的报告.docx"
    document = DocxDocument(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "城关区信访局" in text and "关于2026年度城关区信访情况的报告" in text
    assert "全年提出改进工作、完善政策和追究责任的建议4条" in text
    assert "一、信访事项数据统计、涉及领域及被投诉较多的机关单位" in text
    assert "三、提出改进工作、完善政策和追究责任建议及被采纳情况" in text
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "城关区生态环境分局" in cells and "生态环境" in cells
    assert "被采纳（条）" in cells and "采纳率" in cells

    pdf = exports.annual_file(result, "pdf")
    reader = PdfReader(io.BytesIO(pdf.content))
    pdf_text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "城关区信访情况的报告" in pdf_text
    assert "被采纳2条" in pdf_text and "采纳率50.00%" in pdf_text

    xlsx = exports.annual_file(result, "xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == 4
    routing = book[book.sheetnames[3]]
    rows = [list(r) for r in routing.iter_rows(values_only=True)]
    flat = [str(v) for row in rows for v in row if v is not None]
    assert "改进工作、完善政策和追究责任建议" in flat and "转送" in flat and "交办" in flat
    total = next(row for row in rows if row and row[0] == "合计")
    assert total[RECEIVED + 1] == 5 and total[TRANSFER + 1] == 2 and total[ASSIGN + 1] == 2
    assert total[MADE + 1] == 4 and total[ADOPTED + 1] == 2 and total[RATE + 1] == 0.5


@pytest.mark.django_db
def test_the_annual_report_api(desk: Desk, data: dict[str, Any], county_leader: User) -> None:
    body = get(county_leader, "/petition-annual", period="2026")
    assert body["title"] == "关于2026年度城关区信访情况的报告"
    paragraphs = [p for s in body["sections"] for p in s["paragraphs"]]
    assert any("建议4条" in p for p in paragraphs)
    assert [t["id"] for t in body["tables"]] == [
        "petition_fields", "petition_channels", "petition_units", "petition_routing",
    ]  # fmt: skip
    text = str(body)
    assert "张三" not in text and "13912345678" not in text  # recommendation text never shown
    response = get(county_leader, "/petition-annual/export", period="2026", format="docx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    words = "".join(p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs)
    assert "交办下级机关2件" in words
    # bad input: one message per field, never a 500
    error = get(county_leader, "/petition-annual", 422, period="2026-03")
    assert error["errors"] == [
        {"field": "period", "message": "年度报告的统计期应为年份，如 2026。"}
    ]
    error = get(county_leader, "/petition-annual", 422, period="twenty")
    assert error["errors"][0]["field"] == "period"
    error = get(county_leader, "/petition-annual/export", 422, period="2026", format="odt")
    assert error["errors"] == [{"field": "format", "message": "格式应为 docx、pdf 或 xlsx。"}]
    error = get(county_leader, "/petition-annual", 422, period="2026", region=desk.t.grid_a1.code)
    assert "村（社区）及以上" in error["detail"]
    get(county_leader, "/petition-annual", 404, period="2026", region=desk.t.other_county.code)
    get(county_leader, "/petition-annual", 404, period="2026", region="999999999999")

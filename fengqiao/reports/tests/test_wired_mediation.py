"""The rule-27 people's mediation monthly table from the mediation app's own records, read by
the real provider (reports/providers.py): counts per dispute type, 调解成功, 协议金额,
防止民转刑 and 防止群体性上访, the source groups, 同比 against last year's rows and 环比
against February, the region drill-down, and a district outside the reader's scope.

The data (城关区 unless said; 2026 unless said):

    D1 婚姻纠纷 (TJ0101 → 婚姻家庭) recv 03-02 application   success 03-10  5000.00  民转刑 3 人
    D2 婚姻家庭 TJ01               recv 03-05 initiative    failure 03-20
    D3 邻里 TJ02                   recv 03-06 court         partial 03-25   800.50  群体访 12 人
    D4 邻里 TJ02                   recv 02-20 police        success 03-03  1200.00
    D5 劳动争议 (TJ1001)           recv 03-28 application   (open, no outcome)
    D6 损害赔偿 TJ06               recv 03-10 application   success 04-02   300.00
    D7 合同 TJ04 (court_referral)  recv 03-12 court         success 03-15 10000.00
    F1 邻里 TJ02                   recv 02-10 application   success 02-12    50.00
    L1 婚姻家庭 TJ01               recv 2025-03-04          success 2025-03-05 100.00
    L2 邻里 TJ02                   recv 2025-03-08          failure 2025-03-09
    L3 婚姻家庭 TJ01               recv 2025-03-09          success 2025-03-10
    X1 婚姻家庭 TJ01 (七里河区)    recv 03-03 application   success 03-04 99999.00 民转刑 7 人
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from fengqiao.accounts.models import Role, User
from fengqiao.reports import periods, sync, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.records import by_label, dispute, get
from fengqiao.testing import make_user

MARCH = periods.parse("2026-03")
APRIL = periods.parse("2026-04")
# leaf columns of the monthly table
RECEIVED, YOY, MOM, MEDIATED, SUCCESS, RATE, AMOUNT = range(7)
CRIMINAL, CRIMINAL_P, GROUP, GROUP_P, RESOLUTION, RESOLUTION_YOY = range(7, 13)


def _data(desk: Desk) -> dict[str, Any]:
    t = desk.t
    a1, a2, west = t.grid_a1, t.grid_a2, t.other_grid
    made = {
        "D1": dispute(a1, "TJ0101", "2026-03-02", outcome="success", outcome_on="2026-03-10",
                      amount="5000.00", criminal=3),
        "D2": dispute(a1, "TJ01", "2026-03-05", source="initiative", outcome="failure",
                      outcome_on="2026-03-20"),
        "D3": dispute(a2, "TJ02", "2026-03-06", source="court", outcome="partial",
                      outcome_on="2026-03-25", amount="800.50", group=12),
        "D4": dispute(a2, "TJ02", "2026-02-20", source="police", outcome="success",
                      outcome_on="2026-03-03", amount="1200"),
        "D5": dispute(a1, "TJ1001", "2026-03-28"),
        "D6": dispute(a1, "TJ06", "2026-03-10", outcome="success", outcome_on="2026-04-02",
                      amount="300"),
        "D7": dispute(a1, "TJ04", "2026-03-12", source="court", outcome="success",
                      outcome_on="2026-03-15", amount="10000", kind="court_referral"),
        "F1": dispute(a1, "TJ02", "2026-02-10", outcome="success", outcome_on="2026-02-12",
                      amount="50"),
        "L1": dispute(a1, "TJ01", "2025-03-04", outcome="success", outcome_on="2025-03-05",
                      amount="100"),
        "L2": dispute(a1, "TJ02", "2025-03-08", outcome="failure", outcome_on="2025-03-09"),
        "L3": dispute(a1, "TJ01", "2025-03-09", outcome="success", outcome_on="2025-03-10"),
        "X1": dispute(west, "TJ01", "2026-03-03", outcome="success", outcome_on="2026-03-04",
                      amount="99999", criminal=7),
    }  # fmt: skip
    assert sync.sync() == len(made)
    assert sync.differences() == []
    return made


@pytest.fixture
def data(desk: Desk) -> dict[str, Any]:
    return _data(desk)


@pytest.mark.django_db
def test_the_county_table_by_dispute_type(desk: Desk, data: dict[str, Any]) -> None:
    result = tables.build_for(TABLES["mediation_monthly"], desk.t.county, MARCH)
    assert result.pending == []
    rows = by_label(result)
    marriage, neighbours = rows["婚姻家庭纠纷"], rows["邻里纠纷"]
    # 婚姻家庭: D1 (a sub-category counts under its top level) and D2 received; both mediated
    assert marriage[RECEIVED] == 2 and marriage[MEDIATED] == 2 and marriage[SUCCESS] == 1
    assert marriage[RATE] == Decimal("0.5000") and marriage[AMOUNT] == Decimal("5000.00")
    assert (marriage[CRIMINAL], marriage[CRIMINAL_P], marriage[GROUP]) == (1, 3, 0)
    assert marriage[YOY] == Decimal("0") and marriage[RESOLUTION] == Decimal("0.5000")
    # 邻里: D3 received in March; D4 (received in February) mediated in March
    assert neighbours[RECEIVED] == 1 and neighbours[MEDIATED] == 2 and neighbours[SUCCESS] == 2
    assert neighbours[RATE] == Decimal("1.0000") and neighbours[AMOUNT] == Decimal("2000.50")
    assert (neighbours[GROUP], neighbours[GROUP_P], neighbours[CRIMINAL]) == (1, 12, 0)
    assert neighbours[YOY] == Decimal("0")  # L2 a year before: 1 → 1
    assert neighbours[MOM] == Decimal("-0.5000")  # D4, F1 in February: 2 → 1
    # 合同: the court referral counts as a dispute
    assert rows["合同纠纷"][RECEIVED] == 1 and rows["合同纠纷"][AMOUNT] == Decimal("10000.00")
    # 损害赔偿: received in March, its success belongs to April
    damages = rows["损害赔偿纠纷"]
    assert damages[RECEIVED] == 1 and damages[MEDIATED] == 0 and damages[RATE] is None
    assert rows["劳动争议纠纷"][RECEIVED] == 1 and rows["劳动争议纠纷"][MEDIATED] == 0
    assert rows["医疗纠纷"][RECEIVED] == 0  # listed although empty
    total = rows["合计"]
    assert total[RECEIVED] == 6 and total[YOY] == Decimal("1.0000")  # L1–L3: 3 → 6
    assert total[MOM] == Decimal("2.0000")  # D4, F1: 2 → 6
    assert total[MEDIATED] == 5 and total[SUCCESS] == 4 and total[RATE] == Decimal("0.8000")
    assert total[AMOUNT] == Decimal("17000.50")
    assert total[CRIMINAL:RESOLUTION] == [1, 3, 1, 12]
    assert total[RESOLUTION] == Decimal("0.6667")  # D1 D3 D6 D7 resolved of 6
    assert total[RESOLUTION_YOY] == Decimal("0")  # 2/3 a year before: 0.6667 too


@pytest.mark.django_db
def test_cells_say_where_their_numbers_come_from(desk: Desk, data: dict[str, Any]) -> None:
    result = tables.build_for(TABLES["mediation_monthly"], desk.t.county, MARCH)
    cell = result.total.cells[RATE]
    assert cell.text == "80.00%"
    assert cell.trace is not None and cell.trace["indicator"] == "mediation_success_rate"
    assert (cell.trace["numerator"], cell.trace["denominator"]) == ("4", "5")
    assert cell.trace["params"]["region"] == desk.t.county.code
    assert cell.trace["params"]["kinds"] == ["dispute", "court_referral"]
    assert result.total.cells[AMOUNT].text == "17000.50元"
    yoy = result.total.cells[YOY]
    assert yoy.text == "上升100.00%" and yoy.trace is not None
    assert yoy.trace["previous"]["params"]["period"] == "2026-03"
    assert yoy.trace["previous"]["value"] == "3"


@pytest.mark.django_db
def test_april_counts_the_late_outcome_and_nothing_else(desk: Desk, data: dict[str, Any]) -> None:
    rows = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.county, APRIL))
    assert rows["合计"][RECEIVED] == 0 and rows["合计"][MEDIATED] == 1
    assert rows["损害赔偿纠纷"][SUCCESS] == 1 and rows["合计"][AMOUNT] == Decimal("300.00")
    assert rows["合计"][MOM] == Decimal("-1.0000")  # 6 received in March, none in April


@pytest.mark.django_db
def test_the_city_adds_the_other_district(desk: Desk, data: dict[str, Any]) -> None:
    rows = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.city, MARCH))
    assert rows["合计"][RECEIVED] == 7 and rows["合计"][MEDIATED] == 6
    assert rows["合计"][AMOUNT] == Decimal("116999.50")
    assert rows["合计"][CRIMINAL] == 2 and rows["合计"][CRIMINAL_P] == 10
    assert rows["婚姻家庭纠纷"][SUCCESS] == 2  # D1 and X1
    # the township table of 酒泉路街道 holds only 城关区's disputes
    town = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.town, MARCH))
    assert town["合计"][RECEIVED] == 6 and town["合计"][AMOUNT] == Decimal("17000.50")


@pytest.mark.django_db
def test_sources_in_the_three_rule_27_groups(desk: Desk, data: dict[str, Any]) -> None:
    result = tables.build_for(TABLES["mediation_sources"], desk.t.county, MARCH)
    # columns: 受理纠纷 (本期 同比 环比), 调解结案, 调解成功率, 化解率
    rows = {r.label: [c.value for c in r.cells] for r in result.rows}
    assert list(rows)[:3] == ["主动调解", "申请调解", "接受委托移送调解"]
    assert rows["主动调解"][0] == 1  # D2
    assert rows["申请调解"][0] == 3  # D1 D5 D6
    assert rows["接受委托移送调解"][0] == 2  # D3 (court) and D7 (court); D4 was February
    assert rows["接受委托移送调解"][3] == 3  # mediated in March: D3 D4 D7
    assert rows["接受委托移送调解"][4] == Decimal("1.0000")
    assert rows["申请调解"][2] == Decimal("2.0000")  # 环比: F1 alone in February, 1 → 3
    assert rows["主动调解"][4] == Decimal("0.0000")  # D2 failed
    assert result.total.cells[0].value == 6


@pytest.mark.django_db
def test_drill_down_through_the_api(desk: Desk, data: dict[str, Any]) -> None:
    leader = make_user("wire_city", Role.LEADER, desk.t.city, can_act=False)
    wanted = "mediated,mediation_success,mediation_success_rate,agreement_amount,prevented_criminal"
    body = get(leader, "/areas", region=desk.t.city.code, period="2026-03",
               kinds="dispute,court_referral", indicators=wanted)  # fmt: skip
    assert body["figures"]["agreement_amount"]["value"] == "116999.50"
    assert body["figures"]["mediation_success_rate"]["value"] == "0.8333"  # 5 of 6
    children = {c["area"]["name"]: c["figures"] for c in body["children"]}
    assert set(children) == {"城关区", "七里河区"}
    assert children["城关区"]["mediated"]["value"] == "5"
    assert children["城关区"]["agreement_amount"]["text"] == "17000.50元"
    assert children["七里河区"]["prevented_criminal"]["value"] == "1"
    assert children["七里河区"]["mediation_success_rate"]["yoy"]["text"] == "无可比数据"
    # one level down: 城关区 → 酒泉路街道, then the village, then the grids
    county = get(leader, "/areas", region=desk.t.county.code, period="2026-03",
                 kinds="dispute,court_referral", indicators=wanted)  # fmt: skip
    assert [c["area"]["name"] for c in county["children"]] == ["酒泉路街道"]
    village = get(leader, "/areas", region=desk.t.village.code, period="2026-03",
                  kinds="dispute,court_referral", indicators=wanted)  # fmt: skip
    grids = {c["area"]["code"]: c["figures"] for c in village["children"]}
    assert grids[desk.t.grid_a1.code]["agreement_amount"]["value"] == "15000.00"  # D1 D7
    assert grids[desk.t.grid_a2.code]["agreement_amount"]["value"] == "2000.50"  # D3 D4
    assert grids[desk.t.grid_a2.code]["mediated"]["mom"]["text"] == "无可比数据"


@pytest.mark.django_db
def test_a_district_reader_sees_only_their_district(
    desk: Desk, data: dict[str, Any], county_leader: User, outsider: User
) -> None:
    body = get(county_leader, "/tables/mediation_monthly", region=desk.t.county.code,
               period="2026-03")  # fmt: skip
    assert body["total"]["cells"][AMOUNT]["value"] == "17000.50"
    assert body["pending"] == []
    # 七里河区 and the city are outside 城关区's scope: 404 like a missing area (AC-02)
    get(county_leader, "/tables/mediation_monthly", 404, region=desk.t.other_county.code,
        period="2026-03")  # fmt: skip
    get(county_leader, "/tables/mediation_monthly", 404, region=desk.t.city.code,
        period="2026-03")  # fmt: skip
    west = get(outsider, "/tables/mediation_monthly", period="2026-03")
    assert west["region"]["code"] == desk.t.other_county.code
    assert west["total"]["cells"][AMOUNT]["value"] == "99999.00"
    assert west["total"]["cells"][RECEIVED]["value"] == 1


@pytest.mark.django_db
def test_bad_table_input_is_a_per_field_422(desk: Desk, county_leader: User) -> None:
    body = get(county_leader, "/tables/mediation_monthly", 422, period="2026-13")
    assert body["errors"][0]["field"] == "period" and body["errors"][0]["message"]
    body = get(county_leader, "/tables/mediation_monthly/export", 422, period="2026-03",
               format="csv")  # fmt: skip
    assert body["errors"] == [{"field": "format", "message": "格式应为 xlsx、docx 或 pdf。"}]
    get(county_leader, "/tables/no_such_table", 404, period="2026-03")
    # a week has no category rows: the table says why instead of failing
    body = get(county_leader, "/tables/mediation_monthly", 422, period="2026-W12")
    assert "按月统计" in body["detail"]


@pytest.mark.django_db
def test_the_xlsx_export_reads_back(desk: Desk, data: dict[str, Any], county_leader: User) -> None:
    response = get(county_leader, "/tables/mediation_monthly/export", region=desk.t.county.code,
                   period="2026-03", format="xlsx")  # fmt: skip
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    flat = [str(v) for row in cells for v in row if v is not None]
    assert "城关区人民调解工作统计月报表（按纠纷类型）" in flat
    assert "防止民转刑" in flat and "防止群体性上访" in flat and "协议金额（元）" in flat
    marriage = next(row for row in cells if row and row[0] == "婚姻家庭纠纷")
    assert (marriage[1], marriage[4], marriage[5], marriage[6]) == (2, 2, 1, 0.5)
    assert (marriage[7], marriage[8], marriage[9], marriage[10]) == (5000, 1, 3, 0)
    assert marriage[13] == -50  # 化解率 同比: 100 % a year before (L1, L3), 50 % now
    total = next(row for row in cells if row and row[0] == "合计")
    assert total[4] == 5 and total[5] == 4 and total[7] == 17000.5 and total[9] == 3


@pytest.mark.django_db
def test_no_personal_information_in_the_outputs(desk: Desk, county_leader: User) -> None:
    title = "王小明与李四邻里纠纷 13912345678"
    d = dispute(desk.t.grid_a1, "TJ01", "2026-03-02", outcome="success",
                outcome_on="2026-03-03", amount="10", title=title)  # fmt: skip
    sync.sync()
    body = get(county_leader, "/tables/mediation_monthly", period="2026-03")
    text = str(body)
    assert "王小明" not in text and "13912345678" not in text and d.receipt_no not in text
    assert body["total"]["cells"][SUCCESS]["value"] == 1

"""The wired figures across periods and territory changes, each answer written here: weeks and
date ranges (the day rollup carries the provider measures to counties), an outcome recorded
after its village moved to another district, a retired grid, the levels a table stops at,
and the monthly 通报's dispute paragraph now that the mediation figures are provided."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fengqiao.accounts.models import Role
from fengqiao.mediation.models import Dispute
from fengqiao.regions.actions import do_reparent
from fengqiao.regions.models import Region
from fengqiao.reports import bulletin, periods, sync, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.models import SyncQueue
from fengqiao.reports.selectors import NotAvailable
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.records import by_label, dispute, get, petition, when
from fengqiao.testing import make_user

MARCH = periods.parse("2026-03")
KINDS = "dispute,court_referral"


@pytest.mark.django_db
def test_weeks_and_date_ranges_count_outcomes_on_their_day(desk: Desk) -> None:
    # 2026-03-10 is a Tuesday of ISO week 11; 2026-03-16 the Monday of week 12
    dispute(desk.t.grid_a1, "TJ02", "2026-03-09", outcome="success", outcome_on="2026-03-10",
            amount="70")  # fmt: skip
    dispute(desk.t.grid_a1, "TJ02", "2026-03-09", outcome="failure", outcome_on="2026-03-16")
    dispute(desk.t.grid_a2, "TJ02", "2026-03-15", outcome="success",
            outcome_on="2026-03-15 23:59", amount="30")  # fmt: skip
    sync.sync()
    leader = make_user("week_leader", Role.LEADER, desk.t.county, can_act=False)
    wanted = "received,mediated,mediation_success_rate,agreement_amount"

    def figures(period: str) -> dict[str, str | None]:
        body = get(leader, "/areas", period=period, kinds=KINDS, indicators=wanted)
        return {k: v["value"] for k, v in body["figures"].items()}

    assert figures("2026-W11") == {"received": "3", "mediated": "2",
                                   "mediation_success_rate": "1.0000",
                                   "agreement_amount": "100.00"}  # fmt: skip
    assert figures("2026-W12") == {"received": "0", "mediated": "1",
                                   "mediation_success_rate": "0.0000",
                                   "agreement_amount": "0.00"}  # fmt: skip
    assert figures("2026-03-01..2026-03-15")["agreement_amount"] == "100.00"
    assert figures("2026-03-16..2026-03-31")["mediated"] == "1"
    # the week's 环比 is the week before: nothing in W10
    body = get(leader, "/areas", period="2026-W11", kinds=KINDS, indicators="mediated")
    assert body["figures"]["mediated"]["mom"]["text"] == "无可比数据"
    assert body["figures"]["mediated"]["yoy"]["previous"] == "0"
    # below counties the day rollup stops: a township's week is refused, with the reason
    body = get(leader, "/areas", 422, region=desk.t.town.code, period="2026-W11",
               kinds=KINDS, indicators=wanted)  # fmt: skip
    assert "县" in body["detail"]


@pytest.mark.django_db
def test_an_outcome_after_the_village_moved_stays_with_the_old_district(desk: Desk) -> None:
    case = dispute(desk.t.grid_a1, "TJ03", "2026-03-02")  # 房屋宅基地, open
    sync.sync()
    do_reparent(desk.t.village, new_parent=desk.t.other_town, actor=None,
                effective_on=date(2026, 3, 20))  # fmt: skip
    Dispute.objects.filter(case=case).update(outcome="success", outcome_at=when("2026-03-25"),
                                             agreement_amount=Decimal("4500"))  # fmt: skip
    SyncQueue.objects.create(case_id=case.pk)
    late = dispute(Region.objects.get(pk=desk.t.grid_a1.pk), "TJ03", "2026-03-26",
                   outcome="success", outcome_on="2026-03-27", amount="500")  # fmt: skip
    sync.sync()
    assert sync.differences() == []
    rows = by_label(tables.build_for(TABLES["overview"], desk.t.city, MARCH))
    assert rows["城关区"][0] == 1 and rows["七里河区"][0] == 1  # received, by registration area
    county = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.county, MARCH))
    assert county["房屋宅基地纠纷"][3:7] == [1, 1, Decimal("1.0000"), Decimal("4500.00")]
    west = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.other_county, MARCH))
    assert west["房屋宅基地纠纷"][3:7] == [1, 1, Decimal("1.0000"), Decimal("500.00")]
    assert Region.objects.get(pk=late.region_id).path.startswith(desk.t.other_county.path)


@pytest.mark.django_db
def test_a_retired_grid_keeps_its_figures(desk: Desk) -> None:
    dispute(desk.t.grid_a2, "TJ02", "2026-03-02", outcome="success", outcome_on="2026-03-05",
            amount="60")  # fmt: skip
    sync.sync()
    Region.objects.filter(pk=desk.t.grid_a2.pk).update(retired_on="2026-03-20")
    leader = make_user("grid_leader", Role.LEADER, desk.t.county, can_act=False)
    body = get(leader, "/areas", region=desk.t.village.code, period="2026-03", kinds=KINDS,
               indicators="agreement_amount")  # fmt: skip
    retired = next(c for c in body["children"] if c["area"]["code"] == desk.t.grid_a2.code)
    assert retired["area"]["retired"] is True and retired["area"]["name"].endswith("（已撤销）")
    assert retired["figures"]["agreement_amount"]["value"] == "60.00"


@pytest.mark.django_db
def test_each_table_stops_at_its_level(desk: Desk) -> None:
    with pytest.raises(NotAvailable, match="乡镇"):
        tables.build_for(TABLES["mediation_sources"], desk.t.village, MARCH)
    with pytest.raises(NotAvailable, match="乡镇"):
        tables.build_for(TABLES["petition_units"], desk.t.village, MARCH)
    with pytest.raises(NotAvailable, match="乡镇"):
        tables.build_for(TABLES["petition_channels"], desk.t.grid_a1, MARCH)
    # the monthly table and the routing table go down to a grid
    grid = tables.build_for(TABLES["mediation_monthly"], desk.t.grid_a1, MARCH)
    assert grid.total.cells[0].value == 0
    routing = tables.build_for(TABLES["petition_routing"], desk.t.grid_a1, MARCH)
    assert routing.rows == [] and routing.total.cells[0].value == 0


@pytest.mark.django_db
def test_the_bulletin_states_the_mediation_figures(desk: Desk) -> None:
    dispute(desk.t.grid_a1, "TJ02", "2026-03-02", outcome="success", outcome_on="2026-03-05",
            amount="100", criminal=2)  # fmt: skip
    dispute(desk.t.grid_a1, "TJ02", "2026-03-03", outcome="success", outcome_on="2026-03-06",
            amount="50", group=8)  # fmt: skip
    dispute(desk.t.grid_a1, "TJ01", "2026-03-04", outcome="failure", outcome_on="2026-03-07")
    dispute(desk.t.grid_a1, "TJ01", "2026-03-05")
    petition(desk.t.grid_a1, "RX0501", "2026-03-06", about=desk.env)
    sync.sync()
    result = bulletin.build(desk.t.county, MARCH)
    text = "".join(result.body())
    assert (
        "本期全区共受理矛盾纠纷4件，同比无可比数据，环比无可比数据；化解2件，化解率50.00%；"
        "调解成功率66.67%，防止民转刑1件，防止群体性上访1件。"
    ) in text
    assert "本期受理信访事项1件" in text
    rate = next(t for t in result.traces if t["text"] == "66.67%")
    assert rate["indicator"] == "mediation_success_rate"
    assert (rate["numerator"], rate["denominator"]) == ("2", "3")

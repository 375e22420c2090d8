"""Every indicator on a small hand-made data set, made through the real case actions; the
right answers are written below, worked out by hand from the case list.

March 2026, 12345 orders (hotline clock: 5 working days from dispatch) and grid events:

| case | where | story |
|---|---|---|
| H1 | A1 | 03-02, dispatched 11:00, signed 12:00, replied 03-04, satisfied, resolved: on time |
| H2 | A1 | 03-03, dispatched 10:30, signed 03-05 10:00 (47.5 h: no response), basic, unresolved |
| H3 | A2 | 03-05, due 03-12; replied 03-20, dissatisfied → rework; closed 03-23 satisfied: late |
| H4 | A1 | 03-10, 即时办结 (no deadline): direct |
| H5 | A1 | 03-10, 不予受理: ended otherwise |
| H6 | A2 | 03-13, merged into H7: 并单 |
| H7 | A2 | 03-12, dispatched, signed, still open; overdue at the sweep of 03-26 |
| H8 | A1 | 03-15, flagged repeat, open |
| H9 | 西园网格 | 03-16, 七里河区住建局, closed 03-17 satisfied: on time |
| H10 | A1 | received 02-25 (February), closed 03-03 satisfied: closes in March |
| H11 | A1 | 03-25, after 秦安路社区 moved to 西园街道 (七里河区) on 03-24; 即时办结 |
| G1 | A1 | grid event 03-06, 就地化解: direct |
| G2 | A1 | grid event 03-07, reported, dispatched to 住建局, closed 03-09 (no deadline) |
| P1 | A1 | 2026-02-10, closed 02-12: February |
| P2 | A1 | 2025-03-10, closed 2025-03-11: March 2025 |
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fengqiao.regions.actions import do_reparent
from fengqiao.regions.models import Region
from fengqiao.reports import indicators as ind
from fengqiao.reports import periods, selectors, sync
from fengqiao.reports.selectors import Filters
from fengqiao.reports.tests.desk import Desk, at

MARCH = periods.parse("2026-03")
FEB = periods.parse("2026-02")
MARCH_2025 = periods.parse("2025-03")


def build(desk: Desk) -> dict[str, int]:
    d = desk
    ids: dict[str, int] = {}
    p2 = d.register(at("2025-03-10"))
    d.finish_hotline(
        p2,
        dispatched=at("2025-03-10", "11:00"),
        signed=at("2025-03-10", "12:00"),
        replied=at("2025-03-11"),
    )
    p1 = d.register(at("2026-02-10"))
    d.finish_hotline(
        p1,
        dispatched=at("2026-02-10", "11:00"),
        signed=at("2026-02-10", "12:00"),
        replied=at("2026-02-12"),
    )
    h10 = d.register(at("2026-02-25"))
    d.finish_hotline(
        h10,
        dispatched=at("2026-02-25", "11:00"),
        signed=at("2026-02-25", "12:00"),
        replied=at("2026-03-03"),
    )
    h1 = d.register(at("2026-03-02"))
    d.finish_hotline(
        h1,
        dispatched=at("2026-03-02", "11:00"),
        signed=at("2026-03-02", "12:00"),
        replied=at("2026-03-04"),
    )
    h2 = d.register(at("2026-03-03"))
    d.finish_hotline(
        h2,
        dispatched=at("2026-03-03", "10:30"),
        signed=at("2026-03-05"),
        replied=at("2026-03-05", "15:00"),
        satisfaction="basic",
        resolved=False,
    )
    h3 = d.register(at("2026-03-05"), region=d.t.grid_a2)
    d.dispatch(h3, at("2026-03-05", "10:30"))
    d.sign(h3, at("2026-03-05", "11:00"))
    d.reply(h3, at("2026-03-20"))
    d.approve(h3, at("2026-03-20", "11:00"))
    d.callback(h3, at("2026-03-20", "12:00"), "dissatisfied", None)
    d.reply(h3, at("2026-03-23"))
    d.approve(h3, at("2026-03-23", "11:00"))
    d.callback(h3, at("2026-03-23", "12:00"), "satisfied", True)
    h4 = d.register(at("2026-03-10"))
    d.answer(h4, at("2026-03-10", "10:05"))
    h5 = d.register(at("2026-03-10", "11:00"))
    d.reject(h5, at("2026-03-10", "11:05"))
    h7 = d.register(at("2026-03-12"), region=d.t.grid_a2)
    d.dispatch(h7, at("2026-03-12", "10:30"))
    d.sign(h7, at("2026-03-12", "11:00"))
    h6 = d.register(at("2026-03-13"), region=d.t.grid_a2)
    d.merge(h6, h7, at("2026-03-13", "10:10"))
    d.register(at("2026-03-15"), flags=("repeat",))  # H8
    h9 = d.register(at("2026-03-16"), region=d.t.other_grid, actor=d.west_operator)
    d.finish_hotline(
        h9,
        dispatched=at("2026-03-16", "11:00"),
        signed=at("2026-03-16", "12:00"),
        replied=at("2026-03-17"),
        unit=d.other,
    )
    g1 = d.register(
        at("2026-03-06"), kind="grid_event", category="WG02", channel="grid_patrol", actor=d.worker
    )
    d.on_site(g1, at("2026-03-06", "11:00"))
    g2 = d.register(
        at("2026-03-07"), kind="grid_event", category="WG02", channel="grid_patrol", actor=d.worker
    )
    d.dispatch(g2, at("2026-03-07", "11:00"), unit=d.housing)
    d.sign(g2, at("2026-03-07", "12:00"))
    d.reply(g2, at("2026-03-09"))
    d.close_event(g2, at("2026-03-09", "11:00"))
    d.sweep(at("2026-03-26"))  # H7 is overdue (due 03-19)
    # 撤并 moves 秦安路社区 under 西园街道 (七里河区); H11 comes after the move
    do_reparent(d.t.village, new_parent=d.t.other_town, actor=None, effective_on=date(2026, 3, 24))
    h11 = d.register(at("2026-03-25"), region=Region.objects.get(pk=d.t.grid_a1.pk))
    d.answer(h11, at("2026-03-25", "10:05"))
    d.sync()
    for name, case in dict(h1=h1, h3=h3, h6=h6, h7=h7, h9=h9, h10=h10, h11=h11).items():
        ids[name] = case.pk
    return ids


ALL = Filters()


def figure(
    desk_region: Region, indicator: str, period: periods.Period = MARCH, f: Filters = ALL
) -> ind.Figure:
    (sums,) = selectors.totals(desk_region, [period], f)
    return ind.compute(indicator, sums, {"region": desk_region.code, "period": period.code})


@pytest.mark.django_db
def test_every_indicator_on_the_hand_made_set(desk: Desk) -> None:
    build(desk)
    assert sync.differences() == []
    province = desk.t.province

    def value(indicator: str) -> tuple[object, object, object]:
        f = figure(province, indicator)
        return f.value, f.numerator, f.denominator

    assert value("received") == (11, 11, None)  # H1–H5, H7–H9, H11, G1, G2 (H6 is 并单)
    assert value("closed") == (9, 9, None)  # H1–H4, H9–H11, G1, G2 (H5 ended otherwise)
    assert value("on_time_rate") == (Decimal("0.8000"), 4, 5)  # H1 H2 H9 H10 of H1 H2 H3 H9 H10
    assert value("resolution_rate") == (Decimal("0.6364"), 7, 11)
    assert value("response_rate") == (Decimal("0.8333"), 5, 6)  # H2 signed after 47.5 h
    assert value("solve_rate") == (Decimal("0.8889"), 8, 9)  # H2 not resolved
    assert value("satisfaction_rate") == (Decimal("0.8000"), 4, 5)  # H3's first rating counts
    assert value("repeat_rate") == (Decimal("0.1667"), 2, 12)  # H6 merged + H8 flagged
    assert value("callback_rate") == (Decimal("0.8333"), 5, 6)  # G2 closed without callback
    assert value("overdue") == (2, 2, None)  # H3 closed late, H7 open past its deadline
    assert value("mediation_success_rate") == (None, 0, 0)  # no mediation records here
    assert value("merged")[0] == 1 and value("open_now")[0] == 2
    assert value("closed_direct")[0] == 3  # H4, H11, G1
    assert value("supervised")[0] == 1  # H7 (催办 the day after expiry)

    # 同比 and 环比: 1 case in March 2025, 2 in February (H10, P1)
    now = figure(province, "received")
    yoy = ind.change(now, figure(province, "received", MARCH_2025))
    mom = ind.change(now, figure(province, "received", FEB))
    assert (yoy.delta, yoy.text()) == (Decimal("10.0000"), "上升1000.00%")
    assert (mom.delta, mom.text()) == (Decimal("4.5000"), "上升450.00%")
    before = figure(province, "on_time_rate", FEB)
    rate_change = ind.change(figure(province, "on_time_rate"), before)
    assert rate_change.points and rate_change.text() == "降低20.00个百分点"  # 80 % vs 100 %

    # kinds: 9 orders and 2 grid events
    hotline = Filters(kinds=("hotline",))
    assert figure(province, "received", f=hotline).value == 9
    assert figure(province, "closed_direct", f=Filters(kinds=("grid_event",))).value == 1


@pytest.mark.django_db
def test_region_history_and_drill_down(desk: Desk) -> None:
    build(desk)
    t = desk.t
    county, west = t.county, t.other_county
    # the area at the time of registration: H11 counts under 七里河区, the rest stay in 城关区
    assert figure(county, "received").value == 9
    assert figure(west, "received").value == 2
    (kids,) = selectors.children(t.city, [MARCH])
    assert {k: v["received"] for k, v in kids.items()} == {county.pk: 9, west.pk: 2}
    (towns,) = selectors.children(west, [MARCH])
    assert {k: v["received"] for k, v in towns.items()} == {t.other_town.pk: 2}
    (villages,) = selectors.children(t.other_town, [MARCH])
    assert {k: v["received"] for k, v in villages.items()} == {
        t.other_village.pk: 1,  # H9
        t.village.pk: 1,  # H11, after the move
    }
    (old,) = selectors.children(t.town, [MARCH])
    assert {k: v["received"] for k, v in old.items()} == {t.village.pk: 9}
    (grids,) = selectors.children(t.village, [MARCH])
    # under 秦安路社区, as child of 酒泉路街道 (history) and of 西园街道 (now)
    assert {k: v["received"] for k, v in grids.items()} == {t.grid_a1.pk: 8, t.grid_a2.pk: 2}
    # 城关区's lead units in March
    (units,) = selectors.by_unit(county, "lead", [MARCH])
    env, housing = units[desk.env.pk], units[desk.housing.pk]
    assert (env["received"], env["dispatched"], env["responded"]) == (4, 4, 3)  # H1 H2 H3 H7
    assert (env["closed"], env["closed_due"], env["closed_on_time"]) == (4, 4, 3)  # + H10
    assert (housing["received"], housing["closed"]) == (1, 1)  # G2
    # the week of Mar 2–8 from the daily rollup: H1 H2 H3 G1 G2 received; H10 H1 H2 G1 closed
    (week,) = selectors.totals(t.province, [periods.parse("2026-W10")])
    assert (week["received"], week["closed"]) == (5, 4)
    # sources (channels)
    (sources,) = selectors.by_dimension(t.province, "source", [MARCH])
    assert {k: v["received"] for k, v in sources.items()} == {"hotline_phone": 9, "grid_patrol": 2}


@pytest.mark.django_db
def test_unmerge_and_rebuild_change_nothing_twice(desk: Desk) -> None:
    ids = build(desk)
    before = sync.stored()
    rebuilt = sync.rebuild()
    assert rebuilt.cases == 15 and sync.stored() == before
    from fengqiao.cases.models import Case

    desk.unmerge(Case.objects.get(pk=ids["h6"]), at("2026-03-27"))
    desk.sync()
    assert figure(desk.t.province, "received").value == 12  # H6 is its own case again
    assert figure(desk.t.province, "merged").value == 0
    assert sync.differences() == []

"""Statistics hooks (rule 27) and the diversion report (seed 003), 繁简分流 suggestions (rule 28):
built from fields, each dispute counted once, each hand-off once; suggestions from the amount,
the category and the provincial wage entered with its source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.actions import do_register
from fengqiao.cases.models import Case
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import AverageWage, Dispute, MediationStage
from fengqiao.mediation.stats import amount_total, dispute_table, diversion_report
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.mediation.tests.helpers import accept, draft, intake, settle, to_mediating
from fengqiao.mediation.tracks import province_of, suggest
from fengqiao.procedures.testing import at, travel
from fengqiao.testing import Territory

ON = dt.date(2026, 6, 1)


def _settled(
    territory: Territory,
    grid_worker: User,
    villager: User,
    bodies: Bodies,
    *,
    category: str = "TJ02",
    form: str = "written",
    day: str = "2026-03-02",
    **kw: object,
) -> Case:
    case = intake(
        grid_worker, territory.grid_a1, bodies.village, at(day, 9), category=category, **kw
    )
    case = to_mediating(
        accept(case, villager, at(day, 10)), villager, bodies.mediators["village"], at(day, 11)
    )
    return settle(case, villager, at(day, 15), form=form)


# ------------------------------------------------------------------ the rule-27 table


def test_table_by_top_category_with_rates_amounts_and_prevention(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    _settled(territory, grid_worker, villager, bodies, category="TJ0601")
    _settled(
        territory,
        grid_worker,
        villager,
        bodies,
        category="TJ0602",
        criminal_risk=True,
        police_unit=bodies.police,
    )
    failed = intake(
        grid_worker, territory.grid_a1, bodies.village, at("2026-03-03", 9), category="TJ06"
    )
    failed = to_mediating(
        accept(failed, villager, at("2026-03-03", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-03", 11),
    )
    with travel(at("2026-03-04")):
        m.do_record_outcome(failed, actor=villager, outcome="failure", reason="不成")
    intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-05", 9), category="TJ0101")
    table = dispute_table(Case.objects.all())
    assert table.disputes == 4 and table.handoffs == 0
    rows = {r.code: r for r in table.rows}
    assert set(rows) == {"TJ01", "TJ06"}  # children counted under their top category
    damages = rows["TJ06"]
    assert (damages.disputes, damages.succeeded) == (3, 2)
    assert damages.success_rate == round(2 / 3, 4)
    assert damages.agreement_amount == Decimal("200")
    assert (damages.prevented_criminal, damages.prevented_criminal_people) == (1, 2)
    assert damages.prevented_group_petition == 0
    family = rows["TJ01"]
    assert (family.disputes, family.succeeded, family.success_rate) == (1, 0, 0.0)
    assert [r.code for r in table.rows] == ["TJ01", "TJ06"]  # sorted by code
    assert damages.name == "损害赔偿纠纷"


def test_sources_split_three_ways(
    territory: Territory,
    grid_worker: User,
    villager: User,
    county_operator: User,
    bodies: Bodies,
) -> None:
    intake(villager, territory.grid_a1, bodies.village, at("2026-03-02", 9), source="initiative")
    intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 10))
    intake(
        grid_worker,
        territory.grid_a1,
        bodies.village,
        at("2026-03-02", 11),
        source="police",
        referred_by=bodies.police,
    )
    with travel(at("2026-03-02", 12)):
        m.do_intake_court_referral(
            draft(territory.grid_a1),
            m.ReferralDraft(court=bodies.court, referral_type="delegated", route=bodies.route),
            actor=county_operator,
        )
    table = dispute_table(Case.objects.all())
    assert table.by_source == {"主动调解": 1, "申请调解": 1, "接受委托移送调解": 2}
    assert table.disputes == 4


def test_uncategorised_disputes_have_their_own_line(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    d = draft(territory.grid_a1)
    d.category = None
    with travel(at("2026-03-02", 9)):
        m.do_intake_dispute(d, m.DisputeDraft(), actor=grid_worker)
    table = dispute_table(Case.objects.all())
    assert [(r.code, r.name, r.disputes) for r in table.rows] == [("", "未分类", 1)]


def test_the_table_ignores_other_kinds_and_respects_the_queryset(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    settled = _settled(territory, grid_worker, villager, bodies)
    other = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-03", 9))
    assert dispute_table(Case.objects.filter(pk=other.pk)).disputes == 1
    assert dispute_table(Case.objects.none()).disputes == 0
    assert dispute_table(Case.objects.none()).rows == []
    assert amount_total(Case.objects.all()) == Decimal("100")
    assert amount_total(Case.objects.filter(pk=other.pk)) == Decimal("0")
    assert Dispute.objects.get(case=settled).succeeded


def test_group_prevention_is_counted_with_people(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    _settled(territory, grid_worker, villager, bodies, group_risk=True)
    row = dispute_table(Case.objects.all()).rows[0]
    assert (row.prevented_group_petition, row.prevented_group_petition_people) == (1, 2)
    assert (row.prevented_criminal, row.prevented_criminal_people) == (0, 0)


def test_each_transfer_is_one_handoff_and_the_dispute_one_dispute(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    township = member("township_m", bodies.township)
    admin = member("admin_m", bodies.admin)
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = accept(case, villager, at("2026-03-02", 10))
    with travel(at("2026-03-02", 11)):
        case = m.do_transfer(case, actor=villager, to_org=bodies.township, reason="跨社区")
    case = accept(case, township, at("2026-03-03", 9))
    with travel(at("2026-03-03", 10)):
        case = m.do_transfer(case, actor=township, to_org=bodies.admin, reason="属劳动争议")
    case = accept(case, admin, at("2026-03-04", 9))
    case = to_mediating(case, admin, bodies.mediators["admin"], at("2026-03-05"))
    settle(case, admin, at("2026-03-06"))
    table = dispute_table(Case.objects.all())
    assert table.disputes == 1 and table.handoffs == 2
    stages = list(MediationStage.objects.filter(case=case).order_by("seq"))
    assert [s.mediation_type for s in stages] == ["people", "people", "administrative"]
    assert [s.previous_id for s in stages] == [None, stages[0].pk, stages[1].pk]
    assert [s.outcome for s in stages] == ["transferred", "transferred", "settled"]


# ------------------------------------------------------------------ the diversion report


def _referral(territory: Territory, county_operator: User, bodies: Bodies, hour: int) -> Case:
    with travel(at("2026-03-02", hour)):
        return m.do_intake_court_referral(
            draft(territory.grid_a1),
            m.ReferralDraft(court=bodies.court, referral_type="delegated", route=bodies.route),
            actor=county_operator,
        ).case


def _fail(case: Case, unit_user: User, mediator_key: str, bodies: Bodies, day: str) -> Case:
    case = accept(case, unit_user, at(day, 9))
    case = to_mediating(case, unit_user, bodies.mediators[mediator_key], at(day, 10))
    with travel(at(day, 11)):
        return m.do_record_outcome(case, actor=unit_user, outcome="failure", reason="不成")


def test_share_settled_at_each_step(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    centre = member("centre_m", bodies.centre)
    pretrial = member("pretrial_m", bodies.pretrial)
    team = member("team_m", bodies.team)
    first = _referral(territory, county_operator, bodies, 9)  # settles at step 1
    second = _referral(territory, county_operator, bodies, 10)  # settles at step 2
    third = _referral(territory, county_operator, bodies, 11)  # fails everywhere
    c = to_mediating(
        accept(first, centre, at("2026-03-03", 9)),
        centre,
        bodies.mediators["centre"],
        at("2026-03-03", 10),
    )
    settle(c, centre, at("2026-03-03", 11))
    c = _fail(second, centre, "centre", bodies, "2026-03-03")
    assert c.status == "dispatched" and c.lead_unit_id == bodies.pretrial.pk
    c = to_mediating(
        accept(c, pretrial, at("2026-03-04", 9)),
        pretrial,
        bodies.mediators["pretrial"],
        at("2026-03-04", 10),
    )
    settle(c, pretrial, at("2026-03-04", 11))
    c = _fail(third, centre, "centre", bodies, "2026-03-03")
    c = _fail(c, pretrial, "pretrial", bodies, "2026-03-04")
    c = _fail(c, team, "team", bodies, "2026-03-05")
    assert c.status == "returned" and not c.is_open
    referred, steps = diversion_report(bodies.route, Case.objects.all())
    assert referred == 3
    assert [(s.order, s.reached, s.settled) for s in steps] == [(1, 3, 1), (2, 2, 1), (3, 1, 0)]
    assert [s.share_of_reached for s in steps] == [round(1 / 3, 4), 0.5, 0.0]
    assert [s.share_of_referred for s in steps] == [round(1 / 3, 4), round(1 / 3, 4), 0.0]
    assert [s.unit for s in steps] == [bodies.centre.name, bodies.pretrial.name, bodies.team.name]
    # every diversion step after the first is a hand-off; each referral is one dispute
    table = dispute_table(Case.objects.all())
    assert table.disputes == 3 and table.handoffs == 3
    # the referral clock ran once per referral, not once per step
    from fengqiao.procedures.models import CaseTimer

    assert CaseTimer.objects.filter(case=third, code="court.delegated_mediation").count() == 1


def test_report_of_an_unused_route(bodies: Bodies) -> None:
    referred, steps = diversion_report(bodies.route, Case.objects.all())
    assert referred == 0 and [s.reached for s in steps] == [0, 0, 0]
    assert all(s.share_of_reached is None and s.share_of_referred is None for s in steps)


# ------------------------------------------------------------------ 繁简分流


@pytest.fixture
def wage(territory: Territory) -> AverageWage:
    # Test figure, not a published statistic.
    return AverageWage.objects.create(
        province=territory.province,
        year=2025,
        amount=Decimal("88888.88"),
        source_document="测试数据（非真实统计数字）",
    )


def _case(territory: Territory, category: str, amount: str | None) -> Case:
    return do_register(
        draft(territory.grid_a1, category, Decimal(amount) if amount else None), actor=None
    ).case


def test_threshold_rounds_down_to_the_fen(territory: Territory, wage: AverageWage) -> None:
    result = suggest(_case(territory, "TJ04", "44444.44"), on=ON)
    assert result.threshold == Decimal("44444.44")  # 50 % of 88888.88
    assert result.consent_threshold == Decimal("177777.76")
    assert result.wage_year == 2025 and result.wage_source == "测试数据（非真实统计数字）"
    assert result.options[0].track == "small_claims" and not result.options[0].needs_consent
    assert (
        "《中华人民共和国民事诉讼法（2023年修正）》第一百六十五条第一款"
        in result.options[0].reasons[0]
    )


def test_one_fen_above_needs_consent(territory: Territory, wage: AverageWage) -> None:
    result = suggest(_case(territory, "TJ04", "44444.45"), on=ON)
    assert [o.track for o in result.options] == ["simplified", "small_claims", "ordinary"]
    assert result.options[1].needs_consent and result.options[1].label.endswith("（须双方约定）")


def test_above_twice_no_small_claims(territory: Territory, wage: AverageWage) -> None:
    result = suggest(_case(territory, "TJ04", "177777.77"), on=ON)
    assert [o.track for o in result.options] == ["simplified", "ordinary"]
    assert "不适用小额诉讼程序" in result.notes[0]


def test_without_an_amount_no_small_claims(territory: Territory, wage: AverageWage) -> None:
    result = suggest(_case(territory, "TJ04", None), on=ON)
    assert [o.track for o in result.options] == ["simplified", "ordinary"]
    assert "未填写标的额" in result.notes[0]


def test_excluded_category_explains_why(territory: Territory, wage: AverageWage) -> None:
    result = suggest(_case(territory, "TJ01", "100.00"), on=ON)
    assert [o.track for o in result.options] == ["simplified", "ordinary"]
    assert result.notes and "第一百六十六条" in result.notes[0]


def test_the_wage_of_the_previous_year_applies(territory: Territory, wage: AverageWage) -> None:
    result = suggest(_case(territory, "TJ04", "100.00"), on=dt.date(2027, 1, 5))
    assert result.threshold is None and "未录入2026年度" in result.notes[0]


def test_trial_limits_are_quoted_from_the_rules(territory: Territory, wage: AverageWage) -> None:
    result = suggest(_case(territory, "TJ04", "100.00"), on=ON)
    limits = {o.track: o.trial_limit for o in result.options}
    assert "民事诉讼法" in limits["small_claims"] and "2" in limits["small_claims"]
    assert "民事诉讼法" in limits["simplified"] and "3" in limits["simplified"]
    assert "民事诉讼法" in limits["ordinary"] and "6" in limits["ordinary"]


def test_province_of(territory: Territory) -> None:
    assert province_of(territory.grid_a1) == territory.province
    assert province_of(territory.province) == territory.province
    assert province_of(territory.other_grid) == territory.province

"""The wiring end to end through the mediation app's own actions: a grid worker's intake,
acceptance, a session, a risk flagged and prevented, the outcome with its agreement — each
action's timeline row queues the case, the on-commit sync counts it, and the rule-27 table
agrees with the mediation app's own table (`mediation.stats.dispute_table`) on the same
disputes, because both count through `outcome_measures`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import ensure_reference_data
from fengqiao.mediation import actions as m
from fengqiao.mediation.stats import dispute_table
from fengqiao.mediation.tests import conftest as mediation_fixtures
from fengqiao.mediation.tests.conftest import Bodies
from fengqiao.mediation.tests.helpers import accept, intake, to_mediating
from fengqiao.procedures.testing import at, travel
from fengqiao.reports import periods, sync, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.models import CaseFact, SyncQueue
from fengqiao.reports.tests.records import by_label
from fengqiao.testing import Territory

MARCH = periods.parse("2026-03")
# the mediation tests' bodies (committees, court, police, route) and village mediator
bodies = mediation_fixtures.bodies
villager = mediation_fixtures.villager


def _settle(case: Case, actor: User, when: dt.datetime, amount: str, **kw: Any) -> Case:
    with travel(when):
        return m.do_record_outcome(
            case,
            actor=actor,
            outcome=kw.pop("outcome", "success"),
            agreement=m.AgreementDraft(
                form="written", facts="事实", disputed_points="争议", terms=["赔偿"],
                performance_manner="转账", performance_deadline=dt.date(2026, 12, 31),
                amount=Decimal(amount),
            ),
            **kw,
        )  # fmt: skip


def _journey(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies, day: str,
    category: str, **kw: Any,
) -> Case:  # fmt: skip
    by = villager if kw.get("source") == "initiative" else grid_worker
    case = intake(by, territory.grid_a1, bodies.village, at(day, 9), category=category, **kw)
    if by is grid_worker:  # a committee's own initiative is accepted at intake
        case = accept(case, villager, at(day, 10))
    return to_mediating(case, villager, bodies.mediators["village"], at(day, 11))


@pytest.mark.django_db(transaction=True)
def test_actions_reach_the_table_after_commit(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    ensure_reference_data()  # an earlier transactional test's flush removed the seeded rows
    case = _journey(territory, grid_worker, villager, bodies, "2026-03-02", "TJ0601")
    with travel(at("2026-03-03", 9)):
        m.do_flag_risk(case, actor=villager, criminal=True, group=False,
                       police_unit=bodies.police, reason="双方言语冲突激烈")  # fmt: skip
    case.refresh_from_db()
    _settle(case, villager, at("2026-03-04", 15), "3200.00",
            prevention=m.Prevention(criminal_people=2))  # fmt: skip
    # every action synced on commit: nothing left in the queue
    assert SyncQueue.objects.count() == 0
    fact = CaseFact.objects.get(case_id=case.pk)
    assert fact.source == "application" and fact.extra_on == dt.date(2026, 3, 4)
    assert fact.extra["agreement_amount"] == "3200.00"
    rows = by_label(tables.build_for(TABLES["mediation_monthly"], territory.province, MARCH))
    damages = rows["损害赔偿纠纷"]
    assert damages[0] == 1 and damages[3:9] == [1, 1, Decimal("1.0000"), Decimal("3200.00"), 1, 2]
    assert damages[11] == Decimal("1.0000")  # resolved by the success
    assert sync.differences() == []


@pytest.mark.django_db
def test_the_statistics_agree_with_the_mediation_apps_own_table(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    first = _journey(territory, grid_worker, villager, bodies, "2026-03-02", "TJ0601",
                     group_risk=True)  # fmt: skip
    _settle(first, villager, at("2026-03-05", 15), "800.00",
            prevention=m.Prevention(group_people=25))  # fmt: skip
    second = _journey(territory, grid_worker, villager, bodies, "2026-03-03", "TJ06")
    with travel(at("2026-03-06", 15)):
        m.do_record_outcome(second, actor=villager, outcome="failure", reason="双方分歧大")
    third = _journey(territory, grid_worker, villager, bodies, "2026-03-04", "TJ0101",
                     source="initiative")  # fmt: skip
    _settle(third, villager, at("2026-03-09", 15), "0.00", outcome="partial")
    intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-10", 9), category="TJ02")
    sync.sync()

    own = {row.name: row for row in dispute_table(Case.objects.all()).rows}
    rows = by_label(tables.build_for(TABLES["mediation_monthly"], territory.province, MARCH))
    for name, row in own.items():
        ours = rows[name]
        assert ours[0] == row.disputes, name  # all received in March
        assert ours[4] == row.succeeded, name
        assert ours[6] == row.agreement_amount, name
        assert (ours[9], ours[10]) == (
            row.prevented_group_petition, row.prevented_group_petition_people,
        ), name  # fmt: skip
    assert rows["损害赔偿纠纷"][3:7] == [2, 1, Decimal("0.5000"), Decimal("800.00")]
    assert rows["损害赔偿纠纷"][9:11] == [1, 25]
    assert rows["婚姻家庭纠纷"][3:6] == [1, 1, Decimal("1.0000")]  # partial counts as success
    assert rows["邻里纠纷"][0] == 1 and rows["邻里纠纷"][3] == 0  # open
    sources = tables.build_for(TABLES["mediation_sources"], territory.province, MARCH)
    assert {r.label: r.cells[0].value for r in sources.rows if r.cells[0].value} == {
        "主动调解": 1, "申请调解": 3,
    }  # fmt: skip
    assert sync.differences() == []


@pytest.mark.django_db
def test_a_transfer_undoes_the_count_until_the_next_body_decides(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = _journey(territory, grid_worker, villager, bodies, "2026-03-02", "TJ02")
    with travel(at("2026-03-05", 15)):
        case = m.do_record_outcome(case, actor=villager, outcome="failure", reason="不成")
    sync.sync()
    rows = by_label(tables.build_for(TABLES["mediation_monthly"], territory.county, MARCH))
    assert rows["邻里纠纷"][3:5] == [1, 0]
    with travel(at("2026-03-06", 9)):
        m.do_transfer(case, actor=villager, to_org=bodies.township, reason="移交街道调委会")
    sync.sync()
    rows = by_label(tables.build_for(TABLES["mediation_monthly"], territory.county, MARCH))
    assert rows["邻里纠纷"][0] == 1 and rows["邻里纠纷"][3:5] == [0, 0]  # one dispute, no outcome
    table = dispute_table(Case.objects.all())
    assert table.disputes == 1 and table.handoffs == 1
    assert sync.differences() == []

"""Property: after any sequence of changes to the mediation and petition records (outcomes
set, undone and set again, amounts, prevention, routings, recommendations made and
answered, cases merged) with syncs at random points, the rollups equal a recomputation from
the raw tables, and the province's provider totals equal plain counts of the records — an
oracle that shares no code with the providers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.cases.models import Case
from fengqiao.mediation.models import Dispute
from fengqiao.petitions.models import Petition, Recommendation
from fengqiao.regions.models import Region
from fengqiao.reports import selectors, sync
from fengqiao.reports.models import AreaMonth, SyncQueue
from fengqiao.reports.periods import months
from fengqiao.reports.tests.desk import CST, Desk
from fengqiao.reports.tests.records import dispute, petition, recommend
from fengqiao.units.models import Unit, UnitType

OPS = ["dispute", "petition", "outcome", "undo", "route", "recommend", "answer", "merge", "sync"]
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=CST)


def _bureau(desk: Desk) -> Unit:
    return Unit.objects.get_or_create(
        code="XF-P", defaults={"name": "信访局", "unit_type": UnitType.PETITION_BUREAU,
                               "region": desk.t.county},
    )[0]  # fmt: skip


def _queue(case: Case) -> None:
    SyncQueue.objects.create(case_id=case.pk)


def _apply(desk: Desk, op: str, param: int, when: dt.datetime, made: list[Case]) -> None:
    grids = [desk.t.grid_a1, desk.t.grid_a2, desk.t.other_grid]
    day = when.strftime("%Y-%m-%d %H:%M")
    disputes = [c for c in made if c.kind == "dispute"]
    petitions = [c for c in made if c.kind == "petition"]
    if op == "dispute" or (op in ("outcome", "undo", "merge") and not disputes):
        made.append(dispute(grids[param % 3], ("TJ01", "TJ02", "TJ0601")[param % 3], day))
    elif op == "petition" or (op in ("route", "recommend", "answer") and not petitions):
        made.append(petition(grids[param % 3], "RX0501", day, about=desk.env))
    elif op == "outcome":
        case = disputes[param % len(disputes)]
        outcome = ("success", "partial", "failure")[param % 3]
        Dispute.objects.filter(case=case).update(
            outcome=outcome, outcome_at=when, agreement_amount=Decimal(param * 10 + 1) / 4,
            prevented_criminal=param % 2 == 0, prevented_criminal_people=param % 5,
            prevented_group_petition=param % 3 == 0, prevented_group_petition_people=param,
        )  # fmt: skip
        _queue(case)
    elif op == "undo":
        case = disputes[param % len(disputes)]
        Dispute.objects.filter(case=case).update(outcome="", outcome_at=None)
        _queue(case)
    elif op == "merge" and len(disputes) > 1:
        case, parent = disputes[param % len(disputes)], disputes[(param + 1) % len(disputes)]
        if parent.parent_id is None and case.pk != parent.pk:
            Case.objects.filter(pk=case.pk).update(status="merged", parent=parent, is_open=False)
            case.refresh_from_db()
            _queue(case)
    elif op == "route":
        case = petitions[param % len(petitions)]
        mode = ("transfer", "assign")[param % 2]
        Petition.objects.filter(case=case).update(routing_mode=mode, routed_at=when)
        _queue(case)
    elif op == "recommend":
        recommend(petitions[param % len(petitions)], _bureau(desk), desk.env, day)
    elif op == "answer":
        row = Recommendation.objects.filter(adopted__isnull=True).order_by("pk").first()
        if row is not None:
            Recommendation.objects.filter(pk=row.pk).update(adopted=param % 2 == 0)
            _queue(row.case)
    else:
        sync.sync()


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPS), st.integers(0, 11), st.integers(1, 400)),
        min_size=1,
        max_size=20,
    )
)
def test_provider_rollups_equal_a_recomputation(
    desk: Desk, steps: list[tuple[str, int, int]]
) -> None:
    when = START + dt.timedelta(days=Case.objects.count())
    made: list[Case] = []
    for op, param, hours in steps:
        when += dt.timedelta(hours=hours)
        _apply(desk, op, param, when, made)
    sync.sync()
    assert sync.pending() == 0
    assert sync.differences() == []
    (everything,) = selectors.grouped(
        AreaMonth.objects.filter(region=desk.t.province.pk), "region",
        [months(dt.date(2025, 1, 1), dt.date(2030, 12, 1))], "month",
    )  # fmt: skip
    province = everything.get(desk.t.province.pk, selectors.zero())
    live = Dispute.objects.filter(case__parent__isnull=True).exclude(case__status="merged")
    decided = live.exclude(outcome="")
    succeeded = decided.filter(outcome__in=["success", "partial"])
    assert province["mediated"] == decided.count()
    assert province["mediation_success"] == succeeded.count()
    amount = sum((d.agreement_amount or Decimal(0) for d in succeeded), Decimal(0))
    assert province["agreement_amount"] == amount
    assert province["prevented_criminal"] == decided.filter(prevented_criminal=True).count()
    assert province["prevented_group_people"] == sum(
        d.prevented_group_petition_people for d in decided if d.prevented_group_petition
    )
    assert province["routed_transfer"] == Petition.objects.filter(routing_mode="transfer").count()
    assert province["routed_assign"] == Petition.objects.filter(routing_mode="assign").count()
    assert province["recommendations"] == Recommendation.objects.count()
    assert (
        province["recommendations_adopted"] == Recommendation.objects.filter(adopted=True).count()
    )
    assert Region.objects.filter(pk=desk.t.province.pk).exists()

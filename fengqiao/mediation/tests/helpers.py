"""Builders for the mediation rule tests: a dispute through the actions at a chosen instant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases import sweep
from fengqiao.cases.actions import CaseDraft, PartyDraft
from fengqiao.cases.errors import CaseError, Invalid
from fengqiao.cases.models import Case, PartyRole
from fengqiao.cases.workflow import Kind
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import Mediator
from fengqiao.procedures.models import CaseTimer
from fengqiao.procedures.testing import travel
from fengqiao.regions.models import Region
from fengqiao.units.models import Category, Unit


def draft(region: Region, category: str = "TJ02", amount: Decimal | None = None) -> CaseDraft:
    return CaseDraft(
        kind=Kind.DISPUTE,
        channel="grid_patrol",
        description="相邻关系纠纷，双方争执不下",
        region=region,
        category=Category.objects.get(code=category),
        amount=amount,
        parties=[
            PartyDraft(role=PartyRole.COMPLAINANT, name="甲方", phone="13912345678"),
            PartyDraft(role=PartyRole.RESPONDENT, name="乙方", phone="13812345678"),
        ],
    )


def intake(actor: User, region: Region, org: Unit, at: dt.datetime, **kw: object) -> Case:
    category = str(kw.pop("category", "TJ02"))
    with travel(at):
        details = m.DisputeDraft(org=org, **kw)  # type: ignore[arg-type]
        return m.do_intake_dispute(draft(region, category), details, actor=actor).case


def accept(case: Case, actor: User, at: dt.datetime) -> Case:
    with travel(at):
        return m.do_accept_dispute(case, actor=actor)


def to_mediating(case: Case, actor: User, mediator: Mediator, at: dt.datetime) -> Case:
    with travel(at):
        case = m.do_assign_mediators(
            case, actor=actor, picks=[m.MediatorPick(mediator, True)], chosen_by="designated"
        )
        m.do_hold_session(
            case,
            actor=actor,
            draft=m.SessionDraft(
                held_at=at, mode="on_site", record="调解记录", mediators=[mediator]
            ),
        )
        case.refresh_from_db()
        return case


def settle(case: Case, actor: User, at: dt.datetime, form: str = "written") -> Case:
    with travel(at):
        return m.do_record_outcome(
            case,
            actor=actor,
            outcome="success",
            agreement=m.AgreementDraft(
                form=form,
                facts="事实",
                disputed_points="争议",
                terms=["乙方赔偿甲方100元"],
                performance_manner="现金",
                performance_deadline=dt.date(2026, 12, 31),
                amount=Decimal("100"),
            ),
        )


def timer(case: Case, code: str) -> CaseTimer:
    return CaseTimer.objects.filter(case=case, code=code).order_by("-pk").first()  # type: ignore[return-value]


def overdue_after_sweep(case: Case, code: str, now: dt.datetime) -> bool:
    """Run the whole sweep at `now`; is the clock `code` now marked overdue?"""
    with travel(now):
        sweep.run(now)
    return timer(case, code).overdue_at is not None


@contextmanager
def refused(text: str, kind: type[CaseError] = Invalid) -> Iterator[None]:
    """The block must raise `kind` whose Chinese message contains `text`."""
    with pytest.raises(kind) as info:
        yield
    assert text in info.value.detail, info.value.detail

"""Builders for the petition rule tests: an item through the actions at a chosen instant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases import sweep
from fengqiao.cases.actions import CaseDraft, PartyDraft
from fengqiao.cases.errors import CaseError, Invalid
from fengqiao.cases.models import Case, PartyRole
from fengqiao.cases.workflow import Kind
from fengqiao.petitions import actions as p
from fengqiao.procedures.models import CaseTimer
from fengqiao.procedures.testing import VALID_ID, travel
from fengqiao.regions.models import Region
from fengqiao.units.models import Category, Unit


def draft(
    region: Region,
    *,
    about: Unit | None = None,
    category: str = "RX02",
    phone: str = "13912345678",
    id_number: str = VALID_ID,
    people: int = 1,
) -> CaseDraft:
    """A petition from one petitioner (or `people` visitors) about `about`."""
    parties = [
        PartyDraft(
            role=PartyRole.COMPLAINANT,
            name="赵四" if i == 0 else f"代表{i}",
            phone=phone if i == 0 else f"1391234{i:04d}",
            id_number=id_number if i == 0 else "",
        )
        for i in range(people)
    ]
    return CaseDraft(
        kind=Kind.PETITION,
        channel="online_petition",
        description="小区加装电梯补贴未按规定发放",
        region=region,
        category=Category.objects.get(code=category),
        respondent_unit=about,
        parties=parties,
    )


def register(
    region: Region,
    at: dt.datetime,
    *,
    channel: str = "online",
    received_by: Unit | None = None,
    petition_type: str = "",
    **kw: object,
) -> Case:
    with travel(at):
        details = p.PetitionDraft(
            channel=channel, received_by=received_by, petition_type=petition_type
        )
        registered = p.do_register_petition(draft(region, **kw), details, actor=None)  # type: ignore[arg-type]
    return Case.objects.get(pk=registered.case.pk)


def route(
    case: Case,
    clerk: User,
    organ: Unit,
    at: dt.datetime,
    *,
    petition_type: str = "claim",
    claim_route: str = "investigate",
    mode: str = "assign",
    litigation_related: bool = False,
) -> Case:
    with travel(at):
        return p.do_route(
            case,
            actor=clerk,
            organ=organ,
            mode=mode,
            petition_type=petition_type,
            route=claim_route if petition_type == "claim" else "",
            litigation_related=litigation_related,
        )


def accept(case: Case, officer: User, at: dt.datetime, mode: str = "written") -> Case:
    with travel(at):
        return p.do_accept_petition(case, actor=officer, mode=mode)


def decision(outcome: str = "explain", delivered_at: dt.datetime | None = None) -> p.DecisionDraft:
    return p.DecisionDraft(
        outcome=outcome,
        request="请求发放加装电梯财政补贴",
        facts="经核实，补贴申请材料缺少业主同意书",
        reasons="补齐材料后可按程序发放",
        basis=["兰州市既有住宅加装电梯实施办法第十二条"],
        delivered_at=delivered_at,
    )


def decide(case: Case, officer: User, at: dt.datetime, outcome: str = "explain") -> Case:
    with travel(at):
        return p.do_decide(case, actor=officer, draft=decision(outcome))


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

"""Petitions as the API shows them: the engine's case detail (masked; the complainant withheld
from the unit complained about), the petition record, notices, decisions, reviews, clocks —
and the petitioner's own view by query code (key dates only, no officials' names)."""

from __future__ import annotations

from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.audit.actions import scrub
from fengqiao.cases.api.present import detail_out, list_out
from fengqiao.cases.models import Case
from fengqiao.petitions.actions.common import petition_of
from fengqiao.petitions.api import schemas as s
from fengqiao.petitions.models import (
    Decision,
    DecisionLevel,
    DecisionOutcome,
    Notice,
    NoticeKind,
    PetitionChannel,
    ReviewRequest,
)
from fengqiao.procedures.api import timers_out
from fengqiao.procedures.models import CaseTimer


def decision_out(d: Decision) -> s.DecisionOut:
    return s.DecisionOut(
        id=d.pk,
        level=d.level,
        level_label=DecisionLevel(d.level).label,
        organ=d.organ.name,
        number=d.number,
        outcome=d.outcome,
        outcome_label=DecisionOutcome(d.outcome).label,
        decided_at=d.decided_at,
        delivered_at=d.delivered_at,
    )


def petition_list_out(case: Case, user: User) -> s.PetitionListOut:
    petition = getattr(case, "petition", None)
    return s.PetitionListOut(
        **list_out(case, user).model_dump(),
        channel_label=PetitionChannel(petition.channel).label if petition else "",
        petition_type=petition.petition_type if petition else "",
    )


def petition_out(case: Case, user: User) -> s.PetitionOut:
    fresh = Case.objects.select_related(
        "region", "category", "lead_unit", "parent", "respondent_unit"
    ).get(pk=case.pk)
    p = petition_of(fresh)
    return s.PetitionOut(
        case=detail_out(fresh, user),
        petition=s.PetitionInfo(
            channel=p.channel,
            channel_label=PetitionChannel(p.channel).label,
            petition_type=p.petition_type,
            route=p.route,
            litigation_related=p.litigation_related,
            received_by=p.received_by.name if p.received_by else None,
            about_unit=p.about_unit.name if p.about_unit else None,
            is_group=p.is_group,
            routing_mode=p.routing_mode,
            routed_at=p.routed_at,
            accepted_at=p.accepted_at,
            refusal_reason=p.refusal_reason,
            redirected_to=p.redirected_to,
            extended=p.extended,
            matter_id=p.matter_id,
            matter_stage=p.matter.stage,
        ),
        notices=[
            s.NoticeOut(
                kind=n.kind,
                kind_label=NoticeKind(n.kind).label,
                mode=n.mode,
                sent_at=n.sent_at,
                content=scrub(n.content),
            )
            for n in Notice.objects.filter(case=fresh)
        ],
        decisions=[
            decision_out(d) for d in Decision.objects.filter(case=fresh).select_related("organ")
        ],
        reviews=[
            s.ReviewOut(
                level=r.level,
                requested_at=r.requested_at,
                reviewing_unit=r.reviewing_unit.name,
                decision=r.decision.number if r.decision else None,
                hearings=[
                    {"started_at": h.started_at, "ended_at": h.ended_at} for h in r.hearings.all()
                ],
            )
            for r in ReviewRequest.objects.filter(case=fresh).select_related(
                "reviewing_unit", "decision"
            )
        ],
        timers=timers_out(fresh),
    )


PUBLIC_EVENTS = {
    "register": "登记",
    "dispatch": "转送/交办",
    "redispatch": "重新转送/交办",
    "sign": "受理",
    "decline": "不予受理",
    "refuse": "不予受理",
    "refuse_repeat": "不予受理（同一事项）",
    "redirect": "导入相应法定程序",
    "extend": "延期",
    "decide": "出具信访处理意见书",
    "request_review": "请求复查",
    "review_decide": "出具复查意见",
    "request_recheck": "请求复核",
    "recheck_decide": "出具复核意见",
    "start_review_hearing": "复查听证",
    "start_recheck_hearing": "复核听证",
    "conclude": "办结",
    "expire": "办结（请求期满）",
    "rate": "评价",
}
RATEABLE = {"decided", "reviewed", "rechecked", "concluded", "redirected"}


def public_out(case: Case) -> s.PublicPetitionOut:
    """Every key date of the item (可查询、可跟踪): registration, each transfer, acceptance or
    non-acceptance, extension, decisions, review and re-review — and each deadline."""
    p = petition_of(case)
    dates = [
        s.KeyDateOut(at=t.at, event=PUBLIC_EVENTS[t.action])
        for t in case.transitions.order_by("at", "pk")
        if t.action in PUBLIC_EVENTS
    ]
    dates += [
        s.KeyDateOut(at=n.sent_at, event=NoticeKind(n.kind).label)
        for n in Notice.objects.filter(case=case)
    ]
    dates.sort(key=lambda d: d.at)
    return s.PublicPetitionOut(
        receipt_no=case.receipt_no,
        status_label=case.status_label,
        received_at=case.received_at,
        refusal_reason=p.refusal_reason,
        key_dates=dates,
        deadlines=[
            s.DeadlineOut(
                name=t.name, due_at=t.due_at, running=t.stopped_at is None, met=t.met, basis=t.basis
            )
            for t in CaseTimer.objects.filter(case=case).order_by("started_at", "pk")
        ],
        decisions=[
            s.PublicDecisionOut(
                level_label=DecisionLevel(d.level).label,
                number=d.number,
                outcome_label=DecisionOutcome(d.outcome).label,
                decided_at=d.decided_at,
                delivered_at=d.delivered_at,
            )
            for d in Decision.objects.filter(case=case)
        ],
        can_rate=case.status in RATEABLE,
        satisfaction=case.satisfaction,
    )


def now_local_year() -> int:
    return timezone.localtime().year

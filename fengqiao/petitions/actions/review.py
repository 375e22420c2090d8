"""复查 and 复核 (第三十五—三十六条, rule 20): a request within 30 days of receiving the written
opinion, to the organ one level up; its answer within 30 days, hearing time not counted; after
复核 the matter is closed for good. Also 办结 and the petitioner's rating."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions.engine import move, note, require
from fengqiao.cases.errors import CaseError, Invalid, field_error
from fengqiao.cases.models import Case, Satisfaction
from fengqiao.petitions.actions.common import (
    CITATION,
    close_matter,
    is_above,
    petition_of,
    set_matter,
    tell,
)
from fengqiao.petitions.actions.flow import DecisionDraft, create_decision
from fengqiao.petitions.models import (
    Decision,
    DecisionLevel,
    Hearing,
    MatterStage,
    NoticeKind,
    NoticeMode,
    ReviewRequest,
)
from fengqiao.procedures.actions import (
    do_pause_timer,
    do_resume_timer,
    do_start_timer,
    do_stop_timer,
)
from fengqiao.procedures.handover import hand_lead
from fengqiao.procedures.timers import running
from fengqiao.units.models import Unit

LEVELS = {
    DecisionLevel.REVIEW: {
        "request": "request_review",
        "decide": "review_decide",
        "window": "petition.review_request",
        "answer": "petition.review_answer",
        "next_window": "petition.recheck_request",
        "stage": MatterStage.REVIEWED,
        "start_hearing": "start_review_hearing",
        "end_hearing": "end_review_hearing",
        "word": "复查",
        "article": "第三十五条",
    },
    DecisionLevel.RECHECK: {
        "request": "request_recheck",
        "decide": "recheck_decide",
        "window": "petition.recheck_request",
        "answer": "petition.recheck_answer",
        "next_window": "",
        "stage": MatterStage.FINAL,
        "start_hearing": "start_recheck_hearing",
        "end_hearing": "end_recheck_hearing",
        "word": "复核",
        "article": "第三十六条",
    },
}


def _last_decision(case: Case) -> Decision:
    decision = case.petition_decisions.order_by("-decided_at", "-pk").first()
    if decision is None:
        raise Invalid("尚未出具处理意见。", "No written opinion yet.")
    return decision


@transaction.atomic
def do_request_review(
    case: Case,
    *,
    actor: User | None,
    level: str,
    reviewing_unit: Unit,
    reason: str,
    version: int | None = None,
    citizen: bool = False,
) -> Case:
    """请求复查/复核, registered at the organ one level up, within the 30-day window."""
    spec = LEVELS[DecisionLevel(level)]
    require(case, spec["request"])
    petition = petition_of(case)
    previous = _last_decision(case)
    now = timezone.now()
    window = running(case, spec["window"])
    if window is None or now > window.due_at:
        due = f"（已于{timezone.localtime(window.due_at):%Y年%m月%d日}届满）" if window else ""
        raise Invalid(
            f"请求{spec['word']}须在收到书面意见之日起30日内提出{due}（{CITATION}{spec['article']}）。",
            f"The window for requesting {level} has closed.",
            [field_error("requested_at", "超过请求期限", "window closed")],
        )
    if not reviewing_unit.is_active or not is_above(reviewing_unit.region, previous.organ.region):
        raise Invalid(
            f"{spec['word']}由原办理机关的上一级机关办理。",
            "Apply to the organ one level up.",
            [field_error("reviewing_unit_code", "须为上一级机关", "must be a higher organ")],
        )
    case = move(
        case,
        spec["request"],
        actor=actor,
        version=version,
        reason=reason,
        citizen=citizen,
        data={"reviewing_unit": reviewing_unit.code},
    )
    ReviewRequest.objects.create(
        case=case,
        level=level,
        requested_at=now,
        reviewing_unit=reviewing_unit,
        reason=reason[:1000],
    )
    do_stop_timer(case, spec["window"], at=now, actor=actor, reason=f"已请求{spec['word']}")
    hand_lead(case, reviewing_unit, actor=actor, task=f"{spec['word']}", signed=True)
    do_start_timer(case, spec["answer"], start=now, actor=actor, primary=True, context=level)
    set_matter(petition, region=reviewing_unit.region)
    tell(
        case,
        NoticeKind.REVIEW_ACCEPTED,
        NoticeMode.WRITTEN,
        f"{reviewing_unit.name}已收到您的{spec['word']}请求。",
        unit=reviewing_unit,
    )
    return case


def _open_request(case: Case, level: str) -> ReviewRequest:
    row = (
        ReviewRequest.objects.filter(case=case, level=level, decision__isnull=True)
        .order_by("-pk")
        .first()
    )
    if row is None:
        raise CaseError("没有待办的复查/复核请求。", "No open review request.")
    return row


@transaction.atomic
def do_start_hearing(
    case: Case, *, actor: User, level: str, note_text: str = "", version: int | None = None
) -> Case:
    """听证: the answer's clock stops while the hearing lasts."""
    spec = LEVELS[DecisionLevel(level)]
    require(case, spec["start_hearing"])
    request = _open_request(case, level)
    now = timezone.now()
    case = move(
        case,
        spec["start_hearing"],
        actor=actor,
        version=version,
        reason=note_text,
        actor_unit=request.reviewing_unit,
    )
    Hearing.objects.create(review=request, started_at=now, note=note_text[:500])
    do_pause_timer(case, spec["answer"], at=now, actor=actor, reason="听证")
    return case


@transaction.atomic
def do_end_hearing(case: Case, *, actor: User, level: str, version: int | None = None) -> Case:
    """听证结束: the clock runs again; the dates the hearing touched are not counted."""
    spec = LEVELS[DecisionLevel(level)]
    require(case, spec["end_hearing"])
    request = _open_request(case, level)
    now = timezone.now()
    case = move(
        case,
        spec["end_hearing"],
        actor=actor,
        version=version,
        actor_unit=request.reviewing_unit,
        fields={"paused_at": None},
    )
    Hearing.objects.filter(review=request, ended_at__isnull=True).update(ended_at=now)
    do_resume_timer(case, spec["answer"], at=now, actor=actor)
    return case


@transaction.atomic
def do_review_decide(
    case: Case, *, actor: User, level: str, draft: DecisionDraft, version: int | None = None
) -> Case:
    """复查意见 / 复核意见. After 复核 the matter is closed for good (不再受理)."""
    spec = LEVELS[DecisionLevel(level)]
    require(case, spec["decide"])
    request = _open_request(case, level)
    petition = petition_of(case)
    decision = create_decision(case, draft, level=level, organ=request.reviewing_unit, actor=actor)
    case = move(
        case,
        spec["decide"],
        actor=actor,
        version=version,
        actor_unit=request.reviewing_unit,
        data={"decision": decision.number, "outcome": decision.outcome},
    )
    ReviewRequest.objects.filter(pk=request.pk).update(decision=decision)
    do_stop_timer(
        case,
        spec["answer"],
        at=decision.decided_at,
        actor=actor,
        reason=f"已出具{spec['word']}意见",
    )
    if spec["next_window"]:
        do_start_timer(
            case,
            spec["next_window"],
            start=decision.delivered_at,
            actor=actor,
            context=DecisionLevel.RECHECK,
        )
    set_matter(petition, stage=spec["stage"])
    return case


@transaction.atomic
def do_conclude(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """办结: the petitioner accepts the opinion (or withdraws); the matter is closed."""
    require(case, "conclude")
    case = move(case, "conclude", actor=actor, version=version, reason=reason)
    now = timezone.now()
    for code in ("petition.review_request", "petition.recheck_request"):
        do_stop_timer(case, code, at=now, actor=actor, reason="办结")
    close_matter(case)
    return case


RATEABLE = frozenset({"decided", "reviewed", "rechecked", "concluded", "redirected"})


@transaction.atomic
def do_rate(
    case: Case, *, satisfaction: str, comment: str = "", at: datetime | None = None
) -> Case:
    """评价: the petitioner rates the result with the query code (可评价); one rating per opinion
    (the latest one counts). The state does not change — dissatisfaction leads to 复查, which
    the petitioner requests in its own right."""
    petition_of(case)
    if case.status not in RATEABLE:
        raise CaseError("办理结果出具后才能评价。", "Rate once there is a written result.")
    if satisfaction not in (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED):
        raise Invalid(
            "请选择满意、基本满意或不满意。",
            "Choose a rating.",
            [field_error("satisfaction", "取值无效", "invalid")],
        )
    now = at or timezone.now()
    Case.objects.filter(pk=case.pk).update(satisfaction=satisfaction, callback_at=now)
    case.satisfaction = satisfaction
    note(
        case,
        "rate",
        actor=None,
        reason=comment,
        data={"satisfaction": satisfaction, "by": "citizen"},
    )
    return case

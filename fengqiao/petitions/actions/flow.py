"""转送/交办, acceptance, objection, refusal, 导入程序, extension and the written decision
(第二十二—三十四条)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions import (
    AssignmentDraft,
    do_dispatch,
    do_object,
    do_redispatch,
    do_sign,
    do_uphold,
)
from fengqiao.cases.actions.engine import active_lead, move, require
from fengqiao.cases.errors import CaseError, Invalid, field_error
from fengqiao.cases.models import Case
from fengqiao.petitions.actions.common import (
    CITATION,
    close_matter,
    document_number,
    petition_of,
    set_matter,
    tell,
)
from fengqiao.petitions.models import (
    DISCIPLINE_UNITS,
    POLITICAL_LEGAL_UNITS,
    REDIRECT_ROUTES,
    ClaimRoute,
    Decision,
    DecisionLevel,
    DecisionOutcome,
    MatterStage,
    NoticeKind,
    NoticeMode,
    Petition,
    PetitionType,
    RoutingMode,
)
from fengqiao.procedures.actions import do_extend_timer, do_start_timer, do_stop_timer
from fengqiao.procedures.timers import running
from fengqiao.units.models import Unit

REGISTER_ROUTE = "petition.register_route"
ACCEPT_NOTICE = "petition.accept_notice"
MISROUTE = "petition.misroute_objection"
HANDLING = "petition.handling"
REVIEW_WINDOW = "petition.review_request"


def check_organ(
    petition: Petition,
    case: Case,
    organ: Unit,
    *,
    petition_type: str,
    route: str,
    litigation_related: bool,
    field_name: str,
) -> None:
    """诉访分离 and AC-10: litigation-related items go to the 政法 organs, accusations to
    discipline inspection, and never to the unit they accuse."""
    errors = []
    if not organ.is_active:
        errors.append(field_error(field_name, "单位已停用", "inactive unit"))
    if (
        litigation_related or route == ClaimRoute.LITIGATION
    ) and organ.unit_type not in POLITICAL_LEGAL_UNITS:
        errors.append(
            field_error(
                field_name,
                f"涉法涉诉事项应转交政法机关处理（{CITATION}第二十二、二十八条）",
                "litigation-related: political-legal organs only",
            )
        )
    if petition_type == PetitionType.ACCUSATION:
        if organ.unit_type not in DISCIPLINE_UNITS:
            errors.append(
                field_error(
                    field_name,
                    f"检举控告类事项应转交纪检监察机关（{CITATION}第二十二、三十条）",
                    "accusations: discipline inspection only",
                )
            )
        if organ.pk in (case.respondent_unit_id, petition.about_unit_id):
            errors.append(
                field_error(field_name, "不得转交被检举控告的单位", "never to the accused unit")
            )
    if errors:
        raise Invalid(
            "转送、交办的机关不符合规定。", "The organ may not receive this item.", errors
        )


@transaction.atomic
def do_route(
    case: Case,
    *,
    actor: User,
    organ: Unit,
    mode: str,
    petition_type: str,
    route: str = "",
    litigation_related: bool = False,
    task: str = "",
    version: int | None = None,
) -> Case:
    """转送/交办 within 15 days of registration (第二十二条, rule 17): the organ then has 15 days
    to tell the petitioner whether it accepts (rule 18) and 5 working days to object."""
    require(case, "dispatch")
    petition = petition_of(case)
    errors = []
    if mode not in RoutingMode.values:
        errors.append(field_error("mode", "请选择转送或交办", "transfer or assign"))
    if petition_type not in PetitionType.values:
        errors.append(field_error("petition_type", "请选择信访事项类别", "choose the type"))
    if route and (petition_type != PetitionType.CLAIM or route not in ClaimRoute.values):
        errors.append(
            field_error("route", "办理方式仅适用于申诉求决类", "routes apply to claims only")
        )
    if errors:
        raise Invalid("转送、交办信息有误。", "Invalid routing.", errors)
    check_organ(
        petition,
        case,
        organ,
        petition_type=petition_type,
        route=route,
        litigation_related=litigation_related,
        field_name="organ_code",
    )
    now = timezone.now()
    case = do_dispatch(
        case,
        actor=actor,
        lead=AssignmentDraft(unit=organ, task=task),
        version=version,
        reason=RoutingMode(mode).label,
    )
    Petition.objects.filter(pk=petition.pk).update(
        petition_type=petition_type,
        route=route,
        routing_mode=mode,
        routed_at=now,
        litigation_related=litigation_related or route == ClaimRoute.LITIGATION,
    )
    if petition_type == PetitionType.ACCUSATION and petition.about_unit_id:
        # AC-10: from now on the engine withholds the accuser from the accused unit's users.
        Case.objects.filter(pk=case.pk).update(respondent_unit=petition.about_unit)
    set_matter(petition, region=organ.region)
    do_stop_timer(case, REGISTER_ROUTE, at=now, actor=actor, reason=RoutingMode(mode).label)
    _start_receipt_clocks(case, actor=actor, at=now)
    tell(
        case,
        NoticeKind.ROUTING,
        NoticeMode.WRITTEN,
        f"您的信访事项已{RoutingMode(mode).label}至{organ.name}。",
        unit=None,
    )
    return case


def _start_receipt_clocks(case: Case, *, actor: User, at: datetime) -> None:
    do_start_timer(case, ACCEPT_NOTICE, start=at, actor=actor, primary=True, context="acceptance")
    do_start_timer(case, MISROUTE, start=at, actor=actor, context="acceptance")


@transaction.atomic
def do_refuse(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """不予受理 by the 信访部门 (not a 信访 matter, or one for another channel), told in writing."""
    case = move(
        case, "refuse", actor=actor, version=version, reason=reason, fields={"resolved": False}
    )
    petition = petition_of(case)
    Petition.objects.filter(pk=petition.pk).update(refusal_reason=reason[:500])
    do_stop_timer(case, REGISTER_ROUTE, at=timezone.now(), actor=actor, reason="不予受理")
    tell(case, NoticeKind.NON_ACCEPTANCE, NoticeMode.WRITTEN, reason, unit=petition.received_by)
    return case


def _organ(case: Case) -> Unit:
    lead = active_lead(case)
    if lead is None:
        raise Invalid("该信访事项尚未转送、交办。", "The item has not been routed.")
    return lead.unit


@transaction.atomic
def do_accept_petition(
    case: Case, *, actor: User, mode: str, route: str = "", version: int | None = None
) -> Case:
    """受理 and tell the petitioner (on the spot or in writing, 第二十三条); a 申诉求决类 item
    names its route (第三十一条) and route (6) starts the 60-day handling limit (rule 19)."""
    require(case, "sign")
    petition = petition_of(case)
    route = route or petition.route
    if petition.petition_type == PetitionType.CLAIM and route not in ClaimRoute.values:
        raise Invalid(
            "申诉求决类事项请确定办理方式（第三十一条）。",
            "Choose the route.",
            [field_error("route", "请选择办理方式", "route required")],
        )
    if mode not in NoticeMode.values:
        raise Invalid(
            "请选择告知方式。",
            "Choose how the petitioner is told.",
            [field_error("mode", "取值无效", "invalid")],
        )
    organ = _organ(case)
    case = do_sign(case, actor=actor, version=version)
    now = timezone.now()
    Petition.objects.filter(pk=petition.pk).update(
        accepted_at=now, route=route if petition.petition_type == PetitionType.CLAIM else ""
    )
    do_stop_timer(case, ACCEPT_NOTICE, at=now, actor=actor, reason="已受理并告知")
    do_stop_timer(case, MISROUTE, at=now, actor=actor, reason="已受理")
    if petition.petition_type != PetitionType.CLAIM or route == ClaimRoute.INVESTIGATE:
        do_start_timer(case, HANDLING, start=now, actor=actor, primary=True, context="handling")
    tell(case, NoticeKind.ACCEPTANCE, mode, f"{organ.name}已受理您的信访事项。", unit=organ)
    return case


@transaction.atomic
def do_decline_petition(
    case: Case, *, actor: User, reason: str, version: int | None = None
) -> Case:
    """不予受理 by the organ, with the reason, told to the petitioner (第二十三条)."""
    require(case, "decline")
    organ = _organ(case)
    case = move(
        case,
        "decline",
        actor=actor,
        version=version,
        reason=reason,
        actor_unit=organ,
        fields={"resolved": False},
    )
    petition = petition_of(case)
    Petition.objects.filter(pk=petition.pk).update(refusal_reason=reason[:500])
    now = timezone.now()
    do_stop_timer(case, ACCEPT_NOTICE, at=now, actor=actor, reason="不予受理并告知")
    do_stop_timer(case, MISROUTE, at=now, actor=actor, reason="不予受理")
    tell(case, NoticeKind.NON_ACCEPTANCE, NoticeMode.WRITTEN, reason, unit=organ)
    return case


@transaction.atomic
def do_object_misrouted(
    case: Case, *, actor: User, reason: str, version: int | None = None
) -> Case:
    """异议: the organ says the item is not its to handle — only within 5 working days of
    receiving it, with its reasons (第二十三条, rule 18)."""
    require(case, "object")
    lead = active_lead(case)
    if lead is not None and lead.objection_locked:
        raise CaseError(
            "异议已裁定不成立，应当受理办理，不得再次提出异议。",
            "An objection was already ruled against this organ; it may not object again.",
        )
    timer = running(case, MISROUTE)
    now = timezone.now()
    if timer is None or now > timer.due_at:
        due = f"（届满于{timezone.localtime(timer.due_at):%Y年%m月%d日}）" if timer else ""
        raise Invalid(
            f"已超过收到之日起5个工作日的异议期限{due}，应当受理办理（{CITATION}第二十三条）。",
            "The 5-working-day window for objecting has closed.",
            [field_error("reason", "超过异议期限", "objection window closed")],
        )
    case = do_object(case, actor=actor, reason=reason, version=version)
    do_stop_timer(case, MISROUTE, at=now, actor=actor, reason="已提出异议")
    return case


@transaction.atomic
def do_redispatch_petition(
    case: Case, *, actor: User, organ: Unit, reason: str, version: int | None = None
) -> Case:
    """异议成立: the 信访部门 routes the item to the right organ; its clocks start afresh."""
    require(case, "redispatch")
    petition = petition_of(case)
    check_organ(
        petition,
        case,
        organ,
        petition_type=petition.petition_type,
        route=petition.route,
        litigation_related=petition.litigation_related,
        field_name="organ_code",
    )
    case = do_redispatch(
        case, actor=actor, lead=AssignmentDraft(unit=organ), reason=reason, version=version
    )
    now = timezone.now()
    do_stop_timer(case, ACCEPT_NOTICE, at=now, actor=actor, reason="改派")
    set_matter(petition, region=organ.region)
    _start_receipt_clocks(case, actor=actor, at=now)
    return case


@transaction.atomic
def do_uphold_petition(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """异议不成立: the organ must accept it and may not object again."""
    return do_uphold(case, actor=actor, reason=reason, version=version)


@transaction.atomic
def do_redirect(case: Case, *, actor: User, procedure: str, version: int | None = None) -> Case:
    """导入相应程序 (第三十一条 (一)—(四)): told to the petitioner; the 信访 handling ends."""
    require(case, "redirect")
    petition = petition_of(case)
    if petition.petition_type != PetitionType.CLAIM or petition.route not in REDIRECT_ROUTES:
        raise Invalid(
            "只有申诉求决类第（一）至（四）项事项导入相应程序。",
            "Only claim routes (1)–(4) are redirected.",
            [field_error("route", "办理方式不符", "route mismatch")],
        )
    organ = _organ(case)
    case = move(case, "redirect", actor=actor, version=version, reason=procedure, actor_unit=organ)
    Petition.objects.filter(pk=petition.pk).update(redirected_to=procedure[:200])
    do_stop_timer(case, HANDLING, at=timezone.now(), actor=actor, reason="导入相应程序")
    tell(
        case,
        NoticeKind.REDIRECT,
        NoticeMode.WRITTEN,
        f"您的信访事项依法导入{procedure}处理。",
        unit=organ,
    )
    close_matter(case)
    return case


@transaction.atomic
def do_extend(
    case: Case,
    *,
    actor: User,
    reason: str,
    approved_by: str,
    days: int | None = None,
    version: int | None = None,
) -> Case:
    """延期 (第三十四条, rule 19): up to 30 days more, approved by the organ's head, with the
    reason told to the petitioner; once."""
    require(case, "extend")
    if not approved_by.strip():
        raise Invalid(
            "延期须经本机关负责人批准，请填写批准人。",
            "Name the approving head.",
            [field_error("approved_by", "请填写批准人", "approver required")],
        )
    organ = _organ(case)
    timer = do_extend_timer(case, HANDLING, actor=actor, granted=days, reason=reason)
    case = move(
        case,
        "extend",
        actor=actor,
        version=version,
        reason=reason,
        actor_unit=organ,
        data={"approved_by": approved_by, "due_at": timer.due_at.isoformat()},
    )
    Petition.objects.filter(case=case).update(extended=True)
    due = timezone.localtime(timer.due_at)
    tell(
        case,
        NoticeKind.EXTENSION,
        NoticeMode.WRITTEN,
        f"办理期限延长至{due:%Y年%m月%d日}。延期理由：{reason}",
        unit=organ,
    )
    return case


@dataclass
class DecisionDraft:
    """The contents of a 信访处理意见书 (第三十二条)."""

    outcome: str
    request: str
    facts: str
    reasons: str
    basis: list[str] = field(default_factory=list)
    delivered_at: datetime | None = None


def create_decision(
    case: Case, draft: DecisionDraft, *, level: str, organ: Unit, actor: User
) -> Decision:
    errors = []
    if draft.outcome not in DecisionOutcome.values:
        errors.append(
            field_error(
                "outcome", "处理意见须为支持、解释说明或不予支持", "support, explain or reject"
            )
        )
    for name in ("request", "facts", "reasons"):
        if not getattr(draft, name).strip():
            errors.append(field_error(name, "不能为空（第三十二条）", "required"))
    now = timezone.now()
    delivered = draft.delivered_at or now
    if delivered > now + timedelta(minutes=5):
        errors.append(field_error("delivered_at", "送达时间不能晚于当前时间", "in the future"))
    if errors:
        raise Invalid("处理意见内容不完整。", "The decision is incomplete.", errors)
    kind = {
        DecisionLevel.HANDLING: "信访处理意见书",
        DecisionLevel.REVIEW: "复查意见书",
        DecisionLevel.RECHECK: "复核意见书",
    }[DecisionLevel(level)]
    return Decision.objects.create(
        case=case,
        level=level,
        organ=organ,
        number=document_number(organ, kind),
        outcome=draft.outcome,
        request=draft.request,
        facts=draft.facts,
        reasons=draft.reasons,
        basis=list(draft.basis),
        decided_at=now,
        delivered_at=delivered,
        decided_by=actor,
    )


@transaction.atomic
def do_decide(case: Case, *, actor: User, draft: DecisionDraft, version: int | None = None) -> Case:
    """出具信访处理意见书 (第三十二条): 支持 / 解释说明 / 不予支持; the petitioner then has 30
    days from receiving it to ask for 复查 (rule 20)."""
    require(case, "decide")
    petition = petition_of(case)
    if petition.petition_type == PetitionType.CLAIM and petition.route in REDIRECT_ROUTES:
        raise Invalid(
            "该事项应导入相应程序处理，不出具信访处理意见书。",
            "Redirect this item instead.",
            [field_error("route", "办理方式不符", "route mismatch")],
        )
    organ = _organ(case)
    decision = create_decision(case, draft, level=DecisionLevel.HANDLING, organ=organ, actor=actor)
    case = move(
        case,
        "decide",
        actor=actor,
        version=version,
        actor_unit=organ,
        data={"decision": decision.number, "outcome": decision.outcome},
        fields={"resolved": decision.outcome == DecisionOutcome.SUPPORT},
    )
    do_stop_timer(case, HANDLING, at=decision.decided_at, actor=actor, reason="已出具处理意见")
    do_start_timer(case, REVIEW_WINDOW, start=decision.delivered_at, actor=actor, context="review")
    set_matter(petition, stage=MatterStage.DECIDED)
    return case

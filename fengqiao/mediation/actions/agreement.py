"""After the agreement: signing and sealing (a written agreement takes effect), performance
supervised by the committee, and 司法确认 by a court (rule 26)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions.engine import move, note, require
from fengqiao.cases.errors import Invalid, field_error
from fengqiao.cases.models import Case
from fengqiao.mediation import clocks
from fengqiao.mediation.actions.common import (
    check_worker,
    current_stage,
    dispute_of,
    lead_unit,
    open_stage,
    require_state,
    tell_parties,
)
from fengqiao.mediation.models import (
    Agreement,
    AgreementStatus,
    ConfirmationResult,
    Dispute,
    JudicialConfirmation,
    PerformanceCheck,
    StageVia,
)
from fengqiao.procedures.actions import do_extend_timer, do_start_timer, do_stop_timer
from fengqiao.procedures.handover import hand_lead
from fengqiao.procedures.timers import latest
from fengqiao.units.models import Unit, UnitType

SUPERVISED = frozenset({"agreed", "confirmed"})


def current_agreement(case: Case) -> Agreement:
    row = (
        Agreement.objects.filter(case=case)
        .exclude(status=AgreementStatus.SUPERSEDED)
        .order_by("-pk")
        .first()
    )
    if row is None:
        raise Invalid("该纠纷没有调解协议。", "The dispute has no agreement.")
    return row


@transaction.atomic
def do_sign_agreement(
    case: Case, *, actor: User, parties_signed_at: datetime, sealed_at: datetime
) -> Agreement:
    """签名盖章: the parties signed (or sealed, or fingerprinted) and the mediator signed and the
    committee sealed — the written agreement takes effect at the later of the two
    (人民调解法 第二十九条), and the 30 days for 司法确认 start (rule 26)."""
    require_state(case, {"agreed"}, "调解协议签名盖章")
    unit = check_worker(case, actor)
    agreement = current_agreement(case)
    if agreement.status != AgreementStatus.PENDING:
        raise Invalid("该协议已生效。", "The agreement is already in effect.")
    now = timezone.now()
    if (
        parties_signed_at > now
        or sealed_at > now
        or min(parties_signed_at, sealed_at) < agreement.reached_at
    ):
        raise Invalid(
            "签名、盖章时间须在协议达成之后、当前时间之前。",
            "Signing times must lie between the agreement and now.",
            [field_error("sealed_at", "时间无效", "invalid time")],
        )
    effective = max(parties_signed_at, sealed_at)
    Agreement.objects.filter(pk=agreement.pk).update(
        parties_signed_at=parties_signed_at,
        sealed_at=sealed_at,
        effective_at=effective,
        status=AgreementStatus.EFFECTIVE,
    )
    agreement.refresh_from_db()
    note(
        case,
        "sign_agreement",
        actor=actor,
        actor_unit=unit,
        data={"agreement": agreement.number, "effective_at": effective.isoformat()},
    )
    do_start_timer(case, clocks.CONFIRM_APPLY, start=effective, actor=actor, context="agreement")
    return agreement


@transaction.atomic
def do_check_performance(
    case: Case, *, actor: User, status: str, note_text: str = ""
) -> PerformanceCheck:
    """履行回访: the committee supervises performance (人民调解法 第三十一条)."""
    require_state(case, SUPERVISED, "履行回访")
    unit = check_worker(case, actor)
    agreement = current_agreement(case)
    row = PerformanceCheck.objects.create(
        agreement=agreement,
        checked_at=timezone.now(),
        status=status,
        note=note_text[:500],
        checked_by=actor,
    )
    note(
        case,
        "check_performance",
        actor=actor,
        actor_unit=unit,
        reason=note_text,
        data={"status": status},
    )
    return row


@transaction.atomic
def do_close_performance(
    case: Case, *, actor: User, performed: bool, note_text: str = "", version: int | None = None
) -> Case:
    """履行监督结束: performed in full, or not — then the parties are told they may sue over the
    agreement, or apply for enforcement when a court confirmed it."""
    require(case, "close_performance")
    unit = lead_unit(case)
    agreement = current_agreement(case)
    confirmed = case.status == "confirmed"
    case = move(
        case,
        "close_performance",
        actor=actor,
        version=version,
        target="performed" if performed else "unperformed",
        reason=note_text,
        actor_unit=unit,
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.PERFORMED if performed else AgreementStatus.UNPERFORMED
    )
    do_stop_timer(case, clocks.CONFIRM_APPLY, at=timezone.now(), actor=actor, reason="履行监督结束")
    if not performed:
        routes = (
            "向人民法院申请强制执行" if confirmed else "就调解协议的履行或者内容向人民法院提起诉讼"
        )
        tell_parties(case, "mediation.routes_told", {"routes": routes, "reason": "unperformed"})
    return case


# ------------------------------------------------------------------ 司法确认


def _court(unit: Unit) -> None:
    if unit.unit_type != UnitType.COURT or not unit.is_active:
        raise Invalid(
            "请选择人民法院。",
            "Choose a court.",
            [field_error("court_unit_code", "须为人民法院", "must be a court")],
        )


def _open_confirmation(case: Case) -> JudicialConfirmation:
    row = (
        JudicialConfirmation.objects.filter(case=case, result=ConfirmationResult.PENDING)
        .order_by("-pk")
        .first()
    )
    if row is None:
        raise Invalid("没有审查中的司法确认申请。", "No confirmation application is pending.")
    return row


@transaction.atomic
def do_apply_confirmation(
    case: Case, *, actor: User, court: Unit, joint: bool, version: int | None = None
) -> Case:
    """申请司法确认: both parties jointly, within 30 days of the agreement taking effect
    (人民调解法 第三十三条; 民事诉讼法 第二百零五条). The court then holds the case and has 3
    days to decide on acceptance (法释〔2011〕5号)."""
    require(case, "apply_confirmation")
    _court(court)
    agreement = current_agreement(case)
    if not joint:
        raise Invalid(
            "司法确认须由双方当事人共同申请（人民调解法第三十三条）。",
            "Both parties must apply jointly.",
            [field_error("joint", "须双方共同申请", "joint application required")],
        )
    if agreement.effective_at is None:
        raise Invalid(
            "调解协议尚未生效，不能申请司法确认。",
            "The agreement is not in effect yet.",
            [field_error("agreement", "协议未生效", "not in effect")],
        )
    now = timezone.now()
    window = latest(case, clocks.CONFIRM_APPLY)
    if window is not None and now > window.due_at:
        raise Invalid(
            f"已超过申请司法确认的期限（{window.basis}，届满于"
            f"{timezone.localtime(window.due_at):%Y年%m月%d日}）。",
            "The 30-day window for judicial confirmation has closed.",
            [field_error("applied_at", "超过申请期限", "window closed")],
        )
    unit = lead_unit(case)
    case = move(
        case,
        "apply_confirmation",
        actor=actor,
        version=version,
        actor_unit=unit,
        data={"court": court.code},
    )
    JudicialConfirmation.objects.create(case=case, agreement=agreement, court=court, applied_at=now)
    do_stop_timer(case, clocks.CONFIRM_APPLY, at=now, actor=actor, reason="已申请司法确认")
    hand_lead(case, court, actor=actor, task="司法确认", keep_previous=True)
    do_start_timer(
        case, clocks.CONFIRM_ACCEPT, start=now, actor=actor, primary=True, context="confirmation"
    )
    return case


def _back_to_org(case: Case, *, actor: User) -> None:
    agreement = current_agreement(case)
    hand_lead(case, agreement.org, actor=actor, signed=True)


@transaction.atomic
def do_refuse_application(
    case: Case, *, actor: User, reason: str, version: int | None = None
) -> Case:
    """法院不予受理 the application: the agreement stands; the court hands the case back."""
    require(case, "refuse_application")
    row = _open_confirmation(case)
    court = lead_unit(case)
    case = move(
        case, "refuse_application", actor=actor, version=version, reason=reason, actor_unit=court
    )
    now = timezone.now()
    JudicialConfirmation.objects.filter(pk=row.pk).update(
        result=ConfirmationResult.NOT_ACCEPTED, decided_at=now, reason=reason[:500]
    )
    do_stop_timer(case, clocks.CONFIRM_ACCEPT, at=now, actor=actor, reason="不予受理")
    _back_to_org(case, actor=actor)
    return case


@transaction.atomic
def do_accept_confirmation(
    case: Case, *, actor: User, court_case_no: str, version: int | None = None
) -> Case:
    """法院受理 (调确字 case number): 15 days to decide from now (+10 with approval)."""
    require(case, "accept_confirmation")
    row = _open_confirmation(case)
    court = lead_unit(case)
    case = move(
        case,
        "accept_confirmation",
        actor=actor,
        version=version,
        actor_unit=court,
        data={"court_case_no": court_case_no},
    )
    now = timezone.now()
    JudicialConfirmation.objects.filter(pk=row.pk).update(
        accepted_at=now, court_case_no=court_case_no[:60]
    )
    do_stop_timer(case, clocks.CONFIRM_ACCEPT, at=now, actor=actor, reason="已受理")
    do_start_timer(
        case, clocks.CONFIRM_DECIDE, start=now, actor=actor, primary=True, context="confirmation"
    )
    return case


@transaction.atomic
def do_extend_confirmation(
    case: Case, *, actor: User, approved_by: str, reason: str, version: int | None = None
) -> Case:
    """延长审查期限: once, by the rule's extension (+10 days), with the president's approval."""
    require(case, "extend_confirmation")
    row = _open_confirmation(case)
    court = lead_unit(case)
    if not approved_by.strip():
        raise Invalid(
            "延长须经本院院长批准，请填写批准人。",
            "Name the approving president.",
            [field_error("approved_by", "请填写批准人", "approver required")],
        )
    do_extend_timer(case, clocks.CONFIRM_DECIDE, actor=actor, reason=reason)
    JudicialConfirmation.objects.filter(pk=row.pk).update(extended=True)
    return move(
        case,
        "extend_confirmation",
        actor=actor,
        version=version,
        reason=reason,
        actor_unit=court,
        data={"approved_by": approved_by},
    )


def _decide(
    case: Case, action: str, *, actor: User, result: str, reason: str, version: int | None
) -> Case:
    require(case, action)
    row = _open_confirmation(case)
    court = lead_unit(case)
    case = move(case, action, actor=actor, version=version, reason=reason, actor_unit=court)
    now = timezone.now()
    JudicialConfirmation.objects.filter(pk=row.pk).update(
        result=result, decided_at=now, reason=reason[:500]
    )
    do_stop_timer(case, clocks.CONFIRM_DECIDE, at=now, actor=actor, reason="已作出决定")
    _back_to_org(case, actor=actor)
    return case


@transaction.atomic
def do_confirm(case: Case, *, actor: User, reason: str = "", version: int | None = None) -> Case:
    """裁定确认有效: the agreement becomes enforceable (民事诉讼法 第二百零六条); the committee
    goes on supervising performance."""
    case = _decide(
        case,
        "confirm",
        actor=actor,
        result=ConfirmationResult.CONFIRMED,
        reason=reason,
        version=version,
    )
    tell_parties(case, "mediation.confirmed", {"enforceable": True})
    return case


@transaction.atomic
def do_reject_confirmation(
    case: Case, *, actor: User, reason: str, version: int | None = None
) -> Case:
    """裁定驳回: the parties may change the agreement or make a new one through mediation, or
    sue (民事诉讼法 第二百零六条)."""
    case = _decide(
        case,
        "reject_confirmation",
        actor=actor,
        result=ConfirmationResult.REJECTED,
        reason=reason,
        version=version,
    )
    tell_parties(
        case,
        "mediation.routes_told",
        {
            "routes": "通过调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼",
            "reason": "rejected",
        },
    )
    return case


@transaction.atomic
def do_remediate(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """重新调解 after a rejection: the old agreement is superseded; a new stage at the body."""
    require(case, "remediate")
    agreement = current_agreement(case)
    unit = lead_unit(case)
    case = move(
        case,
        "remediate",
        actor=actor,
        version=version,
        reason=reason,
        actor_unit=unit,
        fields={"resolved": None},
    )
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.SUPERSEDED)
    dispute = dispute_of(case)
    Dispute.objects.filter(pk=dispute.pk).update(outcome="", outcome_at=None)
    previous = current_stage(case)
    stage = open_stage(case, dispute, unit, via=StageVia.REMEDIATION, at=timezone.now())
    stage.accepted_at = stage.started_at
    stage.save(update_fields=["accepted_at"])
    if previous is not None:
        from fengqiao.mediation.models import MediatorAssignment

        for row in MediatorAssignment.objects.filter(stage=previous):
            MediatorAssignment.objects.create(
                case=case,
                stage=stage,
                mediator=row.mediator,
                presiding=row.presiding,
                chosen_by=row.chosen_by,
            )
    clocks.on_accepted(case, dispute, at=stage.started_at, actor=actor)
    return case


@transaction.atomic
def do_sue(case: Case, *, actor: User, reason: str = "", version: int | None = None) -> Case:
    """告知起诉 after a rejection."""
    require(case, "sue")
    unit = lead_unit(case)
    case = move(case, "sue", actor=actor, version=version, reason=reason, actor_unit=unit)
    tell_parties(
        case, "mediation.routes_told", {"routes": "向人民法院提起诉讼", "reason": "rejected"}
    )
    return case

"""The outcome of mediation (success, partial, failure), the agreement it produces, and what
follows a failure: termination with the other routes told (rule 23), a 三调联动 transfer, or
the court's next diversion step (诉调对接)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions.engine import move, require
from fengqiao.cases.errors import Invalid, field_error
from fengqiao.cases.models import Case, Party, PartyRole, ReceiptCounter
from fengqiao.mediation import clocks
from fengqiao.mediation.actions.common import (
    check_org,
    current_stage,
    dispute_of,
    end_stage,
    lead_unit,
    open_stage,
    report_to_court,
    stage_outcome_for,
    tell_parties,
)
from fengqiao.mediation.models import (
    Agreement,
    AgreementForm,
    AgreementStatus,
    CourtReferral,
    Dispute,
    Outcome,
    StageOutcome,
    StageVia,
)
from fengqiao.procedures.actions import do_start_timer
from fengqiao.procedures.handover import hand_lead
from fengqiao.units.models import Unit


@dataclass
class AgreementDraft:
    """The contents of rule 25 as entered by the mediator."""

    form: str
    facts: str
    disputed_points: str
    terms: list[str]
    performance_manner: str
    responsibility: str = ""
    performance_place: str = ""
    performance_deadline: date | None = None
    amount: Decimal | None = None


@dataclass
class Prevention:
    """防止民转刑 / 防止群体性上访 head counts (rule 27); None → the case's people count."""

    criminal_people: int | None = None
    group_people: int | None = None
    extra: dict[str, int] = field(default_factory=dict)


def _agreement_number(org: Unit, year: int) -> str:
    """（2026）酒泉路街道人民调解委员会调字第3号 — a per-body, per-year sequence."""
    key = f"AG{org.pk}-{year}"[:20]
    if not ReceiptCounter.objects.filter(key=key).update(last=F("last") + 1):
        ReceiptCounter.objects.get_or_create(key=key, defaults={"last": 0})
        ReceiptCounter.objects.filter(key=key).update(last=F("last") + 1)
    last = ReceiptCounter.objects.get(key=key).last
    return f"（{year}）{org.name}调字第{last}号"


def _check_agreement(case: Case, draft: AgreementDraft) -> None:
    errors = []
    if draft.form not in AgreementForm.values:
        errors.append(field_error("agreement.form", "协议形式无效", "invalid form"))
    if not draft.terms or not all(t.strip() for t in draft.terms):
        errors.append(field_error("agreement.terms", "请载明协议内容", "terms are required"))
    if draft.form == AgreementForm.WRITTEN:
        for name in ("facts", "disputed_points", "performance_manner"):
            if not getattr(draft, name).strip():
                errors.append(
                    field_error(
                        f"agreement.{name}",
                        "书面协议须载明此项（人民调解法第二十九条）",
                        "required",
                    )
                )
        if draft.performance_deadline is None:
            errors.append(
                field_error("agreement.performance_deadline", "请载明履行期限", "deadline required")
            )
    if case.parties.filter(role__in=[PartyRole.COMPLAINANT, PartyRole.RESPONDENT]).count() < 2:
        errors.append(field_error("parties", "调解协议须有双方当事人", "two parties are needed"))
    if errors:
        raise Invalid("调解协议内容不完整。", "The agreement is incomplete.", errors)


def create_agreement(case: Case, draft: AgreementDraft, *, partial: bool, at: object) -> Agreement:
    stage = current_stage(case)
    assert stage is not None
    now = timezone.now()
    parties = Party.objects.filter(
        case=case, role__in=[PartyRole.COMPLAINANT, PartyRole.RESPONDENT]
    ).count()
    oral = draft.form == AgreementForm.ORAL
    agreement = Agreement.objects.create(
        case=case,
        stage=stage,
        org=stage.org,
        number=_agreement_number(stage.org, timezone.localtime(now).year),
        form=draft.form,
        partial=partial,
        reached_at=now,
        effective_at=now if oral else None,  # 人民调解法 第三十条: oral takes effect at once
        facts=draft.facts,
        disputed_points=draft.disputed_points,
        responsibility=draft.responsibility,
        terms="\n".join(t.strip() for t in draft.terms),
        performance_manner=draft.performance_manner,
        performance_place=draft.performance_place,
        performance_deadline=draft.performance_deadline,
        amount=draft.amount,
        # 第二十九条: one copy for each party and one kept by the committee.
        copies=parties + 1,
        status=AgreementStatus.EFFECTIVE if oral else AgreementStatus.PENDING,
    )
    if oral:
        do_start_timer(case, clocks.CONFIRM_APPLY, start=now, actor=None, context="agreement")
    return agreement


@transaction.atomic
def do_record_outcome(
    case: Case,
    *,
    actor: User,
    outcome: str,
    reason: str = "",
    agreement: AgreementDraft | None = None,
    prevention: Prevention | None = None,
    version: int | None = None,
) -> Case:
    """调解结果: success or partial → the agreement (rule 25); failure → the dispute waits for
    termination or transfer, and a court referral goes on to its next diversion step (or back
    to the court). Success after a risk flag counts as 防止民转刑 / 防止群体性上访."""
    require(case, "record_outcome")
    if outcome not in Outcome.values:
        raise Invalid(
            "调解结果无效。", "Invalid outcome.", [field_error("outcome", "取值无效", "invalid")]
        )
    succeeded = outcome in (Outcome.SUCCESS, Outcome.PARTIAL)
    if succeeded and agreement is None:
        raise Invalid(
            "调解成功须记录调解协议（书面或口头）。",
            "A settlement needs its agreement.",
            [field_error("agreement", "请填写协议内容", "agreement required")],
        )
    if succeeded:
        assert agreement is not None
        _check_agreement(case, agreement)
    unit = lead_unit(case)
    dispute = dispute_of(case)
    now = timezone.now()
    case = move(
        case,
        "record_outcome",
        actor=actor,
        version=version,
        target="agreed" if succeeded else "failed",
        reason=reason,
        actor_unit=unit,
        data={"outcome": outcome},
        fields={"resolved": succeeded},
    )
    values: dict[str, object] = {"outcome": outcome, "outcome_at": now}
    if succeeded:
        assert agreement is not None
        row = create_agreement(case, agreement, partial=outcome == Outcome.PARTIAL, at=now)
        values["agreement_amount"] = row.amount
        prevention = prevention or Prevention()
        people = case.people_count or case.parties.count()
        if dispute.criminal_risk:
            values.update(
                prevented_criminal=True,
                prevented_criminal_people=prevention.criminal_people or people,
            )
        if dispute.group_risk:
            values.update(
                prevented_group_petition=True,
                prevented_group_petition_people=prevention.group_people or people,
            )
    Dispute.objects.filter(pk=dispute.pk).update(**values)
    end_stage(case, outcome=stage_outcome_for(outcome), at=now, reason=reason)
    clocks.stop_stage_clocks(case, at=now, actor=actor, reason="调解结束")
    if succeeded:
        clocks.stop_referral_clock(case, at=now, actor=actor, reason="调解成功")
        report_to_court(case, settled=True, note_text=reason)
        return case
    return _after_failure(case, reason=reason, at=now)


def _after_failure(case: Case, *, reason: str, at: object) -> Case:
    referral = CourtReferral.objects.filter(case=case).select_related("route", "step").first()
    if referral is None:
        return case
    report_to_court(case, settled=False, note_text=reason)
    step = referral.step
    following = (
        referral.route.steps.filter(order__gt=step.order).order_by("order").first()
        if referral.route is not None and step is not None
        else None
    )
    if following is None:
        case = move(case, "return_to_court", actor=None, reason="分流各环节调解均不成，退回法院")
        clocks.stop_referral_clock(case, at=timezone.now(), actor=None, reason="退回法院")
        return case
    check_org(following.unit, "route")
    case = move(
        case,
        "divert",
        actor=None,
        reason=f"转入分流第{following.order}环节：{following.name}",
        data={"step": following.order, "unit": following.unit.code},
        fields={"lead_unit": following.unit},
    )
    hand_lead(case, following.unit, actor=None, task=following.name)
    CourtReferral.objects.filter(pk=referral.pk).update(step=following)
    dispute = dispute_of(case)
    stage = open_stage(
        case, dispute, following.unit, via=StageVia.DIVERSION, at=timezone.now(), step=following
    )
    clocks.on_received(case, dispute, at=stage.started_at, actor=None)
    return case


@transaction.atomic
def do_terminate(
    case: Case, *, actor: User, reason: str, routes_told: str, version: int | None = None
) -> Case:
    """终止调解 (人民调解法 第二十六条): the parties are told about arbitration, administrative
    and judicial routes."""
    require(case, "terminate")
    unit = lead_unit(case)
    case = move(
        case,
        "terminate",
        actor=actor,
        version=version,
        reason=reason,
        actor_unit=unit,
        data={"routes_told": routes_told},
    )
    Dispute.objects.filter(case=case).update(
        declined_reason=reason[:500], routes_told=routes_told[:300]
    )
    tell_parties(case, "mediation.routes_told", {"routes": routes_told, "reason": "failed"})
    return case


@transaction.atomic
def do_transfer(
    case: Case, *, actor: User, to_org: Unit, reason: str, version: int | None = None
) -> Case:
    """三调联动: the body hands the dispute to another — people's, administrative or judicial
    mediation — keeping its provenance; the dispute stays one case, the hand-off is a stage."""
    require(case, "transfer")
    check_org(to_org, "to_org_id")
    unit = lead_unit(case)
    if to_org.pk == unit.pk:
        raise Invalid(
            "请移交给其他调解组织。",
            "Transfer to another body.",
            [field_error("to_org_id", "须为其他组织", "must differ")],
        )
    now = timezone.now()
    case = move(
        case,
        "transfer",
        actor=actor,
        version=version,
        reason=reason,
        actor_unit=unit,
        data={"from": unit.code, "to": to_org.code},
        fields={"lead_unit": to_org, "resolved": None},
    )
    end_stage(case, outcome=StageOutcome.TRANSFERRED, at=now, reason=reason)
    clocks.stop_stage_clocks(case, at=now, actor=actor, reason="移交")
    Dispute.objects.filter(case=case).update(outcome="", outcome_at=None)
    hand_lead(case, to_org, actor=actor, task=reason)
    dispute = dispute_of(case)
    stage = open_stage(case, dispute, to_org, via=StageVia.TRANSFER, at=now)
    clocks.on_received(case, dispute, at=stage.started_at, actor=actor)
    return case

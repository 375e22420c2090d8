"""Helpers shared by the dispute actions: the dispute record, its stages, who may act."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max

from fengqiao.accounts.models import User
from fengqiao.cases.actions.engine import (
    FIELD_ROLES,
    active_lead,
    acts_in_region,
    enqueue,
    machine_of,
)
from fengqiao.cases.errors import Invalid, NotAllowed, TransitionRefused, field_error
from fengqiao.cases.models import Case, user_unit_ids
from fengqiao.cases.workflow import Kind
from fengqiao.mediation.machine import DISPUTE_KINDS
from fengqiao.mediation.models import (
    ORG_UNIT_TYPES,
    Dispute,
    DiversionStep,
    IntakeSource,
    MediationOrg,
    MediationStage,
    MediationType,
    MediatorAssignment,
    StageOutcome,
)
from fengqiao.units.models import Unit, UnitType

LABOUR_CATEGORY = "TJ10"  # rule 27 taxonomy: 劳动争议纠纷 and its children


def require_dispute_kind(case: Case) -> None:
    if case.kind not in DISPUTE_KINDS:
        raise Invalid(
            "该事项不是矛盾纠纷。",
            "This case is not a dispute.",
            [field_error("kind", "非纠纷", "not a dispute")],
        )


def is_labour(case: Case) -> bool:
    category = case.category
    return category is not None and (
        category.code == LABOUR_CATEGORY
        or (category.parent is not None and category.parent.code == LABOUR_CATEGORY)
    )


def dispute_of(case: Case) -> Dispute:
    """The case's dispute record (created with defaults for a dispute registered through the
    generic intake, so every dispute has one)."""
    require_dispute_kind(case)
    default_source = (
        IntakeSource.COURT if case.kind == Kind.COURT_REFERRAL else IntakeSource.APPLICATION
    )
    dispute, _ = Dispute.objects.get_or_create(
        case=case, defaults={"source": default_source, "is_labour": is_labour(case)}
    )
    return dispute


def org_profile(unit: Unit) -> MediationOrg | None:
    return MediationOrg.objects.filter(unit=unit).first()


def mediation_type_of(unit: Unit) -> str:
    profile = org_profile(unit)
    if profile is not None:
        return profile.mediation_type
    if unit.unit_type == UnitType.ADMIN_MEDIATION:
        return MediationType.ADMINISTRATIVE
    if unit.unit_type == UnitType.COURT:
        return MediationType.JUDICIAL
    return MediationType.PEOPLE


def check_org(unit: Unit, field: str) -> None:
    """A dispute goes only to an active body that mediates: one with an active mediation
    profile, or a people's / administrative mediation committee unit."""
    profile = org_profile(unit)
    committee = unit.unit_type in {UnitType.MEDIATION_COMMITTEE, UnitType.ADMIN_MEDIATION}
    usable = profile.is_active if profile is not None else committee
    if unit.is_active and usable:
        return
    if profile is None and unit.unit_type in ORG_UNIT_TYPES:
        reason = ("该单位尚未登记为调解组织", "the unit has no mediation profile")
    else:
        reason = ("该单位不是调解组织或已停用", "the unit is not an active mediation body")
    raise Invalid(
        "所选单位不能承接调解。", "The unit cannot mediate.", [field_error(field, *reason)]
    )


def current_stage(case: Case) -> MediationStage | None:
    return MediationStage.objects.filter(case=case).order_by("-seq").select_related("org").first()


def open_stage(
    case: Case,
    dispute: Dispute,
    unit: Unit,
    *,
    via: str,
    at: dt.datetime,
    step: DiversionStep | None = None,
) -> MediationStage:
    previous = current_stage(case)
    seq = (MediationStage.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0) + 1
    mediation_type = mediation_type_of(unit)
    stage = MediationStage.objects.create(
        case=case,
        seq=seq,
        org=unit,
        mediation_type=mediation_type,
        via=via,
        previous=previous,
        diversion_step=step,
        started_at=at,
    )
    Dispute.objects.filter(pk=dispute.pk).update(mediation_type=mediation_type)
    dispute.mediation_type = mediation_type
    return stage


def end_stage(case: Case, *, outcome: str, at: dt.datetime, reason: str = "") -> None:
    stage = current_stage(case)
    if stage is not None and stage.ended_at is None:
        MediationStage.objects.filter(pk=stage.pk).update(
            ended_at=at, outcome=outcome, reason=reason[:500]
        )
    MediatorAssignment.objects.filter(case=case, released_at__isnull=True).update(released_at=at)


def require_state(case: Case, states: frozenset[str] | set[str], label: str) -> None:
    """For actions that leave the state alone: refuse (409) outside `states`, naming them."""
    if case.status in states:
        return
    machine = machine_of(case)
    raise TransitionRefused(
        action_label=label,
        current=case.status,
        current_label=machine.label(case.status),
        allowed=[(a.name, a.label) for a in machine.actions_from(case.status)],
    )


def check_worker(case: Case, actor: User) -> Unit | None:
    """Record-keeping on a dispute: the lead body's members, or grid workers and operators of
    the case's region. Returns the actor's unit when it is the lead."""
    lead = active_lead(case)
    if lead is not None and lead.unit_id in user_unit_ids(actor, act=True):
        return lead.unit
    if acts_in_region(actor, case, FIELD_ROLES):
        return None
    raise NotAllowed(
        "只有承办调解组织或本区域网格员、受理人员可以办理。",
        "Only the mediating body or a field worker of the region may do this.",
    )


def lead_unit(case: Case) -> Unit:
    lead = active_lead(case)
    if lead is None:
        raise Invalid("该纠纷尚未分派调解组织。", "No body holds this dispute.")
    return lead.unit


def tell_parties(case: Case, topic: str, payload: dict[str, Any]) -> None:
    """A notice to the parties (SMS or letter by the outbox backend; ids only, no PII)."""
    enqueue(topic, case=case, recipient=f"parties:{case.receipt_no}", payload=payload)


def stage_outcome_for(outcome: str) -> str:
    return {"success": StageOutcome.SETTLED, "partial": StageOutcome.PARTIAL}.get(
        outcome, StageOutcome.FAILED
    )


def report_to_court(case: Case, *, settled: bool, note_text: str = "") -> None:
    """诉调对接: each result of a court referral goes back to the court (outbox), with the step
    it was reached at."""
    from django.utils import timezone

    from fengqiao.mediation.models import CourtReferral

    referral = CourtReferral.objects.filter(case=case).select_related("court", "step").first()
    if referral is None:
        return
    step = referral.step
    enqueue(
        "court.referral_result",
        case=case,
        recipient=f"unit:{referral.court.code}",
        payload={
            "court_case_no": referral.court_case_no,
            "settled": settled,
            "step": step.order if step else None,
            "step_name": step.name if step else "",
            "status": case.status,
            "note": note_text[:200],
        },
    )
    CourtReferral.objects.filter(pk=referral.pk).update(result_sent_at=timezone.now())

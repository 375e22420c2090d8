"""Registering a dispute (application, own initiative, referral) and a court referral, through
the cases engine's single front door (`do_register`), plus the dispute record in the same
transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions import CaseDraft, Registered, do_register
from fengqiao.cases.errors import Invalid, field_error
from fengqiao.cases.workflow import Kind
from fengqiao.mediation.actions.common import check_org, dispute_of, is_labour
from fengqiao.mediation.actions.flow import do_dispatch_dispute, do_flag_risk, do_take_up, route_to
from fengqiao.mediation.models import (
    CourtReferral,
    Dispute,
    DiversionRoute,
    IntakeSource,
    Procedure,
    ReferralType,
    StageVia,
)
from fengqiao.units.models import Unit, UnitType


@dataclass
class DisputeDraft:
    """The mediation side of a submission: how it came in, where it should go, its risks."""

    source: str = IntakeSource.APPLICATION
    referred_by: Unit | None = None
    org: Unit | None = None
    is_complex: bool = False
    criminal_risk: bool = False
    group_risk: bool = False
    police_unit: Unit | None = None
    risk_note: str = ""


@transaction.atomic
def do_intake_dispute(draft: CaseDraft, details: DisputeDraft, *, actor: User) -> Registered:
    """登记纠纷: the case and its dispute record; with `details.org` the dispute goes straight
    to that body — taken up by it when the actor is its own member (主动调解), otherwise
    dispatched to it; a risk found at intake is reported to the police at once (rule 23)."""
    if draft.kind != Kind.DISPUTE:
        raise Invalid(
            "请使用纠纷类型登记。",
            "Register a dispute here.",
            [field_error("kind", "须为纠纷", "must be dispute")],
        )
    registered = do_register(draft, actor=actor)
    case = registered.case
    Dispute.objects.create(
        case=case,
        source=details.source,
        referred_by=details.referred_by,
        is_labour=is_labour(case),
        is_complex=details.is_complex,
    )
    if details.org is not None:
        check_org(details.org, "org_id")
        if details.org.pk in _own_units(actor):
            case = do_take_up(case, actor=actor)
        else:
            case = do_dispatch_dispute(case, actor=actor, org=details.org)
    if details.criminal_risk or details.group_risk:
        do_flag_risk(
            case,
            actor=actor,
            criminal=details.criminal_risk,
            group=details.group_risk,
            police_unit=details.police_unit,
            reason=details.risk_note or "登记时发现",
        )
    return registered


def _own_units(actor: User) -> set[int]:
    from fengqiao.cases.models import user_unit_ids

    return user_unit_ids(actor, act=True)


@dataclass
class ReferralDraft:
    """A court's referral: 委派 (before filing) or 委托 (filed, ordinary or simplified), with
    the court's route, or a named body when the court has no route."""

    court: Unit
    referral_type: str
    procedure: str = ""
    court_case_no: str = ""
    route: DiversionRoute | None = None
    org: Unit | None = None


def _check_referral(referral: ReferralDraft) -> None:
    errors = []
    if referral.court.unit_type != UnitType.COURT:
        errors.append(field_error("court_unit_code", "须为人民法院", "must be a court"))
    if (
        referral.referral_type == ReferralType.ENTRUSTED
        and referral.procedure not in Procedure.values
    ):
        errors.append(
            field_error(
                "procedure", "委托调解须注明普通程序或简易程序", "ordinary or simplified required"
            )
        )
    if referral.referral_type == ReferralType.DELEGATED and referral.procedure:
        errors.append(
            field_error(
                "procedure", "委派调解（立案前）不涉及审理程序", "no procedure before filing"
            )
        )
    if referral.route is not None and referral.route.court_id != referral.court.pk:
        errors.append(
            field_error("route_id", "分流路径不属于该法院", "the route belongs to another court")
        )
    if referral.route is None and referral.org is None:
        errors.append(
            field_error("org_id", "请指定分流路径或承接调解组织", "a route or a body is required")
        )
    if errors:
        raise Invalid("法院委派/委托信息有误。", "Invalid court referral.", errors)


@transaction.atomic
def do_intake_court_referral(
    draft: CaseDraft, referral: ReferralDraft, *, actor: User
) -> Registered:
    """诉调对接: a court's referral is registered and sent to the first step of its route (or
    the named body); the clock starts when that body's mediator signs for it."""
    _check_referral(referral)
    if draft.kind != Kind.COURT_REFERRAL:
        draft.kind = Kind.COURT_REFERRAL
    registered = do_register(draft, actor=actor)
    case = registered.case
    dispute_of(case)
    Dispute.objects.filter(case=case).update(source=IntakeSource.COURT, referred_by=referral.court)
    step = referral.route.steps.order_by("order").first() if referral.route else None
    target = step.unit if step is not None else referral.org
    assert target is not None
    check_org(target, "route_id" if step is not None else "org_id")
    CourtReferral.objects.create(
        case=case,
        court=referral.court,
        referral_type=referral.referral_type,
        procedure=referral.procedure,
        court_case_no=referral.court_case_no,
        route=referral.route,
        step=step,
        referred_at=case.received_at or timezone.now(),
    )
    route_to(
        case, target, actor=actor, via=StageVia.DIVERSION if step else StageVia.DISPATCH, step=step
    )
    return registered

"""Dispute intake (a grid worker from the field, the centre, a committee) and court referrals.
Idempotent with an Idempotency-Key (REL-03); the receipt number is returned after commit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.params import HeaderEx, P

from fengqiao.accounts.scope import request_user
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.cases.api.validate import Errors, staff_draft
from fengqiao.cases.idempotency import HEADER
from fengqiao.cases.models import Case
from fengqiao.mediation.actions import (
    DisputeDraft,
    ReferralDraft,
    do_intake_court_referral,
    do_intake_dispute,
)
from fengqiao.mediation.api import schemas as s
from fengqiao.mediation.api.access import unit_by_code
from fengqiao.mediation.models import DiversionRoute, IntakeSource
from fengqiao.procedures.intake import register_once

router = Router(tags=["mediation"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}
KEY_DOC = "REL-03：同一请求重试时使用同一个 UUID；保留至少 24 小时"


def _body(case: Case, code: str) -> dict[str, Any]:
    return {
        "id": case.pk,
        "receipt_no": case.receipt_no,
        "verification_code": code,
        "status": case.status,
        "status_label": case.status_label,
        "due_at": case.due_at.isoformat() if case.due_at else None,
    }


def _unit(errors: Errors, field: str, code: str | None) -> Any:
    unit = unit_by_code(code)
    if code and unit is None:
        errors.add(field, "单位不存在或已停用", "unknown or inactive unit")
    return unit


@router.post(
    "/disputes",
    response={201: s.DisputeCreatedOut, 200: s.DisputeCreatedOut, **ERRORS},
    summary="登记矛盾纠纷（幂等，须带 Idempotency-Key）",
)
def create_dispute(
    request: HttpRequest,
    payload: s.DisputeIn,
    idempotency_key: HeaderEx[str | None, P(alias=HEADER, description=KEY_DOC)] = None,
) -> Status[Any]:
    """A grid worker, the centre or a committee registers a dispute; with `org_code` it goes
    straight to that body (taken up at once when the body is the registrant's own)."""
    user = request_user(request)
    errors = Errors()
    if payload.kind != "dispute":
        errors.add("kind", "须为矛盾纠纷", "must be dispute")
    referred_by = _unit(errors, "referred_by_code", payload.referred_by_code)
    org = _unit(errors, "org_code", payload.org_code)
    police = _unit(errors, "police_unit_code", payload.police_unit_code)
    if (
        payload.source not in (IntakeSource.INITIATIVE, IntakeSource.APPLICATION)
        and referred_by is None
    ):
        errors.add("referred_by_code", "移送调解须注明移送单位", "the referring unit is required")
    errors.raise_if_any()
    draft = staff_draft(payload)
    details = DisputeDraft(
        source=payload.source,
        referred_by=referred_by,
        org=org,
        is_complex=payload.is_complex,
        criminal_risk=payload.criminal_risk,
        group_risk=payload.group_risk,
        police_unit=police,
        risk_note=payload.risk_note,
    )

    def create() -> tuple[Case, dict[str, Any]]:
        registered = do_intake_dispute(draft, details, actor=user)
        case = Case.objects.get(pk=registered.case.pk)
        return case, _body(case, registered.verification_code)

    return register_once(
        idempotency_key,
        scope=f"user:{user.pk}",
        endpoint="mediation.create_dispute",
        payload=payload.model_dump(mode="json"),
        create=create,
    )


@router.post(
    "/court-referrals",
    response={201: s.DisputeCreatedOut, 200: s.DisputeCreatedOut, **ERRORS},
    summary="法院委派/委托调解登记（诉调对接，幂等）",
)
def create_referral(
    request: HttpRequest,
    payload: s.CourtReferralIn,
    idempotency_key: HeaderEx[str | None, P(alias=HEADER, description=KEY_DOC)] = None,
) -> Status[Any]:
    """A court's referral: it goes to the first step of the court's route (or the named body)."""
    user = request_user(request)
    errors = Errors()
    court = _unit(errors, "court_code", payload.court_code)
    org = _unit(errors, "org_code", payload.org_code)
    route = None
    if payload.route_id is not None:
        route = DiversionRoute.objects.filter(pk=payload.route_id, is_active=True).first()
        if route is None:
            errors.add("route_id", "分流路径不存在或已停用", "unknown or inactive route")
    errors.raise_if_any()
    assert court is not None
    draft = staff_draft(payload)
    referral = ReferralDraft(
        court=court,
        referral_type=payload.referral_type,
        procedure=payload.procedure or "",
        court_case_no=payload.court_case_no,
        route=route,
        org=org,
    )

    def create() -> tuple[Case, dict[str, Any]]:
        registered = do_intake_court_referral(draft, referral, actor=user)
        case = Case.objects.get(pk=registered.case.pk)
        return case, _body(case, registered.verification_code)

    return register_once(
        idempotency_key,
        scope=f"user:{user.pk}",
        endpoint="mediation.create_referral",
        payload=payload.model_dump(mode="json"),
        create=create,
    )

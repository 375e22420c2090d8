"""Reading petitions: the scoped list (accusations never shown to the accused, AC-10), the
detail with every clock, a decision's document data (audited), the annual report's figures."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from fengqiao.accounts.scope import request_user, visible_regions
from fengqiao.audit.actions import record
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.petitions.api import schemas as s
from fengqiao.petitions.api.access import get_petition, petitions_for
from fengqiao.petitions.api.present import petition_list_out, petition_out
from fengqiao.petitions.documents import decision_data
from fengqiao.petitions.models import Decision
from fengqiao.petitions.report import annual_report

router = Router(tags=["petitions"])


class PetitionFilters(Schema):
    status: str | None = None
    petition_type: str | None = None
    channel: str | None = None
    region: str | None = Field(None, description="区划代码：含其全部下级")
    overdue: bool | None = None


@router.get("/", response=list[s.PetitionListOut], summary="信访事项列表（按权限范围）")
@paginate
def list_petitions(
    request: HttpRequest, filters: Query[PetitionFilters]
) -> list[s.PetitionListOut]:
    user = request_user(request)
    qs = petitions_for(user).select_related("region", "category", "lead_unit", "petition")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.petition_type:
        qs = qs.filter(petition__petition_type=filters.petition_type)
    if filters.channel:
        qs = qs.filter(petition__channel=filters.channel)
    if filters.region:
        region = visible_regions(user).filter(code=filters.region).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if filters.overdue is not None:
        qs = qs.filter(is_overdue=filters.overdue)
    return [petition_list_out(c, user) for c in qs.order_by("due_at", "-received_at", "pk")]


@router.get("/report", response=s.ReportOut, summary="信访工作年度报告数据（第四十一条）")
def report(request: HttpRequest, year: int | None = None) -> s.ReportOut:
    result = annual_report(petitions_for(request_user(request)), year or timezone.localtime().year)
    return s.ReportOut(**asdict(result))


@router.get("/{case_id}", response={200: s.PetitionOut, 404: ErrorOut}, summary="信访事项详情")
def detail(request: HttpRequest, case_id: int) -> s.PetitionOut:
    user = request_user(request)
    return petition_out(get_petition(user, case_id), user)


class ReviewRightOut(Schema):
    days: int
    body: str
    source: str
    word: str


class DecisionDataOut(Schema):
    title: str
    organ: str
    number: str
    petitioner: str
    matter: str
    received_on: Any
    channel: str
    accepted_on: Any
    request: str
    facts: str
    outcome: str
    reasons: str
    basis: list[str]
    review: ReviewRightOut | None
    decided_on: Any


@router.get(
    "/{case_id}/decisions/{decision_id}",
    response={200: DecisionDataOut, 404: ErrorOut},
    summary="信访处理（复查、复核）意见书数据（留痕）",
)
def decision_document(request: HttpRequest, case_id: int, decision_id: int) -> DecisionDataOut:
    user = request_user(request)
    case = get_petition(user, case_id)
    decision = (
        Decision.objects.filter(pk=decision_id, case=case).select_related("organ__parent").first()
    )
    if decision is None:
        raise Http404
    record(
        "petition.decision_document",
        actor=user,
        obj=case,
        data={"decision": decision.number},
        region_code=case.region.code,
    )
    return DecisionDataOut(**asdict(decision_data(decision)))

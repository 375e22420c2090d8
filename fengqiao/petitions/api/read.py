"""Reading petitions: the scoped list (accusations never shown to the accused, AC-10), the
detail with every clock, a decision's document data (audited), the annual report's figures."""

from dataclasses import asdict
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Schema
from ninja.pagination import paginate
from pydantic import Field

from fengqiao.accounts.scope import request_user, visible_regions
from fengqiao.audit.actions import record
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.petitions.api import schemas as s
from fengqiao.petitions.api.access import get_petition, petitions_for
from fengqiao.petitions.api.present import petition_list_out, petition_out

# Same router as staff intake: GET and POST "/" must share one URL pattern.
from fengqiao.petitions.api.staff import router as router  # noqa: E402
from fengqiao.petitions.documents import decision_data, decision_document
from fengqiao.petitions.models import Decision
from fengqiao.petitions.report import annual_report
from fengqiao.procedures.files import document_response


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


def _decision(request: HttpRequest, case_id: int, decision_id: int, fmt: str) -> Decision:
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
        data={"decision": decision.number, "format": fmt},
        region_code=case.region.code,
    )
    return decision


@router.get(
    "/{case_id}/decisions/{decision_id}",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="信访处理（复查、复核）意见书内容（留痕）",
)
def decision_json(request: HttpRequest, case_id: int, decision_id: int) -> dict[str, Any]:
    data: dict[str, Any] = asdict(decision_data(_decision(request, case_id, decision_id, "json")))
    return data


@router.get(
    "/{case_id}/decisions/{decision_id}/document.{fmt}",
    response={404: ErrorOut},
    summary="信访处理（复查、复核）意见书 .docx / .pdf（留痕）",
)
def decision_file(request: HttpRequest, case_id: int, decision_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("docx", "pdf"):
        raise Http404
    decision = _decision(request, case_id, decision_id, fmt)
    return document_response(decision_document(decision), fmt=fmt, filename=decision.number)

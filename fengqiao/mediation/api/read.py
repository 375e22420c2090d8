"""Reading disputes: the scoped list, the detail, the agreement's document data (audited),
繁简分流 suggestions, the statistics table and a route's share settled at each step."""

from dataclasses import asdict
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Schema
from ninja.pagination import paginate
from pydantic import Field

from fengqiao.accounts.scope import request_user, visible_regions
from fengqiao.api import ApiError
from fengqiao.audit.actions import record
from fengqiao.cases.access import cases_for
from fengqiao.cases.actions.engine import CENTRE_ROLES, active_lead, acts_in_region
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.cases.models import CaseQuerySet, user_unit_ids
from fengqiao.mediation import stats, tracks
from fengqiao.mediation.actions.agreement import current_agreement
from fengqiao.mediation.api import schemas as s
from fengqiao.mediation.api.access import get_dispute

# Same router as intake: GET and POST "/disputes" must share one URL pattern (two routers
# would each register the path, and the second would answer 405 to the other's method).
from fengqiao.mediation.api.intake import router as router  # noqa: E402
from fengqiao.mediation.api.present import dispute_list_out, dispute_out
from fengqiao.mediation.documents import agreement_data, agreement_document
from fengqiao.mediation.machine import DISPUTE_KINDS
from fengqiao.mediation.models import DiversionRoute
from fengqiao.procedures.files import document_response


class DisputeFilters(Schema):
    status: str | None = None
    kind: str | None = Field(None, pattern=r"^(dispute|court_referral)$")
    region: str | None = Field(None, description="区划代码：含其全部下级")
    category: str | None = Field(None, description="纠纷类型代码（含下级）")
    source: str | None = None
    outcome: str | None = None
    received_from: date | None = None
    received_to: date | None = None


def _scoped(request: HttpRequest, f: DisputeFilters) -> CaseQuerySet:
    user = request_user(request)
    qs = cases_for(user).filter(kind__in=DISPUTE_KINDS)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.region:
        region = visible_regions(user).filter(code=f.region).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if f.category:
        qs = qs.filter(category__code=f.category) | qs.filter(category__parent__code=f.category)
    if f.source:
        qs = qs.filter(dispute__source=f.source)
    if f.outcome:
        qs = qs.filter(dispute__outcome=f.outcome)
    tz = timezone.get_current_timezone()
    if f.received_from:
        qs = qs.filter(received_at__gte=datetime.combine(f.received_from, time.min, tz))
    if f.received_to:
        qs = qs.filter(received_at__lte=datetime.combine(f.received_to, time.max, tz))
    return qs


@router.get("/disputes", response=list[s.DisputeListOut], summary="纠纷列表（按权限范围）")
@paginate
def list_disputes(request: HttpRequest, filters: Query[DisputeFilters]) -> list[s.DisputeListOut]:
    user = request_user(request)
    qs = _scoped(request, filters).select_related("region", "category", "lead_unit", "dispute")
    return [dispute_list_out(c, user) for c in qs.order_by("due_at", "-received_at", "pk")]


@router.get("/disputes/{case_id}", response={200: s.DisputeOut, 404: ErrorOut}, summary="纠纷详情")
def get_dispute_detail(request: HttpRequest, case_id: int) -> s.DisputeOut:
    user = request_user(request)
    return dispute_out(get_dispute(user, case_id), user)


def _agreement_for(request: HttpRequest, case_id: int, fmt: str) -> tuple[Any, Any]:
    """The current agreement, for the mediating body or the region's operators only; every
    fetch (allowed or not) leaves an audit row."""
    user = request_user(request)
    case = get_dispute(user, case_id)
    agreement = current_agreement(case)
    units = user_unit_ids(user, act=True)
    lead = active_lead(case)
    allowed = (
        agreement.org_id in units
        or (lead is not None and lead.unit_id in units)
        or acts_in_region(user, case, CENTRE_ROLES)
    )
    record(
        "mediation.agreement_document",
        actor=user,
        obj=case,
        outcome="success" if allowed else "denied",
        data={"agreement": agreement.number, "format": fmt},
        region_code=case.region.code,
    )
    if not allowed:
        raise ApiError(403, "只有承办调解组织或本区域受理人员可以查看协议书。", "Not allowed.")
    return case, agreement


@router.get(
    "/disputes/{case_id}/agreement",
    response={200: dict[str, Any], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="调解协议书内容（留痕）",
)
def agreement_json(request: HttpRequest, case_id: int) -> dict[str, Any]:
    _, agreement = _agreement_for(request, case_id, "json")
    data: dict[str, Any] = asdict(agreement_data(agreement))
    return data


@router.get(
    "/disputes/{case_id}/agreement.{fmt}",
    response={403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="调解协议书 .docx / .pdf（留痕）",
)
def agreement_file(request: HttpRequest, case_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("docx", "pdf"):
        raise Http404
    case, agreement = _agreement_for(request, case_id, fmt)
    return document_response(
        agreement_document(agreement), fmt=fmt, filename=f"调解协议书-{case.receipt_no}"
    )


class TrackOptionOut(Schema):
    track: str
    label: str
    needs_consent: bool
    trial_limit: str
    reasons: list[str]


class SuggestionOut(Schema):
    options: list[TrackOptionOut]
    threshold: Decimal | None
    consent_threshold: Decimal | None
    wage_year: int | None
    wage_source: str
    notes: list[str]


@router.get(
    "/disputes/{case_id}/tracks",
    response={200: SuggestionOut, 404: ErrorOut},
    summary="繁简分流建议（仅供参考）",
)
def track_suggestion(request: HttpRequest, case_id: int) -> SuggestionOut:
    case = get_dispute(request_user(request), case_id)
    return SuggestionOut(**asdict(tracks.suggest(case, on=timezone.localdate())))


class CategoryRowOut(Schema):
    code: str
    name: str
    disputes: int
    succeeded: int
    success_rate: float | None
    agreement_amount: Decimal
    prevented_criminal: int
    prevented_criminal_people: int
    prevented_group_petition: int
    prevented_group_petition_people: int


class TableOut(Schema):
    disputes: int
    handoffs: int
    by_source: dict[str, int]
    rows: list[CategoryRowOut]


@router.get("/stats", response=TableOut, summary="人民调解统计表（按纠纷类型；每件纠纷只计一次）")
def table(request: HttpRequest, filters: Query[DisputeFilters]) -> TableOut:
    result = stats.dispute_table(_scoped(request, filters))
    rows = [CategoryRowOut(**asdict(r), success_rate=r.success_rate) for r in result.rows]
    return TableOut(
        disputes=result.disputes, handoffs=result.handoffs, by_source=result.by_source, rows=rows
    )


class StepShareOut(Schema):
    order: int
    name: str
    unit: str
    reached: int
    settled: int
    share_of_reached: float | None
    share_of_referred: float | None


class RouteReportOut(Schema):
    route: str
    court: str
    referred: int
    steps: list[StepShareOut]


@router.get(
    "/routes/{route_id}/report",
    response={200: RouteReportOut, 404: ErrorOut},
    summary="诉调对接分流：各环节化解占比",
)
def route_report(request: HttpRequest, route_id: int) -> RouteReportOut:
    user = request_user(request)
    route = DiversionRoute.objects.filter(pk=route_id).select_related("court__region").first()
    if route is None or not visible_regions(user).filter(pk=route.court.region_id).exists():
        raise Http404
    referred, steps = stats.diversion_report(route, cases_for(user))
    return RouteReportOut(
        route=route.name,
        court=route.court.name,
        referred=referred,
        steps=[StepShareOut(**asdict(x)) for x in steps],
    )

"""Reading cases: the scoped list, the detail with its timeline, duplicates, dispatch
suggestions, the workflow tables, and revealing one party's details (audited)."""

from datetime import date, datetime, time
from typing import Any

from django.db.models import F, Prefetch, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Schema
from ninja.pagination import paginate
from pydantic import Field

from fengqiao.accounts.scope import request_user, visible_regions
from fengqiao.api import ApiError
from fengqiao.audit.actions import record
from fengqiao.cases import duplicates, routing
from fengqiao.cases.access import cases_for, get_case_for_user, redacts_complainants
from fengqiao.cases.actions.engine import CENTRE_ROLES, acts_in_region
from fengqiao.cases.api import routers
from fengqiao.cases.api import schemas as s
from fengqiao.cases.api.present import detail_out, list_out
from fengqiao.cases.api.validate import Errors, resolve_place
from fengqiao.cases.models import CaseQuerySet, Party, PartyRole, user_unit_ids
from fengqiao.cases.workflow import machine_for, registered_kinds
from fengqiao.core.pii import blind_index
from fengqiao.units.models import Category

router = routers.cases


class CaseFilters(Schema):
    status: str | None = None
    kind: str | None = None
    category: str | None = Field(None, description="分类代码（含下级分类）")
    region: str | None = Field(None, description="区划代码：含其全部下级")
    overdue: bool | None = None
    open: bool | None = None
    supervision_level: int | None = Field(None, ge=0, le=3)
    received_from: date | None = None
    received_to: date | None = None
    caller_phone: str | None = Field(None, max_length=20, description="按来电号码查找（盲索引）")
    q: str | None = Field(None, max_length=50, description="受理编号或标题")


def _filtered(user_qs: CaseQuerySet, f: CaseFilters, request: HttpRequest) -> CaseQuerySet:
    qs = user_qs
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.category:
        qs = qs.filter(Q(category__code=f.category) | Q(category__parent__code=f.category))
    if f.region:
        region = visible_regions(request_user(request)).filter(code=f.region).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if f.overdue is not None:
        qs = qs.filter(is_overdue=f.overdue)
    if f.open is not None:
        qs = qs.filter(is_open=f.open)
    if f.supervision_level is not None:
        qs = qs.filter(supervision_level=f.supervision_level)
    tz = timezone.get_current_timezone()
    if f.received_from:
        qs = qs.filter(received_at__gte=datetime.combine(f.received_from, time.min, tz))
    if f.received_to:
        qs = qs.filter(received_at__lte=datetime.combine(f.received_to, time.max, tz))
    if f.caller_phone:
        qs = qs.filter(parties__phone_index=blind_index(f.caller_phone)).distinct()
    if f.q:
        qs = qs.filter(Q(receipt_no=f.q.strip().upper()) | Q(title__contains=f.q.strip()))
    return qs


def _with_relations(qs: CaseQuerySet) -> CaseQuerySet:
    return qs.select_related("region", "category", "lead_unit").prefetch_related(
        Prefetch("parties", queryset=Party.objects.filter(role=PartyRole.COMPLAINANT))
    )


@router.get("/", response=list[s.CaseListOut], summary="事项列表（按权限范围，按办理时限排序）")
@paginate
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> list[s.CaseListOut]:
    """Cases the caller may see, soonest deadline first (no deadline last)."""
    user = request_user(request)
    qs = _with_relations(_filtered(cases_for(user), filters, request))
    # soonest deadline first; cases without one last on both databases
    ordered = qs.order_by(F("due_at").asc(nulls_last=True), "-received_at", "pk")
    units = user_unit_ids(user)
    return _LazyList(ordered, lambda case: list_out(case, user, units))  # type: ignore[return-value]


class _LazyList:
    """Lets the paginator slice the queryset first and present only one page."""

    def __init__(self, qs: CaseQuerySet, present: Any) -> None:
        self.qs, self.present = qs, present

    def __getitem__(self, index: slice) -> list[Any]:
        return [self.present(case) for case in self.qs[index]]

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()


@router.get("/workflows", response=list[s.MachineOut], summary="各类事项的状态机（流转表）")
def workflows(request: HttpRequest) -> list[s.MachineOut]:
    """The transition tables of every registered kind (docs/workflow.md shows the same)."""
    out = []
    for kind in registered_kinds():
        machine = machine_for(kind)
        assert machine is not None
        out.append(
            s.MachineOut(
                kind=kind,
                initial=machine.initial,
                states=[s.Label(value=k, label=v) for k, v in machine.states.items()],
                terminal=sorted(machine.terminal),
                actions=[
                    {
                        "name": a.name,
                        "label": a.label,
                        "from": sorted(a.sources),
                        "to": sorted(a.targets),
                        "by": str(a.by),
                    }
                    for a in machine.actions
                ],
            )
        )
    return out


@router.post("/duplicates", response=list[s.DuplicateOut], summary="疑似重复事项（受理页草稿查询）")
def draft_duplicates(request: HttpRequest, payload: s.DraftIn) -> list[s.DuplicateOut]:
    """Possible duplicates of a matter being registered, among the cases the caller sees."""
    user = request_user(request)
    errors = Errors()
    region, lat, lon = resolve_place(payload, errors)
    category = None
    if payload.category_code:
        category = Category.objects.filter(code=payload.category_code).first()
        if category is None:
            errors.add("category_code", "事项分类不存在", "unknown category code")
    errors.raise_if_any()
    assert region is not None
    found = duplicates.candidates(
        cases_for(user),
        region=region,
        category=category,
        received_at=payload.received_at or timezone.now(),
        description=payload.description,
        latitude=lat,
        longitude=lon,
    )
    return [_dup_out(c, user) for c in found]


def _dup_out(candidate: duplicates.Candidate, user: Any) -> s.DuplicateOut:
    return s.DuplicateOut(
        case=list_out(candidate.case, user),
        score=candidate.score,
        similarity=candidate.similarity,
        distance_m=round(candidate.distance_m, 1) if candidate.distance_m is not None else None,
    )


@router.get("/{case_id}", response=s.CaseOut, summary="事项详情（含流转记录与派单）")
def get_case(request: HttpRequest, case_id: int) -> s.CaseOut:
    user = request_user(request)
    return detail_out(get_case_for_user(user, case_id), user)


@router.get("/{case_id}/duplicates", response=list[s.DuplicateOut], summary="该事项的疑似重复事项")
def case_duplicates(request: HttpRequest, case_id: int) -> list[s.DuplicateOut]:
    user = request_user(request)
    case = get_case_for_user(user, case_id)
    found = duplicates.candidates(
        cases_for(user),
        region=case.region,
        category=case.category,
        received_at=case.received_at,
        description=case.description,
        latitude=case.latitude,
        longitude=case.longitude,
        exclude_pk=case.pk,
    )
    return [_dup_out(c, user) for c in found]


@router.get(
    "/{case_id}/suggestion", response=s.SuggestionOut, summary="派单目录推荐的主办、协办单位"
)
def suggestion(request: HttpRequest, case_id: int) -> s.SuggestionOut:
    case = get_case_for_user(request_user(request), case_id)
    found = routing.suggest(case.category, case.region)
    if found is None:
        return s.SuggestionOut(lead_unit_id=None, lead_unit_name=None, co_unit_ids=[], basis="")
    return s.SuggestionOut(
        lead_unit_id=found.lead_unit.pk,
        lead_unit_name=found.lead_unit.name,
        co_unit_ids=[u.pk for u in found.co_units],
        basis=found.basis,
    )


@router.post(
    "/{case_id}/parties/{party_id}/reveal",
    response={200: s.RevealOut, 403: s.ErrorOut, 404: s.ErrorOut},
    summary="查看当事人完整信息（须说明理由，留痕）",
)
def reveal_party(
    request: HttpRequest, case_id: int, party_id: int, payload: s.RevealIn
) -> s.RevealOut:
    """Unmasking needs an operator of the case's region, a reason, and leaves an audit row;
    the unit complained about never gets the complainant (AC-10)."""
    user = request_user(request)
    case = get_case_for_user(user, case_id)
    party = get_object_or_404(Party, pk=party_id, case=case)
    if not acts_in_region(user, case, CENTRE_ROLES) or (
        party.role == PartyRole.COMPLAINANT and redacts_complainants(case, user)
    ):
        record(
            "case.party_reveal",
            actor=user,
            obj=case,
            outcome="denied",
            reason=payload.reason,
            data={"party_id": party.pk},
            region_code=case.region.code,
        )
        raise ApiError(403, "您无权查看该当事人的完整信息。", "You may not unmask this party.")
    record(
        "case.party_reveal",
        actor=user,
        obj=case,
        reason=payload.reason,
        data={"party_id": party.pk, "role": party.role},
        region_code=case.region.code,
    )
    return s.RevealOut(
        id=party.pk,
        name=party.name,
        phone=party.phone,
        id_number=party.id_number,
        address=party.address,
    )

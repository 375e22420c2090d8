"""Configuration endpoints: mediation organisations and rooms, mediators (with workload), a
court's diversion route, the provincial average wage. Lists are scoped to visible regions."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import request_user, visible_regions
from fengqiao.cases.api.schemas import ErrorOut
from fengqiao.cases.api.validate import Errors
from fengqiao.core.pii import mask_phone
from fengqiao.mediation import actions as m
from fengqiao.mediation.api import schemas as s
from fengqiao.mediation.api.access import unit_by_code
from fengqiao.mediation.models import (
    AverageWage,
    DiversionRoute,
    MediationOrg,
    Mediator,
    MediatorKind,
    OrgKind,
)
from fengqiao.regions.models import Region
from fengqiao.units.models import Category

router = Router(tags=["mediation-config"])
ERR: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _visible_region_ids(user: User) -> Any:
    return visible_regions(user).values("pk")


def org_out(org: MediationOrg) -> s.OrgOut:
    return s.OrgOut(
        id=org.pk,
        unit_code=org.unit.code,
        name=org.unit.name,
        kind=org.kind,
        kind_label=OrgKind(org.kind).label,
        mediation_type=org.mediation_type,
        region_code=org.unit.region.code,
        sector=org.sector,
        invited_by=org.invited_by.name if org.invited_by else None,
        rooms=[
            {"id": r.pk, "name": r.name, "has_video": r.has_video}
            for r in org.rooms.filter(is_active=True)
        ],
    )


@router.get("/orgs", response=list[s.OrgOut], summary="调解组织（按权限范围）")
def list_orgs(request: HttpRequest, kind: str | None = None) -> list[s.OrgOut]:
    qs = MediationOrg.objects.filter(
        unit__region__in=_visible_region_ids(request_user(request)), is_active=True
    )
    if kind:
        qs = qs.filter(kind=kind)
    return [org_out(o) for o in qs.select_related("unit__region", "invited_by")]


@router.post("/orgs", response={200: s.OrgOut, **ERR}, summary="登记或更新调解组织信息")
def save_org(request: HttpRequest, payload: s.OrgSaveIn) -> s.OrgOut:
    user = request_user(request)
    errors = Errors()
    unit = unit_by_code(payload.unit_code)
    if unit is None:
        errors.add("unit_code", "单位不存在或已停用", "unknown unit")
    invited = unit_by_code(payload.invited_by_code)
    if payload.invited_by_code and invited is None:
        errors.add("invited_by_code", "单位不存在", "unknown unit")
    errors.raise_if_any()
    assert unit is not None
    org = m.do_save_org(
        unit,
        actor=user,
        kind=payload.kind,
        mediation_type=payload.mediation_type,
        sector=payload.sector,
        invited_by=invited,
        address=payload.address,
    )
    return org_out(org)


def _org(user: User, org_id: int) -> MediationOrg:
    org = (
        MediationOrg.objects.filter(pk=org_id, unit__region__in=_visible_region_ids(user))
        .select_related("unit__region")
        .first()
    )
    if org is None:
        raise Http404
    return org


@router.post("/orgs/{org_id}/rooms", response={200: s.OrgOut, **ERR}, summary="添加调解室")
def add_room(request: HttpRequest, org_id: int, payload: s.RoomIn) -> s.OrgOut:
    user = request_user(request)
    org = _org(user, org_id)
    m.do_add_room(
        org,
        actor=user,
        name=payload.name,
        location=payload.location,
        capacity=payload.capacity,
        has_video=payload.has_video,
    )
    return org_out(org)


def mediator_out(mediator: Mediator) -> s.MediatorOut:
    return s.MediatorOut(
        id=mediator.pk,
        name=mediator.name,
        org_code=mediator.org.unit.code,
        org_name=mediator.org.unit.name,
        kind=mediator.kind,
        kind_label=MediatorKind(mediator.kind).label,
        phone=mask_phone(mediator.phone),
        specialities=[c.code for c in mediator.specialities.all()],
        invited_by=mediator.invited_by.name if mediator.invited_by else None,
        max_active=mediator.max_active,
        workload=m.workload(mediator),
    )


@router.get("/mediators", response=list[s.MediatorOut], summary="调解员（擅长类型、承办量）")
def list_mediators(
    request: HttpRequest, org_code: str | None = None, speciality: str | None = None
) -> list[s.MediatorOut]:
    qs = Mediator.objects.filter(
        org__unit__region__in=_visible_region_ids(request_user(request)), is_active=True
    )
    if org_code:
        qs = qs.filter(org__unit__code=org_code)
    if speciality:
        qs = qs.filter(specialities__code=speciality)
    return [mediator_out(x) for x in qs.select_related("org__unit", "invited_by").distinct()]


@router.post("/mediators", response={200: s.MediatorOut, **ERR}, summary="登记调解员")
def add_mediator(request: HttpRequest, payload: s.MediatorIn) -> s.MediatorOut:
    user = request_user(request)
    errors = Errors()
    org = (
        MediationOrg.objects.filter(unit__code=payload.org_code)
        .select_related("unit__region")
        .first()
    )
    if org is None:
        errors.add("org_code", "调解组织不存在", "unknown mediation body")
    categories = list(Category.objects.filter(code__in=payload.speciality_codes))
    if len(categories) != len(set(payload.speciality_codes)):
        errors.add("speciality_codes", "纠纷类型代码不存在", "unknown category")
    invited = unit_by_code(payload.invited_by_code)
    account = (
        User.objects.filter(username__iexact=payload.username).first() if payload.username else None
    )
    if payload.username and account is None:
        errors.add("username", "账号不存在", "unknown account")
    errors.raise_if_any()
    assert org is not None
    if not visible_regions(user).filter(pk=org.unit.region_id).exists():
        raise Http404
    draft = m.MediatorDraft(
        name=payload.name,
        kind=payload.kind,
        phone=payload.phone,
        user=account,
        specialities=categories,
        invited_by=invited,
        max_active=payload.max_active,
    )
    return mediator_out(m.do_add_mediator(org, draft, actor=user))


class RouteOut(Schema):
    id: int
    court: str
    name: str
    effective_from: date
    is_active: bool
    steps: list[dict[str, Any]]


def route_out(route: DiversionRoute) -> RouteOut:
    return RouteOut(
        id=route.pk,
        court=route.court.name,
        name=route.name,
        effective_from=route.effective_from,
        is_active=route.is_active,
        steps=[
            {"order": x.order, "name": x.name, "unit_code": x.unit.code}
            for x in route.steps.select_related("unit")
        ],
    )


@router.get("/routes", response=list[RouteOut], summary="诉调对接分流路径")
def list_routes(request: HttpRequest) -> list[RouteOut]:
    qs = DiversionRoute.objects.filter(court__region__in=_visible_region_ids(request_user(request)))
    return [route_out(r) for r in qs.select_related("court")]


@router.post("/routes", response={200: RouteOut, **ERR}, summary="设置法院分流路径（替换原有路径）")
def save_route(request: HttpRequest, payload: s.RouteIn) -> RouteOut:
    user = request_user(request)
    errors = Errors()
    court = unit_by_code(payload.court_code)
    if court is None:
        errors.add("court_code", "单位不存在", "unknown unit")
    steps = []
    for i, step in enumerate(payload.steps):
        unit = unit_by_code(step.unit_code)
        if unit is None:
            errors.add(f"steps.{i}.unit_code", "单位不存在", "unknown unit")
        else:
            steps.append((step.name, unit))
    errors.raise_if_any()
    assert court is not None
    route = m.do_save_route(
        court,
        actor=user,
        name=payload.name,
        steps=steps,
        effective_from=payload.effective_from,
        note_text=payload.note,
    )
    return route_out(route)


class WageOut(Schema):
    province_code: str
    year: int
    amount: Decimal
    source_document: str
    published_on: date | None


@router.get(
    "/wages", response=list[WageOut], summary="各省就业人员年平均工资（小额诉讼标的额基数）"
)
def list_wages(request: HttpRequest) -> list[WageOut]:
    rows = AverageWage.objects.select_related("province").order_by("province__code", "-year")
    return [
        WageOut(
            province_code=r.province.code,
            year=r.year,
            amount=r.amount,
            source_document=r.source_document,
            published_on=r.published_on,
        )
        for r in rows
    ]


@router.post("/wages", response={200: WageOut, **ERR}, summary="录入省年平均工资（注明来源）")
def set_wage(request: HttpRequest, payload: s.WageIn) -> WageOut:
    user = request_user(request)
    province = Region.objects.filter(code=payload.province_code).first()
    if province is None:
        errors = Errors()
        errors.add("province_code", "区划不存在", "unknown region")
        errors.raise_if_any()
    assert province is not None
    row = m.do_set_average_wage(
        province,
        actor=user,
        year=payload.year,
        amount=payload.amount,
        source_document=payload.source_document,
        published_on=payload.published_on,
    )
    return WageOut(
        province_code=province.code,
        year=row.year,
        amount=row.amount,
        source_document=row.source_document,
        published_on=row.published_on,
    )

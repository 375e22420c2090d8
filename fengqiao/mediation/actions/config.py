"""Configuration as audited actions: mediation profiles, rooms, mediators, a court's diversion
route, and the provincial average wage behind the small-claims ceiling."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from fengqiao.accounts.models import Role, User
from fengqiao.accounts.scope import scope_paths
from fengqiao.audit.actions import record
from fengqiao.cases.errors import Invalid, NotAllowed, field_error
from fengqiao.cases.models import user_unit_ids
from fengqiao.mediation.actions.common import check_org
from fengqiao.mediation.models import (
    DEFAULT_TYPE,
    ORG_UNIT_TYPES,
    AverageWage,
    DiversionRoute,
    DiversionStep,
    MediationOrg,
    MediationRoom,
    Mediator,
    MediatorKind,
    OrgKind,
)
from fengqiao.regions.models import Level, Region
from fengqiao.units.models import Category, Unit, UnitType

ADMIN_ROLES = frozenset({Role.OPERATOR, Role.REGION_ADMIN})


def acts_over(actor: User, region: Region, *, roles: frozenset[str] = ADMIN_ROLES) -> bool:
    return any(region.path.startswith(p) for p in scope_paths(actor, act=True, roles=roles))


def check_manages(actor: User, unit: Unit) -> None:
    """The unit's own members, or operators and region administrators over its region."""
    if unit.pk in user_unit_ids(actor, act=True) or acts_over(actor, unit.region):
        return
    raise NotAllowed("您无权维护该单位的调解信息。", "You may not manage this unit.")


@transaction.atomic
def do_save_org(
    unit: Unit,
    *,
    actor: User,
    kind: str,
    mediation_type: str = "",
    sector: str = "",
    invited_by: Unit | None = None,
    address: str = "",
) -> MediationOrg:
    """Create or update a unit's mediation profile (no second organisation table)."""
    check_manages(actor, unit)
    if unit.unit_type not in ORG_UNIT_TYPES:
        raise Invalid(
            "该类单位不能登记为调解组织。",
            "This unit type cannot mediate.",
            [field_error("unit_code", "单位类型不符", "unit type")],
        )
    if kind == OrgKind.COURT_INVITED and (
        invited_by is None or invited_by.unit_type != UnitType.COURT
    ):
        raise Invalid(
            "特邀调解组织须注明特邀法院。",
            "Name the inviting court.",
            [field_error("invited_by_code", "须为人民法院", "must be a court")],
        )
    org, created = MediationOrg.objects.update_or_create(
        unit=unit,
        defaults={
            "kind": kind,
            "mediation_type": mediation_type or DEFAULT_TYPE[OrgKind(kind)],
            "sector": sector,
            "invited_by": invited_by,
            "address": address,
        },
    )
    record(
        "mediation.org_saved",
        actor=actor,
        obj=org,
        data={"unit": unit.code, "kind": kind, "created": created},
        region_code=unit.region.code,
    )
    return org


@transaction.atomic
def do_add_room(
    org: MediationOrg,
    *,
    actor: User,
    name: str,
    location: str = "",
    capacity: int | None = None,
    has_video: bool = False,
) -> MediationRoom:
    """A 调解室 of the body."""
    check_manages(actor, org.unit)
    room = MediationRoom.objects.create(
        org=org, name=name, location=location, capacity=capacity, has_video=has_video
    )
    record(
        "mediation.room_added",
        actor=actor,
        obj=room,
        data={"org": org.unit.code},
        region_code=org.unit.region.code,
    )
    return room


@dataclass
class MediatorDraft:
    name: str
    kind: str
    phone: str = ""
    user: User | None = None
    specialities: list[Category] = field(default_factory=list)
    invited_by: Unit | None = None
    max_active: int | None = None


@transaction.atomic
def do_add_mediator(org: MediationOrg, draft: MediatorDraft, *, actor: User) -> Mediator:
    """Put a mediator on the body's roll; a 特邀调解员 names the court that invited them."""
    check_manages(actor, org.unit)
    if draft.kind == MediatorKind.INVITED and (
        draft.invited_by is None or draft.invited_by.unit_type != UnitType.COURT
    ):
        raise Invalid(
            "特邀调解员须注明特邀法院。",
            "Name the inviting court.",
            [field_error("invited_by_code", "须为人民法院", "must be a court")],
        )
    mediator = Mediator.objects.create(
        org=org,
        name=draft.name,
        phone=draft.phone,
        kind=draft.kind,
        user=draft.user,
        invited_by=draft.invited_by,
        max_active=draft.max_active,
    )
    mediator.specialities.set(draft.specialities)
    record(
        "mediation.mediator_added",
        actor=actor,
        obj=mediator,
        data={"org": org.unit.code, "kind": draft.kind},
        region_code=org.unit.region.code,
    )
    return mediator


@transaction.atomic
def do_save_route(
    court: Unit,
    *,
    actor: User,
    name: str,
    steps: list[tuple[str, Unit]],
    effective_from: date,
    note_text: str = "",
) -> DiversionRoute:
    """A court's diversion route; a new route retires the court's previous active ones."""
    check_manages(actor, court)
    if court.unit_type != UnitType.COURT:
        raise Invalid(
            "分流路径须属于人民法院。",
            "Routes belong to courts.",
            [field_error("court_code", "须为人民法院", "must be a court")],
        )
    for i, (_, unit) in enumerate(steps):
        check_org(unit, f"steps.{i}.unit_code")  # each step must be a body that mediates
    if not steps:
        raise Invalid(
            "请至少设置一个分流环节。",
            "At least one step.",
            [field_error("steps", "不能为空", "empty")],
        )
    DiversionRoute.objects.filter(court=court, is_active=True).update(is_active=False)
    route = DiversionRoute.objects.create(
        court=court, name=name, effective_from=effective_from, note=note_text
    )
    for order, (step_name, unit) in enumerate(steps, start=1):
        DiversionStep.objects.create(route=route, order=order, name=step_name, unit=unit)
    record(
        "mediation.route_saved",
        actor=actor,
        obj=route,
        data={"court": court.code, "steps": [u.code for _, u in steps]},
        region_code=court.region.code,
    )
    return route


@transaction.atomic
def do_set_average_wage(
    province: Region,
    *,
    actor: User,
    year: int,
    amount: Decimal,
    source_document: str,
    published_on: date | None = None,
) -> AverageWage:
    """就业人员年平均工资 of a province for a year, with its source (统计公报)."""
    if province.level != Level.PROVINCE:
        raise Invalid(
            "请选择省级区划。",
            "Choose a province.",
            [field_error("province_code", "须为省级", "must be a province")],
        )
    if not acts_over(actor, province, roles=frozenset({Role.REGION_ADMIN})):
        raise NotAllowed(
            "只有本省区域管理员可以录入。", "Only the province's region administrator may enter it."
        )
    if amount <= 0 or not source_document.strip():
        raise Invalid(
            "请填写正数金额和来源。",
            "A positive amount and a source are required.",
            [field_error("amount", "金额或来源无效", "invalid amount or source")],
        )
    row, _ = AverageWage.objects.update_or_create(
        province=province,
        year=year,
        defaults={
            "amount": amount,
            "source_document": source_document,
            "published_on": published_on,
        },
    )
    record(
        "mediation.average_wage",
        actor=actor,
        obj=row,
        data={"year": year, "amount": str(amount), "source": source_document},
        region_code=province.code,
    )
    return row

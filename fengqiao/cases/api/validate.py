"""Semantic checks of submissions: codes that must exist, phones and ID numbers that must be
valid, a place that must resolve. All problems are collected and answered at once as a 422
with one bilingual message per field — never a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fengqiao.api import ApiError
from fengqiao.cases import geo
from fengqiao.cases.actions import CaseDraft, PartyDraft
from fengqiao.cases.api import schemas as s
from fengqiao.cases.models import Channel, PartyRole, PartyType
from fengqiao.cases.workflow import Kind, machine_for
from fengqiao.core.pii import is_valid_id_number, is_valid_mobile
from fengqiao.regions.models import Level, Region
from fengqiao.units.models import Category, Unit

LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


@dataclass
class Errors:
    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, name: str, zh: str, en: str) -> None:
        self.items.append({"field": name, "message": zh, "message_en": en})

    def raise_if_any(self) -> None:
        if self.items:
            raise ApiError(422, "提交的数据有误，请检查标注的字段。", "Invalid input.", self.items)


def valid_phone(value: str) -> bool:
    return is_valid_mobile(value) or bool(LANDLINE_RE.match(value))


def resolve_place(
    payload: s.LocationFields, errors: Errors
) -> tuple[Region | None, Decimal | None, Decimal | None]:
    """The region from an explicit code, else from the GPS point (grid workers)."""
    lat, lon = payload.latitude, payload.longitude
    if (lat is None) != (lon is None):
        errors.add("latitude", "经纬度须同时提供", "latitude and longitude go together")
        lat = lon = None
    by_point = geo.grid_for_point(lat, lon) if lat is not None and lon is not None else None
    region: Region | None = None
    if payload.region_code:
        region = Region.objects.filter(code=payload.region_code).first()
        if region is None or region.retired_on is not None:
            errors.add("region_code", "区划代码不存在或已撤销", "unknown or retired region code")
            return None, lat, lon
        if by_point is not None and not by_point.path.startswith(region.path):
            errors.add(
                "region_code",
                "定位所在网格与所选区划不一致",
                "the GPS point lies outside the given region",
            )
    elif by_point is not None:
        region = by_point
    elif lat is not None:
        errors.add(
            "region_code",
            "无法根据定位确定网格，请选择区划或网格",
            "the GPS point resolves to no grid; give a region code",
        )
    else:
        errors.add(
            "region_code", "请选择区划或提供定位", "a region code or a GPS point is required"
        )
    return region, lat, lon


def _category(code: str | None, errors: Errors) -> Category | None:
    if not code:
        return None
    category = Category.objects.filter(code=code).first()
    if category is None:
        errors.add("category_code", "事项分类不存在", "unknown category code")
    return category


def _unit(code: str | None, errors: Errors, name: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        errors.add(name, "单位不存在或已停用", "unknown or inactive unit")
    return unit


def _party(index: int, party: s.PartyIn, errors: Errors) -> PartyDraft:
    prefix = f"parties.{index}"
    phone = re.sub(r"[\s]", "", party.phone)
    id_number = party.id_number.strip().upper()
    if phone and not valid_phone(phone):
        errors.add(f"{prefix}.phone", "电话号码格式不正确", "invalid phone number")
    if id_number and not is_valid_id_number(id_number):
        errors.add(f"{prefix}.id_number", "身份证号码无效（GB 11643 校验）", "invalid ID number")
    if party.party_type == PartyType.ORGANISATION and id_number and len(id_number) != 18:
        errors.add(
            f"{prefix}.id_number", "统一社会信用代码须为18位", "credit code must be 18 chars"
        )
    if not party.name.strip() and not phone:
        errors.add(f"{prefix}.name", "请填写姓名/名称或电话", "a name or a phone is required")
    return PartyDraft(
        role=party.role,
        party_type=party.party_type,
        name=party.name.strip(),
        phone=phone,
        id_number=id_number,
        address=party.address.strip(),
    )


def staff_draft(payload: s.CaseIn) -> CaseDraft:
    errors = Errors()
    if machine_for(payload.kind) is None:
        errors.add("kind", "该类事项的流程尚未启用", "no workflow is registered for this kind")
    region, lat, lon = resolve_place(payload, errors)
    category = _category(payload.category_code, errors)
    respondent = _unit(payload.respondent_unit_code, errors, "respondent_unit_code")
    parties = [_party(i, p, errors) for i, p in enumerate(payload.parties)]
    if payload.received_at is not None and payload.received_at > timezone.now() + timedelta(
        minutes=5
    ):
        errors.add("received_at", "收到时间不能晚于当前时间", "received_at is in the future")
    errors.raise_if_any()
    assert region is not None
    return CaseDraft(
        kind=payload.kind,
        channel=payload.channel,
        description=payload.description.strip(),
        region=region,
        title=payload.title.strip(),
        request_type=payload.request_type or "",
        category=category,
        address=payload.address.strip(),
        latitude=lat,
        longitude=lon,
        people_count=payload.people_count,
        amount=payload.amount,
        urgency=payload.urgency,
        risk_colour=payload.risk_colour,
        flags=[str(f) for f in payload.flags],
        respondent_unit=respondent,
        parties=parties,
        received_at=payload.received_at,
        external_ref=payload.external_ref.strip(),
    )


# A citizen names the village (社区/村) where it happened, or a grid inside one.
CITIZEN_PLACE_LEVELS = frozenset({Level.VILLAGE, Level.GRID})


def citizen_draft(payload: s.CitizenCaseIn) -> CaseDraft:
    errors = Errors()
    region, lat, lon = resolve_place(payload, errors)
    if payload.region_code and region is not None and region.level not in CITIZEN_PLACE_LEVELS:
        errors.add(
            "region_code",
            f"请选择到社区（村）一级：“{region.name}”不是社区或村",
            "choose a village (社区/村): the code is not a village or a grid",
        )
    category = _category(payload.category_code, errors)
    respondent = _unit(payload.respondent_unit_code, errors, "respondent_unit_code")
    phone = re.sub(r"\s", "", payload.phone)
    if not valid_phone(phone):
        errors.add("phone", "电话号码格式不正确", "invalid phone number")
    errors.raise_if_any()
    assert region is not None
    return CaseDraft(
        kind=Kind.HOTLINE,
        channel=Channel.CITIZEN_WEB,
        description=payload.description.strip(),
        region=region,
        title=payload.title.strip(),
        request_type=payload.request_type or "",
        category=category,
        address=payload.address.strip(),
        latitude=lat,
        longitude=lon,
        flags=["confidential"] if payload.confidential else [],
        respondent_unit=respondent,
        parties=[PartyDraft(role=PartyRole.COMPLAINANT, name=payload.name.strip(), phone=phone)],
    )

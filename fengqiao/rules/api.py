"""Clock rules and calendar coverage for the console (read-only).

A user sees the national rules, the rules of the regions above their scope (they apply there)
and the rules inside their scope; rules of other regions are not listed (AC-01).

No `from __future__ import annotations` here: django-ninja reads the query parameters'
annotations at runtime, through the `paginate` wrapper's module."""

from datetime import date

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from fengqiao.accounts.scope import path_condition, request_user, scope_paths
from fengqiao.rules.calendar import calendar_status
from fengqiao.rules.models import ClockRule
from fengqiao.rules.resolve import in_force

router = Router(tags=["rules"])


class ClockRuleOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    extends_code: str
    max_times: int
    requires_approval: bool
    approver: str
    case_kind: str
    category: str
    stage: str
    start_event: str
    duration: int
    unit: str
    description: str
    roll_forward_on_holiday: bool
    region_code: str | None
    effective_from: date
    effective_to: date | None
    issuing_authority: str
    source_document: str
    source_article: str
    source_grade: str
    rule_number: int | None
    is_statutory: bool
    version: int

    @staticmethod
    def resolve_region_code(obj: ClockRule) -> str | None:
        return obj.region.code if obj.region is not None else None

    @staticmethod
    def resolve_description(obj: ClockRule) -> str:
        return obj.describe()


class CoverageOut(Schema):
    today: date
    package_end: date
    coverage_end: date
    days_left: int
    warning_days: int
    published_years: list[int]
    warning: str | None


def visible_rules(request: HttpRequest) -> QuerySet[ClockRule]:
    paths = scope_paths(request_user(request))
    above = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    return ClockRule.objects.select_related("region").filter(
        Q(region__isnull=True) | Q(region_id__in=above) | path_condition(paths)
    )


@router.get("/clock-rules", response=list[ClockRuleOut], summary="时限规则列表")
@paginate
def list_clock_rules(
    request: HttpRequest,
    code: str | None = None,
    case_kind: str | None = None,
    rule_number: int | None = None,
    is_statutory: bool | None = None,
    on: date | None = None,
) -> list[ClockRule]:
    """Rules in force on `on` (default today); pass `on` in the past to see earlier versions."""
    qs = visible_rules(request).filter(in_force(on or timezone.localdate()))
    if code:
        qs = qs.filter(code=code)
    if case_kind:
        qs = qs.filter(case_kind=case_kind)
    if rule_number is not None:
        qs = qs.filter(rule_number=rule_number)
    if is_statutory is not None:
        qs = qs.filter(is_statutory=is_statutory)
    return qs.order_by("code", "region_id", "-version")  # type: ignore[return-value]


@router.get("/calendar/coverage", response=CoverageOut, summary="工作日历覆盖范围")
def calendar_coverage(request: HttpRequest) -> CoverageOut:
    request_user(request)
    status = calendar_status(timezone.localdate())
    return CoverageOut(**status.__dict__)

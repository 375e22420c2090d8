"""Case worklists for the console: buckets with counts, filters and sorting by deadline.

Everything starts from the cases app's scoped querysets (`Case.objects.workable_by` /
`visible_to`); which states a bucket covers is read from the engine's tables (the states an
action leaves from), never written out here, so a new machine's states join the buckets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import visible_regions
from fengqiao.cases.access import cases_for
from fengqiao.cases.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    Case,
    CaseQuerySet,
    CaseTransition,
    user_unit_ids,
)
from fengqiao.cases.workflow import MERGED, machine_for, registered_kinds


def states_leaving_by(*actions: str) -> Q:
    """Cases whose current state allows one of `actions`, per the registered machines."""
    condition = Q(pk__in=[])
    for kind in registered_kinds():
        machine = machine_for(kind)
        assert machine is not None
        states: set[str] = set()
        for name in actions:
            spec = machine.action(name)
            if spec is not None:
                states |= spec.sources
        if states:
            condition |= Q(kind=kind, status__in=sorted(states))
    return condition


def _today() -> tuple[datetime, datetime]:
    day = timezone.localdate()
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tz)
    return start, start + timedelta(days=1)


def _returned_ids() -> QuerySet[CaseTransition, int]:
    """Cases sent back to their unit: returned at review, or a dissatisfied callback."""
    # a callback that left the case open sent it back to handling (rule 14)
    return CaseTransition.objects.filter(
        Q(action="return_for_rework") | Q(action="callback", case__is_open=True)
    ).values_list("case_id", flat=True)


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str | Promise


BUCKETS: tuple[Bucket, ...] = (
    Bucket("new", _("新件/待派单")),
    Bucket("mine", _("我登记的")),
    Bucket("due_today", _("今日到期")),
    Bucket("overdue", _("已超期")),
    Bucket("supervised", _("督办中")),
    Bucket("returned", _("退单/退回")),
    Bucket("callback", _("待回访")),
    Bucket("open", _("全部在办")),
)
BUCKET_KEYS = frozenset(b.key for b in BUCKETS)


def bucket_condition(key: str, user: User) -> Q:
    """The condition of one worklist; every bucket holds open cases only."""
    start, end = _today()
    conditions: dict[str, Q] = {
        "new": Q(lead_unit__isnull=True),
        "mine": Q(created_by=user),
        "due_today": Q(due_at__gte=start, due_at__lt=end),
        "overdue": Q(is_overdue=True),
        "supervised": Q(supervision_level__gt=0),
        "returned": states_leaving_by("redispatch", "uphold")
        | (states_leaving_by("reply") & Q(pk__in=_returned_ids())),
        "callback": states_leaving_by("callback", "close"),
        "open": Q(),
    }
    return Q(is_open=True) & conditions[key]


def operator_cases(user: User, *, units: set[int] | None = None) -> CaseQuerySet:
    """The cases an operator works from: visible ones, merged children left out. `units` are
    the user's `user_unit_ids` when the caller has them already (one read per request)."""
    return cases_for(user, units=units).exclude(status=MERGED)


def bucket_counts(qs: CaseQuerySet, user: User) -> dict[str, int]:
    """All bucket counts in one query."""
    aggregates = {b.key: Count("pk", filter=bucket_condition(b.key, user)) for b in BUCKETS}
    row = qs.aggregate(**aggregates)
    return {key: int(value or 0) for key, value in row.items()}


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    category: str = ""
    region: int | None = None
    channel: str = ""
    risk: str = ""
    q: str = ""


SORTS = {
    "due": (F("due_at").asc(nulls_last=True), "-received_at", "pk"),
    "-due": (F("due_at").desc(nulls_last=True), "-received_at", "pk"),
    "-received": ("-received_at", "pk"),
}


def apply_filters(qs: CaseQuerySet, f: Filters, user: User) -> CaseQuerySet:
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.category:
        qs = qs.filter(Q(category__code=f.category) | Q(category__parent__code=f.category))
    if f.region is not None:
        region = visible_regions(user).filter(pk=f.region).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.risk:
        qs = qs.filter(risk_colour="" if f.risk == "none" else f.risk)
    if f.q:
        text = f.q.strip()
        qs = qs.filter(Q(receipt_no=text.upper()) | Q(title__contains=text))
    return qs


def sorted_cases(qs: CaseQuerySet, sort: str) -> CaseQuerySet:
    return qs.select_related("region", "category", "lead_unit").order_by(
        *SORTS.get(sort, SORTS["due"])
    )


# ------------------------------------------------------------------ unit handlers


UNIT_BUCKETS: tuple[Bucket, ...] = (
    Bucket("pending", _("待签收")),
    Bucket("signed", _("办理中")),
    Bucket("objected", _("异议待审核")),
    Bucket("replied", _("已反馈")),
)
UNIT_BUCKET_KEYS = frozenset(b.key for b in UNIT_BUCKETS)


def unit_assignments(user: User) -> QuerySet[Assignment]:
    """Active assignments of the user's units (act), soonest deadline first."""
    units = user_unit_ids(user, act=True)
    return (
        Assignment.objects.filter(unit_id__in=units, status__in=ACTIVE_ASSIGNMENT)
        .select_related("case", "case__region", "case__category", "unit")
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


def unit_counts(user: User) -> dict[str, int]:
    qs = unit_assignments(user).order_by()
    row = qs.aggregate(**{b.key: Count("pk", filter=Q(status=b.key)) for b in UNIT_BUCKETS})
    return {key: int(value or 0) for key, value in row.items()}


# ------------------------------------------------------------------ grid workers


def grid_open_cases(user: User) -> CaseQuerySet:
    """Open cases in the grid worker's act scope (their grids), soonest deadline first."""
    return (
        Case.objects.workable_by(user)
        .filter(is_open=True)
        .select_related("region", "category", "lead_unit")
        .order_by(F("due_at").asc(nulls_last=True), "-received_at", "pk")
    )

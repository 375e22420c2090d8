"""The annual report's figures (第四十一条, rule 22) from fields, never from free text:
items by channel, type and field (category), the most-complained units, transfer /
assignment / supervision counts, on-time acceptance and handling, decisions by outcome.
The caller passes cases already scoped with `petitions_for(user)`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fengqiao.cases.models import Case
from fengqiao.petitions.models import (
    Decision,
    DecisionOutcome,
    Petition,
    PetitionChannel,
    PetitionType,
    Recommendation,
    RoutingMode,
)
from fengqiao.procedures.models import CaseTimer

# The case-channel keys the statistics layer uses for the five channels of 第十七条 (phone and
# fax have no channel of their own on the engine, so they get petition-specific keys).
SOURCE_OF_CHANNEL = {
    PetitionChannel.ONLINE: "online_petition",
    PetitionChannel.LETTER: "letter",
    PetitionChannel.PHONE: "petition_phone",
    PetitionChannel.FAX: "petition_fax",
    PetitionChannel.VISIT: "petition_visit",
}


def routing_measures(routing_mode: str) -> dict[str, int]:
    """What a petition's routing counts (第四十一条 转送、交办): one 转送 or one 交办 — the one
    definition used here and by the statistics layer (fengqiao.reports)."""
    if routing_mode == RoutingMode.TRANSFER:
        return {"routed_transfer": 1}
    if routing_mode == RoutingMode.ASSIGN:
        return {"routed_assign": 1}
    return {}


def recommendation_measures(adopted: bool | None) -> dict[str, int]:
    """What one recommendation counts (第四十一条 建议及采纳情况): one made; one adopted once
    the unit's answer says so (an unanswered one is not adopted yet)."""
    return {"recommendations": 1, "recommendations_adopted": 1 if adopted else 0}


@dataclass
class Report:
    year: int
    total: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    most_complained_units: list[dict[str, Any]] = field(default_factory=list)
    transferred: int = 0
    assigned: int = 0
    supervised: int = 0
    not_accepted: int = 0
    acceptance_on_time: float | None = None
    handling_on_time: float | None = None
    decisions_by_outcome: dict[str, int] = field(default_factory=dict)
    recommendations: int = 0
    recommendations_adopted: int = 0


def _rate(timers: QuerySet[CaseTimer]) -> float | None:
    done = timers.filter(met__isnull=False)
    total = done.count()
    return round(done.filter(met=True).count() / total, 4) if total else None


def annual_report(cases: QuerySet[Case], year: int, *, top: int = 10) -> Report:
    tz = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time.min, tz)
    end = datetime.combine(date(year, 12, 31), time.max, tz)
    qs = cases.filter(received_at__gte=start, received_at__lte=end)
    rows = Petition.objects.filter(case__in=qs).select_related(
        "case__category__parent", "about_unit"
    )
    report = Report(year=year)
    channels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    units: Counter[str] = Counter()
    for p in rows:
        report.total += 1
        channels[PetitionChannel(p.channel).label] += 1
        types[PetitionType(p.petition_type).label if p.petition_type else "未分类"] += 1
        category = p.case.category
        top_category = (category.parent or category) if category else None
        categories[top_category.name if top_category else "未分类"] += 1
        if p.about_unit is not None:
            units[p.about_unit.name] += 1
        routed = routing_measures(p.routing_mode)
        report.transferred += routed.get("routed_transfer", 0)
        report.assigned += routed.get("routed_assign", 0)
        report.supervised += p.case.supervision_level > 0
        report.not_accepted += p.case.status == "not_accepted"
    report.by_channel, report.by_type, report.by_category = (
        dict(channels),
        dict(types),
        dict(categories),
    )
    report.most_complained_units = [
        {"unit": name, "count": n} for name, n in units.most_common(top)
    ]
    timers = CaseTimer.objects.filter(case__in=qs)
    report.acceptance_on_time = _rate(timers.filter(code="petition.accept_notice"))
    report.handling_on_time = _rate(timers.filter(code="petition.handling"))
    outcomes: Counter[str] = Counter(
        DecisionOutcome(o).label
        for o in Decision.objects.filter(case__in=qs).values_list("outcome", flat=True)
    )
    report.decisions_by_outcome = dict(outcomes)
    for adopted in Recommendation.objects.filter(case__in=qs).values_list("adopted", flat=True):
        counted = recommendation_measures(adopted)
        report.recommendations += counted["recommendations"]
        report.recommendations_adopted += counted["recommendations_adopted"]
    return report

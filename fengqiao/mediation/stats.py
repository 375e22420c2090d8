"""Statistics hooks (rules 27 and 39): the standard people's-mediation table built from the
dispute fields, the hand-off count of 三调联动, and the share settled at each step of a court's
diversion route. Callers pass a queryset already scoped with `Case.objects.visible_to`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from fengqiao.cases.models import Case
from fengqiao.mediation.machine import DISPUTE_KINDS
from fengqiao.mediation.models import (
    HANDOFF_VIAS,
    REFERRED_SOURCES,
    DiversionRoute,
    IntakeSource,
    MediationStage,
    Outcome,
    StageOutcome,
)

SETTLED = (StageOutcome.SETTLED, StageOutcome.PARTIAL)

# 来源 (rule 27): the three groups of the monthly table, by key and label.
SOURCE_GROUPS = {
    "initiative": "主动调解",
    "application": "申请调解",
    "referral": "接受委托移送调解",
}


def source_group(source: str) -> str:
    """The rule-27 source group of an intake source: 主动调解, 申请调解 or 接受委托移送调解."""
    if source == IntakeSource.INITIATIVE:
        return "initiative"
    if source in REFERRED_SOURCES:
        return "referral"
    return "application"


def outcome_measures(
    outcome: str,
    amount: Decimal | None,
    prevented_criminal: bool,
    criminal_people: int,
    prevented_group: bool,
    group_people: int,
) -> dict[str, int | Decimal]:
    """What one dispute's standing outcome counts in the rule-27 table — the one definition
    used here and by the statistics layer (fengqiao.reports): 调解结案 once an outcome stands;
    调解成功 and the agreement amount when it is a success or a partial agreement; 防止民转刑
    and 防止群体性上访 (件 and 人) when recorded. No outcome (open, transferred, or sent back
    after a refused 司法确认) counts nothing."""
    if not outcome:
        return {}
    out: dict[str, int | Decimal] = {"mediated": 1}
    if outcome in (Outcome.SUCCESS, Outcome.PARTIAL):
        out["mediation_success"] = 1
        out["agreement_amount"] = amount or Decimal("0")
    if prevented_criminal:
        out["prevented_criminal"] = 1
        out["prevented_criminal_people"] = criminal_people
    if prevented_group:
        out["prevented_group"] = 1
        out["prevented_group_people"] = group_people
    return out


@dataclass
class CategoryRow:
    """One line of the monthly table (黄石市司法局 format, rule 27)."""

    code: str
    name: str
    disputes: int = 0
    succeeded: int = 0
    agreement_amount: Decimal = Decimal("0")
    prevented_criminal: int = 0
    prevented_criminal_people: int = 0
    prevented_group_petition: int = 0
    prevented_group_petition_people: int = 0

    @property
    def success_rate(self) -> float | None:
        return round(self.succeeded / self.disputes, 4) if self.disputes else None


@dataclass
class DisputeTable:
    rows: list[CategoryRow]
    by_source: dict[str, int] = field(default_factory=dict)
    disputes: int = 0
    handoffs: int = 0


def dispute_table(cases: QuerySet[Case]) -> DisputeTable:
    """Each dispute counted once, under its top-level rule-27 category; hand-offs apart."""
    qs = cases.filter(kind__in=DISPUTE_KINDS, dispute__isnull=False).select_related(
        "category__parent", "dispute"
    )
    rows: dict[str, CategoryRow] = {}
    by_source = dict.fromkeys(SOURCE_GROUPS.values(), 0)
    for case in qs:
        top = case.category.parent or case.category if case.category else None
        code, name = (top.code, top.name) if top else ("", "未分类")
        row = rows.setdefault(code, CategoryRow(code=code, name=name))
        d = case.dispute
        row.disputes += 1
        m = outcome_measures(
            d.outcome,
            d.agreement_amount,
            d.prevented_criminal,
            d.prevented_criminal_people,
            d.prevented_group_petition,
            d.prevented_group_petition_people,
        )
        row.succeeded += int(m.get("mediation_success", 0))
        row.agreement_amount += Decimal(m.get("agreement_amount", 0))
        row.prevented_criminal += int(m.get("prevented_criminal", 0))
        row.prevented_criminal_people += int(m.get("prevented_criminal_people", 0))
        row.prevented_group_petition += int(m.get("prevented_group", 0))
        row.prevented_group_petition_people += int(m.get("prevented_group_people", 0))
        by_source[SOURCE_GROUPS[source_group(d.source)]] += 1
    handoffs = MediationStage.objects.filter(
        case__in=qs, via__in=HANDOFF_VIAS, previous__isnull=False
    ).count()
    return DisputeTable(
        rows=sorted(rows.values(), key=lambda r: r.code),
        by_source=by_source,
        disputes=sum(r.disputes for r in rows.values()),
        handoffs=handoffs,
    )


@dataclass(frozen=True)
class StepShare:
    order: int
    name: str
    unit: str
    reached: int
    settled: int
    share_of_reached: float | None
    share_of_referred: float | None


def diversion_report(route: DiversionRoute, cases: QuerySet[Case]) -> tuple[int, list[StepShare]]:
    """How many referrals entered the route, and for each step how many reached it and how
    many were settled there (seed 003: the share settled at each of the three steps)."""
    stages = MediationStage.objects.filter(case__in=cases, diversion_step__route=route)
    referred = stages.values("case_id").distinct().count()
    counts = {
        row["diversion_step"]: row
        for row in stages.values("diversion_step").annotate(
            reached=Count("case_id", distinct=True),
            settled=Count("case_id", filter=Q(outcome__in=SETTLED), distinct=True),
        )
    }
    out = []
    for step in route.steps.select_related("unit").order_by("order"):
        row = counts.get(step.pk, {"reached": 0, "settled": 0})
        reached, settled = int(row["reached"]), int(row["settled"])
        out.append(
            StepShare(
                order=step.order,
                name=step.name,
                unit=step.unit.name,
                reached=reached,
                settled=settled,
                share_of_reached=round(settled / reached, 4) if reached else None,
                share_of_referred=round(settled / referred, 4) if referred else None,
            )
        )
    return referred, out


def amount_total(cases: QuerySet[Case]) -> Decimal:
    total = cases.filter(kind__in=DISPUTE_KINDS).aggregate(s=Sum("dispute__agreement_amount"))["s"]
    return total or Decimal("0")

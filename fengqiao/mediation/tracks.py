"""繁简分流 suggestions (rule 28): from the amount and the category, which trial track a
dispute would suit if it went to court. Suggestions only — the court decides.

- 小额诉讼: a simple money claim at most `court.small_claims_wage_percent` (50 %) of the
  province's previous-year average annual wage (`AverageWage`), up to
  `court.small_claims_consent_percent` (200 %) when both parties agree; not for the
  categories in `TrackExclusion` (人身关系、财产确权, 第一百六十六条).
- 简易程序 otherwise when the facts are clear; 普通程序 for the rest.
Trial limits are quoted from the rules app (court.small_claims, court.simplified, court.ordinary).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from fengqiao.cases.models import Case
from fengqiao.mediation.models import AverageWage, Track, TrackExclusion
from fengqiao.procedures.numbers import statutory_number
from fengqiao.regions.models import Level, Region
from fengqiao.rules.errors import RuleNotFound
from fengqiao.rules.resolve import resolve_rule

TRIAL_CLOCKS: dict[str, str] = {
    Track.SMALL_CLAIMS: "court.small_claims",
    Track.SIMPLIFIED: "court.simplified",
    Track.ORDINARY: "court.ordinary",
}


@dataclass(frozen=True)
class TrackOption:
    track: str
    label: str
    needs_consent: bool
    trial_limit: str
    reasons: list[str]


@dataclass(frozen=True)
class Suggestion:
    """The suggested track first, then the alternatives; the figures it rests on."""

    options: list[TrackOption]
    threshold: Decimal | None
    consent_threshold: Decimal | None
    wage_year: int | None
    wage_source: str
    notes: list[str] = field(default_factory=list)


def province_of(region: Region) -> Region | None:
    if region.level == Level.PROVINCE:
        return region
    return region.ancestors().filter(level=Level.PROVINCE).first()


def _limit(track: str, region: Region, on: dt.date) -> str:
    try:
        rule = resolve_rule(TRIAL_CLOCKS[track], region=region, on=on)
    except RuleNotFound:
        return ""
    return f"{rule.describe()}（{rule.citation}）"


def _option(
    track: str, region: Region, on: dt.date, reasons: list[str], consent: bool = False
) -> TrackOption:
    return TrackOption(
        track=track,
        label=Track(track).label + ("（须双方约定）" if consent else ""),
        needs_consent=consent,
        trial_limit=_limit(track, region, on),
        reasons=reasons,
    )


def _excluded(case: Case) -> TrackExclusion | None:
    category = case.category
    if category is None:
        return None
    ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
    return TrackExclusion.objects.filter(category_id__in=ids, track=Track.SMALL_CLAIMS).first()


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def suggest(case: Case, *, on: dt.date) -> Suggestion:
    """Suggest a track for the dispute as of `on` (the wage of the year before applies)."""
    region = case.region
    simplified = _option(
        Track.SIMPLIFIED, region, on, ["事实清楚、权利义务关系明确、争议不大的，可适用简易程序"]
    )
    ordinary = _option(Track.ORDINARY, region, on, ["案情复杂或争议较大的，适用普通程序"])
    excluded = _excluded(case)
    province = province_of(region)
    wage = (
        AverageWage.objects.filter(province=province, year=on.year - 1).first()
        if province
        else None
    )
    notes: list[str] = []
    if wage is None:
        notes.append(f"未录入{on.year - 1}年度本省就业人员年平均工资，无法计算小额诉讼标的额上限。")
        return Suggestion([simplified, ordinary], None, None, None, "", notes)
    percent = statutory_number("court.small_claims_wage_percent", region=region, on=on)
    consent_percent = statutory_number("court.small_claims_consent_percent", region=region, on=on)
    threshold = _yuan(wage.amount * percent.value / 100)
    consent = _yuan(wage.amount * consent_percent.value / 100)
    figures = (threshold, consent, wage.year, wage.source_document)
    if excluded is not None:
        notes.append(f"{excluded.reason}（{excluded.source}）")
        return Suggestion([simplified, ordinary], *figures, notes)
    if case.amount is None:
        notes.append("未填写标的额，无法判断是否适用小额诉讼程序。")
        return Suggestion([simplified, ordinary], *figures, notes)
    if case.amount <= threshold:
        small = _option(
            Track.SMALL_CLAIMS,
            region,
            on,
            [
                f"标的额{case.amount}元不超过{wage.year}年度本省就业人员年平均工资的"
                f"{percent.value.normalize()}%（{threshold}元，{percent.citation}），一审终审"
            ],
        )
        return Suggestion([small, simplified, ordinary], *figures, notes)
    if case.amount <= consent:
        small = _option(
            Track.SMALL_CLAIMS,
            region,
            on,
            [
                f"标的额超过{threshold}元但不超过{consent}元（{consent_percent.citation}），"
                "当事人双方可以约定适用小额诉讼程序"
            ],
            consent=True,
        )
        return Suggestion([simplified, small, ordinary], *figures, notes)
    notes.append(f"标的额超过{consent}元，不适用小额诉讼程序。")
    return Suggestion([simplified, ordinary], *figures, notes)

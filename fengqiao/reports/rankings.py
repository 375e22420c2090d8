"""排名通报: areas or units ranked on one indicator, through the same indicator functions.

- Only rows whose sample (the rate's denominator) reaches the minimum sample size
  (`ReportSetting` `ranking_min_sample`, with its source) are ranked; the others are listed
  as 样本不足 without a rank. With fewer than two rankable rows no ranking is shown at all.
- Ties are honest: rows are ranked on the figure as published (rates to 0.01 %, counts
  exactly), equal figures share a rank and the next rank skips (competition ranking:
  1, 2, 2, 4).
- Direction comes from the indicator (`better`): 重复诉求率 and 超期件 rank lowest first;
  indicators without a direction (受理量) are not ranked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fengqiao.regions.models import Region
from fengqiao.reports import conf, selectors
from fengqiao.reports import indicators as ind
from fengqiao.reports.periods import Period
from fengqiao.reports.selectors import Filters, NotAvailable
from fengqiao.units.models import Unit

AREAS, UNITS = "areas", "units"


@dataclass
class Ranked:
    key: int
    code: str
    name: str
    figure: ind.Figure
    sample: int
    rank: int | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "value": None if self.figure.value is None else str(self.figure.value),
            "text": self.figure.text(),
            "sample": self.sample,
            "rank": self.rank,
            "note": self.note,
            "trace": self.figure.trace(),
        }


@dataclass
class Ranking:
    indicator: ind.Indicator
    region: Region
    period: Period
    by: str
    min_sample: int
    rows: list[Ranked] = field(default_factory=list)
    shown: bool = False
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.id,
            "indicator_name": self.indicator.name,
            "better": self.indicator.better,
            "region": {"code": self.region.code, "name": self.region.name},
            "period": {"code": self.period.code, "label": self.period.label},
            "by": self.by,
            "min_sample": self.min_sample,
            "shown": self.shown,
            "note": self.note,
            "rows": [r.as_json() for r in self.rows],
        }


def competition_ranks(values: Sequence[Decimal | int], *, higher_first: bool) -> list[int]:
    """1, 2, 2, 4: equal values share a rank; the next rank counts the rows before it."""
    order = sorted(range(len(values)), key=lambda i: values[i], reverse=higher_first)
    ranks = [0] * len(values)
    for position, index in enumerate(order):
        previous = order[position - 1] if position else None
        if previous is not None and values[previous] == values[index]:
            ranks[index] = ranks[previous]
        else:
            ranks[index] = position + 1
    return ranks


def rank_rows(rows: list[Ranked], indicator: ind.Indicator, min_sample: int) -> tuple[bool, str]:
    """Set ranks in place; returns (shown, note)."""
    if not indicator.better:
        return False, f"「{indicator.name}」为规模指标，不作排名。"
    eligible = [r for r in rows if r.figure.value is not None and r.sample >= min_sample]
    for row in rows:
        if row not in eligible:
            row.note = (
                f"样本不足{min_sample}件，不参与排名" if row.figure.value is not None else "无数据"
            )
    if len(eligible) < 2:
        return False, f"达到最小样本量（{min_sample}件）的不足两个，不予排名。"
    ranks = competition_ranks(
        [r.figure.value for r in eligible],  # type: ignore[misc]
        higher_first=indicator.better == "higher",
    )
    for row, rank in zip(eligible, ranks, strict=True):
        row.rank = rank
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    return True, ""


def _sample(indicator: ind.Indicator, figure: ind.Figure) -> int:
    if indicator.is_rate:
        return int(figure.denominator or 0)
    return int(figure.numerator)


def ranking(
    region: Region, period: Period, indicator_id: str, *, by: str = AREAS,
    kinds: tuple[str, ...] = (), min_sample: int | None = None,
) -> Ranking:  # fmt: skip
    """Rank the child areas of `region` (by=areas) or the lead units of its cases (by=units)."""
    indicator = ind.INDICATORS.get(indicator_id)
    if indicator is None:
        raise NotAvailable(f"未知的指标：{indicator_id}")
    minimum = conf.ranking_min_sample() if min_sample is None else min_sample
    f = Filters(kinds=kinds)
    params = {"region": region.code, "period": period.code, **f.params(), "ranking": by}
    if by == UNITS:
        (groups,) = selectors.by_unit(region, "lead", [period], f)
        units = {u.pk: u for u in Unit.objects.filter(pk__in=list(groups))}
        labels = {k: (units[k].code, units[k].name) for k in groups if k in units}
    else:
        (groups,) = selectors.children(region, [period], f)
        info = selectors.areas(list(groups))
        labels = {k: (info[k].code, info[k].display) for k in groups if k in info}
    rows = []
    for key, sums in groups.items():
        if key not in labels:
            continue
        figure = ind.compute(indicator.id, sums, {**params, "row": labels[key][0]})
        rows.append(Ranked(key, *labels[key], figure, _sample(indicator, figure)))
    result = Ranking(indicator, region, period, by, minimum, rows)
    result.shown, result.note = rank_rows(rows, indicator, minimum)
    if not result.shown:
        for row in rows:
            row.rank = None
        rows.sort(key=lambda r: r.code)
    return result

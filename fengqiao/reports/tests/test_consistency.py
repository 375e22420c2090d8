"""Figures agree wherever they appear: each level is the sum of the level below, the day,
source and unit tables agree with the month table, every standard table's total is the sum of
its rows, and every number of the bulletin can be recomputed from its trace alone."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from django.db.models import Sum

from fengqiao.regions.models import Level, Region
from fengqiao.reports import bulletin, periods, selectors, tables
from fengqiao.reports import indicators as ind
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.models import MEASURES, AreaDay, AreaMonth, SourceMonth, UnitMonth
from fengqiao.reports.selectors import Filters, NotAvailable
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.test_indicators import MARCH, build

MONTHS = [periods.parse(code) for code in ("2025-03", "2026-02", "2026-03")]


def _sum_rows(model: Any, **filters: Any) -> dict[str, int]:
    totals = model.objects.filter(**filters).aggregate(**{m: Sum(m) for m in MEASURES})
    return {m: int(v or 0) for m, v in totals.items()}


@pytest.mark.django_db
def test_every_level_is_the_sum_of_the_level_below(desk: Desk) -> None:
    build(desk)
    for region in Region.objects.filter(level__lt=Level.GRID):
        for period in MONTHS:
            (own,) = selectors.totals(region, [period])
            (kids,) = selectors.children(region, [period])
            summed = selectors.zero()
            for sums in kids.values():
                summed = selectors.add(summed, sums)
            # no case of the set is registered above a grid: nothing is left "本级"
            assert summed == own, (region.name, period.code)


@pytest.mark.django_db
def test_the_smaller_tables_agree_with_the_month_table(desk: Desk) -> None:
    build(desk)
    for level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        for period in MONTHS:
            month = _sum_rows(AreaMonth, level=level, month=period.start)
            days = _sum_rows(AreaDay, level=level, day__gte=period.start, day__lte=period.end)
            assert days == month, (level, period.code)
    for level in (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP):
        for period in MONTHS:
            month = _sum_rows(AreaMonth, level=level, month=period.start)
            sources = _sum_rows(SourceMonth, level=level, month=period.start)
            assert sources == month, (level, period.code)
    # every dispatched case of 城关区 in March has exactly one lead unit
    (own,) = selectors.totals(desk.t.county, [MARCH])
    leads = _sum_rows(UnitMonth, relation="lead", region=desk.t.county.pk, month=MARCH.start)
    assert leads["dispatched"] == own["dispatched"]
    assert leads["closed_dispatched"] == own["closed_dispatched"]


def _available(definition: tables.TableDef, region: Region) -> tables.TableResult | None:
    try:
        return tables.build_for(definition, region, MARCH)
    except NotAvailable:
        return None


@pytest.mark.django_db
def test_every_table_total_is_the_sum_of_its_rows(desk: Desk) -> None:
    build(desk)
    built = 0
    for region in Region.objects.filter(level__lt=Level.GRID).order_by("level", "code"):
        for definition in TABLES.values():
            result = _available(definition, region)
            if result is None:
                assert region.level < definition.min_level or region.level > definition.max_level
                continue
            built += 1
            if definition.rows in (tables.UNIT, tables.RESPONDENT) or definition.limit:
                continue  # unit tables leave undispatched cases out; top-N tables are cut
            leaves = tables._leaves(definition)
            for index, (col, role) in enumerate(leaves):
                if not isinstance(col, tables.Col) or role != "value":
                    continue
                indicator = ind.INDICATORS[col.indicator]
                if indicator.is_rate or col.indicator in tables.pending_indicators(definition):
                    continue
                column = sum(int(r.cells[index].value or 0) for r in result.rows)
                assert column == result.total.cells[index].value, (
                    definition.id,
                    region.name,
                    col.indicator,
                )
    assert built >= 30


@pytest.mark.django_db
def test_rates_in_a_table_are_recomputed_from_their_trace(desk: Desk) -> None:
    build(desk)
    result = tables.build_for(TABLES["hotline_areas"], desk.t.city, MARCH)
    checked = 0
    for row in [*result.rows, result.total]:
        for cell in row.cells:
            trace = cell.trace or {}
            if "indicator" not in trace or trace.get("pending") or "value" not in trace:
                continue
            numerator, denominator = trace["numerator"], trace["denominator"]
            if denominator is not None:
                expected = ind.rate(int(numerator), int(denominator))
                assert cell.value == expected
            else:
                assert cell.value == int(numerator)
            checked += 1
    assert checked >= 20


def _recompute(trace: dict[str, Any]) -> ind.Figure:
    """A figure from nothing but its trace: area, period, kinds."""
    params = trace["params"]
    region = Region.objects.get(code=params["region"])
    period = periods.parse(params["period"])
    f = Filters(kinds=tuple(params.get("kinds", ())))
    (sums,) = selectors.totals(region, [period], f)
    return ind.compute(trace["indicator"], sums, params)


@pytest.mark.django_db
def test_every_bulletin_number_is_recomputed_from_its_trace(desk: Desk) -> None:
    build(desk)
    result = bulletin.build(desk.t.province, MARCH)
    kinds: dict[str, int] = defaultdict(int)
    for trace in result.traces:
        kinds[trace["kind"]] += 1
        if trace["kind"] == "value":
            assert _recompute(trace).text() == trace["text"], trace
        elif trace["kind"] == "numerator":
            assert f"{_recompute(trace).numerator}件" == trace["text"], trace
        elif trace["kind"] == "change":
            previous = trace["previous"]
            value = _recompute(previous).value
            assert (None if value is None else str(value)) == previous["value"], trace
        elif trace["kind"] == "period":
            assert periods.parse(trace["period"]).label == trace["text"]
    assert kinds["value"] >= 10 and kinds["change"] >= 3


@pytest.mark.django_db
def test_the_hand_made_month_from_the_raw_tables(desk: Desk) -> None:
    """The province's March 受理量 is the plain count of the case table (no merged ones)."""
    build(desk)
    from fengqiao.cases.models import Case
    from fengqiao.reports.facts import local_day

    received = [
        c for c in Case.objects.exclude(status="merged").filter(parent__isnull=True)
        if local_day(c.received_at).replace(day=1) == date(2026, 3, 1)
    ]  # fmt: skip
    (own,) = selectors.totals(desk.t.province, [MARCH])
    assert own["received"] == len(received) == 11

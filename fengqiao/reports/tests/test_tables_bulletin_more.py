"""Every declared table on the hand-made March 2026 set (test_indicators.py): the header has
one leaf per cell, the total of a count column is the sum of its rows where the rows split
the area, and every number in the bulletin text is one of its traced figures."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from fengqiao.documents.model import Column
from fengqiao.regions.models import Level, Region
from fengqiao.reports import bulletin, tables
from fengqiao.reports import indicators as ind
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.tables import CHILDREN, GRID, RESPONDENT, ROW_TITLE, UNIT, Col, TableDef
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.test_indicators import MARCH, build
from fengqiao.testing import Territory


def _leaf_count(columns: list[Column] | tuple[Column, ...]) -> int:
    return sum(_leaf_count(c.children) if c.children else 1 for c in columns)


def _regions(t: Territory, defn: TableDef) -> list[Region]:
    every = [t.province, t.city, t.county, t.town, t.village]
    return [r for r in every if defn.min_level <= r.level <= defn.max_level]


def _count_positions(defn: TableDef) -> list[tuple[int, str]]:
    """Cells of counts (not rates, not 同比/环比, not context, not pending)."""
    pending = tables.pending_indicators(defn)
    out = []
    for position, (col, role) in enumerate(tables._leaves(defn)):
        if not isinstance(col, Col) or role != "value" or col.indicator in pending:
            continue
        if not ind.INDICATORS[col.indicator].is_rate:
            out.append((position, col.indicator))
    return out


def _rate_positions(defn: TableDef) -> list[tuple[int, str]]:
    pending = tables.pending_indicators(defn)
    return [
        (position, col.indicator)
        for position, (col, role) in enumerate(tables._leaves(defn))
        if isinstance(col, Col) and role == "value" and col.indicator not in pending
        and ind.INDICATORS[col.indicator].is_rate
    ]  # fmt: skip


@pytest.mark.django_db
def test_every_table_at_every_level_it_is_drawn_for(desk: Desk) -> None:
    build(desk)
    drawn = 0
    for defn in TABLES.values():
        for region in _regions(desk.t, defn):
            result = tables.build_for(defn, region, MARCH)
            drawn += 1
            where = f"{defn.id} @ {region.name}"
            assert result.header[0].title == ROW_TITLE[defn.rows], where
            leaves = _leaf_count(result.header) - 1  # the row title
            assert leaves == len(tables._leaves(defn)), where
            for row in [*result.rows, result.total]:
                assert len(row.cells) == leaves, (where, row.label)
            body = result.as_json()
            assert len(body["rows"]) == len(result.rows)
            assert all(len(r["cells"]) == leaves for r in body["rows"]), where
            sheet = result.to_datatable()
            assert all(len(r) == leaves + 1 for r in [*sheet.rows, *sheet.total_rows]), where
            assert sheet.unit == defn.unit and sheet.source == defn.basis
            if defn.limit:
                assert len(result.rows) <= defn.limit, where
            _check_totals(defn, result, where)
    assert drawn >= len(TABLES)


def _check_totals(defn: TableDef, result: tables.TableResult, where: str) -> None:
    if defn.limit and len(result.rows) >= defn.limit:
        return  # a top-N table leaves rows out
    split = defn.rows in (CHILDREN, GRID)  # with the 本级 row the rows split the area
    for position, indicator in _count_positions(defn):
        values = [int(r.cells[position].value or 0) for r in result.rows]
        total = int(result.total.cells[position].value or 0)
        if split:
            assert sum(values) == total, (where, indicator, values, total)
        else:
            assert sum(values) <= total, (where, indicator, values, total)
        if defn.rows in (UNIT, RESPONDENT):
            assert "含未派单" in result.total.label
    if not split:
        return
    for position, indicator in _rate_positions(defn):
        traces = [r.cells[position].trace or {} for r in result.rows]
        cell = result.total.cells[position]
        numerator = sum(Decimal(t["numerator"]) for t in traces)
        denominator = sum(Decimal(t["denominator"] or 0) for t in traces)
        assert cell.trace is not None
        assert Decimal(cell.trace["numerator"]) == numerator, (where, indicator)
        assert Decimal(cell.trace["denominator"] or 0) == denominator, (where, indicator)
        assert cell.value == ind.rate(numerator, denominator), (where, indicator)


@pytest.mark.django_db
def test_comparison_cells_agree_with_their_traces(desk: Desk) -> None:
    build(desk)
    result = tables.build_for(TABLES["hotline_units"], desk.t.county, MARCH)
    leaves = tables._leaves(TABLES["hotline_units"])
    checked = 0
    for row in [*result.rows, result.total]:
        current: dict[str, Any] = {}
        for (col, role), cell in zip(leaves, row.cells, strict=True):
            if not isinstance(col, Col):
                continue
            indicator = ind.INDICATORS[col.indicator]
            if role == "value":
                current[col.indicator] = cell.value
                assert cell.text == ind.format_value(indicator, cell.value)
                continue
            assert cell.trace is not None and cell.trace["role"] == role
            previous = cell.trace["previous"]["value"]
            now = current[col.indicator]
            if now is None or previous is None or (not indicator.is_rate and not Decimal(previous)):
                assert cell.value is None and cell.text == "无可比数据"
                continue
            if indicator.is_rate:
                assert cell.value == (Decimal(now) - Decimal(previous)) * 100
            else:
                delta = (Decimal(now) - Decimal(previous)) / Decimal(previous)
                assert cell.value == delta.quantize(Decimal("0.0001"))
            checked += 1
    assert checked > 5


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


@pytest.mark.django_db
@pytest.mark.parametrize("level", [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP])
def test_every_number_in_the_bulletin_is_a_traced_figure(desk: Desk, level: int) -> None:
    build(desk)
    region = {
        Level.PROVINCE: desk.t.province,
        Level.CITY: desk.t.city,
        Level.COUNTY: desk.t.county,
        Level.TOWNSHIP: desk.t.town,
    }[Level(level)]
    result = bulletin.build(region, MARCH)
    body = "".join(result.body())
    # the 数据说明 section defines the indicators; strip every traced text from the rest,
    # and what remains holds no figure
    definitions = "".join(
        p for s in result.data.sections if s.heading == "数据说明" for p in s.paragraphs
    )
    rest = body.replace(definitions, "")
    for trace in sorted(result.traces, key=lambda t: -len(t["text"])):
        assert trace["text"] in body, trace
        rest = rest.replace(trace["text"], "")
    assert _numbers(rest.replace("12345热线", "热线")) == [], rest  # the hotline's name
    # each traced value is its indicator's figure, written as the indicator writes it
    for trace in result.traces:
        if trace["kind"] == "value":
            indicator = ind.INDICATORS[trace["indicator"]]
            value: Decimal | int | None = None
            if trace["value"] is not None:
                value = Decimal(trace["value"])
            if value is not None and not indicator.is_rate:
                value = int(value)
            assert trace["text"] == ind.format_value(indicator, value), trace
            if indicator.is_rate and trace["denominator"] not in (None, "0"):
                expected = ind.rate(Decimal(trace["numerator"]), Decimal(trace["denominator"]))
                assert value == expected, trace
        elif trace["kind"] == "numerator":
            assert trace["text"] == f"{trace['numerator']}件"
        elif trace["kind"] == "setting":
            assert trace["text"] == str(trace["value"])
    # the headline count is the overview table's total
    received = next(
        t for t in result.traces
        if t["kind"] == "value" and t["indicator"] == "received"
        and t["params"].get("region") == region.code and t["params"].get("period") == MARCH.code
        and not t["params"].get("kinds")
    )  # fmt: skip
    overview = tables.build_for(TABLES["overview"], region, MARCH)
    assert int(received["value"]) == overview.total.cells[0].value
    assert f"共受理各类事项{received['text']}" in body

"""Standard tables, defined declaratively: a table is a row dimension, columns of indicators
(each optionally with 同比 and 环比), and the kinds it counts. Adding the next of the 138 is
adding a `TableDef` to `definitions.py`; `build` does the rest, the same way for the API,
the exports and the report packs. Every cell keeps the trace of its figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fengqiao.accounts.models import User
from fengqiao.cases.models import Channel
from fengqiao.documents.model import Column, DataTable, NumberFormat
from fengqiao.regions.models import GridAssignment, GridWorkerStatus, Level, Region
from fengqiao.reports import indicators as ind
from fengqiao.reports import periods, selectors
from fengqiao.reports.facts import PROVIDERS
from fengqiao.reports.periods import Period
from fengqiao.reports.selectors import Filters, NotAvailable, Sums
from fengqiao.units.models import Category, Unit

YOY, MOM = "yoy", "mom"
CHILDREN, CATEGORY, UNIT, RESPONDENT, SOURCE, GRID = (
    "children", "category", "unit", "respondent", "source", "grid",
)  # fmt: skip
ROW_TITLE = {CHILDREN: "地区", CATEGORY: "类别", UNIT: "承办单位", RESPONDENT: "被反映单位",
             SOURCE: "来源", GRID: "网格"}  # fmt: skip
MAX_SYNC_ROWS = 3000
# Labels of source values: the case channels, and the intake sources the mediation app gives.
SOURCE_LABELS: dict[str, str] = {
    **{value: str(label) for value, label in Channel.choices},
    "initiative": "主动调解",
    "application": "申请调解",
    "referral": "接受委托移送调解",
    # 信访形式 (第十七条) without a channel of their own on the engine
    "petition_phone": "电话",
    "petition_fax": "传真",
}


@dataclass(frozen=True)
class Col:
    """An indicator column; `compare` adds 同比 and/or 环比 sub-columns."""

    indicator: str
    label: str = ""
    compare: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """A header spanning several columns."""

    label: str
    cols: tuple[Col, ...]


@dataclass(frozen=True)
class Context:
    """A column that is not an indicator: `grid_workers` (serving now) and
    `events_per_worker` (received ÷ grid workers)."""

    key: str
    label: str


Item = Col | Group | Context


@dataclass(frozen=True)
class TableDef:
    id: str
    title: str
    rows: str
    columns: tuple[Item, ...]
    kinds: tuple[str, ...] = ()
    basis: str = ""
    taxonomy: str = ""  # category rows: list every top-level category of this taxonomy
    sources: tuple[str, ...] = ()  # source rows listed in this order (others after)
    sort: str = ""  # sort rows by this indicator, highest first
    limit: int = 0
    notes: tuple[str, ...] = ()
    max_level: int = Level.GRID
    min_level: int = Level.PROVINCE  # the widest area the table is drawn for
    unit: str = "单位：件"


@dataclass
class Cell:
    value: Decimal | int | None
    text: str
    trace: dict[str, Any] | None = None


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class TableResult:
    definition: TableDef
    region: Region
    period: Period
    header: list[Column]
    rows: list[Row]
    total: Row
    pending: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        out = list(self.definition.notes)
        if self.pending:
            out.append(
                f"{'、'.join(self.pending)}：有关业务模块（人民调解、信访）接入后统计，暂缺。"
            )
        out.append(f"统计口径见《指标说明》；统计期 {self.period.label}。")
        return out

    def to_datatable(self) -> DataTable:
        def values(row: Row) -> list[Any]:
            return [row.label, *[c.value for c in row.cells]]

        return DataTable(
            title=f"{self.region.name}{self.definition.title}",
            columns=self.header,
            rows=[values(r) for r in self.rows],
            total_rows=[values(self.total)],
            unit=self.definition.unit,
            notes=self.notes(),
            source=self.definition.basis,
            sheet_name=self.definition.title[:28],
        )

    def as_json(self) -> dict[str, Any]:
        def row(r: Row) -> dict[str, Any]:
            cells = [{"value": _json(c.value), "text": c.text, "trace": c.trace} for c in r.cells]
            return {"key": r.key, "label": r.label, "cells": cells}

        return {
            "id": self.definition.id,
            "title": self.definition.title,
            "region": {"code": self.region.code, "name": self.region.name},
            "period": {"code": self.period.code, "label": self.period.label},
            "columns": [_column_json(c) for c in self.header],
            "rows": [row(r) for r in self.rows],
            "total": row(self.total),
            "notes": self.notes(),
            "pending": self.pending,
            "basis": self.definition.basis,
        }


def _json(value: Decimal | int | None) -> str | int | None:
    return str(value) if isinstance(value, Decimal) else value


def _column_json(column: Column) -> dict[str, Any]:
    out: dict[str, Any] = {"title": column.title, "format": str(column.format)}
    if column.children:
        out["children"] = [_column_json(c) for c in column.children]
    return out


# ------------------------------------------------------------------ header


def _leaves(defn: TableDef) -> list[tuple[Col | Context, str]]:
    """Leaf columns in order: (column, role) with role value | yoy | mom | context."""
    out: list[tuple[Col | Context, str]] = []
    for item in defn.columns:
        cols: Sequence[Col | Context] = item.cols if isinstance(item, Group) else (item,)
        for col in cols:
            if isinstance(col, Context):
                out.append((col, "context"))
                continue
            out.append((col, "value"))
            out += [(col, role) for role in col.compare]
    return out


def _format(indicator: ind.Indicator, role: str) -> NumberFormat:
    if role == "value":
        if indicator.is_rate:
            return NumberFormat.PERCENT
        return NumberFormat.MONEY if indicator.unit == "元" else NumberFormat.INTEGER
    return NumberFormat.DECIMAL if indicator.is_rate else NumberFormat.PERCENT


COMPARE_LABEL = {YOY: "同比", MOM: "环比"}


def _col_header(col: Col) -> Column:
    indicator = ind.INDICATORS[col.indicator]
    label = col.label or indicator.name
    if not col.compare:
        return Column(label, _format(indicator, "value"))
    subs = [Column("本期", _format(indicator, "value"))]
    for role in col.compare:
        title = COMPARE_LABEL[role] + ("（百分点）" if indicator.is_rate else "（%）")
        subs.append(Column(title, _format(indicator, role)))
    return Column(label, children=tuple(subs))


def header(defn: TableDef) -> list[Column]:
    out = [Column(ROW_TITLE[defn.rows], NumberFormat.TEXT)]
    for item in defn.columns:
        if isinstance(item, Group):
            children = tuple(
                Column(c.label, NumberFormat.DECIMAL) if isinstance(c, Context) else _col_header(c)
                for c in item.cols
            )
            out.append(Column(item.label, children=children))
        elif isinstance(item, Context):
            out.append(Column(item.label, NumberFormat.DECIMAL))
        else:
            out.append(_col_header(item))
    return out


# ------------------------------------------------------------------ build


def pending_indicators(defn: TableDef) -> set[str]:
    """Provider indicators this table cannot fill yet (no provider for its kinds)."""
    provided = any(kind in PROVIDERS for kind in defn.kinds)
    return {
        col.indicator
        for col, role in _leaves(defn)
        if isinstance(col, Col) and role == "value" and ind.INDICATORS[col.indicator].provider
        and not provided
    }  # fmt: skip


def _row_sums(
    defn: TableDef, region: Region, plist: list[Period], f: Filters
) -> tuple[list[dict[Any, Sums]], list[Sums]]:
    total = selectors.totals(region, plist, f)
    if defn.rows == CHILDREN:
        return selectors.children(region, plist, f), total
    if defn.rows == CATEGORY:
        return selectors.by_dimension(region, "category", plist, f), total
    if defn.rows == SOURCE:
        return selectors.by_dimension(region, "source", plist, f), total
    if defn.rows in (UNIT, RESPONDENT):
        relation = "lead" if defn.rows == UNIT else "respondent"
        return selectors.by_unit(region, relation, plist, f), total
    ids = selectors.grid_ids(region)
    if len(ids) > MAX_SYNC_ROWS * 20:
        raise NotAvailable("网格过多，请选择更低一级的区划。")
    return selectors.by_regions(ids, plist, f, level=Level.GRID), total


def _labels(defn: TableDef, region: Region, keys: set[Any]) -> list[tuple[Any, str]]:
    """(key, label) pairs in table order; rows with no data are listed where the table says
    so (every category of the taxonomy, every listed source, every grid)."""
    if defn.rows in (CHILDREN, GRID):
        if defn.rows == GRID:
            keys |= set(selectors.grid_ids(region))
        found = selectors.areas(sorted(keys))
        return [(k, found[k].display) for k in sorted(keys, key=lambda k: found[k].code)]
    if defn.rows == CATEGORY:
        tops = Category.objects.filter(parent__isnull=True)
        listed = set(tops.filter(taxonomy=defn.taxonomy).values_list("pk", flat=True))
        rows = tops.filter(pk__in=keys | listed).values_list("pk", "code", "name")
        named: dict[Any, tuple[str, str]] = {pk: (code, name) for pk, code, name in rows}
        order = sorted(keys | listed, key=lambda k: (k not in named, named.get(k, ("", ""))[0]))
        return [(k, named.get(k, ("", "未分类"))[1]) for k in order]
    if defn.rows == SOURCE:
        order = [s for s in defn.sources] + sorted(keys - set(defn.sources))
        return [(k, SOURCE_LABELS.get(k, str(k))) for k in order]
    names = dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    return [(k, names.get(k, f"单位{k}")) for k in sorted(keys, key=lambda k: names.get(k, ""))]


def _workers(ids: Sequence[int]) -> dict[int, int]:
    rows = (
        GridAssignment.objects.filter(grid_id__in=list(ids))
        .exclude(worker__status=GridWorkerStatus.LEFT)
        .values_list("grid_id", "worker_id")
    )
    out: dict[int, set[int]] = {}
    for grid, worker in rows:
        out.setdefault(grid, set()).add(worker)
    return {grid: len(workers) for grid, workers in out.items()}


def _cells(
    defn: TableDef, sums: list[Sums], params: dict[str, Any], pending: set[str], workers: int | None
) -> list[Cell]:
    current = sums[0]
    cells: list[Cell] = []
    figures: dict[str, ind.Figure] = {}
    for col, role in _leaves(defn):
        if isinstance(col, Context):
            value: Decimal | int | None
            if col.key == "grid_workers":
                value = workers
            else:
                received = int(current["received"])
                value = (Decimal(received) / workers).quantize(Decimal("0.01")) if workers else None
            cells.append(Cell(value, "—" if value is None else str(value), {"context": col.key}))
            continue
        if col.indicator in pending:
            cells.append(Cell(None, "—", {"indicator": col.indicator, "pending": True}))
            continue
        indicator = ind.INDICATORS[col.indicator]
        if role == "value":
            figure = ind.compute(col.indicator, current, params)
            figures[col.indicator] = figure
            cells.append(Cell(figure.value, figure.text(), figure.trace()))
            continue
        index = 1 if role == YOY else 2
        if index >= len(sums):
            cells.append(Cell(None, "—", None))
            continue
        previous = ind.compute(col.indicator, sums[index], {**params, "compare": role})
        change = ind.change(figures[col.indicator], previous)
        value = None
        if change.delta is not None:
            value = change.delta * 100 if indicator.is_rate else change.delta
        cells.append(Cell(value, change.text(), {**change.trace(), "role": role}))
    return cells


def build(defn: TableDef, user: User, region_code: str | None, period_code: str) -> TableResult:
    """The table for an area in the user's analytic scope (404 outside it)."""
    region = selectors.area_for(user, region_code)
    return build_for(defn, region, periods.parse(period_code))


def build_for(
    defn: TableDef, region: Region, period: Period, *, limit_rows: bool = True
) -> TableResult:
    """The table for an area already checked against the reader's scope; a table of more
    than MAX_SYNC_ROWS rows is refused unless built for an export job."""
    if region.level > defn.max_level:
        raise NotAvailable(f"「{defn.title}」只统计到{Level(defn.max_level).label}一级。")
    if region.level < defn.min_level:
        raise NotAvailable(
            f"「{defn.title}」按{Level(defn.min_level).label}及以下区划编制，请选择下级区划。"
        )
    before = periods.before(period)
    plist = [period, periods.year_before(period)] + ([before] if before else [])
    f = Filters(kinds=defn.kinds)
    groups, totals = _row_sums(defn, region, plist, f)
    pending = pending_indicators(defn)
    base = {"region": region.code, "period": period.code, **f.params(), "table": defn.id}
    keys = {k for g in groups for k in g}
    labels = _labels(defn, region, set(keys))
    if limit_rows and len(labels) > MAX_SYNC_ROWS:
        raise NotAvailable(f"该表有 {len(labels)} 行，请通过导出任务生成。")
    workers = _workers([k for k, _ in labels]) if defn.rows == GRID else {}
    rows = []
    for key, label in labels:
        sums = [g.get(key, selectors.zero()) for g in groups]
        params = {**base, "row": {defn.rows: key}}
        rows.append(Row(str(key), label, _cells(defn, sums, params, pending, workers.get(key))))
    if defn.rows in (CHILDREN, GRID):
        rest = [
            selectors.subtract(t, _sum(g.values())) for t, g in zip(totals, groups, strict=True)
        ]
        if any(v for v in rest[0].values()):
            params = {**base, "row": {"direct": region.code}}
            rows.append(
                Row("direct", "本级（未落到下级）", _cells(defn, rest, params, pending, None))
            )
    if defn.sort:
        leaves = _leaves(defn)
        position = next(
            i for i, (c, role) in enumerate(leaves)
            if isinstance(c, Col) and c.indicator == defn.sort and role == "value"
        )  # fmt: skip
        rows.sort(key=lambda r: -(r.cells[position].value or 0))
    if defn.limit:
        rows = rows[: defn.limit]
    total_workers = sum(workers.values()) if defn.rows == GRID else None
    label = "全地区合计（含未派单事项）" if defn.rows in (UNIT, RESPONDENT) else "合计"
    total = Row("total", label, _cells(defn, totals, base, pending, total_workers))
    names = sorted(ind.INDICATORS[i].name for i in pending)
    return TableResult(defn, region, period, header(defn), rows, total, names)


def _sum(items: Any) -> Sums:
    out = selectors.zero()
    for item in items:
        out = selectors.add(out, item)
    return out

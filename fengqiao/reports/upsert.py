"""Additive upserts into the rollup tables: `INSERT … ON CONFLICT (key) DO UPDATE SET m = m +
excluded.m` — one statement per batch of keys, the same SQL on SQLite (≥ 3.24) and
PostgreSQL. Keys are written in sorted order, so two syncs touching the same rows take their
locks in the same order and cannot deadlock. Large flushes on PostgreSQL go through COPY
into a temporary table first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model

from fengqiao.reports.measures import Key, Number
from fengqiao.reports.models import (
    AMOUNT_MEASURES,
    MEASURES,
    AreaDay,
    AreaMonth,
    SourceMonth,
    UnitMonth,
)


@dataclass(frozen=True)
class Cube:
    """A rollup table: its model, the key columns written, and the unique-key columns."""

    name: str
    model: type[Model]
    keys: tuple[str, ...]
    conflict: tuple[str, ...]
    date_key: str

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)


CUBES: dict[str, Cube] = {
    cube.name: cube
    for cube in (
        Cube(
            "area_month",
            AreaMonth,
            ("region", "parent", "level", "month", "kind", "category"),
            ("region", "parent", "month", "kind", "category"),
            "month",
        ),
        Cube(
            "area_day",
            AreaDay,
            ("region", "parent", "level", "day", "kind"),
            ("region", "parent", "day", "kind"),
            "day",
        ),
        Cube(
            "source_month",
            SourceMonth,
            ("region", "parent", "level", "month", "kind", "source"),
            ("region", "parent", "month", "kind", "source"),
            "month",
        ),
        Cube(
            "unit_month",
            UnitMonth,
            ("unit", "relation", "region", "level", "month", "kind"),
            ("unit", "relation", "region", "month", "kind"),
            "month",
        ),
    )
}

COPY_THRESHOLD = 5000


def _adapt(value: object) -> Any:
    ops = connection.ops
    if isinstance(value, Decimal):
        return ops.adapt_decimalfield_value(value, 18, 2)
    if isinstance(value, date):
        return ops.adapt_datefield_value(value)
    return value


def _sql(cube: Cube, rows: int) -> str:
    columns = (*cube.keys, *MEASURES)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{m} = {cube.table}.{m} + excluded.{m}" for m in MEASURES)
    return (
        f"INSERT INTO {cube.table} ({', '.join(columns)}) VALUES {', '.join([one] * rows)} "
        f"ON CONFLICT ({', '.join(cube.conflict)}) DO UPDATE SET {updates}"
    )


def _values(key: tuple[object, ...], cell: dict[str, Number]) -> list[Any]:
    zero: dict[str, Number] = {m: (Decimal(0) if m in AMOUNT_MEASURES else 0) for m in MEASURES}
    zero.update(cell)
    return [_adapt(v) for v in key] + [_adapt(zero[m]) for m in MEASURES]


def apply(rows: Iterable[tuple[Key, dict[str, Number]]]) -> int:
    """Add the increments to the rollup tables; returns the number of keys written."""
    by_cube: dict[str, list[tuple[tuple[object, ...], dict[str, Number]]]] = {}
    for (name, key), cell in rows:
        by_cube.setdefault(name, []).append((key, cell))
    written = 0
    for name in sorted(by_cube):
        cube = CUBES[name]
        items = sorted(by_cube[name], key=lambda item: tuple(str(k) for k in item[0]))
        if connection.vendor == "postgresql" and len(items) >= COPY_THRESHOLD:
            _copy_pg(cube, items)
        else:
            _insert(cube, items)
        written += len(items)
    return written


def _insert(cube: Cube, items: Sequence[tuple[tuple[object, ...], dict[str, Number]]]) -> None:
    width = len(cube.keys) + len(MEASURES)
    per = max(1, (900 if connection.vendor == "sqlite" else 30000) // width)
    with connection.cursor() as cursor:
        for start in range(0, len(items), per):
            chunk = items[start : start + per]
            params: list[Any] = []
            for key, cell in chunk:
                params += _values(key, cell)
            cursor.execute(_sql(cube, len(chunk)), params)


def _copy_pg(cube: Cube, items: Sequence[tuple[tuple[object, ...], dict[str, Number]]]) -> None:
    columns = (*cube.keys, *MEASURES)
    temp = f"tmp_{cube.table}"
    updates = ", ".join(f"{m} = {cube.table}.{m} + excluded.{m}" for m in MEASURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {temp} ON COMMIT DELETE ROWS AS "
            f"SELECT {', '.join(columns)} FROM {cube.table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {temp}")
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY {temp} ({', '.join(columns)}) FROM STDIN") as copy:
            for key, cell in items:
                copy.write_row(_values(key, cell))
        cursor.execute(
            f"INSERT INTO {cube.table} ({', '.join(columns)}) "
            f"SELECT {', '.join(columns)} FROM {temp} "
            f"ON CONFLICT ({', '.join(cube.conflict)}) DO UPDATE SET {updates}"
        )
        cursor.execute(f"TRUNCATE {temp}")

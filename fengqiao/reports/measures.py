"""A case's facts, and what they contribute to each rollup table.

`Facts` is everything the statistics need to know about one case, computed from the raw
tables by facts.py. `contribution(facts, chain)` turns it into increments of rollup rows —
the one definition used by the incremental sync, the rebuild and the benchmark generator,
so the three can never disagree.

Each measure is placed on one date (docs/reports.md §1):
- received basis — the local date the case was received (a cohort, counted as of now);
- finished basis — the local date of its final closure;
- provider basis — the date the mediation/petition record gives (outcome, routing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from fengqiao.regions.models import Level

Number = int | Decimal
Vector = dict[str, Number]
# A rollup key: (table name, key tuple in the table's key column order).
Key = tuple[str, tuple[object, ...]]

# Levels kept in the smaller tables (the day table stops at counties, sources and units at
# townships): see docs/reports.md "rollup tables".
DAY_MAX_LEVEL = Level.COUNTY
SOURCE_MAX_LEVEL = Level.TOWNSHIP
UNIT_MAX_LEVEL = Level.TOWNSHIP

GOOD, BAD = "good", "bad"


@dataclass(frozen=True)
class Facts:
    """What one case contributes, in plain values (no model instances, no personal data).

    `chain` holds the area chain recorded at registration, root first, as
    (region id, parent id, level) triples."""

    chain: tuple[tuple[int, int, int], ...]
    kind: str
    category: int
    source: str
    received_on: date
    merged: bool = False
    repeat: bool = False
    is_open: bool = True
    finished_on: date | None = None
    done: bool = False
    due: bool = False
    on_time: bool = False
    direct: bool = False
    dispatched: bool = False
    responded: bool = False
    reworked: bool = False
    overdue: bool = False
    supervised: bool = False
    resolved: bool | None = None
    callback: bool = False
    rating: str = ""
    lead_unit: int = 0
    respondent_unit: int = 0
    extra_on: date | None = None
    extra: tuple[tuple[str, Number], ...] = field(default_factory=tuple)
    # provider measures on further dates (a petition's recommendations, each on its day)
    extra_dated: tuple[tuple[date, tuple[tuple[str, Number], ...]], ...] = ()


def month_of(day: date) -> date:
    return day.replace(day=1)


def cohort_vector(f: Facts) -> Vector:
    """Measures on the received date."""
    if f.merged:
        return {"merged": 1}
    flags = {
        "received": True,
        "repeat": f.repeat,
        "resolved": f.resolved is True,
        "open_now": f.is_open,
        "overdue": f.overdue,
        "supervised": f.supervised,
        "dispatched": f.dispatched,
        "responded": f.responded,
        "reworked": f.reworked,
    }
    return {name: 1 for name, on in flags.items() if on}


def finish_vector(f: Facts) -> Vector:
    """Measures on the date of the final closure (nothing while open or merged)."""
    if f.merged or f.finished_on is None:
        return {}
    if not f.done:
        return {"ended_other": 1}
    flags = {
        "closed": True,
        "closed_due": f.due,
        "closed_on_time": f.due and f.on_time,
        "closed_direct": f.direct,
        "closed_dispatched": not f.direct,
        "resolved_known": f.resolved is not None,
        "closed_resolved": f.resolved is True,
        "callbacks": f.callback and not f.direct,
        "rated": f.rating in (GOOD, BAD),
        "satisfied": f.rating == GOOD,
    }
    return {name: 1 for name, on in flags.items() if on}


def extra_vector(f: Facts) -> Vector:
    if f.merged or f.extra_on is None:
        return {}
    return {name: value for name, value in f.extra if value}


def _placed(f: Facts) -> list[tuple[date, Vector]]:
    out = [(f.received_on, cohort_vector(f))]
    if f.finished_on is not None:
        out.append((f.finished_on, finish_vector(f)))
    if f.extra_on is not None:
        out.append((f.extra_on, extra_vector(f)))
    if not f.merged:
        out += [(day, dict(measures)) for day, measures in f.extra_dated]
    return [(day, vector) for day, vector in out if vector]


def contribution(f: Facts) -> Iterator[tuple[Key, Vector]]:
    """Every (rollup key, increments) the case adds; a key may come more than once."""
    placed = _placed(f)
    units = [(u, rel) for u, rel in ((f.lead_unit, "lead"), (f.respondent_unit, "respondent")) if u]
    for region, parent, level in f.chain:
        for day, vector in placed:
            month = month_of(day)
            yield ("area_month", (region, parent, level, month, f.kind, f.category)), vector
            if level <= DAY_MAX_LEVEL:
                yield ("area_day", (region, parent, level, day, f.kind)), vector
            if level <= SOURCE_MAX_LEVEL:
                yield ("source_month", (region, parent, level, month, f.kind, f.source)), vector
            if level <= UNIT_MAX_LEVEL:
                for unit, relation in units:
                    yield ("unit_month", (unit, relation, region, level, month, f.kind)), vector


class Accumulator:
    """Sums signed contributions per rollup key; `rows()` yields the non-zero ones."""

    def __init__(self) -> None:
        self.cells: dict[Key, dict[str, Number]] = {}

    def add(self, f: Facts, sign: int = 1) -> None:
        cells = self.cells
        for key, vector in contribution(f):
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = {}
            for name, value in vector.items():
                cell[name] = cell.get(name, 0) + sign * value

    def __len__(self) -> int:
        return len(self.cells)

    def rows(self) -> Iterator[tuple[Key, dict[str, Number]]]:
        for key, cell in self.cells.items():
            nonzero = {name: value for name, value in cell.items() if value}
            if nonzero:
                yield key, nonzero

    def clear(self) -> None:
        self.cells = {}


def chain_from(ids: Sequence[int], levels: dict[int, int]) -> tuple[tuple[int, int, int], ...]:
    """(region, parent, level) triples from the region ids of a path, root first."""
    out: list[tuple[int, int, int]] = []
    parent = 0
    for region in ids:
        out.append((region, parent, levels[region]))
        parent = region
    return tuple(out)


def ids_of_path(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def total(vectors: Iterable[Vector]) -> Vector:
    out: Vector = {}
    for vector in vectors:
        for name, value in vector.items():
            out[name] = out.get(name, 0) + value
    return out

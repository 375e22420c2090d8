"""The vectorised form of `facts.build` + `measures.contribution` for generated batches:
the same facts and the same rollup rows, computed with numpy group-bys instead of a Python
loop per case. `test_bench.py` checks that a generated province's rollups equal the
recomputation from its raw tables (`sync.differences()`), so the two forms cannot drift.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection

from fengqiao.regions.models import Region
from fengqiao.reports import conf, upsert
from fengqiao.reports.bench import pgload
from fengqiao.reports.facts import ENDED_OTHERWISE
from fengqiao.reports.measures import DAY_MAX_LEVEL, SOURCE_MAX_LEVEL, UNIT_MAX_LEVEL, Number
from fengqiao.reports.models import AMOUNT_MEASURES, MEASURES

if TYPE_CHECKING:
    from fengqiao.reports.bench.writer import Batch

EPOCH = dt.date(1970, 1, 1)
LOCAL_OFFSET = 8 * 3600  # China Standard Time, no daylight saving


def day_of(index: int | np.integer[Any]) -> dt.date:
    return EPOCH + dt.timedelta(days=int(index))


def _local_day(ts: np.ndarray) -> np.ndarray:
    safe = np.where(np.isnan(ts), 0, ts)
    return np.floor((safe + LOCAL_OFFSET) / 86400).astype(np.int64)


def facts_of(b: Batch) -> dict[str, np.ndarray]:
    """facts.build for a batch (no timeline rows: the case columns are the facts)."""
    from fengqiao.reports.bench.generate import KINDS

    merged = (b.status == "merged") | (b.parent != 0)
    finished = ~b.is_open & ~merged
    ended = np.zeros(len(b), dtype=bool)
    for k, kind in enumerate(KINDS):
        states = list(ENDED_OTHERWISE.get(kind, frozenset()))
        if states:
            ended |= (b.kind == k) & np.isin(b.status, states)
    has_due = finished & ~np.isnan(b.due)
    on_time = has_due & (b.closed <= np.where(np.isnan(b.due), -np.inf, b.due))
    dispatched_raw = ~np.isnan(b.assigned) | (b.lead != 0)
    window = conf.response_window().total_seconds()
    signed_ok = ~np.isnan(b.signed) & ((b.signed - np.nan_to_num(b.assigned)) <= window)
    good = np.isin(b.satisfaction, ["satisfied", "basic"])
    bad = b.satisfaction == "dissatisfied"
    return {
        "merged": merged,
        "is_open": b.is_open & ~merged,
        "finished": finished,
        "done": finished & ~ended,
        "due": has_due,
        "on_time": on_time,
        "direct": finished & ~dispatched_raw,
        "dispatched": dispatched_raw & ~merged,
        "responded": dispatched_raw & ~merged & signed_ok & ~np.isnan(b.assigned),
        "overdue": ~merged & ((b.is_open & b.overdue_open) | (has_due & ~on_time)),
        "supervised": b.supervision > 0,
        "callback": ~np.isnan(b.callback),
        "rating": np.where(good, "good", np.where(bad, "bad", "")),
        "good": good,
        "rated": good | bad,
        "received_day": _local_day(b.received),
        "finished_day": _local_day(b.closed),
    }


def _vectors(
    b: Batch, f: dict[str, np.ndarray]
) -> list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
    """(row mask, day index, measure arrays) for each basis: cohort and finish."""
    live = ~f["merged"]
    cohort = {
        "received": live,
        "merged": f["merged"],
        "repeat": live & b.repeat,
        "resolved": live & (b.resolved == 1),
        "open_now": live & f["is_open"],
        "overdue": live & f["overdue"],
        "supervised": live & f["supervised"],
        "dispatched": live & f["dispatched"],
        "responded": live & f["responded"],
    }
    done, other = f["done"], f["finished"] & ~f["done"]
    finish = {
        "closed": done,
        "ended_other": other,
        "closed_due": done & f["due"],
        "closed_on_time": done & f["due"] & f["on_time"],
        "closed_direct": done & f["direct"],
        "closed_dispatched": done & ~f["direct"],
        "resolved_known": done & (b.resolved >= 0),
        "closed_resolved": done & (b.resolved == 1),
        "callbacks": done & f["callback"] & ~f["direct"],
        "rated": done & f["rated"],
        "satisfied": done & f["good"],
    }
    all_rows = np.ones(len(b), dtype=bool)
    return [
        (all_rows, f["received_day"], cohort),
        (f["finished"], f["finished_day"], finish),
    ]


CUBE_KEYS = {
    "area_month": ("region", "parent", "level", "month", "kind", "category"),
    "area_day": ("region", "parent", "level", "day", "kind"),
    "source_month": ("region", "parent", "level", "month", "kind", "source"),
    "unit_month": ("unit", "relation", "region", "level", "month", "kind"),
}


def level_table() -> np.ndarray:
    """Region id → level, as an array indexed by id (0 for none)."""
    pairs = list(Region.objects.values_list("pk", "level"))
    table = np.zeros(max((pk for pk, _ in pairs), default=0) + 1, dtype=np.int64)
    for pk, level in pairs:
        table[pk] = level
    return table


class Accumulator:
    """Partial rollup sums of many batches kept in memory (int32 keys and sums), added up
    by one sort per cube whenever a cube holds more than `limit` rows, and at the end."""

    def __init__(self, limit: int = 20_000_000) -> None:
        self.limit = limit
        self.parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {c: [] for c in CUBE_KEYS}

    def add(self, cube: str, unique: np.ndarray, sums: np.ndarray) -> None:
        parts = self.parts[cube]
        parts.append((unique.astype(np.int32), sums.astype(np.int32)))
        if sum(len(k) for k, _ in parts) > self.limit and len(parts) > 1:
            self.parts[cube] = [self.total(cube)]

    def total(self, cube: str) -> tuple[np.ndarray, np.ndarray]:
        parts = self.parts[cube]
        if len(parts) == 1:
            return parts[0]
        keys = np.concatenate([k for k, _ in parts])
        values = np.concatenate([v for _, v in parts])
        self.parts[cube] = []
        unique, sums = group_sums(keys, values)
        return unique.astype(np.int32), sums.astype(np.int32)

    def write(self) -> dict[str, int]:
        """Stages each cube's totals in unlogged tables (`merge_staged` moves them in)."""
        out: dict[str, int] = {}
        for cube in CUBE_KEYS:
            if not self.parts[cube]:
                continue
            unique, sums = self.total(cube)
            step = 2_000_000
            for start in range(0, len(unique), step):
                _stage(cube, unique[start : start + step], sums[start : start + step])
            out[cube] = len(unique)
        return out


def flush(
    b: Batch,
    f: dict[str, np.ndarray] | None = None,
    *,
    into: Accumulator | None = None,
    level_of: np.ndarray | None = None,
) -> int:
    """Add the batch's contribution to the rollups; returns the number of keys written.
    `into` (PostgreSQL loads): add the partial sums to an in-memory accumulator instead,
    staged once at the end (`Accumulator.write`, `merge_staged`).

    Each case gives one row per depth of its chain and per basis (cohort, finish); a row is
    a key plus the index of its case-and-basis in a measure table, so the measures are never
    copied per row: after one sort of the packed keys, each measure is summed with a 1-D
    `np.add.reduceat` over its gathered column."""
    from fengqiao.reports.bench.generate import CHANNEL_NAMES, KINDS

    if f is None:
        f = facts_of(b)
    levels = (level_table() if level_of is None else level_of)[b.chain]
    sources = np.array(CHANNEL_NAMES)
    source_idx = np.searchsorted(sources, b.channel.astype(str))
    if not np.array_equal(sources[source_idx], b.channel.astype(str)):
        raise ValueError("unknown channel in batch")
    n = len(b)
    bases = _vectors(b, f)
    measures = [
        np.concatenate(
            [basis.get(m, np.zeros(n, dtype=bool)).view(np.uint8) for _, _, basis in bases]
        )
        for m in COUNTS
    ]
    written = 0
    for cube, key_names in CUBE_KEYS.items():
        columns: dict[str, list[np.ndarray]] = {name: [] for name in key_names}
        sources_of_rows: list[np.ndarray] = []
        for basis_index, (mask, day, _) in enumerate(bases):
            month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
            for depth in range(6):
                region = b.chain[:, depth]
                level = levels[:, depth]
                keep = mask & (region != 0)
                if cube == "area_day":
                    keep &= level <= DAY_MAX_LEVEL
                elif cube == "source_month":
                    keep &= level <= SOURCE_MAX_LEVEL
                elif cube == "unit_month":
                    keep &= level <= UNIT_MAX_LEVEL
                relations = (
                    ((0, b.lead), (1, b.respondent)) if cube == "unit_month" else ((0, None),)
                )
                for relation, units in relations:
                    rows = np.flatnonzero(keep & (units != 0) if units is not None else keep)
                    values = {
                        "region": region[rows],
                        "parent": b.chain[rows, depth - 1]
                        if depth
                        else np.zeros(len(rows), np.int64),
                        "level": level[rows],
                        "month": month[rows],
                        "day": day[rows],
                        "kind": b.kind[rows],
                        "category": b.category_top[rows],
                        "source": source_idx[rows],
                        "relation": np.full(len(rows), relation, dtype=np.int64),
                        "unit": units[rows] if units is not None else rows,
                    }
                    for name in key_names:
                        columns[name].append(values[name])
                    sources_of_rows.append(rows + basis_index * n)
        keys = np.stack([np.concatenate(columns[name]) for name in key_names], axis=1)
        if not len(keys):
            continue
        origin = np.concatenate(sources_of_rows)
        order, starts = _sorted_groups(keys)
        at = origin[order]
        unique = keys[order[starts]]
        sums = np.zeros((len(starts), len(COUNTS)), dtype=np.int64)
        for j, column in enumerate(measures):
            if column.any():
                sums[:, j] = np.add.reduceat(column[at], starts, dtype=np.int64)
        if into is not None:
            into.add(cube, unique, sums)
            written += len(unique)
        else:
            decode = {"kind": np.array(KINDS), "source": sources,
                      "relation": np.array(["lead", "respondent"])}  # fmt: skip
            written += _write(cube, unique, sums, decode)
    return written


def _stage_table(cube: str) -> str:
    return f"bench_stage_{cube}"


def _stage(cube: str, unique: np.ndarray, sums: np.ndarray) -> int:
    """Appends rollup sums (keys as integer codes, months as months since 1970, days as days
    since 1970) to the cube's unlogged stage table."""
    keys = CUBE_KEYS[cube]
    columns: list[tuple[str, np.ndarray]] = []
    for j, name in enumerate(keys):
        col = unique[:, j]
        if name == "month":
            col = col.astype(np.int64).astype("datetime64[M]").astype("datetime64[D]")
        columns.append((name, np.ascontiguousarray(col.astype(np.int64))))
    columns += [
        (m, np.ascontiguousarray(sums[:, j].astype(np.int64))) for j, m in enumerate(COUNTS)
    ]
    table = _stage_table(cube)
    ddl = ", ".join(f"{name} bigint" for name, _ in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS {table} ({ddl})")
        pgload.append(cursor, table, columns)
    return len(unique)


def clear_staged() -> None:
    with connection.cursor() as cursor:
        for cube in CUBE_KEYS:
            cursor.execute(f"DROP TABLE IF EXISTS {_stage_table(cube)}")


def merge_staged(*, fresh: set[str]) -> dict[str, int]:
    """Adds the staged sums (one row per key) into the rollup tables; a cube in `fresh` was
    empty before the load (plain INSERT, its unique key is rebuilt later), the others get
    `ON CONFLICT … DO UPDATE` additions. Returns the rows written per table."""
    from fengqiao.reports.bench.generate import CHANNEL_NAMES, KINDS

    decode = {
        "kind": pgload.text_array(KINDS),
        "source": pgload.text_array(CHANNEL_NAMES),
        "relation": pgload.text_array(["lead", "respondent"]),
    }
    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        for cube, keys in CUBE_KEYS.items():
            table = _stage_table(cube)
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            target = upsert.CUBES[cube]
            selected = []
            for name in keys:
                if name in decode:
                    selected.append(f"({decode[name]})[{name} + 1]")
                elif name in ("month", "day"):
                    selected.append(f"DATE '1970-01-01' + {name}::int")
                else:
                    selected.append(name)
            sums = list(COUNTS)
            conflict = ""
            if cube not in fresh:
                updates = ", ".join(f"{m} = {target.table}.{m} + excluded.{m}" for m in COUNTS)
                conflict = f" ON CONFLICT ({', '.join(target.conflict)}) DO UPDATE SET {updates}"
            cursor.execute(
                f"INSERT INTO {target.table} ({', '.join((*keys, *COUNTS))}, agreement_amount) "
                f"SELECT {', '.join(selected + sums)}, 0 FROM {table}{conflict}"
            )
            out[target.table] = cursor.rowcount
            cursor.execute(f"DROP TABLE {table}")
    return out


COUNTS = tuple(m for m in MEASURES if m not in AMOUNT_MEASURES)


def _sorted_groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order that sorts the key rows and the start of each run of equal keys in it:
    rows packed into one int64 when the columns fit in 62 bits (a 1-D sort), else a
    row-wise np.unique."""
    widths = [max(1, int(keys[:, j].max()).bit_length()) for j in range(keys.shape[1])]
    if sum(widths) > 62 or keys.min() < 0:
        _, inverse = np.unique(keys, axis=0, return_inverse=True)
        order = np.argsort(inverse.reshape(-1), kind="stable")
        flat = inverse.reshape(-1)[order]
    else:
        packed = np.zeros(len(keys), dtype=np.int64)
        for j, width in enumerate(widths):
            packed = (packed << width) | keys[:, j].astype(np.int64)
        order = np.argsort(packed)
        flat = packed[order]
    starts = np.flatnonzero(np.concatenate([[True], flat[1:] != flat[:-1]]))
    return order, starts


def group_sums(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct key rows and the column sums of `values` per key (one sort, then a 1-D
    `np.add.reduceat` per column)."""
    order, starts = _sorted_groups(keys)
    columns = np.ascontiguousarray(values.T)
    sums = np.zeros((len(starts), values.shape[1]), dtype=np.int64)
    for j in range(values.shape[1]):
        if columns[j].any():
            sums[:, j] = np.add.reduceat(columns[j][order], starts, dtype=np.int64)
    return keys[order[starts]], sums


SMALL = [str(i) for i in range(1 << 16)]


def text_list(column: np.ndarray) -> list[str]:
    """COPY text of a column as a Python list (numpy scalars are slow to join)."""
    if column.dtype.kind == "M":
        return np.datetime_as_string(column, unit="D").tolist()  # type: ignore[no-any-return]
    if column.dtype.kind in "iu" and len(column) and column.min() >= 0 and column.max() < 1 << 16:
        small = SMALL
        return [small[v] for v in column.tolist()]
    return [str(v) for v in column.tolist()]


def _columns(cube: str, unique: np.ndarray, decode: dict[str, np.ndarray]) -> list[np.ndarray]:
    out = []
    for j, name in enumerate(CUBE_KEYS[cube]):
        col = unique[:, j]
        if name in decode:
            out.append(decode[name][col])
        elif name == "month":
            out.append(col.astype("datetime64[M]").astype("datetime64[D]"))
        elif name == "day":
            out.append(col.astype("datetime64[D]"))
        else:
            out.append(col)
    return out


def _write(cube: str, unique: np.ndarray, sums: np.ndarray, decode: dict[str, np.ndarray]) -> int:
    columns = _columns(cube, unique, decode)
    if connection.vendor != "postgresql":
        rows: list[tuple[tuple[str, tuple[object, ...]], dict[str, Number]]] = []
        for i in range(len(unique)):
            key: tuple[object, ...] = tuple(
                dt.date.fromisoformat(str(c[i]))
                if c.dtype.kind == "M"
                else (str(c[i]) if c.dtype.kind in "UO" else int(c[i]))
                for c in columns
            )
            cell: dict[str, Number] = {m: int(v) for m, v in zip(COUNTS, sums[i], strict=True) if v}
            rows.append(((cube, key), cell))
        return upsert.apply(rows)
    target = upsert.CUBES[cube]
    used = [j for j in range(len(COUNTS)) if sums[:, j].any()]  # skip all-zero measures
    names = (*CUBE_KEYS[cube], *(COUNTS[j] for j in used))
    every = (*CUBE_KEYS[cube], *COUNTS)
    texts = [text_list(c) for c in columns] + [text_list(sums[:, j]) for j in used]
    lines = "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"
    temp = f"tmp_bench_{target.table}"
    updates = ", ".join(f"{m} = {target.table}.{m} + excluded.{m}" for m in COUNTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {temp} AS "
            f"SELECT {', '.join(every)} FROM {target.table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {temp}")
        with cursor.cursor.copy(f"COPY {temp} ({', '.join(names)}) FROM STDIN") as copy:
            copy.write(lines.encode())
        selected = [*CUBE_KEYS[cube], *(f"COALESCE({m}, 0)" for m in COUNTS)]
        cursor.execute(
            f"INSERT INTO {target.table} ({', '.join(every)}, agreement_amount) "
            f"SELECT {', '.join(selected)}, 0 FROM {temp} "
            f"ON CONFLICT ({', '.join(target.conflict)}) DO UPDATE SET {updates}"
        )
    return len(unique)

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

    kinds = np.array(KINDS, dtype=object)[b.kind]
    merged = (b.status == "merged") | (b.parent != 0)
    finished = ~b.is_open & ~merged
    ended = np.array(
        [s in ENDED_OTHERWISE.get(k, frozenset()) for s, k in zip(b.status, kinds, strict=True)]
    )
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


def flush(b: Batch, start: dt.date) -> int:
    """Add the batch's contribution to the rollups; returns the number of keys written."""
    from fengqiao.reports.bench.generate import KINDS

    f = facts_of(b)
    ids = np.unique(b.chain[b.chain != 0])
    level_of = dict(Region.objects.filter(pk__in=ids.tolist()).values_list("pk", "level"))
    lookup = np.vectorize(lambda r: level_of.get(int(r), 0), otypes=[np.int64])
    levels = lookup(b.chain)
    sources = np.unique(b.channel.astype(str))
    source_idx = np.searchsorted(sources, b.channel.astype(str))
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {c: [] for c in CUBE_KEYS}
    n = len(b)
    for mask, day, measures in _vectors(b, f):
        matrix = np.stack([measures.get(m, np.zeros(n, dtype=bool)) for m in COUNTS], axis=1)
        matrix = matrix.astype(np.int32)
        month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        for depth in range(6):
            region = b.chain[:, depth]
            parent = b.chain[:, depth - 1] if depth else np.zeros(n, dtype=np.int64)
            level = levels[:, depth]
            m = mask & (region != 0)
            parts["area_month"].append(
                (
                    np.stack([region, parent, level, month, b.kind, b.category_top], axis=1)[m],
                    matrix[m],
                )
            )
            d = m & (level <= DAY_MAX_LEVEL)
            parts["area_day"].append(
                (np.stack([region, parent, level, day, b.kind], axis=1)[d], matrix[d])
            )
            s = m & (level <= SOURCE_MAX_LEVEL)
            parts["source_month"].append(
                (np.stack([region, parent, level, month, b.kind, source_idx], axis=1)[s], matrix[s])
            )
            u = m & (level <= UNIT_MAX_LEVEL)
            for relation, units in ((0, b.lead), (1, b.respondent)):
                w = u & (units != 0)
                rel = np.full(n, relation, dtype=np.int64)
                parts["unit_month"].append(
                    (np.stack([units, rel, region, level, month, b.kind], axis=1)[w], matrix[w])
                )
    written = 0
    decode = {
        "kind": np.array(KINDS),
        "source": sources,
        "relation": np.array(["lead", "respondent"]),
    }
    for cube, chunks in parts.items():
        keys = np.concatenate([k for k, _ in chunks])
        values = np.concatenate([v for _, v in chunks])
        if not len(keys):
            continue
        unique, inverse = unique_rows(keys)
        sums = np.stack(
            [
                np.bincount(inverse, weights=values[:, j], minlength=len(unique))
                for j in range(len(COUNTS))
            ],
            axis=1,
        ).astype(np.int64)
        written += _write(cube, unique, sums, decode)
    return written


COUNTS = tuple(m for m in MEASURES if m not in AMOUNT_MEASURES)


def unique_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(keys, axis=0) — by packing each row into one int64 when the columns fit in
    62 bits (a 1-D sort instead of a row-wise one)."""
    widths = [max(1, int(keys[:, j].max()).bit_length()) for j in range(keys.shape[1])]
    if sum(widths) > 62 or keys.min() < 0:
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        return unique, inverse.reshape(-1)
    packed = np.zeros(len(keys), dtype=np.int64)
    for j, width in enumerate(widths):
        packed = (packed << width) | keys[:, j]
    _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
    return keys[first], inverse.reshape(-1)


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

"""Keeping the rollups current: the sync queue, the rebuild, and the check against a
recomputation from the raw tables.

How a change reaches the rollups (docs/reports.md §3):
1. every `CaseTransition` insert queues its case (`SyncQueue`), in the action's transaction;
2. after that transaction commits, the case is synced at once (`transaction.on_commit`);
   anything left over (a crash between commit and sync) is synced by the sweep step or
   `fengqiao reports-sync`;
3. a sync locks the case's `CaseFact` row, recomputes the facts from the committed raw rows,
   and adds (new contribution − stored contribution) to the rollups in one transaction.

Nothing is double counted: the difference of a state with itself is zero, so syncing a case
twice, or two workers syncing it at once (the row lock serialises them), adds nothing.
Nothing is missed: the queue row commits with the action and is deleted only by the sync
that read the state after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from fengqiao.cases.models import Case
from fengqiao.reports import conf, facts, upsert
from fengqiao.reports.measures import Accumulator, Facts, Key, Number, ids_of_path
from fengqiao.reports.models import AMOUNT_MEASURES, MEASURES, CaseFact, RollupState, SyncQueue

logger = logging.getLogger(__name__)

FACT_FIELDS = (
    "kind",
    "category",
    "source",
    "received_on",
    "merged",
    "repeat",
    "is_open",
    "finished_on",
    "done",
    "due",
    "on_time",
    "direct",
    "dispatched",
    "responded",
    "reworked",
    "overdue",
    "supervised",
    "resolved",
    "callback",
    "rating",
    "lead_unit",
    "respondent_unit",
    "extra_on",
)
CHAIN_FIELDS = ("a1", "a2", "a3", "a4", "a5", "a6")
FLUSH_AT = 200_000


def _lock(exclusive: bool) -> None:
    """Syncs share the rollup lock; a rebuild holds it alone (PostgreSQL row lock; SQLite
    serialises writers anyway)."""
    RollupState.objects.get_or_create(pk=1)
    if connection.vendor == "postgresql":
        mode = "UPDATE" if exclusive else "SHARE"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {RollupState._meta.db_table} WHERE id = 1 FOR {mode}")


def _chain_ids(row: CaseFact) -> list[int]:
    return [value for value in (getattr(row, name) for name in CHAIN_FIELDS) if value]


def record_area(case_id: int, path: str) -> None:
    """Keep the case's area chain as it is now — at registration, in the registering
    transaction — so its figures stay with the area it had at the time of the event."""
    ids = ids_of_path(path)[: len(CHAIN_FIELDS)]
    values = {name: (ids[i] if i < len(ids) else 0) for i, name in enumerate(CHAIN_FIELDS)}
    CaseFact.objects.bulk_create([CaseFact(case_id=case_id, **values)], ignore_conflicts=True)


def _stored(rows: Sequence[CaseFact]) -> dict[int, Facts]:
    """The facts as last counted, for rows that were counted."""
    counted = [row for row in rows if row.counted]
    chains = facts.chains_for({row.case_id: _chain_ids(row) for row in counted})
    out: dict[int, Facts] = {}
    for row in counted:
        values: dict[str, Any] = {name: getattr(row, name) for name in FACT_FIELDS}
        stored = dict(row.extra or {})
        dated = tuple(
            (date.fromisoformat(day), _measures(cell)) for day, cell in stored.pop(DATED, [])
        )
        out[row.case_id] = Facts(
            chain=chains[row.case_id], extra=_measures(stored), extra_dated=dated, **values
        )
    return out


DATED = "@dated"  # key of the dated provider measures in CaseFact.extra


def _measures(cell: dict[str, Any]) -> tuple[tuple[str, Number], ...]:
    return tuple(
        sorted(
            (name, Decimal(str(v)) if name in AMOUNT_MEASURES else int(v))
            for name, v in cell.items()
        )
    )


def _plain(items: tuple[tuple[str, Number], ...]) -> dict[str, Any]:
    return {name: str(v) if isinstance(v, Decimal) else v for name, v in items}


def _write(row: CaseFact, f: Facts, now: Any) -> None:
    row.counted = True
    ids = [region for region, _, _ in f.chain][: len(CHAIN_FIELDS)]
    for index, name in enumerate(CHAIN_FIELDS):
        setattr(row, name, ids[index] if index < len(ids) else 0)
    for name in FACT_FIELDS:
        setattr(row, name, getattr(f, name))
    row.extra = _plain(f.extra)
    if f.extra_dated:
        row.extra[DATED] = [[day.isoformat(), _plain(cell)] for day, cell in f.extra_dated]
    row.synced_at = now


def _sync_ids(ids: Sequence[int]) -> int:
    """Apply the difference for `ids` (inside the caller's transaction); returns how many
    cases changed."""
    CaseFact.objects.bulk_create([CaseFact(case_id=i) for i in ids], ignore_conflicts=True)
    rows = list(CaseFact.objects.select_for_update().filter(case_id__in=ids).order_by("case_id"))
    old = _stored(rows)
    snapshots = {row.case_id: _chain_ids(row) for row in rows if row.a1}
    new = facts.load(ids, snapshots=snapshots, window=conf.response_window())
    acc = Accumulator()
    changed: list[CaseFact] = []
    gone: list[int] = []
    now = timezone.now()
    for row in rows:
        before, after = old.get(row.case_id), new.get(row.case_id)
        if before == after:
            continue
        if before is not None:
            acc.add(before, -1)
        if after is None:
            gone.append(row.case_id)
            continue
        acc.add(after, 1)
        _write(row, after, now)
        changed.append(row)
    upsert.apply(acc.rows())
    if changed:
        CaseFact.objects.bulk_update(
            changed, ["counted", *CHAIN_FIELDS, *FACT_FIELDS, "extra", "synced_at"]
        )
    if gone:
        CaseFact.objects.filter(case_id__in=gone).delete()
    return len(changed) + len(gone)


def sync(case_ids: Iterable[int] | None = None, *, batch: int = 500, limit: int = 0) -> int:
    """Process the queue (only for `case_ids` if given), oldest first, `batch` queue rows per
    transaction; returns the number of queue rows processed."""
    wanted = sorted(set(case_ids)) if case_ids is not None else None
    processed = 0
    while not limit or processed < limit:
        with transaction.atomic():
            _lock(exclusive=False)
            queue = SyncQueue.objects.order_by("pk")
            if wanted is not None:
                queue = queue.filter(case_id__in=wanted)
            rows = list(queue.values_list("pk", "case_id")[:batch])
            if not rows:
                break
            _sync_ids(sorted({case_id for _, case_id in rows}))
            SyncQueue.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        processed += len(rows)
    return processed


def sync_after_commit(case_id: int) -> None:
    """The on-commit sync of one case; a failure leaves the queue row for the sweep."""
    try:
        sync([case_id])
    except Exception:  # never fail the request that already committed
        logger.exception("reports: sync of case %s failed; left for the sweep", case_id)


def pending() -> int:
    return SyncQueue.objects.count()


# ------------------------------------------------------------------ rebuild and check


@dataclass
class Rebuilt:
    cases: int
    keys: int


def _truncate() -> None:
    tables = [cube.table for cube in upsert.CUBES.values()]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")


def _case_batches(batch: int) -> Iterable[list[int]]:
    last = 0
    while True:
        ids = list(
            Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def rebuild(*, batch: int = 2000, progress: Callable[[int], None] | None = None) -> Rebuilt:
    """Recompute every rollup from the raw tables (keeping each case's recorded area
    chain), in one transaction that excludes syncs. Used after bulk loads and for repair."""
    with transaction.atomic():
        _lock(exclusive=True)
        _truncate()
        SyncQueue.objects.all().delete()
        window = conf.response_window()
        acc = Accumulator()
        cases = keys = 0
        now = timezone.now()
        for ids in _case_batches(batch):
            CaseFact.objects.bulk_create([CaseFact(case_id=i) for i in ids], ignore_conflicts=True)
            rows = list(CaseFact.objects.filter(case_id__in=ids))
            snapshots = {row.case_id: _chain_ids(row) for row in rows if row.a1}
            new = facts.load(ids, snapshots=snapshots, window=window)
            for row in rows:
                acc.add(new[row.case_id])
                _write(row, new[row.case_id], now)
            CaseFact.objects.bulk_update(
                rows, ["counted", *CHAIN_FIELDS, *FACT_FIELDS, "extra", "synced_at"]
            )
            cases += len(ids)
            if len(acc) >= FLUSH_AT:
                keys += upsert.apply(acc.rows())
                acc.clear()
            if progress:
                progress(cases)
        keys += upsert.apply(acc.rows())
        CaseFact.objects.exclude(case_id__in=Case.objects.values("pk")).delete()
        RollupState.objects.filter(pk=1).update(rebuilt_at=now, cases=cases)
    return Rebuilt(cases=cases, keys=keys)


def expected() -> dict[Key, dict[str, Number]]:
    """The rollups recomputed in memory from the raw tables (small data: tests, checks)."""
    rows = {row.case_id: row for row in CaseFact.objects.exclude(a1=0)}
    acc = Accumulator()
    window = conf.response_window()
    for ids in _case_batches(2000):
        snapshots = {i: _chain_ids(rows[i]) for i in ids if i in rows}
        for f in facts.load(ids, snapshots=snapshots, window=window).values():
            acc.add(f)
    return dict(acc.rows())


def stored() -> dict[Key, dict[str, Number]]:
    """The rollup rows as stored, without the all-zero ones and the zero measures."""
    out: dict[Key, dict[str, Number]] = {}
    for name, cube in upsert.CUBES.items():
        for row in cube.model._default_manager.values(*cube.keys, *MEASURES):
            cell = {m: row[m] for m in MEASURES if row[m]}
            if cell:
                out[(name, tuple(row[k] for k in cube.keys))] = cell
    return out


def differences() -> list[str]:
    """Human-readable differences between the stored and the recomputed rollups."""
    want, have = expected(), stored()
    out = []
    for key in sorted(set(want) | set(have), key=str):
        if want.get(key) != have.get(key):
            out.append(f"{key}: stored {have.get(key)} ≠ recomputed {want.get(key)}")
    return out

"""Writing a drawn batch: cases, lead assignments and `CaseFact` rows. Columns are built as
numpy arrays; PostgreSQL gets them as COPY text made with vectorised formatting (a Python
call per value would be the bottleneck), SQLite as plain INSERTs. Raw SQL on purpose: the
drawn timestamps are the data, so `auto_now(_add)` must not replace them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Max

from fengqiao.cases.models import Assignment, Case
from fengqiao.reports.bench import rollup_np
from fengqiao.reports.models import CaseFact

# Column kinds: how a numpy array becomes SQL values.
INT, FK, TS, BOOL, STR, JSON, DATE, TRI = "int", "fk", "ts", "bool", "str", "json", "date", "tri"


@dataclass
class Batch:
    """One chunk of drawn cases as parallel numpy arrays (timestamps in epoch seconds, NaN
    for none; ids of 0 for none; resolved −1 unknown, 0 no, 1 yes)."""

    id: np.ndarray
    grid: np.ndarray
    chain: np.ndarray
    received: np.ndarray
    kind: np.ndarray
    channel: np.ndarray
    category: np.ndarray
    category_top: np.ndarray
    status: np.ndarray
    is_open: np.ndarray
    parent: np.ndarray
    closed: np.ndarray
    resolved: np.ndarray
    assigned: np.ndarray
    signed: np.ndarray
    lead: np.ndarray
    respondent: np.ndarray
    due: np.ndarray
    callback: np.ndarray
    satisfaction: np.ndarray
    overdue_open: np.ndarray
    supervision: np.ndarray
    repeat: np.ndarray

    @classmethod
    def empty(cls, n: int, first_id: int) -> Batch:
        def nan() -> np.ndarray:
            return np.full(n, np.nan)

        def zeros() -> np.ndarray:
            return np.zeros(n, dtype=np.int64)

        return cls(
            id=np.arange(first_id, first_id + n, dtype=np.int64),
            grid=zeros(), chain=np.zeros((n, 6), dtype=np.int64), received=nan(),
            kind=zeros(), channel=np.full(n, "", dtype=object), category=zeros(),
            category_top=zeros(), status=np.full(n, "registered", dtype=object),
            is_open=np.ones(n, dtype=bool), parent=zeros(), closed=nan(),
            resolved=np.full(n, -1, dtype=np.int64), assigned=nan(), signed=nan(),
            lead=zeros(), respondent=zeros(), due=nan(), callback=nan(),
            satisfaction=np.full(n, "", dtype=object), overdue_open=np.zeros(n, dtype=bool),
            supervision=zeros(), repeat=np.zeros(n, dtype=bool),
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.id)


Columns = list[tuple[str, str, Any]]


def _const(value: Any, n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[:] = [value] * n
    return out


def case_columns(b: Batch, kinds: np.ndarray) -> Columns:
    n = len(b)
    signed = ~np.isnan(b.signed)
    receipt = np.char.add("BK", np.char.zfill(b.id.astype(str), 11))
    updated = np.where(np.isnan(b.closed), b.received, b.closed)
    return [
        ("id", INT, b.id), ("receipt_no", STR, receipt), ("kind", STR, kinds),
        ("channel", STR, b.channel),
        ("request_type", STR, np.where(kinds == "hotline", "complaint", "")),
        ("category_id", INT, b.category), ("title", STR, _const("基准测试事项", n)),
        ("description", STR, _const("基准测试数据（fengqiao bench generate）", n)),
        ("region_id", INT, b.grid), ("grid_id", INT, b.grid), ("address", STR, _const("", n)),
        ("urgency", STR, _const("normal", n)), ("risk_colour", STR, _const("", n)),
        ("flags", JSON, np.where(b.repeat, '["repeat"]', "[]")),
        ("respondent_unit_id", FK, b.respondent), ("status", STR, b.status),
        ("is_open", BOOL, b.is_open), ("version", INT, np.ones(n, dtype=np.int64)),
        ("lead_unit_id", FK, b.lead), ("first_unit_id", FK, np.where(signed, b.lead, 0)),
        ("supervision_level", INT, b.supervision), ("received_at", TS, b.received),
        ("due_at", TS, b.due), ("due_basis", STR, _const("", n)),
        ("due_uncertain", BOOL, np.zeros(n, dtype=bool)), ("due_warning", STR, _const("", n)),
        ("clock_started_at", TS, b.assigned), ("is_overdue", BOOL, b.overdue_open),
        ("overdue_at", TS, np.where(b.overdue_open, b.due, np.nan)),
        ("closed_at", TS, b.closed), ("resolved", TRI, b.resolved),
        ("satisfaction", STR, b.satisfaction), ("callback_at", TS, b.callback),
        ("parent_id", FK, b.parent), ("verification_hash", STR, _const("", n)),
        ("external_ref", STR, _const("", n)), ("created_at", TS, b.received),
        ("updated_at", TS, updated),
    ]  # fmt: skip


def assignment_columns(b: Batch) -> Columns:
    sel = ~np.isnan(b.assigned)
    n = int(sel.sum())
    closed, signed = b.closed[sel], b.signed[sel]
    status = np.where(
        ~np.isnan(closed), "replied", np.where(~np.isnan(signed), "signed", "pending")
    )
    return [
        ("case_id", INT, b.id[sel]), ("unit_id", INT, b.lead[sel]),
        ("role", STR, _const("lead", n)), ("task", STR, _const("", n)), ("status", STR, status),
        ("due_at", TS, b.due[sel]), ("due_basis", STR, _const("", n)),
        ("assigned_at", TS, b.assigned[sel]), ("signed_at", TS, signed),
        ("replied_at", TS, closed), ("reply", STR, _const("", n)),
        ("reply_resolved", TRI, np.full(n, -1)), ("objection_reason", STR, _const("", n)),
        ("objection_locked", BOOL, np.zeros(n, dtype=bool)),
    ]  # fmt: skip


def fact_columns(b: Batch, kinds: np.ndarray, f: dict[str, np.ndarray]) -> Columns:
    n = len(b)
    chain = [(f"a{d + 1}", INT, b.chain[:, d]) for d in range(6)]
    finished_day = np.where(f["finished"], f["finished_day"], -1)
    return [
        ("case_id", INT, b.id), ("counted", BOOL, np.ones(n, dtype=bool)), *chain,
        ("kind", STR, kinds), ("category", INT, b.category_top), ("source", STR, b.channel),
        ("received_on", DATE, f["received_day"]), ("merged", BOOL, f["merged"]),
        ("repeat", BOOL, b.repeat), ("is_open", BOOL, f["is_open"]),
        ("finished_on", DATE, finished_day), ("done", BOOL, f["done"]), ("due", BOOL, f["due"]),
        ("on_time", BOOL, f["on_time"]), ("direct", BOOL, f["direct"]),
        ("dispatched", BOOL, f["dispatched"]), ("responded", BOOL, f["responded"]),
        ("reworked", BOOL, np.zeros(n, dtype=bool)), ("overdue", BOOL, f["overdue"]),
        ("supervised", BOOL, f["supervised"]), ("resolved", TRI, b.resolved),
        ("callback", BOOL, f["callback"]), ("rating", STR, f["rating"]),
        ("lead_unit", INT, b.lead), ("respondent_unit", INT, b.respondent),
        ("extra", JSON, _const("{}", n)),
        ("synced_at", TS, np.full(n, dt.datetime.now(dt.UTC).timestamp())),
    ]  # fmt: skip


def _text(kind: str, values: Any) -> list[str]:
    """COPY text for one column as a Python list (NULL is \\N)."""
    arr = np.asarray(values)
    if kind == INT:
        return [str(v) for v in arr.astype(np.int64).tolist()]
    if kind == FK:
        return [str(v) if v else "\\N" for v in arr.astype(np.int64).tolist()]
    if kind == BOOL:
        return ["t" if v else "f" for v in arr.astype(bool).tolist()]
    if kind == TRI:
        return ["\\N" if v < 0 else "t" if v > 0 else "f" for v in arr.tolist()]
    if kind == TS:
        missing = np.isnan(arr)
        safe = np.where(missing, 0, arr).astype("datetime64[s]")
        text = np.datetime_as_string(safe, unit="s").tolist()
        return ["\\N" if m else t + "+00" for t, m in zip(text, missing.tolist(), strict=True)]
    if kind == DATE:
        text = np.datetime_as_string(np.maximum(arr, 0).astype("datetime64[D]"), unit="D").tolist()
        return ["\\N" if v < 0 else t for t, v in zip(text, arr.tolist(), strict=True)]
    return [str(v) for v in arr.tolist()]


def _python(kind: str, value: Any) -> Any:
    if kind == INT:
        return int(value)
    if kind == FK:
        return int(value) or None
    if kind == BOOL:
        return bool(value)
    if kind == TRI:
        return None if value < 0 else bool(value > 0)
    if kind == TS:
        return None if np.isnan(value) else dt.datetime.fromtimestamp(float(value), dt.UTC)
    if kind == DATE:
        return None if value < 0 else rollup_np.day_of(value)
    return str(value)


class Writer:
    """Writes each batch in one transaction."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.pg = connection.vendor == "postgresql"

    def next_case_id(self) -> int:
        return int(Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def write(self, b: Batch) -> None:
        from fengqiao.reports.bench.generate import KINDS

        kinds = np.array(KINDS, dtype=object)[b.kind].astype(str)
        facts = rollup_np.facts_of(b)
        with transaction.atomic():
            self._write(Case._meta.db_table, case_columns(b, kinds))
            self._write(Assignment._meta.db_table, assignment_columns(b))
            self._write(CaseFact._meta.db_table, fact_columns(b, kinds, facts))

    def finish(self) -> None:
        if self.pg:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
                    "(SELECT MAX(id) FROM cases_case))"
                )

    def _write(self, table: str, columns: Columns) -> None:
        names = ", ".join(name for name, _, _ in columns)
        if not len(columns[0][2]):
            return
        with connection.cursor() as cursor:
            if self.pg:
                texts = [_text(kind, values) for _, kind, values in columns]
                lines = "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    copy.write(lines.encode())
                return
            rows = [
                [_python(kind, values[i]) for _, kind, values in columns]
                for i in range(len(columns[0][2]))
            ]
            rows = [[connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime)
                     else connection.ops.adapt_datefield_value(v) if isinstance(v, dt.date)
                     else v for v in row] for row in rows]  # fmt: skip
            marks = ", ".join(["%s"] * len(columns))
            for start in range(0, len(rows), 500):
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[start : start + 500]
                )

"""Writing a drawn batch: cases, lead assignments and `CaseFact` rows. Columns are built as
numpy arrays; PostgreSQL gets them as one binary COPY into an unlogged stage and three
`INSERT … SELECT` (pgload.py: no Python call per value), SQLite as plain INSERTs. Raw SQL
on purpose: the drawn timestamps are the data, so `auto_now(_add)` must not replace them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Max

from fengqiao.cases.models import Assignment, Case
from fengqiao.reports.bench import pgload, rollup_np
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


TIMESTAMPS = ("received", "closed", "assigned", "signed", "due", "callback")
STATUSES = sorted(
    {"merged", "registered", "found", "reported", "dispatched", "terminated", "answered",
     "closed", "rejected", "declined", "not_accepted", "referred", "performed", "concluded",
     "handling", "mediating", "accepted", "routed"}
)  # fmt: skip
SATISFACTION = ["", "satisfied", "basic", "dissatisfied", "unreachable"]
RATINGS = ["", "good", "bad"]
STAGE = "bench_stage_case"


def codes(values: np.ndarray, names: list[str]) -> np.ndarray:
    """Index of each string of `values` in `names` (every value must be there)."""
    unique, inverse = np.unique(values.astype(str), return_inverse=True)
    lookup = np.array([names.index(str(u)) for u in unique], dtype=np.int64)
    return lookup[inverse.reshape(-1)]


def _ts(column: str) -> str:
    return f"to_timestamp(NULLIF({column}, 'NaN'::float8))"


def _fk(column: str) -> str:
    return f"NULLIF({column}, 0)"


def _tri(column: str) -> str:
    return f"CASE {column} WHEN 1 THEN true WHEN 0 THEN false END"


def _date(column: str) -> str:
    return f"DATE '1970-01-01' + NULLIF({column}, -1)::int"


def _pick(column: str, names: list[str]) -> str:
    return f"({pgload.text_array(names)})[{column} + 1]"


def stage_columns(b: Batch, f: dict[str, np.ndarray]) -> list[tuple[str, np.ndarray]]:
    """The chunk as fixed-width columns for the binary COPY into `bench_stage_case`."""
    from fengqiao.reports.bench.generate import CHANNEL_NAMES

    return [
        ("id", b.id), ("grid", b.grid), *((f"a{d + 1}", b.chain[:, d]) for d in range(6)),
        ("received", b.received), ("kind", b.kind),
        ("channel", codes(b.channel, CHANNEL_NAMES)), ("category", b.category),
        ("category_top", b.category_top), ("status", codes(b.status, STATUSES)),
        ("is_open", b.is_open), ("parent", b.parent), ("closed", b.closed),
        ("resolved", b.resolved), ("assigned", b.assigned), ("signed", b.signed),
        ("lead", b.lead), ("respondent", b.respondent), ("due", b.due),
        ("callback", b.callback), ("satisfaction", codes(b.satisfaction, SATISFACTION)),
        ("overdue_open", b.overdue_open), ("supervision", b.supervision),
        ("repeat", b.repeat), ("updated", np.where(np.isnan(b.closed), b.received, b.closed)),
        ("f_merged", f["merged"]), ("f_open", f["is_open"]),
        ("received_day", f["received_day"]),
        ("finished_day", np.where(f["finished"], f["finished_day"], -1)),
        ("f_done", f["done"]), ("f_due", f["due"]), ("f_on_time", f["on_time"]),
        ("f_direct", f["direct"]), ("f_dispatched", f["dispatched"]),
        ("f_responded", f["responded"]), ("f_overdue", f["overdue"]),
        ("f_supervised", f["supervised"]), ("f_callback", f["callback"]),
        ("rating", codes(f["rating"], RATINGS)),
    ]  # fmt: skip


def pg_inserts() -> list[str]:
    """`INSERT … SELECT` from the stage into cases, lead assignments and facts: the same
    values as `case_columns`, `assignment_columns` and `fact_columns`."""
    from fengqiao.reports.bench.generate import CHANNEL_NAMES, KINDS

    kind = _pick("kind", KINDS)
    case = {
        "id": "id", "receipt_no": "'BK' || lpad(id::text, 11, '0')", "kind": kind,
        "channel": _pick("channel", CHANNEL_NAMES),
        "request_type": f"CASE WHEN kind = {KINDS.index('hotline')} THEN 'complaint' ELSE '' END",
        "category_id": "category", "title": "'基准测试事项'",
        "description": "'基准测试数据（fengqiao bench generate）'",
        "region_id": "grid", "grid_id": "grid", "address": "''", "urgency": "'normal'",
        "risk_colour": "''",
        "flags": """CASE WHEN repeat THEN '["repeat"]'::jsonb ELSE '[]'::jsonb END""",
        "respondent_unit_id": _fk("respondent"), "status": _pick("status", STATUSES),
        "is_open": "is_open", "version": "1", "lead_unit_id": _fk("lead"),
        "first_unit_id": f"CASE WHEN signed <> 'NaN'::float8 THEN {_fk('lead')} END",
        "supervision_level": "supervision", "received_at": _ts("received"),
        "due_at": _ts("due"), "due_basis": "''", "due_uncertain": "false",
        "due_warning": "''", "clock_started_at": _ts("assigned"), "is_overdue": "overdue_open",
        "overdue_at": f"CASE WHEN overdue_open THEN {_ts('due')} END",
        "closed_at": _ts("closed"), "resolved": _tri("resolved"),
        "satisfaction": _pick("satisfaction", SATISFACTION), "callback_at": _ts("callback"),
        "parent_id": _fk("parent"), "verification_hash": "''", "external_ref": "''",
        "created_at": _ts("received"), "updated_at": _ts("updated"),
    }  # fmt: skip
    assignment = {
        "case_id": "id", "unit_id": "lead", "role": "'lead'", "task": "''",
        "status": "CASE WHEN closed <> 'NaN'::float8 THEN 'replied' "
        "WHEN signed <> 'NaN'::float8 THEN 'signed' ELSE 'pending' END",
        "due_at": _ts("due"), "due_basis": "''", "assigned_at": _ts("assigned"),
        "signed_at": _ts("signed"), "replied_at": _ts("closed"), "reply": "''",
        "reply_resolved": "NULL", "objection_reason": "''", "objection_locked": "false",
    }  # fmt: skip
    fact = {
        "case_id": "id", "counted": "true", **{f"a{d}": f"a{d}" for d in range(1, 7)},
        "kind": kind, "category": "category_top", "source": _pick("channel", CHANNEL_NAMES),
        "received_on": _date("received_day"), "merged": "f_merged", "repeat": "repeat",
        "is_open": "f_open", "finished_on": _date("finished_day"), "done": "f_done",
        "due": "f_due", "on_time": "f_on_time", "direct": "f_direct",
        "dispatched": "f_dispatched", "responded": "f_responded", "reworked": "false",
        "overdue": "f_overdue", "supervised": "f_supervised", "resolved": _tri("resolved"),
        "callback": "f_callback", "rating": _pick("rating", RATINGS), "lead_unit": "lead",
        "respondent_unit": "respondent", "extra": "'{}'::jsonb", "synced_at": "now()",
    }  # fmt: skip

    def insert(table: str, columns: dict[str, str], where: str = "") -> str:
        return (
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(columns.values())} FROM {STAGE}{where}"
        )

    return [
        insert(Case._meta.db_table, case),
        insert(Assignment._meta.db_table, assignment, " WHERE assigned <> 'NaN'::float8"),
        insert(CaseFact._meta.db_table, fact),
    ]


class Writer:
    """Writes each batch in one transaction."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.pg = connection.vendor == "postgresql"
        self._inserts = pg_inserts() if self.pg else []

    def next_case_id(self) -> int:
        return int(Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def write(self, b: Batch) -> dict[str, np.ndarray]:
        """Writes the batch; returns its facts (`rollup_np.facts_of`). Timestamps are cut to
        whole seconds first, so the facts compare the values the database keeps."""
        from fengqiao.reports.bench.generate import KINDS

        for name in TIMESTAMPS:
            values = getattr(b, name)
            np.floor(values, out=values)
        facts = rollup_np.facts_of(b)
        if self.pg:
            with transaction.atomic():
                pgload.stage(STAGE, stage_columns(b, facts))
                with connection.cursor() as cursor:
                    for statement in self._inserts:
                        cursor.execute(statement)
            return facts
        kinds = np.array(KINDS, dtype=object)[b.kind].astype(str)
        with transaction.atomic():
            self._write(Case._meta.db_table, case_columns(b, kinds))
            self._write(Assignment._meta.db_table, assignment_columns(b))
            self._write(CaseFact._meta.db_table, fact_columns(b, kinds, facts))
        return facts

    def finish(self) -> None:
        if self.pg:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
                    "(SELECT MAX(id) FROM cases_case))"
                )

    def _write(self, table: str, columns: Columns) -> None:
        """Plain INSERTs (SQLite, the small test provinces)."""
        names = ", ".join(name for name, _, _ in columns)
        if not len(columns[0][2]):
            return
        with connection.cursor() as cursor:
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

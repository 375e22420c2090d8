"""Bulk loading on PostgreSQL for `fengqiao bench generate`.

- **Binary COPY from numpy.** Every staged column is fixed-width and never NULL (ids of 0,
  NaN timestamps, small integer codes for strings), so a whole chunk is one numpy structured
  array in PostgreSQL's binary COPY layout, turned into bytes without a Python call per value.
  The server then fills the real tables with `INSERT … SELECT` from the stage (codes → text,
  NaN → NULL, epoch seconds → timestamptz), which runs in the server process, on the other core.
- **Deferred indexes and constraints.** For a large load into few existing rows, the
  secondary indexes, unique and foreign-key constraints of the loaded tables are dropped and
  built once at the end (`Deferred`). The statements to rebuild them are kept in the table
  `bench_deferred_ddl` until they have run, so an interrupted load is repaired by the next run.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from django.db import connection

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
# numpy kind of a staged column → (PostgreSQL type, big-endian numpy type)
TYPES = {
    "i": ("bigint", ">i8"),
    "f": ("double precision", ">f8"),
    "b": ("boolean", "?"),
}
LEDGER = "bench_deferred_ddl"


def column_kind(values: np.ndarray) -> str:
    if values.dtype.kind == "b":
        return "b"
    if values.dtype.kind == "f":
        return "f"
    return "i"


def binary(columns: Sequence[tuple[str, np.ndarray]]) -> bytes:
    """The binary COPY payload of equal-length numpy columns (no NULLs)."""
    n = len(columns[0][1])
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for j, (_, values) in enumerate(columns):
        fields += [(f"l{j}", ">i4"), (f"v{j}", TYPES[column_kind(values)][1])]
    rows = np.empty(n, dtype=np.dtype(fields))
    rows["count"] = len(columns)
    for j, (_, values) in enumerate(columns):
        width = rows.dtype[f"v{j}"].itemsize
        rows[f"l{j}"] = width
        rows[f"v{j}"] = values
    return HEADER + rows.tobytes() + TRAILER


def stage(table: str, columns: Sequence[tuple[str, np.ndarray]]) -> None:
    """(Re)fill the unlogged table `table` with the columns, by binary COPY."""
    ddl = ", ".join(f"{name} {TYPES[column_kind(values)][0]}" for name, values in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS {table} ({ddl})")
        cursor.execute(f"TRUNCATE {table}")
        append(cursor, table, columns)


def append(cursor: Any, table: str, columns: Sequence[tuple[str, np.ndarray]]) -> None:
    if not len(columns[0][1]):
        return
    names = ", ".join(name for name, _ in columns)
    payload = binary(columns)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        step = 1 << 24
        for start in range(0, len(payload), step):
            copy.write(payload[start : start + step])


def session_settings() -> None:
    """Faster commits and bigger sort memory for this session only."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '512MB'")


def text_array(values: Sequence[str]) -> str:
    """A SQL text[] literal of trusted constant names."""
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


class Deferred:
    """Drops the secondary indexes and the unique/foreign-key constraints of `tables` and
    rebuilds them in `restore()`; the rebuild statements are kept in `bench_deferred_ddl`."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say

    def _ledger(self, cursor: Any) -> None:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {LEDGER} (seq serial PRIMARY KEY, stmt text)")

    def drop(self, tables: Sequence[str]) -> None:
        with connection.cursor() as cursor:
            self._ledger(cursor)
            cursor.execute(f"SELECT count(*) FROM {LEDGER}")
            if cursor.fetchone()[0]:
                raise RuntimeError("上次装载的索引尚未重建：请先运行 restore()")
            rebuild: list[str] = []
            drops: list[str] = []
            names = list(tables)
            # unique constraints first (their indexes go with them), then foreign keys
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype "
                "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
                "AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
                [names],
            )
            for table, name, definition, _ in cursor.fetchall():
                drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) "
                "AND NOT i.indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [names],
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                drops.append(f"DROP INDEX {name}")
            # indexes before constraints: a unique constraint may rely on nothing else, and
            # the foreign keys are validated last, against the finished tables
            rebuild = [d for _, d in indexes] + rebuild
            for statement in rebuild:
                cursor.execute(f"INSERT INTO {LEDGER} (stmt) VALUES (%s)", [statement])
            for statement in drops:
                cursor.execute(statement)
        self.say(f"装载期间暂去索引与约束 {len(drops)} 个（完成后重建）")

    def restore(self) -> int:
        """Runs the kept rebuild statements; returns how many ran."""
        done = 0
        with connection.cursor() as cursor:
            self._ledger(cursor)
            cursor.execute(f"SELECT seq, stmt FROM {LEDGER} ORDER BY seq")
            for seq, statement in cursor.fetchall():
                cursor.execute(statement)
                cursor.execute(f"DELETE FROM {LEDGER} WHERE seq = %s", [seq])
                done += 1
        if done:
            self.say(f"已重建索引与约束 {done} 个")
        return done

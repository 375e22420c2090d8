"""The bulk-load pieces of `fengqiao bench generate`: the grouped sums (numpy), the binary COPY
payload and the deferred indexes and constraints (PostgreSQL)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from fengqiao.reports.bench import pgload, rollup_np

pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="binary COPY and DDL ledger are PostgreSQL only"
)


def _reference(keys: np.ndarray, values: np.ndarray) -> dict[tuple[int, ...], list[int]]:
    out: dict[tuple[int, ...], list[int]] = {}
    for key, row in zip(keys.tolist(), values.tolist(), strict=True):
        cell = out.setdefault(tuple(key), [0] * values.shape[1])
        for j, v in enumerate(row):
            cell[j] += v
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 2), st.integers(0, 9)),
        min_size=1,
        max_size=60,
    ),
    st.booleans(),
)
def test_group_sums_equal_a_plain_loop(rows: list[tuple[int, int, int, int]], wide: bool) -> None:
    keys = np.array([r[:3] for r in rows], dtype=np.int64)
    if wide:  # too wide to pack into 62 bits: the row-wise np.unique path
        keys[:, 0] += 1 << 40
        keys[:, 1] += 1 << 30
    values = np.array([[r[3], r[3] % 2, 0] for r in rows], dtype=np.int32)
    unique, sums = rollup_np.group_sums(keys, values)
    got = {tuple(k): s for k, s in zip(unique.tolist(), sums.tolist(), strict=True)}
    assert got == _reference(keys, values)
    assert len(unique) == len({tuple(k) for k in keys.tolist()})


def test_accumulator_adds_batches_and_compacts() -> None:
    acc = rollup_np.Accumulator(limit=3)
    batches = [
        (np.array([[1, 2], [3, 4]]), np.array([[1, 0], [2, 1]])),
        (np.array([[1, 2], [5, 6]]), np.array([[10, 1], [1, 1]])),
        (np.array([[3, 4]]), np.array([[7, 7]])),
    ]
    for keys, sums in batches:
        acc.add("area_day", keys, sums)
    assert len(acc.parts["area_day"]) < 3  # compacted once past the limit
    unique, total = acc.total("area_day")
    got = {tuple(k): s for k, s in zip(unique.tolist(), total.tolist(), strict=True)}
    assert got == {(1, 2): [11, 1], (3, 4): [9, 8], (5, 6): [1, 1]}


def test_codes_map_strings_to_their_index() -> None:
    from fengqiao.reports.bench import writer

    values = np.array(["b", "", "c", "b"], dtype=object)
    assert writer.codes(values, ["", "b", "c"]).tolist() == [1, 0, 2, 1]


@pg_only
@pytest.mark.django_db
def test_binary_copy_round_trip() -> None:
    columns = [
        ("i", np.array([0, -5, 1 << 40], dtype=np.int64)),
        ("f", np.array([1.5, np.nan, -2.0])),
        ("b", np.array([True, False, True])),
    ]
    pgload.stage("tmp_bench_binary_test", columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i, NULLIF(f, 'NaN'::float8), b FROM tmp_bench_binary_test ORDER BY i"
        )
        rows = cursor.fetchall()
    assert rows == [(-5, None, False), (0, 1.5, True), (1 << 40, -2.0, True)]


@pg_only
@pytest.mark.django_db
def test_deferred_indexes_and_constraints_come_back() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_t_parent (id int PRIMARY KEY)")
        cursor.execute(
            "CREATE TABLE bench_t_child (id int PRIMARY KEY, "
            "parent int CONSTRAINT bench_t_fk REFERENCES bench_t_parent (id), "
            "code text CONSTRAINT bench_t_code UNIQUE, n int)"
        )
        cursor.execute("CREATE INDEX bench_t_n ON bench_t_child (n) WHERE n > 0")

        def shape() -> Counter[str]:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'bench_t_child'::regclass "
                "UNION ALL SELECT indexname FROM pg_indexes WHERE tablename = 'bench_t_child'"
            )
            return Counter(r[0] for r in cursor.fetchall())

        before = shape()
        said: list[str] = []
        deferred = pgload.Deferred(said.append)
        deferred.drop(["bench_t_child"])
        assert set(shape()) == {"bench_t_child_pkey"}  # only the primary key stays
        cursor.execute(f"SELECT count(*) FROM {pgload.LEDGER}")
        assert cursor.fetchone()[0] == 3
        with pytest.raises(RuntimeError):
            deferred.drop(["bench_t_child"])  # not twice before a restore
        cursor.execute("INSERT INTO bench_t_parent VALUES (1)")
        cursor.execute("INSERT INTO bench_t_child VALUES (1, 1, 'a', 2), (2, 1, 'b', 0)")
        assert deferred.restore() == 3
        assert shape() == before
        assert deferred.restore() == 0
        assert "3" in said[0]

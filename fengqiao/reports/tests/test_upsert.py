"""Additive upserts into the rollup tables, on SQLite and PostgreSQL alike: increments add up,
retractions take them back, amounts stay exact decimals, the statement batches and (on
PostgreSQL) the COPY path give the same rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from fengqiao.reports import upsert
from fengqiao.reports.measures import Key, Number
from fengqiao.reports.models import AreaDay, AreaMonth, SourceMonth, UnitMonth

MARCH = date(2026, 3, 1)
Rows = list[tuple[Key, dict[str, Number]]]


def _month(region: int, category: int = 7) -> tuple[str, tuple[object, ...]]:
    return ("area_month", (region, 1, 3, MARCH, "hotline", category))


@pytest.mark.django_db
def test_increments_add_up_and_retract() -> None:
    assert upsert.apply([(_month(10), {"received": 2, "open_now": 2})]) == 1
    assert upsert.apply([(_month(10), {"received": 1, "closed": 1})]) == 1
    row = AreaMonth.objects.get(region=10)
    assert (row.received, row.open_now, row.closed, row.level) == (3, 2, 1, 3)
    upsert.apply([(_month(10), {"received": -3, "open_now": -2, "closed": -1})])
    row.refresh_from_db()
    assert (row.received, row.open_now, row.closed) == (0, 0, 0)  # zero rows stay, harmless
    assert AreaMonth.objects.count() == 1


@pytest.mark.django_db
def test_every_cube_and_exact_amounts() -> None:
    rows: Rows = [
        (_month(10), {"agreement_amount": Decimal("1234.56")}),
        (("area_day", (10, 1, 3, date(2026, 3, 5), "dispute")), {"received": 1}),
        (("source_month", (10, 1, 3, MARCH, "dispute", "application")), {"received": 1}),
        (("unit_month", (40, "lead", 10, 3, MARCH, "dispute")), {"dispatched": 1}),
    ]
    assert upsert.apply(rows) == 4
    upsert.apply([(_month(10), {"agreement_amount": Decimal("0.44")})])
    assert AreaMonth.objects.get(region=10).agreement_amount == Decimal("1235.00")
    assert AreaDay.objects.get(region=10).received == 1
    assert SourceMonth.objects.get(region=10).source == "application"
    unit = UnitMonth.objects.get(unit=40)
    assert (unit.relation, unit.dispatched, unit.region) == ("lead", 1, 10)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 60, upsert.COPY_THRESHOLD + 1])
def test_batches_and_the_copy_path_give_the_same_rows(count: int) -> None:
    rows: Rows = [(_month(1000 + i, category=i % 5), {"received": i + 1}) for i in range(count)]
    assert upsert.apply(rows) == count
    assert upsert.apply(rows) == count  # again: every row doubles
    assert AreaMonth.objects.count() == count
    stored = dict(AreaMonth.objects.values_list("region", "received"))
    assert stored == {1000 + i: 2 * (i + 1) for i in range(count)}
    if connection.vendor == "postgresql" and count >= upsert.COPY_THRESHOLD:
        # the temporary table is emptied after use
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM tmp_reports_areamonth")
            assert cursor.fetchone() == (0,)


@pytest.mark.django_db
def test_keys_that_differ_only_in_the_parent_are_separate_rows() -> None:
    # the same village under its old and its new township (a move after registration)
    upsert.apply([
        (("area_month", (5, 4, 5, MARCH, "hotline", 7)), {"received": 9}),
        (("area_month", (5, 44, 5, MARCH, "hotline", 7)), {"received": 1}),
    ])  # fmt: skip
    assert dict(AreaMonth.objects.values_list("parent", "received")) == {4: 9, 44: 1}

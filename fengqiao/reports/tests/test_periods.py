"""Statistics periods: codes, Chinese labels, 同比 and 环比 periods, buckets, the last finished
period of a cadence, and clear Chinese errors for bad codes (never a 500)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.reports import periods
from fengqiao.reports.periods import DAY, MONTH, PeriodError


@pytest.mark.parametrize(
    ("code", "label", "grain", "start", "end"),
    [
        ("2026-03", "2026年3月", MONTH, date(2026, 3, 1), date(2026, 3, 31)),
        ("2024-02", "2024年2月", MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q1", "2026年第一季度", MONTH, date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q4", "2026年第四季度", MONTH, date(2026, 10, 1), date(2026, 12, 31)),
        ("2025", "2025年", MONTH, date(2025, 1, 1), date(2025, 12, 31)),
        ("2026-01..2026-03", "2026年1—3月", MONTH, date(2026, 1, 1), date(2026, 3, 31)),
        ("2025-11..2026-02", "2025年11月至2026年2月", MONTH, date(2025, 11, 1), date(2026, 2, 28)),
        ("2026-W10", "2026年第10周（3月2日—3月8日）", DAY, date(2026, 3, 2), date(2026, 3, 8)),
        (
            "2026-03-01..2026-03-15",
            "2026年3月1日至2026年3月15日",
            DAY,
            date(2026, 3, 1),
            date(2026, 3, 15),
        ),
    ],
)
def test_codes_parse_to_periods(code: str, label: str, grain: str, start: date, end: date) -> None:
    period = periods.parse(code)
    assert (period.code, period.label, period.grain) == (code, label, grain)
    assert (period.start, period.end) == (start, end)
    assert periods.parse(f"  {code} ") == period  # surrounding spaces are ignored


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "统计期格式应为"),
        ("2026-3", "统计期格式应为"),
        ("March", "统计期格式应为"),
        ("2026-13", "年月日无效"),
        ("2026-00", "年月日无效"),
        ("2026-Q5", "统计期格式应为"),
        ("2026-W54", "没有第54周"),
        ("2026-03..2026-01", "结束月份早于开始月份"),
        ("2026-03-10..2026-03-01", "结束日期早于开始日期"),
        ("2024-01-01..2026-01-01", "不能超过400天"),
        ("2026-02-30..2026-03-01", "年月日无效"),
    ],
)
def test_bad_codes_say_why_in_chinese(code: str, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        periods.parse(code)
    assert message in str(caught.value)


def test_buckets_are_months_or_days() -> None:
    assert periods.parse("2026-Q1").buckets == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert len(periods.parse("2025").buckets) == 12
    week = periods.parse("2026-W10").buckets
    assert week[0] == date(2026, 3, 2) and week[-1] == date(2026, 3, 8) and len(week) == 7
    assert len(periods.parse("2026-02-01..2026-03-01").buckets) == 29


@pytest.mark.parametrize(
    ("code", "yoy", "mom"),
    [
        ("2026-03", "2025-03", "2026-02"),
        ("2026-01", "2025-01", "2025-12"),
        ("2026-Q1", "2025-Q1", "2025-Q4"),
        ("2026-Q3", "2025-Q3", "2026-Q2"),
        ("2026", "2025", None),
        ("2026-01..2026-03", "2025-01..2025-03", "2025-10..2025-12"),
        ("2026-W10", "2025-W10", "2026-W09"),
        ("2026-W01", "2025-W01", "2025-W52"),
        ("2021-W01", "2020-W01", "2020-W53"),  # 2020 had 53 ISO weeks
        ("2027-W01", "2026-W01", "2026-W53"),
        ("2026-03-01..2026-03-10", "2025-03-01..2025-03-10", "2026-02-19..2026-02-28"),
    ],
)
def test_year_before_and_period_before(code: str, yoy: str, mom: str | None) -> None:
    period = periods.parse(code)
    assert periods.year_before(period).code == yoy
    previous = periods.before(period)
    assert (previous.code if previous else None) == mom


def test_year_before_of_week_53_falls_back_to_the_last_week() -> None:
    # 2026 has 53 ISO weeks, 2025 has 52
    assert periods.year_before(periods.parse("2026-W53")).code == "2025-W52"


def test_leap_day_shifts_to_the_28th() -> None:
    period = periods.parse("2024-02-29..2024-03-01")
    assert periods.year_before(period).code == "2023-02-28..2023-03-01"


@pytest.mark.parametrize(
    ("cadence", "today", "expected"),
    [
        ("monthly", date(2026, 4, 1), "2026-03"),
        ("monthly", date(2026, 4, 30), "2026-03"),
        ("monthly", date(2026, 1, 15), "2025-12"),
        ("weekly", date(2026, 3, 9), "2026-W10"),  # Monday: last week has just ended
        ("weekly", date(2026, 3, 15), "2026-W10"),  # Sunday: this week has not
        ("weekly", date(2026, 1, 1), "2025-W52"),
    ],
)
def test_last_finished_period(cadence: str, today: date, expected: str) -> None:
    assert periods.last_finished(cadence, today).code == expected


def test_add_months_clamps_to_the_month_end() -> None:
    assert periods.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert periods.add_months(date(2026, 3, 31), -13) == date(2025, 2, 28)
    assert periods.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert periods.current_month(date(2026, 3, 17)).code == "2026-03"


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_months_chain_without_gaps(y: int, m: int) -> None:
    period = periods.month(y, m)
    previous = periods.before(period)
    assert previous is not None
    assert (previous.end - period.start).days == -1  # the day before the first
    assert periods.parse(period.code) == period
    assert periods.year_before(period).start == date(y - 1, m, 1)


@given(st.integers(2001, 2099), st.integers(1, 52))
def test_weeks_are_seven_days_from_monday(y: int, w: int) -> None:
    period = periods.week(y, w)
    assert period.start.isoweekday() == 1 and (period.end - period.start).days == 6
    previous = periods.before(period)
    assert previous is not None and (period.start - previous.start).days == 7

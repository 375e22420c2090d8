"""More on periods: quarter, month-range and day-range boundaries, 同比 and 环比 across year
ends and leap years, as properties (every code round-trips, comparison periods sit right
before the period or a year earlier, with the same number of buckets)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.reports import periods
from fengqiao.reports.periods import DAY, MONTH, PeriodError

days_in_range = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))


@given(st.integers(2001, 2099), st.integers(1, 4))
def test_quarters_chain_and_round_trip(y: int, q: int) -> None:
    period = periods.quarter(y, q)
    assert periods.parse(period.code) == period
    assert period.grain == MONTH and len(period.buckets) == 3
    assert period.start == date(y, 3 * q - 2, 1)
    assert (period.end + timedelta(days=1)).day == 1  # ends on a month end
    previous = periods.before(period)
    assert previous is not None and previous.shape == "quarter"
    assert previous.end + timedelta(days=1) == period.start
    yoy = periods.year_before(period)
    assert yoy.code == f"{y - 1}-Q{q}"
    assert (yoy.start.month, yoy.end.month) == (period.start.month, period.end.month)


@given(st.integers(2001, 2099))
def test_years_have_no_period_before_and_cover_every_day(y: int) -> None:
    period = periods.year(y)
    assert periods.before(period) is None
    assert periods.year_before(period).code == str(y - 1)
    assert len(period.buckets) == 12
    days = (period.end - period.start).days + 1
    assert days == (366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365)


@given(st.integers(2001 * 12, 2097 * 12 + 11), st.integers(1, 24))
def test_month_ranges_keep_their_length(first_index: int, count: int) -> None:
    first = date(first_index // 12, first_index % 12 + 1, 1)
    last = periods.add_months(first, count - 1)
    period = periods.parse(f"{first:%Y-%m}..{last:%Y-%m}")
    assert len(period.buckets) == count and period.buckets[0] == first
    assert period.end == periods.add_months(last, 1) - timedelta(days=1)
    previous = periods.before(period)
    assert previous is not None
    assert len(previous.buckets) == count
    assert previous.end + timedelta(days=1) == period.start  # no gap, no overlap
    yoy = periods.year_before(period)
    assert len(yoy.buckets) == count
    assert yoy.start == date(first.year - 1, first.month, 1)
    assert periods.parse(yoy.code) == yoy and periods.parse(previous.code) == previous


@given(days_in_range, st.integers(0, 400))
def test_day_ranges_chain_and_round_trip(first: date, length: int) -> None:
    last = first + timedelta(days=length)
    period = periods.parse(f"{first:%Y-%m-%d}..{last:%Y-%m-%d}")
    assert period.grain == DAY and len(period.buckets) == length + 1
    assert period.buckets[0] == first and period.buckets[-1] == last
    previous = periods.before(period)
    assert previous is not None and len(previous.buckets) == length + 1
    assert previous.end + timedelta(days=1) == period.start
    # 同比: the same calendar days a year earlier (29 Feb becomes 28 Feb); the comparison
    # period is always available, even when a leap day makes it one day longer
    yoy = periods.year_before(period)
    assert yoy.start == periods.add_months(first, -12)
    assert yoy.end == periods.add_months(last, -12)
    assert abs(len(yoy.buckets) - len(period.buckets)) <= 1


def test_the_longest_day_range_over_a_leap_day_still_has_a_year_before() -> None:
    # 2024-02-29 .. 2025-04-04 is 401 days (allowed); a year earlier the same calendar days
    # run 2023-02-28 .. 2024-04-04, which crosses 29 Feb 2024 and is 402 days long
    period = periods.parse("2024-02-29..2025-04-04")
    assert len(period.buckets) == 401
    yoy = periods.year_before(period)
    assert yoy.code == "2023-02-28..2024-04-04"
    assert len(yoy.buckets) == 402
    # typed in by a reader, the same span is still refused
    with pytest.raises(PeriodError):
        periods.parse(yoy.code)


@given(st.integers(2001, 2099), st.integers(1, 53))
def test_weeks_of_every_year(y: int, w: int) -> None:
    weeks = date(y, 12, 28).isocalendar()[1]  # 52 or 53
    if w > weeks:
        with pytest.raises(PeriodError, match=f"没有第{w}周"):
            periods.parse(f"{y}-W{w:02d}")
        return
    period = periods.parse(f"{y}-W{w:02d}")
    assert period.start.isocalendar()[:2] == (y, w)
    yoy = periods.year_before(period)
    assert yoy.start.isoweekday() == 1 and len(yoy.buckets) == 7
    assert yoy.start.isocalendar()[0] == y - 1
    assert yoy.start.isocalendar()[1] == min(w, date(y - 1, 12, 28).isocalendar()[1])
    previous = periods.before(period)
    assert previous is not None and previous.end + timedelta(days=1) == period.start


@pytest.mark.parametrize(
    ("code", "yoy", "mom"),
    [
        ("2024-02", "2023-02", "2024-01"),
        ("2025-02", "2024-02", "2025-01"),
        ("2025-01..2025-02", "2024-01..2024-02", "2024-11..2024-12"),
        ("2024-12..2025-02", "2023-12..2024-02", "2024-09..2024-11"),
        ("2024-12-31..2025-01-01", "2023-12-31..2024-01-01", "2024-12-29..2024-12-30"),
        ("2024-02-28..2024-03-01", "2023-02-28..2023-03-01", "2024-02-25..2024-02-27"),
        ("2025-03-01..2025-03-01", "2024-03-01..2024-03-01", "2025-02-28..2025-02-28"),
        ("2024-03-01..2024-03-02", "2023-03-01..2023-03-02", "2024-02-28..2024-02-29"),
        ("2025-Q1", "2024-Q1", "2024-Q4"),
        ("2026-W53", "2025-W52", "2026-W52"),
        ("2027-W01", "2026-W01", "2026-W53"),
    ],
)
def test_comparison_periods_across_year_ends_and_leap_years(code: str, yoy: str, mom: str) -> None:
    period = periods.parse(code)
    assert periods.year_before(period).code == yoy
    previous = periods.before(period)
    assert previous is not None and previous.code == mom


@pytest.mark.parametrize(
    ("code", "end"),
    [("2024-Q1", date(2024, 3, 31)), ("2023-01..2023-02", date(2023, 2, 28))],
)
def test_month_based_periods_end_on_the_last_day(code: str, end: date) -> None:
    assert periods.parse(code).end == end


def test_labels_across_a_year_end() -> None:
    assert periods.parse("2025-12..2026-01").label == "2025年12月至2026年1月"
    assert periods.parse("2026-03..2026-03").label == "2026年3—3月"
    week = periods.parse("2026-W01")
    assert week.label == "2026年第1周（12月29日—1月4日）"  # starts in 2025
    assert week.start == date(2025, 12, 29)


@pytest.mark.parametrize(
    "code",
    ["2026-W00", "2026-Q0", "0000-01", "2026-02-29..2026-03-01", "2026-03-01.."],
)
def test_more_bad_codes_are_period_errors(code: str) -> None:
    with pytest.raises(PeriodError) as caught:
        periods.parse(code)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value))  # a Chinese message


@given(st.text(max_size=30))
def test_any_text_parses_or_is_a_period_error(text: str) -> None:
    try:
        period = periods.parse(text)
    except PeriodError as exc:
        assert str(exc)
    else:
        assert periods.parse(period.code) == period
        assert period.start <= period.end

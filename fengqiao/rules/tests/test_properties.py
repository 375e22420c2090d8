"""Property tests of the clock arithmetic (hypothesis), against the package's own calendar."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fengqiao.rules.calendar import WorkCalendar
from fengqiao.rules.clocks import Pause, add_months, compute_due, extend
from fengqiao.rules.models import DurationUnit
from fengqiao.rules.tests.helpers import SHANGHAI, extension_rule, rule

CAL = WorkCalendar()
COVERED = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2026, 9, 30))
HOURS_OF_DAY = st.integers(min_value=0, max_value=23)


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


@settings(max_examples=150, deadline=None)
@given(COVERED, HOURS_OF_DAY, st.integers(min_value=1, max_value=60))
def test_calendar_days_end_on_the_first_workday_at_or_after_day_n(
    start: dt.date, hour: int, n: int
) -> None:
    due = compute_due(local(start, hour), rule(n, DurationUnit.CALENDAR_DAYS), calendar=CAL)
    last = due.due_date
    nominal = start + dt.timedelta(days=n)
    assert last >= nominal
    assert chinese_calendar.is_workday(last)
    # Every day between the nominal last day and the actual one is a rest day.
    day = nominal
    while day < last:
        assert not chinese_calendar.is_workday(day)
        day += dt.timedelta(days=1)
    assert due.due_at.time() == dt.time(23, 59, 59)


@settings(max_examples=150, deadline=None)
@given(COVERED, st.integers(min_value=1, max_value=20))
def test_working_days_match_the_package_find_workday(start: dt.date, n: int) -> None:
    # chinese_calendar.find_workday(n, d) first moves to the first working day at or after d
    # and then counts n more; from a working day that is exactly our convention.
    assume(chinese_calendar.is_workday(start))
    due = compute_due(local(start, 10), rule(n), calendar=CAL)
    assert due.due_date == chinese_calendar.find_workday(n, start)


def test_holiday_start_differs_from_find_workday_by_design() -> None:
    # Filed on Sunday 2026-10-04 (国庆): the filing day is not counted and the first working
    # day after it, 10-08, is day 1 (docs/clocks.md §3.2). find_workday would give 10-09.
    due = compute_due(local(dt.date(2026, 10, 4), 10), rule(1), calendar=CAL)
    assert due.due_date == dt.date(2026, 10, 8)
    assert chinese_calendar.find_workday(1, dt.date(2026, 10, 4)) == dt.date(2026, 10, 9)


@settings(max_examples=150, deadline=None)
@given(COVERED, st.integers(min_value=0, max_value=5), st.integers(min_value=1, max_value=15))
def test_hour_of_start_never_matters_for_day_clocks(start: dt.date, hour: int, n: int) -> None:
    early = compute_due(local(start, hour), rule(n), calendar=CAL)
    late = compute_due(local(start, 23 - hour), rule(n), calendar=CAL)
    assert early.due_at == late.due_at


@settings(max_examples=150, deadline=None)
@given(
    COVERED,
    st.integers(min_value=1, max_value=15),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=4),
)
def test_a_pause_never_brings_a_due_date_forward(
    start: dt.date, n: int, offset: int, length: int
) -> None:
    base = compute_due(local(start, 10), rule(n), calendar=CAL)
    begin = local(start + dt.timedelta(days=offset), 9)
    pause = Pause(begin, begin + dt.timedelta(days=length, hours=2))
    paused = compute_due(local(start, 10), rule(n), pauses=[pause], calendar=CAL)
    assert paused.due_at >= base.due_at
    if begin > base.due_at:
        assert paused.due_at == base.due_at  # paused after expiry: no effect
    # Working days lost cannot exceed the working days the pause touched.
    touched = {
        begin.date() + dt.timedelta(days=i)
        for i in range(length + 1)
        if chinese_calendar.is_workday(begin.date() + dt.timedelta(days=i))
    }
    assert paused.excluded_days <= len(touched)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=72),
    st.lists(
        st.tuples(st.integers(min_value=-48, max_value=96), st.integers(min_value=0, max_value=10)),
        max_size=4,
    ),
)
def test_hour_clock_extends_by_paused_time_before_expiry(
    hours: int, raw: list[tuple[int, int]]
) -> None:
    start = local(dt.date(2026, 10, 1), 8)
    pauses = [
        Pause(start + dt.timedelta(hours=a), start + dt.timedelta(hours=a + b)) for a, b in raw
    ]
    due = compute_due(start, rule(hours, DurationUnit.HOURS), pauses=pauses, calendar=CAL)
    assert due.due_at == start + dt.timedelta(hours=hours) + due.paused
    assert due.paused <= sum((p.end - p.start for p in pauses if p.end), dt.timedelta(0))
    assert not due.uncertain


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
    st.integers(min_value=0, max_value=120),
)
def test_add_months_is_the_corresponding_day_or_month_end(day: dt.date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    if result.day < day.day:
        assert (result + dt.timedelta(days=1)).day == 1  # clipped to the month's last day


@settings(max_examples=100, deadline=None)
@given(COVERED, st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=30))
def test_extension_equals_a_new_clock_from_the_due_date(
    start: dt.date, n: int, granted: int
) -> None:
    base = compute_due(
        local(start, 10), rule(n, DurationUnit.CALENDAR_DAYS, code="x"), calendar=CAL
    )
    assume(base.due_date <= dt.date(2026, 11, 15))
    longer = extend(base, extension_rule("x", 30), granted=granted, calendar=CAL)
    again = compute_due(base.due_at, rule(granted, DurationUnit.CALENDAR_DAYS), calendar=CAL)
    assert longer.due_at == again.due_at > base.due_at

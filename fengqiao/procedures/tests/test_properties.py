"""Property tests of the statutory clocks as the dispute and petition timers use them, over
every start day of 2026 (on the official calendar with its 调休): a calendar-day clock ends N
days after its start day, rolled forward to a working day; a working-day clock ends on a
working day with exactly N working days after the start day; a pause never shortens a clock;
a due instant is the end of a local day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.procedures.testing import at
from fengqiao.rules.calendar import WorkCalendar
from fengqiao.rules.clocks import Pause, compute_due
from fengqiao.rules.models import ClockRule
from fengqiao.testing import Territory

DAYS_2026 = st.dates(min_value=dt.date(2026, 1, 5), max_value=dt.date(2026, 11, 30))
HOURS = st.integers(min_value=0, max_value=23)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _rule(code: str) -> ClockRule:
    rule = ClockRule.objects.filter(code=code).order_by("-version").first()
    assert rule is not None
    return rule


def _due_day(start: dt.datetime, rule: ClockRule, calendar: WorkCalendar) -> dt.date:
    return timezone.localtime(compute_due(start, rule, calendar=calendar).due_at).date()


def _first_workday_from(day: dt.date, calendar: WorkCalendar) -> dt.date:
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


@SETTINGS
@given(day=DAYS_2026, hour=HOURS)
def test_calendar_day_clocks_end_on_a_working_day_after_n_days(
    territory: Territory, day: dt.date, hour: int
) -> None:
    calendar = WorkCalendar.from_db()
    for code, days in (("petition.handling", 60), ("petition.register_route", 15)):
        rule = _rule(code)
        assert rule.duration == days
        due = _due_day(at(day.isoformat(), hour), rule, calendar)
        assert calendar.is_workday(due), (code, day, due)
        # calendar days run from the day after the start, whatever day that is (docs/clocks.md
        # §3.1); only a last day that is not a working day rolls forward (§3.3)
        expected = _first_workday_from(day + dt.timedelta(days=days), calendar)
        assert due == expected, (code, day, due, expected)


@SETTINGS
@given(day=DAYS_2026, hour=HOURS)
def test_working_day_clock_counts_exactly_n_working_days(
    territory: Territory, day: dt.date, hour: int
) -> None:
    calendar = WorkCalendar.from_db()
    rule = _rule("petition.misroute_objection")
    due = _due_day(at(day.isoformat(), hour), rule, calendar)
    assert calendar.is_workday(due)
    counted = sum(
        1 for n in range(1, (due - day).days + 1) if calendar.is_workday(day + dt.timedelta(days=n))
    )
    assert counted == rule.duration == 5


@SETTINGS
@given(day=DAYS_2026, length=st.integers(min_value=0, max_value=20))
def test_a_pause_never_shortens_the_clock(territory: Territory, day: dt.date, length: int) -> None:
    rule = _rule("petition.review_answer")
    start = at(day.isoformat(), 9)
    plain = compute_due(start, rule).due_at
    pause_start = start + dt.timedelta(days=3)
    pause = Pause(pause_start, pause_start + dt.timedelta(days=length, hours=1))
    paused = compute_due(start, rule, pauses=[pause]).due_at
    assert paused >= plain
    assert (paused - plain).days <= length + 2 + 10  # the paused dates and a holiday roll at most


@SETTINGS
@given(day=DAYS_2026)
def test_due_instant_is_the_end_of_the_local_day(territory: Territory, day: dt.date) -> None:
    for code in ("mediation.people", "judicial_confirmation.apply", "labour.mediation"):
        due = timezone.localtime(compute_due(at(day.isoformat(), 9), _rule(code)).due_at)
        assert (due.hour, due.minute, due.second) == (23, 59, 59), code

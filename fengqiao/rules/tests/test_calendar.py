"""The working-day calendar: sources in order, coverage, warnings, the system check, and a
day-by-day cross-check against python-holidays for 2018–2026."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import User
from fengqiao.rules import actions
from fengqiao.rules.calendar import (
    PACKAGE_END,
    DaySource,
    WorkCalendar,
    calendar_status,
    coverage_end,
    coverage_warning,
)
from fengqiao.rules.checks import calendar_coverage_check
from fengqiao.rules.clocks import compute_due
from fengqiao.rules.tests.helpers import at, end_of, rule

D = dt.date


class TestSources:
    def test_package_knows_the_2026_schedule(self) -> None:
        calendar = WorkCalendar()
        assert calendar.is_workday(D(2026, 10, 10))  # make-up Saturday
        assert calendar.is_workday(D(2026, 9, 20))  # make-up Sunday
        assert not calendar.is_workday(D(2026, 9, 25))  # 中秋
        assert not calendar.is_workday(D(2026, 10, 7))  # 国庆
        status = calendar.status(D(2026, 10, 1))
        assert status.source is DaySource.PACKAGE and status.name == "National Day"
        assert not status.uncertain

    def test_override_is_consulted_first(self) -> None:
        calendar = WorkCalendar({D(2026, 10, 12): (False, "更正（测试）")})
        status = calendar.status(D(2026, 10, 12))
        assert status.source is DaySource.OVERRIDE and not status.is_workday
        # The 5-wd order of 09-30 now ends a day later.
        due = compute_due(at("2026-09-30"), rule(5), calendar=calendar)
        assert due.due_at == end_of("2026-10-14")

    def test_beyond_coverage_is_a_flagged_weekday_guess(self) -> None:
        calendar = WorkCalendar()
        friday = calendar.status(D(2027, 1, 1))
        assert friday.is_workday and friday.uncertain
        assert friday.source is DaySource.WEEKDAY_FALLBACK
        assert not calendar.is_workday(D(2027, 1, 2))
        assert calendar.status(D(2003, 12, 31)).uncertain  # before the package too

    def test_published_year_makes_weekday_rule_certain(self) -> None:
        calendar = WorkCalendar(
            {D(2027, 1, 1): (False, "元旦"), D(2027, 2, 20): (True, "调休上班（测试）")},
            published_years=[2027],
        )
        assert calendar.status(D(2027, 1, 4)).source is DaySource.PUBLISHED_YEAR
        assert not calendar.status(D(2027, 1, 4)).uncertain
        assert calendar.is_workday(D(2027, 2, 20))  # an override Saturday
        assert calendar.coverage_end() == D(2027, 12, 31)

    def test_coverage_extends_only_through_consecutive_years(self) -> None:
        assert D(2026, 12, 31) == PACKAGE_END
        assert WorkCalendar(published_years=[2028]).coverage_end() == D(2026, 12, 31)
        assert WorkCalendar(published_years=[2027, 2028]).coverage_end() == D(2028, 12, 31)


class TestWarnings:
    def test_quiet_far_from_the_end(self) -> None:
        assert WorkCalendar().coverage_warning(D(2026, 10, 1)) is None

    def test_warns_within_window(self) -> None:
        # 2026-11-02 is 59 days before 12-31; 2026-11-01 is 60; 10-31 is 61.
        calendar = WorkCalendar()
        assert calendar.coverage_warning(D(2026, 10, 31)) is None
        warning = calendar.coverage_warning(D(2026, 11, 1))
        assert warning is not None
        assert "2026年12月31日" in warning and "还剩60天" in warning and "2027年" in warning

    @override_settings(CALENDAR_COVERAGE_WARNING_DAYS=30)
    def test_window_is_a_setting(self) -> None:
        calendar = WorkCalendar()
        assert calendar.coverage_warning(D(2026, 11, 1)) is None
        assert calendar.coverage_warning(D(2026, 12, 1)) is not None

    def test_warns_after_the_end(self) -> None:
        warning = WorkCalendar().coverage_warning(D(2027, 1, 2))
        assert warning is not None and "已于2026年12月31日到期" in warning and "待核实" in warning

    def test_warns_when_a_needed_date_is_beyond(self) -> None:
        warning = WorkCalendar().coverage_warning(D(2026, 6, 1), needed_until=D(2027, 3, 1))
        assert warning is not None and "2027年3月1日" in warning

    def test_status_summary(self) -> None:
        status = WorkCalendar().coverage_status(D(2026, 11, 23))
        assert status.coverage_end == D(2026, 12, 31)
        assert status.days_left == 38
        assert status.warning_days == 60
        assert status.warning is not None


@pytest.mark.django_db
class TestStoredCalendar:
    def test_db_overrides_and_year(self) -> None:
        admin = User.objects.create_user(username="sysadmin", password="x")
        assert coverage_end() == D(2026, 12, 31)
        actions.do_set_calendar_override(
            actor=admin,
            day=D(2027, 1, 1),
            is_workday=False,
            name="元旦",
            source_document="测试数据（非官方2027年安排）",
        )
        assert coverage_end() == D(2026, 12, 31)
        actions.do_record_calendar_year(
            actor=admin, year=2027, source_document="测试数据（非官方2027年安排）"
        )
        assert coverage_end() == D(2027, 12, 31)
        assert coverage_warning(D(2026, 11, 23)) is None
        status = calendar_status(D(2026, 11, 23))
        assert status.published_years == [2027] and status.warning is None
        due = compute_due(at("2026-12-28"), rule(5))  # calendar loaded from the database
        assert due.due_at == end_of("2027-01-05") and not due.uncertain

    def test_system_check_only_with_database(self) -> None:
        with time_travel(D(2026, 11, 23)):
            assert calendar_coverage_check(databases=None) == []
            messages = calendar_coverage_check(databases=["default"])
        assert [m.id for m in messages] == ["fengqiao.rules.W001"]
        assert "工作日历将于2026年12月31日到期" in messages[0].msg
        with time_travel(D(2026, 6, 1)):
            assert calendar_coverage_check(databases=["default"]) == []

    def test_check_command_reports_the_warning(self) -> None:
        with time_travel(D(2026, 11, 23)), pytest.raises(SystemCheckError, match="W001"):
            call_command("check", "--database", "default", "--fail-level", "WARNING")
        with time_travel(D(2026, 11, 23)):
            call_command("check", "--fail-level", "WARNING")  # no database: CI stays green


def time_travel(day: dt.date) -> time_machine.travel:
    return time_machine.travel(at(day.isoformat(), 12), tick=False)


@cache
def _reference(year: int) -> holidays.HolidayBase:
    reference: holidays.HolidayBase = holidays.country_holidays("CN", years=year)
    return reference


@settings(max_examples=400, deadline=None)
@given(st.dates(min_value=D(2018, 1, 1), max_value=D(2026, 12, 31)))
def test_cross_check_with_python_holidays(day: dt.date) -> None:
    assert WorkCalendar().is_workday(day) == _reference(day.year).is_working_day(day)


def test_cross_check_every_day_of_2026() -> None:
    calendar = WorkCalendar()
    day = D(2026, 1, 1)
    while day.year == 2026:
        assert calendar.is_workday(day) == _reference(2026).is_working_day(day), day
        day += dt.timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=D(2018, 1, 1), max_value=D(2026, 10, 31)),
    st.integers(min_value=1, max_value=30),
)
def test_working_day_clock_counts_exactly_n_reference_workdays(start: dt.date, n: int) -> None:
    due = compute_due(at(start.isoformat(), 15), rule(n), calendar=WorkCalendar())
    last = due.due_date
    assert _reference(last.year).is_working_day(last)
    counted = 0
    day = start + dt.timedelta(days=1)
    while day <= last:
        counted += _reference(day.year).is_working_day(day)
        day += dt.timedelta(days=1)
    assert counted == n


@pytest.mark.django_db
def test_calendar_coverage_command() -> None:
    from io import StringIO

    from django.core.management.base import CommandError

    out, err = StringIO(), StringIO()
    with time_travel(D(2026, 11, 23)):
        call_command("calendar_coverage", stdout=out, stderr=err)
        assert "覆盖至 2026-12-31" in out.getvalue() and "剩余 38 天" in out.getvalue()
        assert "2027年" in err.getvalue()
        with pytest.raises(CommandError):
            call_command("calendar_coverage", "--fail-on-warning", stdout=out, stderr=err)
    with time_travel(D(2026, 3, 1)):
        call_command("calendar_coverage", "--fail-on-warning", stdout=StringIO())


def test_check_falls_back_to_the_package_when_tables_are_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import DatabaseError

    def broken() -> WorkCalendar:
        raise DatabaseError("no such table: rules_calendaroverride")

    monkeypatch.setattr(WorkCalendar, "from_db", staticmethod(broken))
    with time_travel(D(2027, 2, 1)):
        messages = calendar_coverage_check(databases=["default"])
    assert len(messages) == 1 and "已于2026年12月31日到期" in messages[0].msg


def test_uncertain_clock_logs_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="fengqiao.rules.calendar"):
        due = compute_due(at("2026-12-28"), rule(20), calendar=WorkCalendar())
    assert due.uncertain and len(due.warnings) == 1
    assert [r.getMessage() for r in caplog.records] == [
        "clock computed beyond calendar coverage: 2027-01-01"
    ]

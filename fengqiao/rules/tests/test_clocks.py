"""Clock computation without the database: counting conventions, pauses, extensions, precedence.

Dates are pinned against the official 2026 schedule (see helpers.py for the source)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from fengqiao.rules.calendar import WorkCalendar
from fengqiao.rules.clocks import (
    Pause,
    add_months,
    compute_due,
    extend,
    is_overdue,
    prevailing,
)
from fengqiao.rules.errors import ClockError
from fengqiao.rules.models import DurationUnit
from fengqiao.rules.tests.helpers import SHANGHAI, at, end_of, extension_rule, rule

CAL = WorkCalendar()
WD = DurationUnit.WORKING_DAYS
CD = DurationUnit.CALENDAR_DAYS
MONTHS = DurationUnit.MONTHS
HOURS = DurationUnit.HOURS


class TestDoneWhenDates:
    """The three dates of the cases issue's "Done when"."""

    @pytest.mark.parametrize("hour", [9, 15, 22])
    def test_national_day_five_working_days(self, hour: int) -> None:
        # Filed Wed 2026-09-30 (any hour: the filing day never counts). 10-01..07 are off;
        # 10-08 Thu (1), 10-09 Fri (2), 10-10 Sat make-up workday (3), 10-11 Sun off,
        # 10-12 Mon (4), 10-13 Tue (5).
        due = compute_due(at("2026-09-30", hour), rule(5), calendar=CAL)
        assert due.due_at == end_of("2026-10-13")
        assert due.due_at.isoformat() == "2026-10-13T23:59:59+08:00"
        assert not due.uncertain and due.warnings == ()

    def test_national_day_counts_the_make_up_saturday(self) -> None:
        # Three working days from 09-30 end on the make-up Saturday itself.
        assert compute_due(at("2026-09-30"), rule(3), calendar=CAL).due_at == end_of("2026-10-10")

    @pytest.mark.parametrize("filed", ["2026-09-25", "2026-09-26", "2026-09-27"])
    def test_filed_during_mid_autumn(self, filed: str) -> None:
        # 中秋 09-25..27: 09-28 Mon (1), 09-29 (2), 09-30 (3), National Day, 10-08 (4), 10-09 (5).
        due = compute_due(at(filed, 11), rule(5), calendar=CAL)
        assert due.due_at == end_of("2026-10-09")

    def test_into_2027_without_overrides_is_uncertain(self) -> None:
        # 12-29 (1), 12-30 (2), 12-31 (3), then 2027 is beyond the package: 01-01 Fri is guessed
        # a workday (4), 01-04 Mon (5). The result is flagged, with a warning in Chinese.
        due = compute_due(at("2026-12-28"), rule(5), calendar=CAL)
        assert due.due_at == end_of("2027-01-04")
        assert due.uncertain
        assert "2027年1月1日" in due.warnings[0] and "待核实" in due.warnings[0]

    def test_into_2027_with_the_schedule_entered(self) -> None:
        # Test data, not the official 2027 schedule: 元旦 2027-01-01 off, the year recorded as
        # entered in full. 12-29, 12-30, 12-31, 01-04 (4), 01-05 (5): certain.
        calendar = WorkCalendar({dt.date(2027, 1, 1): (False, "元旦")}, published_years=[2027])
        due = compute_due(at("2026-12-28"), rule(5), calendar=calendar)
        assert due.due_at == end_of("2027-01-05")
        assert not due.uncertain

    def test_into_2027_with_one_override_but_year_not_recorded(self) -> None:
        # The override settles 01-01, but 01-02 (a Saturday that could be a make-up workday)
        # and the following days are still guesses.
        calendar = WorkCalendar({dt.date(2027, 1, 1): (False, "元旦")})
        due = compute_due(at("2026-12-28"), rule(5), calendar=calendar)
        assert due.due_at == end_of("2027-01-05")
        assert due.uncertain
        assert "2027年1月2日" in due.warnings[0]

    def test_ending_on_the_last_covered_day_is_certain(self) -> None:
        # 12-24 Thu: 12-25 (1), 12-28 (2), 12-29 (3), 12-30 (4), 12-31 (5) — never leaves 2026.
        due = compute_due(at("2026-12-24"), rule(5), calendar=CAL)
        assert due.due_at == end_of("2026-12-31") and not due.uncertain


class TestCountingConventions:
    def test_calendar_days_start_the_next_day(self) -> None:
        # 15 d from Tue 09-15: day 1 = 09-16, day 15 = 09-30 (Wed, a workday).
        assert compute_due(at("2026-09-15", 8), rule(15, CD), calendar=CAL).due_at == end_of(
            "2026-09-30"
        )

    def test_calendar_days_roll_over_a_holiday_last_day(self) -> None:
        # 15 d from 09-16 ends 10-01 (National Day): the first working day after is 10-08.
        due = compute_due(at("2026-09-16"), rule(15, CD), calendar=CAL)
        assert due.due_at == end_of("2026-10-08")

    def test_roll_forward_can_be_switched_off_per_rule(self) -> None:
        due = compute_due(at("2026-09-16"), rule(15, CD, roll=False), calendar=CAL)
        assert due.due_at == end_of("2026-10-01")

    def test_calendar_days_last_day_on_make_up_saturday_does_not_roll(self) -> None:
        # 7 d from Sat 02-07 ends Sat 02-14, a make-up workday: no roll.
        assert compute_due(at("2026-02-07"), rule(7, CD), calendar=CAL).due_at == end_of(
            "2026-02-14"
        )

    def test_working_days_started_on_a_holiday_or_after_hours(self) -> None:
        # Started on Sunday 10-04 (National Day) or at 23:30 on Sat 10-03: day 1 is 10-08.
        for start in (at("2026-10-04", 3), at("2026-10-03", 23, 30)):
            assert compute_due(start, rule(1), calendar=CAL).due_at == end_of("2026-10-08")

    def test_start_in_another_timezone_is_read_in_shanghai(self) -> None:
        # 2026-09-30 17:00 UTC is 10-01 01:00 in Shanghai: the clock starts on 10-01.
        start = dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC)
        assert compute_due(start, rule(1), calendar=CAL).due_at == end_of("2026-10-08")
        start = dt.datetime(2026, 9, 29, 17, 0, tzinfo=dt.UTC)  # 09-30 01:00 local
        assert compute_due(start, rule(1), calendar=CAL).due_at == end_of("2026-10-08")

    def test_hours_are_exact(self) -> None:
        due = compute_due(at("2026-10-01", 10, 15), rule(2, HOURS), calendar=CAL)
        assert due.due_at == at("2026-10-01", 12, 15)

    def test_months_use_the_corresponding_day_or_month_end(self) -> None:
        assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
        assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
        assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
        assert add_months(dt.date(2025, 12, 31), 12) == dt.date(2026, 12, 31)
        # 1 month from Sat 01-31 ends Sat 02-28, a make-up workday.
        assert compute_due(at("2026-01-31"), rule(1, MONTHS), calendar=CAL).due_at == end_of(
            "2026-02-28"
        )

    def test_zero_working_days_is_the_start_day(self) -> None:
        assert compute_due(at("2026-09-30"), rule(0), calendar=CAL).due_at == end_of("2026-09-30")

    def test_naive_start_is_refused(self) -> None:
        with pytest.raises(ClockError, match="时区"):
            compute_due(dt.datetime(2026, 9, 30, 10), rule(5), calendar=CAL)  # noqa: DTZ001

    def test_extension_rule_cannot_run_alone(self) -> None:
        with pytest.raises(ClockError, match="延长规则"):
            compute_due(at("2026-09-30"), extension_rule("x", 3), calendar=CAL)


class TestOverdue:
    def test_due_instant_passes_next_second_overdue(self) -> None:
        due = compute_due(at("2026-09-30"), rule(5), calendar=CAL)
        with time_machine.travel(end_of("2026-10-13"), tick=False):
            assert not is_overdue(due)
        with time_machine.travel(at("2026-10-14", 0, 0, 0), tick=False):
            assert is_overdue(due)

    def test_explicit_now(self) -> None:
        due = at("2026-10-01", 12)
        assert not is_overdue(due, at("2026-10-01", 12))
        assert is_overdue(due, at("2026-10-01", 12, 0, 1))


class TestPauses:
    def test_hours_extended_by_paused_time(self) -> None:
        pauses = [Pause(at("2026-10-01", 11), at("2026-10-01", 11, 30))]
        due = compute_due(at("2026-10-01", 10), rule(2, HOURS), pauses=pauses, calendar=CAL)
        assert due.due_at == at("2026-10-01", 12, 30)
        assert due.paused == dt.timedelta(minutes=30)

    def test_hours_overlapping_pauses_count_once_and_late_pauses_do_not_count(self) -> None:
        pauses = [
            Pause(at("2026-10-01", 10, 30), at("2026-10-01", 11, 30)),
            Pause(at("2026-10-01", 11), at("2026-10-01", 12)),  # overlaps: 1.5 h in total
            Pause(at("2026-10-01", 9), at("2026-10-01", 9, 30)),  # before the start
            Pause(at("2026-10-01", 18), at("2026-10-01", 19)),  # after expiry
        ]
        due = compute_due(at("2026-10-01", 10), rule(2, HOURS), pauses=pauses, calendar=CAL)
        assert due.due_at == at("2026-10-01", 13, 30)

    def test_working_days_skip_every_date_a_pause_touches(self) -> None:
        # 5 wd from 09-30 normally ends 10-13; waiting for the citizen from 10-09 16:00 to
        # 10-10 09:00 touches 10-09 and 10-10 (two working days): the clock ends 10-15.
        pauses = [Pause(at("2026-10-09", 16), at("2026-10-10", 9))]
        due = compute_due(at("2026-09-30"), rule(5), pauses=pauses, calendar=CAL)
        assert due.due_at == end_of("2026-10-15")
        assert due.excluded_days == 2

    def test_pause_on_a_holiday_changes_nothing_for_working_days(self) -> None:
        pauses = [Pause(at("2026-10-02", 9), at("2026-10-05", 9))]
        due = compute_due(at("2026-09-30"), rule(5), pauses=pauses, calendar=CAL)
        assert due.due_at == end_of("2026-10-13")

    def test_calendar_days_hearing_not_counted(self) -> None:
        # 复查意见 30 d from 04-07 would end 05-07; a hearing on 04-20..21 adds two days:
        # 05-09, a make-up Saturday, so no roll.
        pauses = [Pause(at("2026-04-20", 9), at("2026-04-21", 17))]
        due = compute_due(at("2026-04-07"), rule(30, CD), pauses=pauses, calendar=CAL)
        assert due.due_at == end_of("2026-05-09")

    def test_months_extended_by_excluded_dates(self) -> None:
        # 1 month from 03-02 ends 04-02; a 3-day pause inside moves it to 04-07 (04-05 Sun and
        # 04-06 Qingming are passed over because the count lands on 04-05 → roll to 04-07).
        pauses = [Pause(at("2026-03-10", 9), at("2026-03-12", 9))]
        due = compute_due(at("2026-03-02"), rule(1, MONTHS), pauses=pauses, calendar=CAL)
        assert due.due_at == end_of("2026-04-07")

    def test_open_pause_needs_now(self) -> None:
        pauses = [Pause(at("2026-10-09", 16))]
        with pytest.raises(ClockError, match="暂停"):
            compute_due(at("2026-09-30"), rule(5), pauses=pauses, calendar=CAL)
        due = compute_due(
            at("2026-09-30"), rule(5), pauses=pauses, calendar=CAL, now=at("2026-10-12", 10)
        )
        # Touches 10-09, 10-10, 10-11, 10-12: three working days lost → 10-16.
        assert due.due_at == end_of("2026-10-16")

    def test_pause_ending_before_it_starts_is_refused(self) -> None:
        with pytest.raises(ClockError):
            compute_due(
                at("2026-09-30"),
                rule(5),
                pauses=[Pause(at("2026-10-09"), at("2026-10-08"))],
                calendar=CAL,
            )


class TestExtensions:
    def test_petition_plus_thirty_days(self) -> None:
        base = compute_due(at("2026-08-01"), rule(60, CD, code="petition.handling"), calendar=CAL)
        assert base.due_at == end_of("2026-09-30")
        longer = extend(base, extension_rule("petition.handling", 30), calendar=CAL)
        assert longer.due_at == end_of("2026-10-30")
        assert longer.extensions == ("petition.handling.extension",)

    def test_partial_extension_and_roll(self) -> None:
        base = compute_due(at("2026-08-01"), rule(60, CD, code="petition.handling"), calendar=CAL)
        # Granting 1 day: 10-01 is National Day → 10-08.
        longer = extend(base, extension_rule("petition.handling", 30), granted=1, calendar=CAL)
        assert longer.due_at == end_of("2026-10-08")

    def test_extension_refusals(self) -> None:
        base = compute_due(at("2026-08-01"), rule(60, CD, code="petition.handling"), calendar=CAL)
        ext = extension_rule("petition.handling", 30)
        with pytest.raises(ClockError, match="不适用"):
            extend(base, extension_rule("labour.arbitration", 15), calendar=CAL)
        with pytest.raises(ClockError, match="1至30"):
            extend(base, ext, granted=31, calendar=CAL)
        with pytest.raises(ClockError, match="最多延长1次"):
            extend(extend(base, ext, calendar=CAL), ext, calendar=CAL)
        with pytest.raises(ClockError, match="不是延长规则"):
            extend(base, rule(3), calendar=CAL)

    def test_extensions_applied_inside_compute_due(self) -> None:
        ext = extension_rule("court.ordinary", 6, MONTHS)
        due = compute_due(
            at("2026-02-20"),
            rule(6, MONTHS, code="court.ordinary"),
            extensions=[(ext, None)],
            calendar=CAL,
        )
        # 08-20 + 6 months = 2027-02-20, a Saturday beyond coverage: rolls to Mon 02-22, uncertain.
        assert due.due_at == end_of("2027-02-22")
        assert due.uncertain


class TestPrevailing:
    def test_longer_statutory_prevails_and_progress_notice_is_due_at_local(self) -> None:
        local = compute_due(at("2026-09-30"), rule(5, code="hotline.default"), calendar=CAL)
        statutory = compute_due(at("2026-09-30"), rule(15, CD, code="x.statutory"), calendar=CAL)
        result = prevailing(local, statutory)
        assert result.due_at == end_of("2026-10-15")
        assert result.rule_code == "x.statutory"
        assert result.progress_notice_at == end_of("2026-10-13")

    def test_shorter_statutory_also_prevails_without_notice(self) -> None:
        local = compute_due(at("2026-09-30"), rule(5, code="hotline.default"), calendar=CAL)
        statutory = compute_due(at("2026-09-30"), rule(2, code="x.statutory"), calendar=CAL)
        result = prevailing(local, statutory)
        assert result.due_at == end_of("2026-10-09") and result.progress_notice_at is None

    def test_no_statutory_keeps_local(self) -> None:
        local = compute_due(at("2026-09-30"), rule(5), calendar=CAL)
        assert prevailing(local, None) is local


def test_due_date_is_local() -> None:
    due = compute_due(at("2026-09-30"), rule(5), calendar=CAL)
    assert due.due_date == dt.date(2026, 10, 13)
    assert due.due_at.tzinfo is not None and due.due_at.utcoffset() == dt.timedelta(hours=8)
    assert SHANGHAI.key == "Asia/Shanghai"

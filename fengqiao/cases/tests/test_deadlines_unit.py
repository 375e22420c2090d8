"""`fengqiao/cases/deadlines.py` without HTTP: which clock, when it starts, pauses, extensions
and overdue counting, on the rules app's calendar (2026 dates from chinesecalendar 1.11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.cases import deadlines
from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import Units
from fengqiao.cases.tests.test_deadlines import at, end_of
from fengqiao.cases.workflow import Kind
from fengqiao.regions.models import Region
from fengqiao.rules.actions import do_add_clock_rule
from fengqiao.rules.calendar import WorkCalendar
from fengqiao.rules.models import ClockRule, DurationUnit, RuleKind
from fengqiao.units.models import Category

GRID = "620102001001001"


def unsaved(kind: str = Kind.HOTLINE, **fields: Any) -> Case:
    defaults: dict[str, Any] = {"request_type": "", "urgency": "normal"}
    defaults.update(fields)
    return Case(kind=kind, region=Region.objects.get(code=GRID), **defaults)


def rule(code: str) -> ClockRule:
    found = ClockRule.objects.filter(code=code, region__isnull=True).first()
    assert found is not None, code
    return found


def test_clock_codes(units: Units) -> None:
    assert deadlines.clock_codes(unsaved()) == ["hotline.default"]
    assert deadlines.clock_codes(unsaved(urgency="critical")) == [
        "hotline.urgent",
        "hotline.default",
    ]
    water = unsaved(category=Category.objects.get(code="RX0302"))
    assert deadlines.clock_codes(water) == ["hotline.utility", "hotline.default"]
    assert deadlines.clock_codes(unsaved(Kind.POLICE_REFERRAL)) == ["hotline.default"]
    assert deadlines.clock_codes(unsaved(Kind.GRID_EVENT)) == ["grid_event.handling"]
    assert deadlines.clock_codes(unsaved(Kind.PETITION)) == []


def test_register_clock_for_another_kind(units: Units) -> None:
    try:
        deadlines.register_clock(Kind.PETITION, "petition.handling")
        case = unsaved(Kind.PETITION)
        # 60 days from acceptance (信访工作条例 第三十四条): starts on "accepted", not "received"
        assert deadlines.start_clock(case, event="received", at=at("2026-03-02")) is None
        due = deadlines.start_clock(case, event="accepted", at=at("2026-03-02"))
        # day 60 is May 1, a holiday (May 1–5): the period ends on the next working day
        assert due is not None and due.at == end_of("2026-05-06")
        assert due.rule is not None and due.rule.is_statutory
        assert "信访工作条例" in due.basis
    finally:
        deadlines.CLOCKS.pop(Kind.PETITION, None)


def test_start_clock_only_on_the_rules_event(units: Units) -> None:
    case = unsaved()
    assert deadlines.start_clock(case, event="received", at=at("2026-09-30")) is None
    due = deadlines.start_clock(case, event="dispatched", at=at("2026-09-30"))
    assert due is not None and due.at == end_of("2026-10-13")
    fields = due.fields()
    assert fields["clock_rule"] == rule("hotline.default")
    assert fields["clock_started_at"] == at("2026-09-30")
    assert fields["due_uncertain"] is False and fields["due_warning"] == ""


def test_no_rule_no_clock(units: Units) -> None:
    assert (
        deadlines.start_clock(unsaved(Kind.GRID_EVENT), event="dispatched", at=at("2026-09-30"))
        is None
    )


def test_add_duration(units: Units) -> None:
    region = Region.objects.get(code=GRID)
    start = at("2026-09-30")
    assert deadlines.add_duration(start, 0, "working_days", region) == start
    assert deadlines.add_duration(start, 3, "hours", region) == at("2026-09-30", "13:00")
    assert deadlines.add_duration(start, 1, "working_days", region) == end_of("2026-10-08")
    # a calendar-day period ending on a holiday rolls to the next working day
    assert deadlines.add_duration(start, 2, "calendar_days", region) == end_of("2026-10-08")


def test_extended_due(units: Units) -> None:
    current = end_of("2026-10-13")
    base = rule("hotline.default")
    assert deadlines.extended_due(base, current, amount=2, unit="working_days") == end_of(
        "2026-10-15"
    )
    # no amount and no extension rule for the code: the approver must name a date
    assert deadlines.extended_due(base, current, amount=None, unit=None) is None
    assert deadlines.extended_due(None, current, amount=None, unit=None) is None
    # with an extension rule the rule's own maximum applies
    do_add_clock_rule(
        ClockRule(
            code="hotline.default.extension",
            name="12345工单延期（测试）",
            kind=RuleKind.EXTENSION,
            extends_code="hotline.default",
            case_kind="hotline",
            start_event="dispatched",
            duration=5,
            unit=DurationUnit.WORKING_DAYS,
            effective_from=dt.date(2026, 1, 1),
            issuing_authority="测试",
            source_document="测试用规定",
        ),
        actor=None,
    )
    assert deadlines.extended_due(base, current, amount=None, unit=None) == end_of("2026-10-20")


def test_pause_costs_the_working_days_it_touches(units: Units) -> None:
    wd = rule("hotline.default")
    due = end_of("2026-10-13")
    shift = deadlines.shift_for_pause
    # the docs/clocks.md example: Oct 9 16:00 → Oct 10 09:00 touches two working days
    assert shift(
        due, paused_at=at("2026-10-09", "16:00"), resumed_at=at("2026-10-10", "09:00"),
        rule=wd, started_at=at("2026-09-30"),
    ) == end_of("2026-10-15")  # fmt: skip
    # a pause entirely on holidays costs a working-day clock nothing
    assert shift(
        due, paused_at=at("2026-10-02"), resumed_at=at("2026-10-05"),
        rule=wd, started_at=at("2026-09-30"),
    ) == due  # fmt: skip
    # the start day is never counted, so a pause on it costs nothing either
    assert shift(
        due, paused_at=at("2026-09-30", "11:00"), resumed_at=at("2026-09-30", "15:00"),
        rule=wd, started_at=at("2026-09-30"),
    ) == due  # fmt: skip
    # resumed before paused: nothing moves
    assert (
        shift(
            due, paused_at=at("2026-10-09"), resumed_at=at("2026-10-08"), rule=wd, started_at=None
        )
        == due
    )


def test_pause_on_hour_clocks_and_hand_set_deadlines(units: Units) -> None:
    urgent = rule("hotline.urgent")
    due = at("2026-10-09", "12:00")
    paused, resumed = at("2026-10-09", "10:30"), at("2026-10-09", "11:15")
    moved = deadlines.shift_for_pause(
        due, paused_at=paused, resumed_at=resumed, rule=urgent, started_at=None
    )
    assert moved == at("2026-10-09", "12:45")
    by_hand = deadlines.shift_for_pause(
        due, paused_at=paused, resumed_at=resumed, rule=None, started_at=None
    )
    assert by_hand == moved


def test_pause_on_a_calendar_day_clock_counts_every_day(units: Units) -> None:
    calendar_rule = ClockRule(
        code="x.calendar", kind=RuleKind.LIMIT, duration=10, unit=DurationUnit.CALENDAR_DAYS
    )
    due = end_of("2026-11-10")
    moved = deadlines.shift_for_pause(
        due, paused_at=at("2026-11-07"), resumed_at=at("2026-11-08"), rule=calendar_rule,
        started_at=at("2026-11-01"),
    )  # fmt: skip
    assert moved == end_of("2026-11-12")


def test_elapsed(units: Units) -> None:
    since = end_of("2026-09-30")
    calendar = WorkCalendar.from_db()
    assert deadlines.elapsed(since, since, "hours") == 0
    assert deadlines.elapsed(since, at("2026-10-01", "05:00"), "hours") == 5
    assert deadlines.elapsed(since, at("2026-10-08"), "calendar_days") == 8
    # Oct 1–7 are holidays: by Oct 8 only one working day has passed; Oct 10 is a working Saturday
    assert deadlines.elapsed(since, at("2026-10-08"), "working_days", calendar=calendar) == 1
    assert deadlines.elapsed(since, at("2026-10-12"), "working_days", calendar=calendar) == 4


@given(
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=40),
    st.sampled_from(["hours", "calendar_days", "working_days"]),
)
@pytest.mark.django_db
def test_elapsed_is_monotonic(a: int, b: int, unit: str) -> None:
    since = at("2026-09-20")
    earlier = since + dt.timedelta(hours=min(a, b) * 7)
    later = since + dt.timedelta(hours=max(a, b) * 7)
    calendar = WorkCalendar({}, ())
    assert deadlines.elapsed(since, earlier, unit, calendar=calendar) <= deadlines.elapsed(
        since, later, unit, calendar=calendar
    )

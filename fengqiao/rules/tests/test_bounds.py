"""`bounds.never_later` (a local version never falls due after the statutory ceiling) and the
checks `validate_new_rule` and `do_close_clock_rule` gained with it."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.rules import actions
from fengqiao.rules.bounds import month_span, never_later
from fengqiao.rules.calendar import WorkCalendar
from fengqiao.rules.clocks import compute_due
from fengqiao.rules.models import ClockRule, DurationUnit
from fengqiao.rules.tests.helpers import SHANGHAI, rule
from fengqiao.testing import Territory

UNITS = [u.value for u in DurationUnit]
# the chinesecalendar package knows every holiday of these years: the dues are certain
CALENDAR = WorkCalendar()


def _rule(duration: int, unit: str, roll: bool) -> ClockRule:
    return rule(duration, unit, roll=roll)


def test_month_spans() -> None:
    assert month_span(1) == (28, 31)  # 01-31 → 02-28; 01-01 → 02-01 … 03-31 → 04-30 is 30
    assert month_span(2) == (59, 62)
    assert month_span(12) == (365, 366)
    assert month_span(0) == (0, 0)


@pytest.mark.parametrize(
    ("local", "ceiling", "expected"),
    [
        ((45, "calendar_days", True), (60, "calendar_days", True), True),
        ((60, "calendar_days", True), (60, "calendar_days", True), True),
        ((61, "calendar_days", True), (60, "calendar_days", True), False),
        ((1, "months", True), (60, "calendar_days", True), True),  # ≤ 31 days
        ((2, "months", True), (60, "calendar_days", True), False),  # up to 62 days
        ((28, "calendar_days", True), (1, "months", True), True),
        ((29, "calendar_days", True), (1, "months", True), False),  # 01-31 + 1 month = 02-28
        ((40, "working_days", True), (60, "calendar_days", True), False),  # holidays
        ((5, "calendar_days", True), (5, "working_days", True), True),
        ((6, "calendar_days", True), (5, "working_days", True), False),
        ((3, "working_days", True), (5, "working_days", True), True),
        ((24, "hours", True), (1, "calendar_days", True), True),
        ((25, "hours", True), (1, "calendar_days", True), False),
        ((48, "hours", True), (2, "working_days", True), True),
        ((1, "calendar_days", False), (48, "hours", True), True),  # ends ≤ 47:59:59 on
        ((1, "calendar_days", True), (48, "hours", True), False),  # may roll over a holiday
        ((2, "calendar_days", False), (48, "hours", True), False),
        ((10, "calendar_days", True), (15, "calendar_days", False), False),  # rolls past it
        ((10, "calendar_days", False), (15, "calendar_days", True), True),
        ((1, "working_days", True), (100, "hours", True), False),
        ((0, "hours", True), (0, "hours", True), True),
    ],
)
def test_never_later_examples(
    local: tuple[int, str, bool], ceiling: tuple[int, str, bool], expected: bool
) -> None:
    assert never_later(_rule(*local), _rule(*ceiling)) is expected


@settings(max_examples=400, deadline=None)
@given(
    local=st.tuples(st.integers(0, 70), st.sampled_from(UNITS), st.booleans()),
    ceiling=st.tuples(st.integers(0, 70), st.sampled_from(UNITS), st.booleans()),
    day=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 3, 31)),
    second=st.integers(0, 86399),
)
def test_never_later_is_sound_on_the_real_calendar(
    local: tuple[int, str, bool], ceiling: tuple[int, str, bool], day: dt.date, second: int
) -> None:
    """Whenever `never_later` says yes, the local clock is due no later than the ceiling's,
    for any start instant, over the real holidays of 2024–2026 (春节, 国庆, 调休)."""
    lr, cr = _rule(*local), _rule(*ceiling)
    if local[1] == "months":
        lr.duration = min(lr.duration, 4)
    if ceiling[1] == "months":
        cr.duration = min(cr.duration, 4)
    if not never_later(lr, cr):
        return
    aware = dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI) + dt.timedelta(seconds=second)
    mine = compute_due(aware, lr, calendar=CALENDAR)
    limit = compute_due(aware, cr, calendar=CALENDAR)
    assert not mine.uncertain and not limit.uncertain
    assert mine.due_at <= limit.due_at, (lr.describe(), cr.describe(), aware)


@settings(max_examples=200, deadline=None)
@given(
    duration=st.integers(0, 70),
    unit=st.sampled_from(UNITS),
    roll=st.booleans(),
)
def test_the_same_limit_is_never_later_than_itself(duration: int, unit: str, roll: bool) -> None:
    limit = _rule(duration if unit != "months" else duration % 12, unit, roll)
    assert never_later(limit, limit)


# --- the actions ------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def admin(db: None) -> User:
    if not ClockRule.objects.filter(code="petition.handling").exists():
        # a transactional test's flush removed the rows the data migration shipped
        importlib.import_module("fengqiao.rules.migrations.0002_national_clock_rules").load(
            django_apps, None
        )
    return User.objects.create_user(username="rules_admin", password="x")


def _local(**fields: Any) -> ClockRule:
    values: dict[str, Any] = {
        "code": "petition.handling",
        "name": "信访事项办结",
        "case_kind": "petition",
        "start_event": "accepted",
        "duration": 45,
        "unit": "calendar_days",
        "effective_from": dt.date(2026, 1, 1),
        "issuing_authority": "兰州市人大常委会",
        "source_document": "兰州市信访条例",
        "source_article": "第二十条",
        "is_statutory": True,
    }
    values.update(fields)
    return ClockRule(**values)


@pytestmark_db
def test_a_local_version_in_another_unit_is_checked_against_the_ceiling(
    territory: Territory, admin: User
) -> None:
    with pytest.raises(ValidationError) as error:
        actions.do_add_clock_rule(
            _local(region=territory.city, duration=3, unit="months"), actor=admin
        )
    (message,) = error.value.message_dict["unit"]
    assert "60日" in message and "信访工作条例第三十四条" in message and "日（自然日）" in message
    with pytest.raises(ValidationError) as error:
        actions.do_add_clock_rule(
            _local(region=territory.city, duration=45, unit="working_days"), actor=admin
        )
    assert "unit" in error.value.message_dict
    one_month = actions.do_add_clock_rule(
        _local(region=territory.city, duration=1, unit="months"), actor=admin
    )
    assert one_month.version == 1


@pytestmark_db
def test_the_source_and_sizes_are_checked(territory: Territory, admin: User) -> None:
    with pytest.raises(ValidationError) as error:
        actions.do_add_clock_rule(
            _local(
                region=territory.city,
                issuing_authority=" ",
                source_document="",
                duration=3660 * 24 + 1,
                unit="hours",
                code="local.hours",
            ),
            actor=admin,
        )
    found = error.value.message_dict
    assert found["issuing_authority"] == ["请填写制定机关：时限规则必须注明来源。"]
    assert found["source_document"] == ["请填写依据文件：时限规则必须注明来源。"]
    assert found["duration"] == ["期限数值过大，请检查单位。"]
    assert not ClockRule.objects.filter(code="local.hours").exists()


@pytestmark_db
def test_closing_can_only_end_a_version_earlier(territory: Territory, admin: User) -> None:
    local = actions.do_add_clock_rule(
        _local(region=territory.city, effective_to=dt.date(2026, 12, 31)), actor=admin
    )
    with pytest.raises(ValidationError) as error:
        actions.do_close_clock_rule(local, actor=admin, effective_to=dt.date(2027, 1, 31))
    assert (
        "不能晚于该版本原定的失效日期（2026-12-31）" in error.value.message_dict["effective_to"][0]
    )
    actions.do_close_clock_rule(local, actor=admin, effective_to=dt.date(2026, 6, 30))
    local.refresh_from_db()
    assert local.effective_to == dt.date(2026, 6, 30)
    closes = AuditEntry.objects.filter(action="rules.clock_rule.close")
    assert [e.data["after"] for e in closes] == ["2026-06-30"]

"""Every deadline the cases app needs, computed in one place, on top of the rules app.

The clocks themselves — the working-day calendar with its override table, the versioned,
region-scoped `ClockRule` data with statutory sources, the resolver and `compute_due` — live in
`fengqiao.rules` (docs/clocks.md). This module only decides *which* clock a case runs and
*when* it starts, and adapts pauses, extensions and overdue counting to it. Nothing here holds
a number of days.

Which clock: `CLOCKS[kind]` names the rule code (other kinds register theirs with
`register_clock`); 12345 orders marked urgent run `hotline.urgent` and 水电气暖 orders
`hotline.utility` (rule 13). The rule's request-type category (咨询, 投诉 …) picks local variants
(rule 12). A clock starts when the case emits the rule's own `start_event` (`received` at
registration, `dispatched` at first dispatch, …). The rule and the start instant are stored on
the case, so a later rule version never changes a running clock; it is recomputed only on an
event (pause, resume, extension).

Counting conventions are the rules app's (docs/clocks.md §3): the start day is not counted;
day-based clocks fall due at 23:59:59 local time; a pause does not count any date it touches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone

from fengqiao.cases.workflow import Kind
from fengqiao.regions.models import Region
from fengqiao.rules.calendar import WorkCalendar
from fengqiao.rules.clocks import Due as ClockDue
from fengqiao.rules.clocks import compute_due
from fengqiao.rules.errors import ClockError, RuleNotFound
from fengqiao.rules.models import ClockRule, DurationUnit, RuleKind
from fengqiao.rules.resolve import resolve_rule
from fengqiao.units.models import Category

CLOCKS: dict[str, str] = {
    Kind.HOTLINE: "hotline.default",
    Kind.POLICE_REFERRAL: "hotline.default",
    # No shipped rule: a deployment adds `grid_event.handling` (start event `dispatched`).
    Kind.GRID_EVENT: "grid_event.handling",
}
URGENT_CODE = "hotline.urgent"
UTILITY_CODE = "hotline.utility"
UTILITY_CATEGORY = "RX03"  # 水电气暖 in the shipped hotline taxonomy
HOTLINE_KINDS = (Kind.HOTLINE, Kind.POLICE_REFERRAL)


class ClockedCase(Protocol):
    kind: str
    request_type: str
    urgency: str
    region: Region

    @property
    def category(self) -> Category | None: ...

    def get_request_type_display(self) -> str: ...


@dataclass(frozen=True)
class Due:
    """A computed deadline, the rule it came from and how sure the calendar is of it."""

    at: dt.datetime
    basis: str
    rule: ClockRule | None = None
    start: dt.datetime | None = None
    uncertain: bool = False
    warning: str = ""

    def fields(self) -> dict[str, object]:
        """The case columns that store this deadline."""
        return {
            "due_at": self.at,
            "due_basis": self.basis,
            "due_uncertain": self.uncertain,
            "due_warning": self.warning,
            "clock_rule": self.rule,
            "clock_started_at": self.start,
        }


def register_clock(kind: str, code: str) -> None:
    """Let another app's kind run a clock (its rule's start_event says when it starts)."""
    CLOCKS[kind] = code


def clock_codes(case: ClockedCase) -> list[str]:
    """The rule codes to try, most specific first."""
    base = CLOCKS.get(case.kind)
    if base is None:
        return []
    codes = [base]
    if case.kind in HOTLINE_KINDS:
        category = case.category
        if category is not None and (category.code.startswith(UTILITY_CATEGORY)):
            codes.insert(0, UTILITY_CODE)
        if case.urgency in ("urgent", "critical"):
            codes.insert(0, URGENT_CODE)
    return codes


def _basis(rule: ClockRule) -> str:
    source = " ".join(part for part in (rule.source_document, rule.source_article) if part)
    return f"{rule.name}：{rule.describe()}（{source}）"[:200]


def _wrap(due: ClockDue, rule: ClockRule) -> Due:
    return Due(
        at=due.due_at,
        basis=_basis(rule),
        rule=rule,
        start=due.start,
        uncertain=due.uncertain,
        warning=" ".join(due.warnings)[:300],
    )


def start_clock(case: ClockedCase, *, event: str, at: dt.datetime) -> Due | None:
    """The deadline of a clock that starts on `event`, or None if none starts then."""
    category = case.get_request_type_display() if case.request_type else ""
    on = timezone.localtime(at).date()
    for code in clock_codes(case):
        try:
            rule = resolve_rule(code, region=case.region, on=on, category=category)
        except RuleNotFound:
            continue
        if rule.start_event != event:
            return None
        return _wrap(compute_due(at, rule), rule)
    return None


def _adhoc(rule_code: str, amount: int, unit: str) -> ClockRule:
    """An unsaved limit used only to count `amount` units on the calendar."""
    return ClockRule(
        code=rule_code or "cases.adhoc",
        kind=RuleKind.LIMIT,
        duration=amount,
        unit=unit,
        roll_forward_on_holiday=True,
    )


def add_duration(start: dt.datetime, amount: int, unit: str, region: Region) -> dt.datetime:
    """`start` plus `amount` hours, calendar days or working days (start day not counted)."""
    if amount <= 0:
        return start
    return compute_due(start, _adhoc("", amount, unit)).due_at


def extended_due(
    rule: ClockRule | None, current: dt.datetime, *, amount: int | None, unit: str | None
) -> dt.datetime | None:
    """The deadline after an approved extension of `amount` `unit`s from the current one; with
    neither given, the rule's own extension (`<code>.extension`) at its maximum, if any."""
    if amount is not None and unit is not None:
        return compute_due(current, _adhoc(rule.code if rule else "", amount, unit)).due_at
    if rule is None:
        return None
    try:
        extension = resolve_rule(
            f"{rule.code}.extension", region=rule.region, on=timezone.localdate(), category=""
        )
    except RuleNotFound:
        return None
    if extension.kind != RuleKind.EXTENSION:
        return None
    return compute_due(current, _adhoc(rule.code, extension.duration, extension.unit)).due_at


def shift_for_pause(
    due_at: dt.datetime,
    *,
    paused_at: dt.datetime,
    resumed_at: dt.datetime,
    rule: ClockRule | None,
    started_at: dt.datetime | None,
    calendar: WorkCalendar | None = None,
) -> dt.datetime:
    """The deadline after a pause (docs/clocks.md §3.6): an hour clock moves by the paused
    time; a day clock by the counting days the pause touched (every date from the pause's to
    the resume's, after the start day and up to the deadline). A deadline set by hand (no
    rule) moves by the paused time."""
    if resumed_at <= paused_at:
        return due_at
    if rule is None or rule.unit == DurationUnit.HOURS:
        return due_at + (resumed_at - paused_at)
    calendar = calendar or WorkCalendar.from_db()
    first = timezone.localtime(paused_at).date()
    last = min(timezone.localtime(resumed_at).date(), timezone.localtime(due_at).date())
    if started_at is not None:
        first = max(first, timezone.localtime(started_at).date() + dt.timedelta(days=1))
    lost = 0
    day = first
    while day <= last:
        if rule.unit != DurationUnit.WORKING_DAYS or calendar.is_workday(day):
            lost += 1
        day += dt.timedelta(days=1)
    if lost == 0:
        return due_at
    unit = DurationUnit.CALENDAR_DAYS if rule.unit == DurationUnit.MONTHS else rule.unit
    return compute_due(due_at, _adhoc(rule.code, lost, unit), calendar=calendar).due_at


def elapsed(
    since: dt.datetime,
    until: dt.datetime,
    unit: str,
    *,
    calendar: WorkCalendar | None = None,
) -> int:
    """Whole units from `since` to `until` — how long a case has been overdue. Days are local
    dates after `since`'s date; working days count only working ones."""
    if until <= since:
        return 0
    if unit == DurationUnit.HOURS:
        return int((until - since).total_seconds() // 3600)
    start = timezone.localtime(since).date()
    end = timezone.localtime(until).date()
    if unit != DurationUnit.WORKING_DAYS:
        return (end - start).days
    calendar = calendar or WorkCalendar.from_db()
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if calendar.is_workday(start + dt.timedelta(days=offset))
    )


__all__ = [
    "CLOCKS",
    "ClockError",
    "Due",
    "add_duration",
    "clock_codes",
    "elapsed",
    "extended_due",
    "register_clock",
    "shift_for_pause",
    "start_clock",
]

"""Clock computation: when a time limit falls due (docs/clocks.md §3 has the conventions).

- The day a clock starts is never counted (民事诉讼法 第八十五条, 民法典 第二百零一条): day 1 is
  the next calendar day (calendar days, months) or the next working day (working days), whatever
  the hour the clock started and whether that day was a holiday.
- Day-based clocks fall due at 23:59:59 local time (Asia/Shanghai) on their last day
  (民法典 第二百零三条: the last day ends at 24:00). Hour clocks fall due at the exact instant.
- A calendar-day or month clock whose last day is a 法定休假日 (any non-working day of the
  calendar) ends on the first working day after it (民事诉讼法 第八十五条, 民法典 第二百零三条),
  when the rule's `roll_forward_on_holiday` is set. A working-day clock always ends on a
  working day.
- Pauses: an hour clock is extended by the paused time it had not yet used; a day-based clock
  does not count any local date touched by a pause (docs/clocks.md §3.4).
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.utils import timezone

from fengqiao.regions.models import Region
from fengqiao.rules.calendar import DayTracker, WorkCalendar
from fengqiao.rules.errors import ClockError
from fengqiao.rules.models import ClockRule, DurationUnit, RuleKind
from fengqiao.rules.resolve import resolve_rule

END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class Pause:
    """An interval during which the clock stood still (waiting for the citizen, a hearing for
    复查/复核, an appraisal). `end=None` means still paused: the computation then needs `now`."""

    start: dt.datetime
    end: dt.datetime | None = None


@dataclass(frozen=True)
class Due:
    """When a clock falls due, by which rule, and how sure we are."""

    due_at: dt.datetime
    start: dt.datetime
    rule_id: int | None
    rule_code: str
    rule_version: int
    unit: str
    uncertain: bool = False
    warnings: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    excluded_days: int = 0
    paused: dt.timedelta = dt.timedelta(0)
    progress_notice_at: dt.datetime | None = None

    @property
    def due_date(self) -> dt.date:
        return timezone.localtime(self.due_at).date()


def local_tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=local_tz())


def is_overdue(due: Due | dt.datetime, now: dt.datetime | None = None) -> bool:
    """True once `now` (default: the current time) is past the due instant."""
    due_at = due.due_at if isinstance(due, Due) else due
    return (now or timezone.now()) > due_at


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later, or that month's last day (民法典 第二百零二条)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, stdlib_calendar.monthrange(year, month)[1]))


def _require_aware(value: dt.datetime, what: str) -> None:
    if timezone.is_naive(value):
        raise ClockError(f"{what}必须带时区。", f"{what} must be timezone-aware.")


def _closed_pauses(
    pauses: Iterable[Pause], now: dt.datetime | None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Pauses as sorted, merged, closed intervals."""
    intervals: list[tuple[dt.datetime, dt.datetime]] = []
    for pause in pauses:
        _require_aware(pause.start, "暂停开始时间")
        end = pause.end
        if end is None:
            if now is None:
                raise ClockError(
                    "计时仍在暂停中：请提供当前时间 now。",
                    "A pause is still open: pass `now` to compute the due date.",
                )
            end = now
        _require_aware(end, "暂停结束时间")
        if end < pause.start:
            raise ClockError("暂停结束时间早于开始时间。", "A pause ends before it starts.")
        intervals.append((pause.start, end))
    intervals.sort()
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for begin, end in intervals:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _excluded_dates(
    intervals: Sequence[tuple[dt.datetime, dt.datetime]], after: dt.date
) -> set[dt.date]:
    """Every local date after `after` that a pause touches (both end dates included)."""
    dates: set[dt.date] = set()
    for begin, end in intervals:
        day = max(timezone.localtime(begin).date(), after + dt.timedelta(days=1))
        last = timezone.localtime(end).date()
        while day <= last:
            dates.add(day)
            day += dt.timedelta(days=1)
    return dates


def _add_hours(
    start: dt.datetime, hours: int, intervals: Sequence[tuple[dt.datetime, dt.datetime]]
) -> tuple[dt.datetime, dt.timedelta]:
    due = start + dt.timedelta(hours=hours)
    paused = dt.timedelta(0)
    for begin, end in intervals:
        if end <= start:
            continue
        begin = max(begin, start)
        if begin > due:
            break  # paused after the clock had expired: no effect
        paused += end - begin
        due += end - begin
    return due, paused


def _last_day(
    anchor: dt.date,
    duration: int,
    unit: str,
    excluded: set[dt.date],
    tracker: DayTracker,
    *,
    roll: bool,
) -> tuple[dt.date, int]:
    """The last day of a day-based period that starts after `anchor`; also how many days it did
    not count because of pauses (working days for a working-day clock)."""
    one = dt.timedelta(days=1)
    skipped = 0
    day = anchor
    if unit == DurationUnit.MONTHS:
        target = add_months(anchor, duration)
        owed = sum(1 for d in excluded if anchor < d <= target)
        day = target
        skipped = owed
        while owed:
            day += one
            if day in excluded:
                skipped += 1
            else:
                owed -= 1
    else:
        counted = 0
        while counted < duration:
            day += one
            if day not in excluded:
                if unit == DurationUnit.CALENDAR_DAYS or tracker.is_workday(day):
                    counted += 1
            elif unit == DurationUnit.CALENDAR_DAYS or tracker.calendar.is_workday(day):
                skipped += 1  # a day the clock would have counted
    if roll and unit in (DurationUnit.CALENDAR_DAYS, DurationUnit.MONTHS):
        while day in excluded or not tracker.is_workday(day):
            day += one
    return day, skipped


def _advance(
    base: dt.datetime,
    duration: int,
    unit: str,
    intervals: Sequence[tuple[dt.datetime, dt.datetime]],
    tracker: DayTracker,
    *,
    roll: bool,
) -> tuple[dt.datetime, int, dt.timedelta]:
    if unit == DurationUnit.HOURS:
        due_at, paused = _add_hours(base, duration, intervals)
        return due_at, 0, paused
    anchor = timezone.localtime(base).date()
    excluded = _excluded_dates(intervals, anchor)
    last, skipped = _last_day(anchor, duration, unit, excluded, tracker, roll=roll)
    return end_of_day(last), skipped, dt.timedelta(0)


def compute_due(
    start: dt.datetime,
    rule: ClockRule,
    *,
    pauses: Iterable[Pause] = (),
    extensions: Iterable[tuple[ClockRule, int | None]] = (),
    calendar: WorkCalendar | None = None,
    now: dt.datetime | None = None,
) -> Due:
    """When the clock of `rule` started at `start` falls due, after pauses and extensions.

    `extensions` are (extension rule, days granted or None for the full extension) in the
    order they were approved; see `extend`."""
    _require_aware(start, "起算时间")
    if rule.kind != RuleKind.LIMIT:
        raise ClockError(
            f"“{rule.code}”是延长规则，不能单独计时。",
            f"{rule.code!r} is an extension rule, not a time limit.",
        )
    calendar = calendar or WorkCalendar.from_db()
    tracker = DayTracker(calendar)
    intervals = _closed_pauses(pauses, now)
    due_at, skipped, paused = _advance(
        start, rule.duration, rule.unit, intervals, tracker, roll=rule.roll_forward_on_holiday
    )
    due = Due(
        due_at=due_at,
        start=start,
        rule_id=rule.pk,
        rule_code=rule.code,
        rule_version=rule.version,
        unit=rule.unit,
        excluded_days=skipped,
        paused=paused,
    )
    for extension, granted in extensions:
        due = _extend(due, extension, granted, intervals, tracker)
    warnings = tracker.warnings()
    return replace(due, uncertain=bool(warnings), warnings=warnings)


def _extend(
    due: Due,
    extension: ClockRule,
    granted: int | None,
    intervals: Sequence[tuple[dt.datetime, dt.datetime]],
    tracker: DayTracker,
) -> Due:
    if extension.kind != RuleKind.EXTENSION:
        raise ClockError(
            f"“{extension.code}”不是延长规则。", f"{extension.code!r} is not an extension rule."
        )
    if extension.extends_code != due.rule_code:
        raise ClockError(
            f"延长规则“{extension.code}”适用于“{extension.extends_code}”，不适用于“{due.rule_code}”。",
            f"Extension {extension.code!r} applies to {extension.extends_code!r}, "
            f"not to {due.rule_code!r}.",
        )
    if due.extensions.count(extension.code) >= extension.max_times:
        raise ClockError(
            f"“{extension.name}”最多延长{extension.max_times}次，已用完。",
            f"Extension {extension.code!r} may be granted at most {extension.max_times} time(s).",
        )
    amount = extension.duration if granted is None else granted
    if not 0 < amount <= extension.duration:
        raise ClockError(
            f"延长期限应在1至{extension.duration}之间（{extension.describe()}）。",
            f"The extension granted must be between 1 and {extension.duration}.",
        )
    due_at, skipped, paused = _advance(
        due.due_at,
        amount,
        extension.unit,
        intervals,
        tracker,
        roll=extension.roll_forward_on_holiday,
    )
    return replace(
        due,
        due_at=due_at,
        extensions=(*due.extensions, extension.code),
        excluded_days=due.excluded_days + skipped,
        paused=due.paused + paused,
    )


def extend(
    due: Due,
    extension: ClockRule,
    *,
    granted: int | None = None,
    pauses: Iterable[Pause] = (),
    calendar: WorkCalendar | None = None,
    now: dt.datetime | None = None,
) -> Due:
    """The due date after an approved extension, counted from the current due date as if it
    were a new start (the due day itself is not counted again). `granted` may be less than the
    rule's maximum ("延长不超过30日")."""
    tracker = DayTracker(calendar or WorkCalendar.from_db())
    extended = _extend(due, extension, granted, _closed_pauses(pauses, now), tracker)
    warnings = tuple(dict.fromkeys((*due.warnings, *tracker.warnings())))
    return replace(extended, uncertain=bool(warnings), warnings=warnings)


def prevailing(local: Due, statutory: Due | None) -> Due:
    """Rule 12: a hotline order's local deadline yields to the statutory limit of the matter when
    one governs it. When the statutory limit is longer, the caller must still be told the
    progress at the local deadline (济南条例 第二十四条): that instant is `progress_notice_at`."""
    if statutory is None:
        return local
    notice = local.due_at if statutory.due_at > local.due_at else None
    warnings = tuple(dict.fromkeys((*local.warnings, *statutory.warnings)))
    return replace(
        statutory,
        progress_notice_at=notice,
        uncertain=local.uncertain or statutory.uncertain,
        warnings=warnings,
    )


def due_for(
    code: str,
    start: dt.datetime,
    *,
    region: Region | None,
    category: str = "",
    pauses: Iterable[Pause] = (),
    calendar: WorkCalendar | None = None,
    now: dt.datetime | None = None,
) -> Due:
    """Resolve the rule in force on the start date, then compute its due date."""
    _require_aware(start, "起算时间")
    rule = resolve_rule(code, region=region, on=timezone.localtime(start).date(), category=category)
    return compute_due(start, rule, pauses=pauses, calendar=calendar, now=now)

"""Is one time limit never longer than another? (`never_later`)

A local version of a statutory rule may shorten the statutory period but never lengthen it
(domain-rules §10, rule 12: "longer statutory limits prevail"). With the same unit that is a
comparison of numbers; with different units it depends on the calendar, so `never_later`
answers True only when, for every start instant and whatever the holidays, the local clock
falls due no later than the ceiling's (pauses apart, which stop both clocks alike). The
conventions are those of `clocks.py` (docs/clocks.md §3):

- a calendar-day clock of n days ends at 23:59:59 on the n-th day after the start date, a month
  clock on the corresponding day `add_months` gives; either moves to the next working day when
  that day is a holiday and the rule rolls forward;
- a working-day clock of w days ends on the w-th working day after the start date, which is
  never earlier than the w-th calendar day (but may be much later over 春节);
- an hour clock ends exactly h hours after the start.

When the answer is False the caller refuses the rule and asks for the ceiling's unit.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from fengqiao.rules.clocks import add_months
from fengqiao.rules.models import ClockRule, DurationUnit

DAY_UNITS = frozenset({DurationUnit.CALENDAR_DAYS, DurationUnit.MONTHS})

# Month lengths repeat over a four-year cycle (a century year only repeats a common year's
# February), so the starts of 2001–2004 show every span `add_months` can give.
_CYCLE_START = dt.date(2001, 1, 1)
_CYCLE_DAYS = 4 * 365 + 1


@lru_cache(maxsize=256)
def month_span(months: int) -> tuple[int, int]:
    """The fewest and the most calendar days `months` months can span."""
    spans = set()
    for offset in range(_CYCLE_DAYS):
        start = _CYCLE_START + dt.timedelta(days=offset)
        spans.add((add_months(start, months) - start).days)
    return min(spans), max(spans)


def _nominal_span(rule: ClockRule) -> tuple[int, int]:
    """The fewest and most calendar days from the start date to the nominal last day of a
    calendar-day or month rule, before any roll-forward."""
    if rule.unit == DurationUnit.MONTHS:
        return month_span(rule.duration)
    return rule.duration, rule.duration


def _fewest_days(rule: ClockRule) -> int:
    """A lower bound on the calendar days from the start date to the last day of a day-based
    rule (working days: the w-th working day is never before the w-th calendar day)."""
    if rule.unit == DurationUnit.WORKING_DAYS:
        return rule.duration
    return _nominal_span(rule)[0]


def never_later(local: ClockRule, ceiling: ClockRule) -> bool:
    """True when `local` can never fall due after `ceiling` for the same start (see module
    docstring); False when it could, or when that cannot be known without the calendar."""
    lu, cu = DurationUnit(local.unit), DurationUnit(ceiling.unit)
    ln, cn = local.duration, ceiling.duration
    if lu == DurationUnit.HOURS:
        if cu == DurationUnit.HOURS:
            return ln <= cn
        # the ceiling ends at 23:59:59 on a day at least k days after the start date, which is
        # at least 24·k hours after any start instant on that date
        return ln <= 24 * _fewest_days(ceiling)
    if lu == DurationUnit.WORKING_DAYS:
        # a working-day clock can stretch over any run of holidays: only another working-day
        # clock bounds it
        return cu == DurationUnit.WORKING_DAYS and ln <= cn
    # the local clock counts calendar days or months
    if local.roll_forward_on_holiday and cu in DAY_UNITS and not ceiling.roll_forward_on_holiday:
        return False
    if lu == cu:
        # the same count from the same start: `add_months` is increasing in the months too
        return ln <= cn
    longest = _nominal_span(local)[1]
    if cu == DurationUnit.HOURS:
        # ends at 23:59:59 on a day up to `longest` days on (unbounded if it rolls forward)
        return not local.roll_forward_on_holiday and 24 * (longest + 1) <= cn
    if cu == DurationUnit.WORKING_DAYS:
        # the ceiling's last day is a working day on or after start + cn; the local nominal day
        # is no later, and rolling forward stops at the first working day, so no later either
        return longest <= cn
    return longest <= _nominal_span(ceiling)[0]

"""Reading and computing case timers; the sweep step that marks them overdue.

A timer's due instant is always recomputed from its pinned rule, its start, its closed pauses
and its extensions by `fengqiao.rules.clocks.compute_due` — the conventions of
docs/clocks.md §3 (the start day is not counted; day clocks end at 23:59:59 local time; a
calendar-day clock ending on a holiday rolls to the next working day; a paused date is not
counted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fengqiao.cases.models import Case
from fengqiao.procedures.models import CaseTimer
from fengqiao.rules.calendar import WorkCalendar
from fengqiao.rules.clocks import Due, Pause, compute_due
from fengqiao.rules.models import ClockRule


def pauses_of(timer: CaseTimer) -> list[Pause]:
    """The closed pauses of a timer (an open one ends at its resumption, not yet known)."""
    return [
        Pause(dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end))
        for start, end in timer.pauses
        if end is not None
    ]


def compute(timer: CaseTimer, *, calendar: WorkCalendar | None = None) -> Due:
    """The timer's due instant from its rule version, pauses and extensions."""
    rules = {
        rule.pk: rule for rule in ClockRule.objects.filter(pk__in=[r for r, _ in timer.extensions])
    }
    extensions = [(rules[rule_id], granted) for rule_id, granted in timer.extensions]
    return compute_due(
        timer.started_at,
        timer.rule,
        pauses=pauses_of(timer),
        extensions=extensions,
        calendar=calendar,
    )


def running(case: Case, code: str) -> CaseTimer | None:
    return CaseTimer.objects.filter(case=case, code=code, stopped_at__isnull=True).first()


def latest(case: Case, code: str) -> CaseTimer | None:
    """The running timer with this code, else the last stopped one."""
    return running(case, code) or (
        CaseTimer.objects.filter(case=case, code=code).order_by("-started_at", "-pk").first()
    )


@dataclass(frozen=True)
class TimerView:
    """A timer as the case detail, the public tracking page and the API show it."""

    code: str
    name: str
    basis: str
    primary: bool
    started_at: dt.datetime
    due_at: dt.datetime
    running: bool
    paused: bool
    overdue: bool
    met: bool | None
    stopped_at: dt.datetime | None
    extended: bool
    uncertain: bool
    warnings: list[str]


def views(case: Case, now: dt.datetime) -> list[TimerView]:
    return [
        TimerView(
            code=t.code,
            name=t.name,
            basis=t.basis,
            primary=t.primary,
            started_at=t.started_at,
            due_at=t.due_at,
            running=t.running,
            paused=t.paused_at is not None,
            overdue=t.is_overdue(now),
            met=t.met,
            stopped_at=t.stopped_at,
            extended=bool(t.extensions),
            uncertain=t.uncertain,
            warnings=list(t.warnings or []),
        )
        for t in CaseTimer.objects.filter(case=case).order_by("started_at", "pk")
    ]


def check_timers(now: dt.datetime) -> int:
    """Sweep step: mark each running, unpaused timer past its due instant overdue, once."""
    from fengqiao.procedures.actions import do_mark_timer_overdue

    due = CaseTimer.objects.filter(
        stopped_at__isnull=True, overdue_at__isnull=True, paused_at__isnull=True, due_at__lt=now
    ).select_related("case__region", "case__lead_unit")
    return sum(1 for timer in due if do_mark_timer_overdue(timer, now=now))

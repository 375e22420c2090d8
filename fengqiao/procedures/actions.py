"""Writes to case timers. Each `do_*` runs inside the calling case action's transaction (they
are `@transaction.atomic`, so they also work alone), writes an audit row, and keeps
`Case.due_at` equal to the earliest running primary timer (`sync_case_due`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.audit.actions import record
from fengqiao.cases.actions.engine import enqueue, note
from fengqiao.cases.errors import Invalid, field_error
from fengqiao.cases.models import Case
from fengqiao.procedures.models import CaseTimer
from fengqiao.procedures.timers import compute, running
from fengqiao.rules.clocks import compute_due
from fengqiao.rules.errors import ClockError, RuleNotFound
from fengqiao.rules.resolve import resolve_rule


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def _audit(action: str, timer: CaseTimer, actor: User | None, **data: Any) -> None:
    record(
        f"timer.{action}",
        actor=actor,
        obj=timer.case,
        data={"code": timer.code, "due_at": timer.due_at.isoformat(), **data},
        region_code=timer.case.region.code,
    )


@transaction.atomic
def do_start_timer(
    case: Case,
    code: str,
    *,
    start: dt.datetime,
    actor: User | None,
    primary: bool = False,
    context: str = "",
    category: str = "",
) -> CaseTimer | None:
    """Start the clock `code` (a `ClockRule` code) at `start`, under the rule version in force
    for the case's region on that date. A clock already running with this code is kept (an
    action retried does not restart it). No rule in force → a timeline note, no timer."""
    existing = running(case, code)
    if existing is not None:
        return existing
    try:
        rule = resolve_rule(code, region=case.region, on=_local_date(start), category=category)
    except RuleNotFound as exc:
        note(case, "timer_missing_rule", actor=actor, reason=exc.message, data={"code": code})
        return None
    due = compute_due(start, rule)
    timer = CaseTimer.objects.create(
        case=case,
        code=code,
        name=rule.name,
        rule=rule,
        rule_version=rule.version,
        basis=f"{rule.citation}（{rule.describe()}）"[:300],
        primary=primary,
        context=context,
        started_at=start,
        due_at=due.due_at,
        uncertain=due.uncertain,
        warnings=list(due.warnings),
    )
    _audit("start", timer, actor, started_at=start.isoformat())
    if primary:
        sync_case_due(case)
    return timer


@transaction.atomic
def do_stop_timer(
    case: Case, code: str, *, at: dt.datetime, actor: User | None, reason: str = ""
) -> CaseTimer | None:
    """Stop the running clock `code`: the step it measures is done (or no longer owed)."""
    timer = running(case, code)
    if timer is None:
        return None
    if timer.paused_at is not None:
        _close_pause(timer, at)
    met = at <= timer.due_at
    updated = CaseTimer.objects.filter(pk=timer.pk, stopped_at__isnull=True).update(
        stopped_at=at,
        stop_reason=reason[:200],
        met=met,
        paused_at=None,
        pauses=timer.pauses,
        due_at=timer.due_at,
    )
    if not updated:
        return None
    timer.refresh_from_db()
    _audit("stop", timer, actor, met=met, reason=reason[:100])
    if timer.primary:
        sync_case_due(case)
    return timer


def _close_pause(timer: CaseTimer, at: dt.datetime) -> None:
    timer.pauses = [[s, e if e is not None else at.isoformat()] for s, e in timer.pauses]
    timer.paused_at = None
    timer.due_at = compute(timer).due_at


def _require_running(case: Case, code: str) -> CaseTimer:
    timer = running(case, code)
    if timer is None:
        raise Invalid(
            "该时限未在计时中。",
            f"The clock {code!r} is not running on this case.",
            [field_error("timer", "未在计时中", "not running")],
        )
    return timer


@transaction.atomic
def do_pause_timer(
    case: Case, code: str, *, at: dt.datetime, actor: User | None, reason: str = ""
) -> CaseTimer:
    """Stop the clock from counting (a hearing for 复查/复核: 听证所需时间不计算在内)."""
    timer = _require_running(case, code)
    if timer.paused_at is not None:
        return timer
    timer.pauses = [*timer.pauses, [at.isoformat(), None]]
    CaseTimer.objects.filter(pk=timer.pk).update(paused_at=at, pauses=timer.pauses)
    timer.refresh_from_db()
    _audit("pause", timer, actor, at=at.isoformat(), reason=reason[:100])
    if timer.primary:
        sync_case_due(case)
    return timer


@transaction.atomic
def do_resume_timer(case: Case, code: str, *, at: dt.datetime, actor: User | None) -> CaseTimer:
    """Count again; the dates the pause touched are not counted (docs/clocks.md §3.4)."""
    timer = _require_running(case, code)
    if timer.paused_at is None:
        return timer
    _close_pause(timer, at)
    CaseTimer.objects.filter(pk=timer.pk).update(
        paused_at=None, pauses=timer.pauses, due_at=timer.due_at, overdue_at=None
    )
    timer.refresh_from_db()
    _audit("resume", timer, actor, at=at.isoformat())
    if timer.primary:
        sync_case_due(case)
    return timer


@transaction.atomic
def do_extend_timer(
    case: Case,
    code: str,
    *,
    actor: User | None,
    granted: int | None = None,
    extension_code: str = "",
    reason: str = "",
) -> CaseTimer:
    """Apply the approved extension rule (`<code>.extension` by default) to the running clock;
    refused (422) beyond the rule's maximum amount or number of times."""
    timer = _require_running(case, code)
    ext_code = extension_code or f"{code}.extension"
    try:
        extension = resolve_rule(ext_code, region=case.region, on=_local_date(timer.started_at))
        timer.extensions = [*timer.extensions, [extension.pk, granted]]
        due = compute(timer)
    except ClockError as exc:
        raise Invalid(
            exc.message, exc.message_en, [field_error("extension", exc.message, exc.message_en)]
        ) from exc
    CaseTimer.objects.filter(pk=timer.pk).update(
        extensions=timer.extensions, due_at=due.due_at, overdue_at=None
    )
    timer.refresh_from_db()
    _audit("extend", timer, actor, extension=ext_code, granted=granted, reason=reason[:100])
    if timer.primary:
        sync_case_due(case)
    return timer


@transaction.atomic
def do_mark_timer_overdue(timer: CaseTimer, *, now: dt.datetime) -> bool:
    """超期: flagged once, with a timeline row and a notice to the region and the lead unit."""
    updated = CaseTimer.objects.filter(
        pk=timer.pk,
        stopped_at__isnull=True,
        overdue_at__isnull=True,
        paused_at__isnull=True,
        due_at__lt=now,
    ).update(overdue_at=now)
    if not updated:
        return False
    case = timer.case
    data = {"code": timer.code, "name": timer.name, "due_at": timer.due_at.isoformat()}
    if timer.primary:
        action, topic, words = "timer_overdue", "timer.overdue", "已超期"
    else:  # a window of the parties (复查请求期, 司法确认申请期) has closed
        action, topic, words = "window_expired", "timer.window_expired", "期限已届满"
    note(case, action, actor=None, reason=f"{timer.name}{words}", data=data)
    enqueue(topic, case=case, recipient=f"region:{case.region.code}", payload=data)
    if case.lead_unit is not None:
        enqueue(topic, case=case, recipient=f"unit:{case.lead_unit.code}", payload=data)
    return True


def sync_case_due(case: Case) -> None:
    """`Case.due_at` := the earliest running, unpaused primary timer (None when none runs).
    A changed deadline clears the overdue flag, so the engine's sweep judges the new one."""
    first = (
        CaseTimer.objects.filter(
            case=case, primary=True, stopped_at__isnull=True, paused_at__isnull=True
        )
        .order_by("due_at")
        .first()
    )
    due_at, basis = (first.due_at, first.basis[:200]) if first else (None, "")
    values: dict[str, Any] = {
        "due_at": due_at,
        "due_basis": basis,
        "due_uncertain": bool(first and first.uncertain),
        "due_warning": " ".join(first.warnings)[:300] if first else "",
    }
    if due_at != case.due_at:
        values.update(is_overdue=False, overdue_at=None)
    Case.objects.filter(pk=case.pk).update(**values)
    for name, value in values.items():
        setattr(case, name, value)

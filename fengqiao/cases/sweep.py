"""The sweep: one idempotent pass over open cases, run by `fengqiao sweep` from cron or a
systemd timer (docs/cases.md). Steps, in order:

1. mark overdue cases (conditional UPDATE: only cases not yet flagged);
2. step supervision up 催办 → 督办 → 挂牌督办 by how long a case is overdue (SupervisionRule);
3. escalate to a higher region level where an EscalationRule says so (red risk, supervision);
4. steps registered by other apps (`register_step`: mediation and petition clocks);
5. deliver the outbox (REL-04) — last, so that this run's notifications go out now;
6. forget Idempotency-Keys past their retention.

Every write is a conditional UPDATE on the very fact it changes, so a second run right after
the first changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from fengqiao.cases import conf, deadlines, outbox
from fengqiao.cases.actions import (
    do_escalate,
    do_mark_overdue,
    do_purge_idempotency_keys,
    do_raise_supervision,
)
from fengqiao.cases.models import Case, EscalationRule, SupervisionRule
from fengqiao.regions.models import Region
from fengqiao.rules.calendar import WorkCalendar


@dataclass
class Summary:
    """What one sweep changed; `changes` is zero on a second run."""

    overdue: int = 0
    supervised: int = 0
    escalated: int = 0
    delivered: int = 0
    failed: int = 0
    purged_keys: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return (
            self.overdue
            + self.supervised
            + self.escalated
            + self.delivered
            + self.purged_keys
            + sum(self.extra.values())
        )

    def lines(self) -> list[str]:
        out = [
            f"超期标记 overdue: {self.overdue}",
            f"督办升级 supervision raised: {self.supervised}",
            f"提级 escalated: {self.escalated}",
            f"通知送达 delivered: {self.delivered}（失败 failed: {self.failed}）",
            f"清理幂等键 idempotency keys purged: {self.purged_keys}",
        ]
        out += [f"{name}: {count}" for name, count in self.extra.items()]
        return out


Step = Callable[[datetime], int]
_STEPS: dict[str, Step] = {}


def register_step(name: str, step: Step) -> None:
    """Add a step (a function of `now` returning how many things it changed); other apps'
    clocks (mediation terms, petition limits) run in the same sweep this way."""
    _STEPS[name] = step


def mark_overdue(now: datetime) -> int:
    due = Case.objects.filter(
        is_open=True, is_overdue=False, paused_at__isnull=True, due_at__lt=now
    ).select_related("region", "lead_unit")
    return sum(1 for case in due if do_mark_overdue(case, now=now))


def _rules_by_kind() -> dict[str, list[SupervisionRule]]:
    table: dict[str, list[SupervisionRule]] = {}
    for rule in SupervisionRule.objects.filter(is_active=True).order_by("-level"):
        table.setdefault(rule.kind, []).append(rule)
    return table


def _target_level(
    case: Case, rules: list[SupervisionRule], now: datetime, calendar: WorkCalendar
) -> int:
    assert case.due_at is not None
    for rule in rules:  # highest level first
        if deadlines.elapsed(case.due_at, now, rule.unit, calendar=calendar) >= rule.overdue_by:
            return rule.level
    return 0


def raise_supervision(now: datetime) -> int:
    table = _rules_by_kind()
    calendar = WorkCalendar.from_db()
    changed = 0
    overdue = Case.objects.filter(
        is_open=True, is_overdue=True, paused_at__isnull=True, due_at__isnull=False
    ).select_related("region", "lead_unit")
    for case in overdue:
        rules = table.get(case.kind) or table.get("", [])
        level = _target_level(case, rules, now, calendar)
        if level > case.supervision_level and do_raise_supervision(
            case, level=level, actor=None, reason="超期自动督办", basis=_basis(rules, level)
        ):
            changed += 1
    return changed


def _basis(rules: list[SupervisionRule], level: int) -> str:
    return next((r.source for r in rules if r.level == level), "")


def _ancestor_at(case: Case, level: int) -> Region | None:
    if case.region.level <= level:
        return None
    return case.region.ancestors().filter(level=level).first()


def escalate(now: datetime) -> int:
    changed = 0
    for rule in EscalationRule.objects.filter(is_active=True).order_by("target_level"):
        cases = Case.objects.filter(is_open=True).select_related("region", "escalated_to")
        if rule.kind:
            cases = cases.filter(kind=rule.kind)
        if rule.risk_colour:
            cases = cases.filter(risk_colour=rule.risk_colour)
        if rule.min_supervision_level is not None:
            cases = cases.filter(supervision_level__gte=rule.min_supervision_level)
        if not rule.risk_colour and rule.min_supervision_level is None:
            continue  # a rule without a trigger would escalate everything
        cases = cases.exclude(escalated_to__level__lte=rule.target_level)
        for case in cases:
            target = _ancestor_at(case, rule.target_level)
            if target is not None and do_escalate(
                case, to_region=target, actor=None, reason=rule.source
            ):
                changed += 1
    return changed


def run(now: datetime | None = None) -> Summary:
    """One full pass; safe to run concurrently with itself and with officials' actions."""
    now = now or timezone.now()
    summary = Summary()
    summary.overdue = mark_overdue(now)
    summary.supervised = raise_supervision(now)
    summary.escalated = escalate(now)
    for name, step in _STEPS.items():
        summary.extra[name] = step(now)
    # a fresh "now": the rows this run queued must be due for delivery in this run
    delivery = outbox.deliver_pending(now=max(now, timezone.now()))
    summary.delivered, summary.failed = delivery.delivered, delivery.failed
    summary.purged_keys = do_purge_idempotency_keys(now=now, ttl_hours=conf.idempotency_ttl_hours())
    return summary

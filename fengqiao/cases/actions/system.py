"""Actions the sweep takes (and an operator may take by hand): overdue, supervision, escalation.

Each one is a conditional UPDATE whose condition is the very thing it changes (not yet overdue,
a lower supervision level, a lower escalation level), so running the sweep twice changes
nothing the second time. They do not bump `version`: a flag set by the sweep must not make an
official's concurrent action fail.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.audit.actions import record
from fengqiao.cases.actions.engine import CENTRE_ROLES, acts_in_region, enqueue, note
from fengqiao.cases.errors import CaseError, NotAllowed
from fengqiao.cases.models import Case, IdempotencyKey, SupervisionLevel
from fengqiao.regions.models import Region


def _recipients(case: Case) -> list[str]:
    out = [f"region:{case.region.code}"]
    if case.lead_unit_id is not None:
        out.append(f"unit:{case.lead_unit.code}")  # type: ignore[union-attr]
    return out


@transaction.atomic
def do_mark_overdue(case: Case, *, now: datetime, actor: User | None = None) -> bool:
    """超期: an open, running case whose deadline has passed is flagged once."""
    updated = Case.objects.filter(
        pk=case.pk, is_open=True, is_overdue=False, paused_at__isnull=True, due_at__lt=now
    ).update(is_overdue=True, overdue_at=now)
    if not updated:
        return False
    case.refresh_from_db()
    note(case, "mark_overdue", actor=actor, data={"due_at": _iso(case.due_at)})
    for recipient in _recipients(case):
        enqueue("case.overdue", case=case, recipient=recipient)
    return True


@transaction.atomic
def do_raise_supervision(
    case: Case, *, level: int, actor: User | None, reason: str, basis: str = ""
) -> bool:
    """催办 → 督办 → 挂牌督办 (rule 15): only ever upwards; by the sweep (overdue thresholds)
    or by an operator (refusal to accept, unresolved, negative impact)."""
    if actor is not None and not acts_in_region(actor, case, CENTRE_ROLES):
        raise NotAllowed("督办只能由受理/调度人员办理。", "Only an operator raises supervision.")
    if actor is not None and not case.is_open:
        raise CaseError("事项已办结，不能督办。", "The case is closed.")
    previous = case.supervision_level
    updated = Case.objects.filter(pk=case.pk, is_open=True, supervision_level__lt=level).update(
        supervision_level=level
    )
    if not updated:
        return False
    case.refresh_from_db()
    note(
        case,
        "supervise",
        actor=actor,
        reason=reason,
        data={
            "from_level": previous,
            "level": level,
            "label": SupervisionLevel(level).label,
            "basis": basis,
        },
    )
    for recipient in _recipients(case):
        enqueue("case.supervised", case=case, recipient=recipient, payload={"level": level})
    return True


@transaction.atomic
def do_escalate(case: Case, *, to_region: Region, actor: User | None, reason: str) -> bool:
    """提级: an ancestor region's centre takes over supervision of the case (the case stays
    where it happened; `escalated_to` says which level now watches it)."""
    if not case.region.path.startswith(to_region.path) or to_region.pk == case.region_id:
        raise CaseError("只能提级到上级区划。", "Escalate only to an ancestor region.")
    current = case.escalated_to
    if current is not None and current.level <= to_region.level:
        return False
    match = Q(escalated_to__isnull=True) if current is None else Q(escalated_to=current)
    updated = Case.objects.filter(match, pk=case.pk, is_open=True).update(escalated_to=to_region)
    if not updated:
        return False
    case.refresh_from_db()
    note(
        case,
        "escalate",
        actor=actor,
        reason=reason,
        data={"to_region": to_region.code, "level": to_region.level},
    )
    enqueue("case.escalated", case=case, recipient=f"region:{to_region.code}")
    return True


@transaction.atomic
def do_purge_idempotency_keys(*, now: datetime, ttl_hours: int) -> int:
    """Forget Idempotency-Keys older than the documented retention (REL-03)."""
    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=now - timedelta(hours=ttl_hours)
    ).delete()
    if deleted:
        record("case.idempotency_purge", data={"deleted": deleted, "ttl_hours": ttl_hours})
    return deleted


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None

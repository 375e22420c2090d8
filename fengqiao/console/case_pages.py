"""What a case page shows: masked parties, the timeline in words, clocks with time left,
assignments per unit, attachments. Read-only helpers; the views decide who sees the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import User
from fengqiao.audit.actions import scrub
from fengqiao.cases.access import redacts_complainants
from fengqiao.cases.api.present import party_out
from fengqiao.cases.api.schemas import PartyOut
from fengqiao.cases.models import Case, Party
from fengqiao.cases.workflow import machine_for

NOTE_LABELS = {
    "register": "登记",
    "co_sign": "协办签收",
    "co_object": "协办异议",
    "co_reply": "协办反馈",
    "co_objection_accepted": "协办异议成立",
    "co_objection_refused": "协办异议不成立",
    "attach": "上传附件",
    "supervise": "督办",
    "mark_overdue": "超期",
    "escalate": "提级",
    "merge": "并单",
    "merge_in": "并入事项",
    "unmerge": "撤销并单",
    "unmerge_out": "撤出并单",
    "recommend": "提出建议",
    "recommendation_answer": "登记建议采纳情况",
}


def action_label(case: Case, action: str) -> str:
    machine = machine_for(case.kind)
    spec = machine.action(action) if machine else None
    return spec.label if spec else NOTE_LABELS.get(action, action)


@dataclass(frozen=True)
class Step:
    at: datetime
    label: str
    from_label: str
    to_label: str
    moved: bool
    actor: str
    unit: str
    reason: str


def timeline(case: Case) -> list[Step]:
    machine = machine_for(case.kind)

    def label(state: str) -> str:
        return machine.label(state) if machine else state

    rows = case.transitions.select_related("actor", "actor_unit").order_by("at", "pk")
    return [
        Step(
            at=t.at,
            label=action_label(case, t.action),
            from_label=label(t.from_status),
            to_label=label(t.to_status),
            moved=t.from_status != t.to_status,
            actor=(t.actor.get_full_name() or t.actor.get_username()) if t.actor else _("系统"),
            unit=t.actor_unit.name if t.actor_unit else "",
            reason=str(scrub(t.reason)),
        )
        for t in rows
    ]


def time_left(due: datetime | None, now: datetime | None = None) -> str:
    """剩余 2 天 3 小时 / 已超期 5 小时 / 剩余不足 1 小时."""
    if due is None:
        return ""
    now = now or timezone.now()
    seconds = int((due - now).total_seconds())
    late = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        span = _("%(d)s 天 %(h)s 小时") % {"d": days, "h": hours}
    elif hours:
        span = _("%(h)s 小时 %(m)s 分") % {"h": hours, "m": minutes}
    else:
        span = _("%(m)s 分钟") % {"m": max(minutes, 1)}
    return (_("已超期 %(span)s") if late else _("剩余 %(span)s")) % {"span": span}


@dataclass(frozen=True)
class PartyView:
    party: PartyOut
    role_label: str
    revealed: Party | None


def parties(case: Case, user: User, revealed: Party | None = None) -> list[PartyView]:
    withhold = redacts_complainants(case, user)
    return [
        PartyView(
            party_out(p, withhold=withhold),
            p.get_role_display(),
            revealed if revealed is not None and revealed.pk == p.pk else None,
        )
        for p in case.parties.all()
    ]

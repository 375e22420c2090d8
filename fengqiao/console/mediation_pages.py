"""What the mediator's workspace reads: my disputes (scoped through the cases app), the state
buckets with counts, the clocks, the dispute's stages, sessions, agreements and 司法确认.
Read-only helpers; every write is in `mediation_ops` (the mediation app's `do_*` actions).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Role, User
from fengqiao.accounts.scope import holds_role
from fengqiao.audit.actions import scrub
from fengqiao.cases.access import cases_for
from fengqiao.cases.actions.engine import active_lead
from fengqiao.cases.models import Case, CaseQuerySet, user_unit_ids
from fengqiao.console import case_pages
from fengqiao.mediation.machine import DISPUTE, DISPUTE_KINDS
from fengqiao.mediation.models import (
    Agreement,
    AgreementStatus,
    JudicialConfirmation,
    MediationOrg,
    MediationStage,
    Mediator,
    MediatorAssignment,
    Session,
)
from fengqiao.procedures.timers import TimerView, views
from fengqiao.units.models import UnitType

MEDIATION_UNIT_TYPES = frozenset({UnitType.MEDIATION_COMMITTEE, UnitType.ADMIN_MEDIATION})


@dataclass(frozen=True)
class Bucket:
    """A state filter of the worklist: the dispute machine's states it gathers."""

    key: str
    label: str | Promise
    states: frozenset[str]


BUCKETS: tuple[Bucket, ...] = (
    Bucket("accept", _("待受理"), frozenset({"dispatched", "objected"})),
    Bucket("assign", _("待指派调解员"), frozenset({"accepted"})),
    Bucket("mediating", _("调解中"), frozenset({"assigned", "mediating"})),
    Bucket("failed", _("调解不成（待处理）"), frozenset({"failed"})),
    Bucket("supervising", _("履行监督"), frozenset({"agreed", "confirmed"})),
    Bucket(
        "confirmation",
        _("司法确认"),
        frozenset({"confirmation_applied", "confirmation_review", "confirmation_rejected"}),
    ),
    Bucket("closed", _("已结束"), DISPUTE.terminal),
)
BUCKET_KEYS = frozenset(b.key for b in BUCKETS) | {"all", "overdue"}


def is_mediation_member(user: User) -> bool:
    """Holds the 调解员 role, or works for a mediation body (a committee, an administrative
    mediation body, or any unit with a mediation profile)."""
    if holds_role(user, Role.MEDIATOR):
        return True
    units = user_unit_ids(user)
    if not units:
        return False
    return (
        MediationOrg.objects.filter(unit_id__in=units).exists()
        or Mediator.objects.filter(user=user, is_active=True).exists()
    )


def all_disputes(user: User) -> CaseQuerySet:
    """Every dispute in the user's scope (the cases app decides it: AC-01)."""
    return cases_for(user).filter(kind__in=DISPUTE_KINDS)


def my_disputes(user: User) -> CaseQuerySet:
    """The disputes my bodies hold or held, or that I mediate, within my scope."""
    units = user_unit_ids(user)
    involved = Q(mediator_assignments__mediator__user=user)
    if units:
        involved |= Q(lead_unit_id__in=units) | Q(mediation_stages__org_id__in=units)
        involved |= Q(confirmations__court_id__in=units)
    ids = all_disputes(user).filter(involved).values("pk")
    return all_disputes(user).filter(pk__in=ids)


def counts(qs: CaseQuerySet) -> dict[str, int]:
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    out = {b.key: sum(by_status.get(s, 0) for s in b.states) for b in BUCKETS}
    out["all"] = sum(by_status.values())
    out["overdue"] = qs.filter(is_open=True, is_overdue=True).count()
    return out


def in_bucket(qs: CaseQuerySet, key: str) -> CaseQuerySet:
    if key == "overdue":
        return qs.filter(is_open=True, is_overdue=True)
    for bucket in BUCKETS:
        if bucket.key == key:
            return qs.filter(status__in=bucket.states)
    return qs


def sorted_for_work(qs: CaseQuerySet) -> CaseQuerySet:
    """Open ones first, soonest deadline first, then the newest."""
    return qs.order_by("-is_open", "due_at", "-received_at", "pk")


@dataclass(frozen=True)
class Row:
    case: Case
    status_label: str
    time_left: str
    lead: str


def rows(cases: list[Case]) -> list[Row]:
    return [
        Row(
            c,
            DISPUTE.label(c.status),
            case_pages.time_left(c.due_at) if c.is_open else "",
            c.lead_unit.name if c.lead_unit else "",
        )
        for c in cases
    ]


@dataclass(frozen=True)
class Clock:
    timer: TimerView
    time_left: str


def clocks(case: Case, now: datetime) -> list[Clock]:
    """Every statutory clock of the dispute, the running ones first (rule 24, 26, 29, 30)."""
    items = views(case, now)
    items.sort(key=lambda t: (not t.running, t.due_at))
    return [Clock(t, case_pages.time_left(t.due_at, now) if t.running else "") for t in items]


NOTES = {
    "invite": "邀请有关人员参与调解",
    "flag_risk": "风险报告",
    "sign_agreement": "调解协议签名盖章",
    "check_performance": "履行回访",
    "timer_overdue": "法定时限超期",
}


def timeline(case: Case) -> list[case_pages.Step]:
    return [
        dataclasses.replace(step, label=NOTES.get(step.label, step.label))
        for step in case_pages.timeline(case)
    ]


@dataclass(frozen=True)
class SessionView:
    session: Session
    mediators: list[str]
    record: str
    parties: int


def sessions(case: Case) -> list[SessionView]:
    qs = Session.objects.filter(case=case).prefetch_related("mediators", "parties")
    return [
        SessionView(s, [x.name for x in s.mediators.all()], str(scrub(s.record)), s.parties.count())
        for s in qs.order_by("seq")
    ]


def stages(case: Case) -> list[MediationStage]:
    return list(
        MediationStage.objects.filter(case=case).select_related("org", "previous").order_by("seq")
    )


def mediators(case: Case) -> list[MediatorAssignment]:
    return list(
        MediatorAssignment.objects.filter(case=case)
        .select_related("mediator", "stage")
        .order_by("stage__seq", "-presiding", "pk")
    )


def agreements(case: Case) -> list[Agreement]:
    return list(Agreement.objects.filter(case=case).select_related("org").order_by("pk"))


def current(agreements_: list[Agreement]) -> Agreement | None:
    live = [a for a in agreements_ if a.status != AgreementStatus.SUPERSEDED]
    return live[-1] if live else None


def confirmations(case: Case) -> list[JudicialConfirmation]:
    return list(
        JudicialConfirmation.objects.filter(case=case).select_related("court").order_by("pk")
    )


def may_fetch_agreement(case: Case, agreement: Agreement, user: User) -> bool:
    """The mediating body (the agreement's, or the one holding the dispute now) or an
    operator of the region — the same rule as the mediation API's document endpoint."""
    from fengqiao.cases.actions.engine import CENTRE_ROLES, acts_in_region

    units = user_unit_ids(user, act=True)
    lead = active_lead(case)
    return (
        agreement.org_id in units
        or (lead is not None and lead.unit_id in units)
        or acts_in_region(user, case, CENTRE_ROLES)
    )

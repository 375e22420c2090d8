"""From the raw tables (Case, CaseTransition, Assignment, and the records of the mediation
and petition apps through providers) to `Facts`. `build` is a pure function of plain rows,
shared by the sync (which loads the rows from the database) and the benchmark generator
(which makes them up), so both count alike.

Kind profiles say which end states are 办结 and which end a case otherwise (不予受理, 转紧急
热线, 告知其他途径 …); they are data, registered per kind (docs/reports.md §4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from fengqiao.cases.models import Assignment as AssignmentModel
from fengqiao.cases.models import AssignmentRole, Case, CaseTransition, Satisfaction
from fengqiao.cases.workflow import MERGED, machine_for
from fengqiao.regions.models import Region
from fengqiao.reports.measures import BAD, GOOD, Facts, Number, chain_from, ids_of_path

Chain = tuple[tuple[int, int, int], ...]

# End states that close a case without handling it to completion (not 办结). Kinds not
# listed count every end state as 办结. The dispute and petition rows name the states of
# their machines (fengqiao.mediation / fengqiao.petitions); unknown names are harmless.
ENDED_OTHERWISE: dict[str, frozenset[str]] = {
    "hotline": frozenset({"transferred", "referred", "rejected"}),
    "police_referral": frozenset({"transferred", "referred", "rejected"}),
    "dispute": frozenset({"declined"}),
    "court_referral": frozenset({"declined"}),
    "petition": frozenset({"not_accepted", "redirected"}),
}
# States that follow an end state without changing what it was (归档).
ARCHIVE_STATES = frozenset({"archived"})
# Actions that send a case back for more handling (退回重办).
REWORK_ACTIONS = frozenset({"return_for_rework"})
GOOD_RATINGS = frozenset({Satisfaction.SATISFIED, Satisfaction.BASIC})


def register_profile(kind: str, ended_otherwise: Iterable[str]) -> None:
    """A kind's app says which of its end states are not 办结."""
    ENDED_OTHERWISE[kind] = frozenset(ended_otherwise)


@dataclass(frozen=True)
class Extra:
    """What a kind's own record adds: provider measures on their own date (`on`), further
    measures on other dates (`dated`: one entry per recommendation of a petition, placed on
    the day it was made), the intake source that replaces the channel in the 来源 columns
    (rule 27), and the unit complained about when the record keeps it apart from the case
    (rule 22: a petition's 被反映单位)."""

    on: date | None
    measures: dict[str, Number] = field(default_factory=dict)
    source: str | None = None
    dated: tuple[tuple[date, dict[str, Number]], ...] = ()
    respondent_unit: int | None = None


Provider = Callable[[list[int]], dict[int, Extra]]
PROVIDERS: dict[str, Provider] = {}


def register_provider(kinds: Iterable[str], provider: Provider) -> None:
    """The mediation and petition apps fill the provider measures (docs/reports.md §6)."""
    for kind in kinds:
        PROVIDERS[kind] = provider


@dataclass(frozen=True)
class RawCase:
    """The case columns the facts read."""

    id: int
    kind: str
    channel: str
    category_id: int | None
    category_parent_id: int | None
    region_path: str
    received_at: datetime
    status: str
    is_open: bool
    closed_at: datetime | None
    due_at: datetime | None
    is_overdue: bool
    supervision_level: int
    resolved: bool | None
    satisfaction: str
    callback_at: datetime | None
    parent_id: int | None
    flags: Sequence[str]
    lead_unit_id: int | None
    respondent_unit_id: int | None


@dataclass(frozen=True)
class RawStep:
    action: str
    from_status: str
    to_status: str
    at: datetime
    satisfaction: str = ""  # callback rows: the rating given


@dataclass(frozen=True)
class RawLead:
    assigned_at: datetime
    signed_at: datetime | None


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _finish(case: RawCase, steps: Sequence[RawStep]) -> tuple[str, datetime] | None:
    """The end state and when the case last reached it, or None while it is open."""
    if case.is_open or case.status == MERGED or case.parent_id is not None:
        return None
    machine = machine_for(case.kind)
    ends = (machine.terminal if machine else frozenset()) - ARCHIVE_STATES
    for step in reversed(steps):
        if step.to_status in ends:
            return step.to_status, step.at
    moment = case.closed_at or case.received_at
    return case.status, moment


def _reworked(case: RawCase, steps: Sequence[RawStep]) -> bool:
    machine = machine_for(case.kind)
    ends = machine.terminal if machine else frozenset()
    return any(
        step.action in REWORK_ACTIONS
        or (step.action == "callback" and step.to_status not in ends)
        or (step.from_status in ends and step.to_status not in ends)
        for step in steps
    )


def _responded(leads: Sequence[RawLead], window: timedelta) -> bool:
    if not leads:
        return False
    first_assigned = min(lead.assigned_at for lead in leads)
    signed = [lead.signed_at for lead in leads if lead.signed_at is not None]
    return bool(signed) and min(signed) - first_assigned <= window


def build(
    case: RawCase,
    steps: Sequence[RawStep],
    leads: Sequence[RawLead],
    chain: Chain,
    *,
    window: timedelta,
    extra: Extra | None = None,
) -> Facts:
    """The facts of one case (steps in time order; `leads` are its lead assignments)."""
    merged = case.status == MERGED or case.parent_id is not None
    finish = None if merged else _finish(case, steps)
    finished_on = done = on_time = None
    if finish is not None:
        state, finished_at = finish
        finished_on = local_day(finished_at)
        done = state not in ENDED_OTHERWISE.get(case.kind, frozenset())
        on_time = case.due_at is not None and finished_at <= case.due_at
    dispatched = bool(leads) or case.lead_unit_id is not None
    resolved = case.resolved
    machine = machine_for(case.kind)
    if resolved is None and finish is not None and machine and finish[0] in machine.resolved_states:
        resolved = True
    late = finish is not None and case.due_at is not None and not on_time
    # The first rating counts: a dissatisfied callback sends the order back (rule 14), so the
    # last rating of a closed order would always be a satisfied one.
    ratings = [step.satisfaction for step in steps if step.action == "callback"]
    given = ratings[0] if ratings else case.satisfaction
    rating = GOOD if given in GOOD_RATINGS else BAD if given == Satisfaction.DISSATISFIED else ""
    return Facts(
        chain=chain,
        kind=case.kind,
        category=case.category_parent_id or case.category_id or 0,
        source=(extra.source if extra and extra.source else case.channel),
        received_on=local_day(case.received_at),
        merged=merged,
        repeat="repeat" in case.flags,
        is_open=case.is_open and not merged,
        finished_on=finished_on,
        done=bool(done),
        due=finish is not None and case.due_at is not None,
        on_time=bool(on_time),
        direct=finish is not None and not dispatched,
        dispatched=dispatched and not merged,
        responded=_responded(leads, window) and not merged,
        reworked=_reworked(case, steps),
        overdue=not merged and ((case.is_open and case.is_overdue) or late),
        supervised=case.supervision_level > 0,
        resolved=resolved,
        callback=case.callback_at is not None,
        rating=rating,
        lead_unit=case.lead_unit_id or 0,
        respondent_unit=(extra.respondent_unit if extra and extra.respondent_unit else None)
        or case.respondent_unit_id
        or 0,
        extra_on=extra.on if extra else None,
        extra=tuple(sorted(extra.measures.items())) if extra and extra.on else (),
        extra_dated=_dated(extra),
    )


def _dated(extra: Extra | None) -> tuple[tuple[date, tuple[tuple[str, Number], ...]], ...]:
    """The dated measures, summed per day and sorted (so equal records give equal facts)."""
    if extra is None or not extra.dated:
        return ()
    days: dict[date, dict[str, Number]] = {}
    for day, measures in extra.dated:
        cell = days.setdefault(day, {})
        for name, value in measures.items():
            cell[name] = cell.get(name, 0) + value
    return tuple(
        (day, tuple(sorted((n, v) for n, v in days[day].items() if v)))
        for day in sorted(days)
        if any(days[day].values())
    )


# ------------------------------------------------------------------ loading from the database

CASE_FIELDS = (
    "id",
    "kind",
    "channel",
    "category_id",
    "category__parent_id",
    "region__path",
    "received_at",
    "status",
    "is_open",
    "closed_at",
    "due_at",
    "is_overdue",
    "supervision_level",
    "resolved",
    "satisfaction",
    "callback_at",
    "parent_id",
    "flags",
    "lead_unit_id",
    "respondent_unit_id",
)


def raw_cases(ids: Sequence[int]) -> dict[int, RawCase]:
    out: dict[int, RawCase] = {}
    for row in Case.objects.filter(pk__in=ids).values_list(*CASE_FIELDS):
        raw = RawCase(*row)
        out[raw.id] = raw
    return out


def raw_steps(ids: Sequence[int]) -> dict[int, list[RawStep]]:
    out: dict[int, list[RawStep]] = defaultdict(list)
    rows = (
        CaseTransition.objects.filter(case_id__in=ids)
        .order_by("case_id", "at", "pk")
        .values_list("case_id", "action", "from_status", "to_status", "at", "data")
    )
    for case_id, action, from_status, to_status, at, data in rows:
        rating = str((data or {}).get("satisfaction") or "") if action == "callback" else ""
        out[case_id].append(RawStep(action, from_status, to_status, at, rating))
    return out


def raw_leads(ids: Sequence[int]) -> dict[int, list[RawLead]]:
    out: dict[int, list[RawLead]] = defaultdict(list)
    rows = AssignmentModel.objects.filter(case_id__in=ids, role=AssignmentRole.LEAD).values_list(
        "case_id", "assigned_at", "signed_at"
    )
    for case_id, assigned_at, signed_at in rows:
        out[case_id].append(RawLead(assigned_at, signed_at))
    return out


def chains_for(paths: dict[int, list[int]]) -> dict[int, Chain]:
    """Chains for region-id lists (one query for the levels of every id)."""
    ids = {region for chain in paths.values() for region in chain}
    levels = dict(Region.objects.filter(pk__in=ids).values_list("pk", "level"))
    return {key: chain_from(chain, levels) for key, chain in paths.items()}


def load(
    ids: Sequence[int], *, snapshots: dict[int, list[int]], window: timedelta
) -> dict[int, Facts]:
    """Facts for the cases `ids` that exist. `snapshots` holds the recorded area chain of
    cases already counted; the others take their region's current chain."""
    cases = raw_cases(ids)
    steps = raw_steps(list(cases))
    leads = raw_leads(list(cases))
    extras: dict[int, Extra] = {}
    by_kind: dict[str, list[int]] = defaultdict(list)
    for case in cases.values():
        by_kind[case.kind].append(case.id)
    for kind, kind_ids in by_kind.items():
        provider = PROVIDERS.get(kind)
        if provider is not None:
            extras.update(provider(kind_ids))
    paths = {
        case.id: snapshots.get(case.id) or ids_of_path(case.region_path) for case in cases.values()
    }
    chains = chains_for(paths)
    return {
        case.id: build(
            case,
            steps.get(case.id, []),
            leads.get(case.id, []),
            chains[case.id],
            window=window,
            extra=extras.get(case.id),
        )
        for case in cases.values()
    }

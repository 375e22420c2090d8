"""From dispatch to outcome: dispatch, acceptance, refusal (rule 23), mediators and invited
helpers, sessions, the risk report to the police, the outcome, termination, 三调联动 transfer
and the court diversion steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions import AssignmentDraft, do_dispatch, do_object, do_redispatch, do_uphold
from fengqiao.cases.actions.engine import enqueue, move, note, require
from fengqiao.cases.errors import Invalid, field_error
from fengqiao.cases.models import Case, Flag, Party
from fengqiao.mediation import clocks
from fengqiao.mediation.actions.common import (
    check_org,
    check_worker,
    current_stage,
    dispute_of,
    end_stage,
    lead_unit,
    open_stage,
    report_to_court,
    require_state,
    tell_parties,
)
from fengqiao.mediation.machine import MEDIATING_STATES
from fengqiao.mediation.models import (
    Dispute,
    DiversionStep,
    InvitedParticipant,
    MediationRoom,
    MediationStage,
    Mediator,
    MediatorAssignment,
    Session,
    StageOutcome,
    StageVia,
)
from fengqiao.procedures.actions import do_stop_timer
from fengqiao.procedures.handover import hand_lead, sign_lead
from fengqiao.rules.errors import RuleNotFound
from fengqiao.rules.resolve import resolve_rule
from fengqiao.units.models import Unit, UnitType

# ------------------------------------------------------------------ dispatch and acceptance


def route_to(
    case: Case,
    unit: Unit,
    *,
    actor: User,
    via: str,
    step: DiversionStep | None = None,
    version: int | None = None,
) -> Case:
    """Dispatch through the engine (`do_dispatch`: lead assignment, timeline, outbox) and open
    the stage at that body."""
    case = do_dispatch(case, actor=actor, lead=AssignmentDraft(unit=unit), version=version)
    dispute = dispute_of(case)
    stage = open_stage(case, dispute, unit, via=via, at=timezone.now(), step=step)
    clocks.on_received(case, dispute, at=stage.started_at, actor=actor)
    return case


@transaction.atomic
def do_dispatch_dispute(case: Case, *, actor: User, org: Unit, version: int | None = None) -> Case:
    """分派: a grid worker or the centre sends the dispute to a mediation body."""
    require(case, "dispatch")
    check_org(org, "org_id")
    return route_to(case, org, actor=actor, via=StageVia.DISPATCH, version=version)


@transaction.atomic
def do_take_up(case: Case, *, actor: User, version: int | None = None) -> Case:
    """主动调解: the body whose member registered the dispute takes it up at once
    (人民调解法 第十七条: a committee may act on its own initiative)."""
    require(case, "take_up")
    from fengqiao.cases.models import user_unit_ids

    units = Unit.objects.filter(pk__in=user_unit_ids(actor, act=True))
    unit = next((u for u in units if u.unit_type != UnitType.COURT), None)
    if unit is None:
        raise Invalid("您不属于任何调解组织。", "You belong to no mediation body.")
    check_org(unit, "org_id")
    now = timezone.now()
    hand_lead(case, unit, actor=actor, signed=True)
    dispute = dispute_of(case)
    open_stage(case, dispute, unit, via=StageVia.INITIATIVE, at=now)
    fields = {"first_unit": unit} if case.first_unit_id is None else {}
    case = move(case, "take_up", actor=actor, version=version, actor_unit=unit, fields=fields)
    MediationStage.objects.filter(pk=current_stage(case).pk).update(accepted_at=now)  # type: ignore[union-attr]
    clocks.on_received(case, dispute, at=now, actor=actor)
    clocks.on_accepted(case, dispute, at=now, actor=actor)
    return case


@transaction.atomic
def do_accept_dispute(case: Case, *, actor: User, version: int | None = None) -> Case:
    """受理: the body signs for the dispute; its mediation term starts (rules 24, 30)."""
    require(case, "accept")
    unit = lead_unit(case)
    fields = {"first_unit": unit} if case.first_unit_id is None else {}
    case = move(case, "accept", actor=actor, version=version, actor_unit=unit, fields=fields)
    sign_lead(case, actor=actor)
    now = timezone.now()
    stage = current_stage(case)
    assert stage is not None
    MediationStage.objects.filter(pk=stage.pk).update(accepted_at=now)
    clocks.on_accepted(case, dispute_of(case), at=now, actor=actor)
    return case


@transaction.atomic
def do_object_dispute(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """退回: not this body's to mediate (an administrative body transfers within 3 working
    days, rule 29): the engine's objection, and the body's acceptance clocks stop."""
    case = do_object(case, actor=actor, reason=reason, version=version)
    now = timezone.now()
    for code in (clocks.ADMIN_ACCEPT, clocks.ADMIN_ACCEPT_COMPLEX, clocks.ADMIN_TRANSFER):
        do_stop_timer(case, code, at=now, actor=actor, reason="退回")
    return case


@transaction.atomic
def do_redispatch_dispute(
    case: Case, *, actor: User, org: Unit, reason: str, version: int | None = None
) -> Case:
    """退回成立·改派 to another body: a new stage."""
    check_org(org, "org_id")
    case = do_redispatch(
        case, actor=actor, lead=AssignmentDraft(unit=org), reason=reason, version=version
    )
    now = timezone.now()
    end_stage(case, outcome=StageOutcome.OBJECTED, at=now, reason=reason)
    dispute = dispute_of(case)
    open_stage(case, dispute, org, via=StageVia.REDISPATCH, at=now)
    clocks.on_received(case, dispute, at=now, actor=actor)
    return case


@transaction.atomic
def do_uphold_dispute(case: Case, *, actor: User, reason: str, version: int | None = None) -> Case:
    """退回不成立: the body keeps the dispute and may not return it again (rule 11)."""
    return do_uphold(case, actor=actor, reason=reason, version=version)


@transaction.atomic
def do_decline(
    case: Case, *, actor: User, reason: str, routes_told: str, version: int | None = None
) -> Case:
    """不予调解 (人民调解法 第十七条, rule 23): a party clearly refuses; the refusal is recorded
    and the parties are told the other routes (arbitration, administrative, judicial)."""
    require(case, "decline")
    unit = lead_unit(case)
    case = move(
        case,
        "decline",
        actor=actor,
        version=version,
        reason=reason,
        actor_unit=unit,
        data={"routes_told": routes_told},
        fields={"resolved": False},
    )
    now = timezone.now()
    Dispute.objects.filter(case=case).update(
        declined_reason=reason[:500], routes_told=routes_told[:300]
    )
    end_stage(case, outcome=StageOutcome.DECLINED, at=now, reason=reason)
    clocks.stop_stage_clocks(case, at=now, actor=actor, reason="不予调解")
    clocks.stop_referral_clock(case, at=now, actor=actor, reason="不予调解")
    report_to_court(case, settled=False, note_text=reason)
    tell_parties(case, "mediation.routes_told", {"routes": routes_told, "reason": "declined"})
    return case


# ------------------------------------------------------------------ mediators, helpers, sessions


@dataclass
class MediatorPick:
    mediator: Mediator
    presiding: bool = False


def _check_mediators(case: Case, picks: list[MediatorPick], org: Unit) -> None:
    errors = []
    if not picks:
        errors.append(field_error("mediators", "请至少指派一名调解员", "at least one mediator"))
    if sum(1 for p in picks if p.presiding) > 1:
        errors.append(field_error("mediators", "只能有一名主持调解员", "one presiding mediator"))
    for i, pick in enumerate(picks):
        m = pick.mediator
        invited_for_court = m.invited_by_id is not None and m.invited_by_id == getattr(
            getattr(case, "court_referral", None), "court_id", None
        )
        if not m.is_active or (m.org.unit_id != org.pk and not invited_for_court):
            errors.append(
                field_error(
                    f"mediators.{i}",
                    "调解员不属于承办调解组织或已不在册",
                    "not a mediator of this body",
                )
            )
        elif m.max_active is not None and workload(m) >= m.max_active:
            errors.append(
                field_error(
                    f"mediators.{i}",
                    f"该调解员同时承办已达上限（{m.max_active}件）",
                    "the mediator is at full workload",
                )
            )
    if errors:
        raise Invalid("调解员指派有误。", "Invalid mediator assignment.", errors)


def workload(mediator: Mediator) -> int:
    """Open disputes the mediator currently mediates."""
    return MediatorAssignment.objects.filter(
        mediator=mediator, released_at__isnull=True, case__is_open=True
    ).count()


@transaction.atomic
def do_assign_mediators(
    case: Case,
    *,
    actor: User,
    picks: list[MediatorPick],
    chosen_by: str,
    version: int | None = None,
) -> Case:
    """指派调解员 (人民调解法 第十九条): designated by the body or chosen by the parties."""
    require(case, "assign_mediator")
    org = lead_unit(case)
    _check_mediators(case, picks, org)
    stage = current_stage(case)
    assert stage is not None
    case = move(
        case,
        "assign_mediator",
        actor=actor,
        version=version,
        actor_unit=org,
        data={"mediators": [p.mediator.pk for p in picks], "chosen_by": chosen_by},
    )
    for pick in picks:
        MediatorAssignment.objects.create(
            case=case,
            stage=stage,
            mediator=pick.mediator,
            presiding=pick.presiding,
            chosen_by=chosen_by,
        )
    return case


@transaction.atomic
def do_invite(
    case: Case, *, actor: User, kind: str, name: str, note_text: str, consented: bool
) -> InvitedParticipant:
    """邀请参与调解 (人民调解法 第二十条): relatives, neighbours or experts, with the parties'
    consent only."""
    require_state(case, MEDIATING_STATES, "邀请有关人员参与调解")
    unit = check_worker(case, actor)
    if not consented:
        raise Invalid(
            "邀请有关人员参与调解须经当事人同意（人民调解法第二十条）。",
            "Inviting helpers needs the parties' consent.",
            [field_error("consented", "须经当事人同意", "consent required")],
        )
    row = InvitedParticipant.objects.create(
        case=case, kind=kind, name=name, note=note_text[:100], consented=True, invited_by=actor
    )
    note(case, "invite", actor=actor, actor_unit=unit, data={"invited_id": row.pk, "kind": kind})
    return row


@dataclass
class SessionDraft:
    held_at: datetime
    mode: str
    record: str
    mediators: list[Mediator]
    parties: list[Party] = field(default_factory=list)
    invited: list[InvitedParticipant] = field(default_factory=list)
    room: MediationRoom | None = None
    place: str = ""


@transaction.atomic
def do_hold_session(
    case: Case, *, actor: User, draft: SessionDraft, version: int | None = None
) -> Session:
    """调解（记录）: one session with its participants and record (人民调解法 第二十七条)."""
    require(case, "hold_session")
    org = lead_unit(case)
    stage = current_stage(case)
    assert stage is not None
    errors = []
    on_case = set(
        MediatorAssignment.objects.filter(case=case, released_at__isnull=True).values_list(
            "mediator_id", flat=True
        )
    )
    if not draft.mediators or any(m.pk not in on_case for m in draft.mediators):
        errors.append(
            field_error("mediator_ids", "须为本案承办调解员", "must be this dispute's mediators")
        )
    if any(p.case_id != case.pk for p in draft.parties):
        errors.append(field_error("party_ids", "当事人不属于本案", "party of another case"))
    if any(i.case_id != case.pk for i in draft.invited):
        errors.append(field_error("invited_ids", "受邀人员不属于本案", "invited to another case"))
    if draft.room is not None and draft.room.org.unit_id != org.pk:
        errors.append(field_error("room_id", "调解室不属于承办调解组织", "room of another body"))
    if errors:
        raise Invalid("调解记录有误。", "Invalid session.", errors)
    seq = Session.objects.filter(case=case).count() + 1
    case = move(
        case, "hold_session", actor=actor, version=version, actor_unit=org, data={"seq": seq}
    )
    session = Session.objects.create(
        case=case,
        stage=stage,
        seq=seq,
        held_at=draft.held_at,
        mode=draft.mode,
        room=draft.room,
        place=draft.place,
        record=draft.record,
        recorded_by=actor,
    )
    session.mediators.set(draft.mediators)
    session.parties.set(draft.parties)
    session.invited.set(draft.invited)
    return session


# ------------------------------------------------------------------ risk (rule 23)


@transaction.atomic
def do_flag_risk(
    case: Case,
    *,
    actor: User,
    criminal: bool,
    group: bool,
    police_unit: Unit | None,
    reason: str,
) -> Case:
    """风险: a dispute that may turn into a public-order or criminal case is reported to the
    police at once (人民调解法 第二十五条); a risk of a group petition is flagged to the region.
    Prevention is counted when the dispute is settled (防止民转刑, 防止群体性上访)."""
    require_state(case, {s for s in case_open_states(case)}, "风险报告")
    unit = check_worker(case, actor)
    if criminal and (police_unit is None or police_unit.unit_type != UnitType.POLICE):
        raise Invalid(
            "有民转刑风险的纠纷须报告公安机关，请选择公安机关（派出所）。",
            "Name the police station to report to.",
            [field_error("police_unit_code", "须为公安机关", "must be a police unit")],
        )
    now = timezone.now()
    flags = set(case.flags or [])
    values: dict[str, object] = {}
    if criminal:
        flags.add(Flag.CRIMINAL_RISK)
        values.update(
            criminal_risk=True, risk_found_at=now, police_unit=police_unit, police_reported_at=now
        )
    if group:
        flags.add(Flag.GROUP)
        values.update(group_risk=True)
    Case.objects.filter(pk=case.pk).update(flags=sorted(flags))
    case.flags = sorted(flags)
    dispute_of(case)
    Dispute.objects.filter(case=case).update(**values)
    basis = _police_basis(case) if criminal else ""
    note(
        case,
        "flag_risk",
        actor=actor,
        actor_unit=unit,
        reason=reason,
        data={"criminal": criminal, "group": group, "basis": basis},
    )
    if criminal and police_unit is not None:
        enqueue(
            "mediation.police_report",
            case=case,
            recipient=f"unit:{police_unit.code}",
            payload={"basis": basis, "risk": "criminal"},
        )
    if group:
        enqueue("mediation.group_risk", case=case, recipient=f"region:{case.region.code}")
    return case


def case_open_states(case: Case) -> frozenset[str]:
    from fengqiao.cases.actions.engine import machine_of

    return machine_of(case).open_states


def _police_basis(case: Case) -> str:
    try:
        rule = resolve_rule(clocks.POLICE_REPORT, region=case.region, on=timezone.localdate())
    except RuleNotFound:
        return "人民调解法第二十五条"
    return f"{rule.citation}（{rule.name}）"

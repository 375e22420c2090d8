"""The dispute flow through the actions: intake by a grid worker, dispatch, acceptance,
mediators, two sessions, success with a written agreement, signing, 司法确认."""

from __future__ import annotations

from decimal import Decimal

from fengqiao.accounts.models import User
from fengqiao.cases.actions import CaseDraft, PartyDraft
from fengqiao.cases.models import Case, PartyRole
from fengqiao.cases.workflow import Kind
from fengqiao.core.models import Outbox
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import Agreement, AgreementStatus, Dispute, JudicialConfirmation
from fengqiao.mediation.tests.conftest import Bodies
from fengqiao.procedures.models import CaseTimer
from fengqiao.procedures.testing import at, travel
from fengqiao.testing import Territory
from fengqiao.units.models import Category


def draft(territory: Territory, **extra: object) -> CaseDraft:
    base = CaseDraft(
        kind=Kind.DISPUTE,
        channel="grid_patrol",
        description="两户因院墙排水问题发生争执",
        region=territory.grid_a1,
        category=Category.objects.get(code="TJ02"),
        parties=[
            PartyDraft(role=PartyRole.COMPLAINANT, name="王大明", phone="13912345678"),
            PartyDraft(role=PartyRole.RESPONDENT, name="李小红", phone="13812345678"),
        ],
    )
    for key, value in extra.items():
        setattr(base, key, value)
    return base


def test_flow(
    territory: Territory, grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> None:
    with travel(at("2026-09-01", 9)):
        reg = m.do_intake_dispute(
            draft(territory), m.DisputeDraft(org=bodies.village), actor=grid_worker
        )
    case = reg.case
    assert case.status == "dispatched"
    with travel(at("2026-09-01", 10)):
        case = m.do_accept_dispute(case, actor=villager)
    timer = CaseTimer.objects.get(case=case, code="mediation.people")
    assert timer.due_at == at("2026-10-08", 23, 59, 59)  # 1 month → 10-01 is a holiday → 10-08
    case = m.do_assign_mediators(
        case,
        actor=villager,
        picks=[m.MediatorPick(bodies.mediators["village"], True)],
        chosen_by="designated",
    )
    for n in (1, 2):
        m.do_hold_session(
            case,
            actor=villager,
            draft=m.SessionDraft(
                held_at=at(f"2026-09-0{n + 1}"),
                mode="on_site",
                record=f"第{n}次调解",
                mediators=[bodies.mediators["village"]],
                parties=list(case.parties.all()),
            ),
        )
        case.refresh_from_db()
    with travel(at("2026-09-05", 15)):
        case = m.do_record_outcome(
            case,
            actor=villager,
            outcome="success",
            agreement=m.AgreementDraft(
                form="written",
                facts="排水沟渗水",
                disputed_points="排水沟改道",
                terms=["李小红改建排水沟", "王大明补偿500元"],
                performance_manner="现场改建、现金支付",
                amount=Decimal("500"),
                performance_deadline=at("2026-09-30").date(),
            ),
        )
    assert case.status == "agreed"
    agreement = Agreement.objects.get(case=case)
    assert agreement.copies == 3 and agreement.status == AgreementStatus.PENDING
    with travel(at("2026-09-06", 9)):
        m.do_sign_agreement(
            case,
            actor=villager,
            parties_signed_at=at("2026-09-05", 16),
            sealed_at=at("2026-09-05", 17),
        )
    window = CaseTimer.objects.get(case=case, code="judicial_confirmation.apply")
    assert window.due_at == at("2026-10-08", 23, 59, 59)  # 30 days → 10-05 holiday → 10-08
    with travel(at("2026-09-07", 9)):
        case = m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=True)
        case = m.do_accept_confirmation(
            case, actor=court_clerk, court_case_no="（2026）甘0102民特1号"
        )
        case = m.do_confirm(case, actor=court_clerk)
    assert case.status == "confirmed"
    assert JudicialConfirmation.objects.get(case=case).result == "confirmed"
    assert Case.objects.get(pk=case.pk).lead_unit_id == bodies.village.pk
    assert Dispute.objects.get(case=case).outcome == "success"
    assert Outbox.objects.filter(case=case, topic="mediation.confirmed").exists()

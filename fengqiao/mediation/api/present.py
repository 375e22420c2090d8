"""Turning a dispute into its API response: the engine's case detail (masked, AC-10) plus the
mediation record, stages, sessions, agreements, 司法确认 and every running clock."""

from __future__ import annotations

from fengqiao.accounts.models import User
from fengqiao.audit.actions import scrub
from fengqiao.cases.api.present import detail_out, list_out
from fengqiao.cases.models import Case
from fengqiao.mediation.actions.common import dispute_of
from fengqiao.mediation.api import schemas as s
from fengqiao.mediation.models import (
    Agreement,
    CourtReferral,
    IntakeSource,
    JudicialConfirmation,
    MediationStage,
    MediatorAssignment,
    Session,
    StageVia,
)
from fengqiao.procedures.api import timers_out


def dispute_list_out(case: Case, user: User) -> s.DisputeListOut:
    dispute = getattr(case, "dispute", None)
    return s.DisputeListOut(
        **list_out(case, user).model_dump(),
        source=dispute.source if dispute else "",
        outcome=dispute.outcome if dispute else "",
        mediation_type=dispute.mediation_type if dispute else "",
    )


def _referral(case: Case) -> s.ReferralOut | None:
    row = CourtReferral.objects.filter(case=case).select_related("court", "route", "step").first()
    if row is None:
        return None
    return s.ReferralOut(
        court=row.court.name,
        referral_type=row.referral_type,
        procedure=row.procedure,
        court_case_no=row.court_case_no,
        route=row.route.name if row.route else None,
        step=row.step.order if row.step else None,
        step_name=row.step.name if row.step else "",
        result_sent_at=row.result_sent_at,
    )


def dispute_out(case: Case, user: User) -> s.DisputeOut:
    fresh = Case.objects.select_related("region", "category", "lead_unit", "parent").get(pk=case.pk)
    d = dispute_of(fresh)
    stages = list(
        MediationStage.objects.filter(case=fresh)
        .select_related("org", "previous", "diversion_step")
        .order_by("seq")
    )
    return s.DisputeOut(
        case=detail_out(fresh, user),
        dispute=s.DisputeInfo(
            source=d.source,
            source_label=IntakeSource(d.source).label,
            referred_by=d.referred_by.name if d.referred_by else None,
            mediation_type=d.mediation_type,
            is_labour=d.is_labour,
            is_complex=d.is_complex,
            outcome=d.outcome,
            outcome_at=d.outcome_at,
            agreement_amount=d.agreement_amount,
            criminal_risk=d.criminal_risk,
            police_reported_at=d.police_reported_at,
            prevented_criminal=d.prevented_criminal,
            prevented_criminal_people=d.prevented_criminal_people,
            group_risk=d.group_risk,
            prevented_group_petition=d.prevented_group_petition,
            prevented_group_petition_people=d.prevented_group_petition_people,
            declined_reason=scrub(d.declined_reason),
            routes_told=d.routes_told,
        ),
        referral=_referral(fresh),
        stages=[
            s.StageOut(
                seq=st.seq,
                org=st.org.name,
                org_code=st.org.code,
                mediation_type=st.mediation_type,
                via=st.via,
                via_label=StageVia(st.via).label,
                previous_seq=st.previous.seq if st.previous else None,
                diversion_step=st.diversion_step.order if st.diversion_step else None,
                started_at=st.started_at,
                accepted_at=st.accepted_at,
                ended_at=st.ended_at,
                outcome=st.outcome,
            )
            for st in stages
        ],
        mediators=[
            {
                "mediator_id": row.mediator_id,
                "name": row.mediator.name,
                "presiding": row.presiding,
                "chosen_by": row.chosen_by,
                "stage": row.stage.seq,
                "active": row.released_at is None,
            }
            for row in MediatorAssignment.objects.filter(case=fresh).select_related(
                "mediator", "stage"
            )
        ],
        sessions=[
            s.SessionOut(
                seq=row.seq,
                held_at=row.held_at,
                mode=row.mode,
                room=row.room.name if row.room else None,
                place=row.place,
                mediators=[m.name for m in row.mediators.all()],
                party_ids=[p.pk for p in row.parties.all()],
                invited_ids=[i.pk for i in row.invited.all()],
                record=scrub(row.record),
            )
            for row in Session.objects.filter(case=fresh).select_related("room").order_by("seq")
        ],
        agreements=[
            s.AgreementOut(
                id=a.pk,
                number=a.number,
                form=a.form,
                partial=a.partial,
                status=a.status,
                reached_at=a.reached_at,
                effective_at=a.effective_at,
                performance_deadline=a.performance_deadline,
                amount=a.amount,
                copies=a.copies,
                terms=[scrub(t) for t in a.term_list],
            )
            for a in Agreement.objects.filter(case=fresh).order_by("pk")
        ],
        confirmations=[
            s.ConfirmationOut(
                court=c.court.name,
                applied_at=c.applied_at,
                accepted_at=c.accepted_at,
                court_case_no=c.court_case_no,
                extended=c.extended,
                decided_at=c.decided_at,
                result=c.result,
                reason=scrub(c.reason),
            )
            for c in JudicialConfirmation.objects.filter(case=fresh).select_related("court")
        ],
        timers=timers_out(fresh),
    )

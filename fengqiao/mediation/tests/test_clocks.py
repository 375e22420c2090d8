"""The dispute clocks on the calendar and in the sweep: a term ending in 国庆 rolls to the next
working day; a transfer stops one body's term and the next body's starts at its acceptance;
the court's referral clock runs once across the diversion steps; the case's own deadline (and
so its overdue flag and 督办) follows the running primary clock; the parties' 司法确认 window
expires without making the case overdue."""

from __future__ import annotations

from fengqiao.accounts.models import User
from fengqiao.cases import sweep
from fengqiao.cases.models import Case, CaseTransition
from fengqiao.mediation import actions as m
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.mediation.tests.helpers import (
    accept,
    draft,
    intake,
    overdue_after_sweep,
    settle,
    timer,
    to_mediating,
)
from fengqiao.procedures.models import CaseTimer
from fengqiao.procedures.testing import at, end_of, travel
from fengqiao.testing import Territory


def test_people_term_ending_in_national_day_rolls_forward(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-09-01", 9))
    case = accept(case, villager, at("2026-09-01", 10))
    # one month from 09-01 is 10-01 (国庆 10-01…10-07): the term ends on 10-08
    assert timer(case, "mediation.people").due_at == end_of("2026-10-08")
    assert not overdue_after_sweep(case, "mediation.people", end_of("2026-10-08"))
    assert overdue_after_sweep(case, "mediation.people", at("2026-10-09", 0, 0, 1))


def test_case_deadline_follows_the_primary_clock_and_goes_overdue(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-16", 9))
    case = accept(case, villager, at("2026-03-16", 10))
    stored = Case.objects.get(pk=case.pk)
    assert stored.due_at == end_of("2026-04-16") and "若干规定" in stored.due_basis
    with travel(at("2026-04-17", 9)):
        sweep.run(at("2026-04-17", 9))
    stored.refresh_from_db()
    assert stored.is_overdue and stored.overdue_at is not None
    # the outcome stops the clock: no deadline any more
    case = to_mediating(stored, villager, bodies.mediators["village"], at("2026-04-18"))
    settle(case, villager, at("2026-04-19"), form="oral")
    stored.refresh_from_db()
    assert stored.due_at is None
    assert timer(case, "mediation.people").met is False


def test_transfer_stops_one_term_and_the_next_starts_at_acceptance(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    township = member("township_m", bodies.township)
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = accept(case, villager, at("2026-03-02", 10))
    with travel(at("2026-03-05", 9)):
        case = m.do_transfer(case, actor=villager, to_org=bodies.township, reason="跨社区")
    terms = list(CaseTimer.objects.filter(case=case, code="mediation.people").order_by("pk"))
    assert len(terms) == 1 and terms[0].stopped_at == at("2026-03-05", 9)
    assert terms[0].stop_reason == "移交" and terms[0].met is True
    assert Case.objects.get(pk=case.pk).due_at is None  # nobody owes a term until acceptance
    case = accept(case, township, at("2026-03-06", 9))
    terms = list(CaseTimer.objects.filter(case=case, code="mediation.people").order_by("pk"))
    assert len(terms) == 2 and terms[1].started_at == at("2026-03-06", 9)
    assert terms[1].due_at == end_of("2026-04-07")  # 04-06 is 清明 (04-04…04-06)


def test_referral_clock_runs_once_across_the_steps(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    centre = member("centre_m", bodies.centre)
    pretrial = member("pretrial_m", bodies.pretrial)
    with travel(at("2026-03-02", 9)):
        case = m.do_intake_court_referral(
            draft(territory.grid_a1),
            m.ReferralDraft(court=bodies.court, referral_type="delegated", route=bodies.route),
            actor=county_operator,
        ).case
    case = accept(case, centre, at("2026-03-03", 9))
    clock = timer(case, "court.delegated_mediation")
    assert clock.due_at == end_of("2026-04-02")
    case = to_mediating(case, centre, bodies.mediators["centre"], at("2026-03-04", 9))
    with travel(at("2026-03-05", 9)):
        case = m.do_record_outcome(case, actor=centre, outcome="failure", reason="不成")
    assert case.lead_unit_id == bodies.pretrial.pk
    case = accept(case, pretrial, at("2026-03-06", 9))
    again = timer(case, "court.delegated_mediation")
    assert again.pk == clock.pk and again.running  # not restarted at the second step
    assert CaseTimer.objects.filter(case=case, code="court.delegated_mediation").count() == 1
    case = to_mediating(case, pretrial, bodies.mediators["pretrial"], at("2026-03-07", 9))
    settle(case, pretrial, at("2026-03-08", 9))
    done = timer(case, "court.delegated_mediation")
    assert done.stopped_at == at("2026-03-08", 9) and done.met is True


def test_confirmation_window_expires_without_an_overdue_case(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-02", 11),
    )
    case = settle(case, villager, at("2026-03-02", 15), form="oral")
    window = timer(case, "judicial_confirmation.apply")
    assert not window.primary and window.due_at == end_of("2026-04-01")
    with travel(at("2026-04-02", 9)):
        summary = sweep.run(at("2026-04-02", 9))
    assert summary.extra["statutory timers 法定时限"] == 1
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == "agreed" and not stored.is_overdue
    row = CaseTransition.objects.get(case=case, action="window_expired")
    assert row.data["code"] == "judicial_confirmation.apply"


def test_admin_body_accepting_in_time_meets_its_clocks(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    officer = member("admin_officer", bodies.admin)
    case = intake(grid_worker, territory.grid_a1, bodies.admin, at("2026-09-30", 10))
    case = accept(case, officer, end_of("2026-10-13"))
    assert timer(case, "admin_mediation.accept").met is True
    assert timer(case, "admin_mediation.transfer").met is False  # its 3 days had passed
    # an administrative body has no people's-mediation term
    assert timer(case, "mediation.people") is None


def test_labour_dispute_at_an_administrative_body_runs_both_clocks(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    case = intake(
        grid_worker, territory.grid_a1, bodies.admin, at("2026-03-02", 10), category="TJ1001"
    )
    codes = set(
        CaseTimer.objects.filter(case=case, stopped_at__isnull=True).values_list("code", flat=True)
    )
    assert codes == {"admin_mediation.accept", "admin_mediation.transfer", "labour.mediation"}
    assert Case.objects.get(pk=case.pk).due_at == end_of("2026-03-09")  # the earliest: 5 wd


def test_second_sweep_changes_nothing(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    accept(case, villager, at("2026-03-02", 10))
    with travel(at("2026-05-01", 9)):
        first = sweep.run(at("2026-05-01", 9))
        second = sweep.run(at("2026-05-01", 9))
    assert first.extra["statutory timers 法定时限"] == 1
    assert second.extra["statutory timers 法定时限"] == 0 and second.changes == 0


def test_labour_term_expiry_tells_the_parties_arbitration_is_open_once(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    from fengqiao.core.models import Outbox

    case = intake(
        grid_worker, territory.grid_a1, bodies.township, at("2026-03-02", 10), category="TJ1001"
    )
    step = "labour arbitration open 劳动争议调解期满告知仲裁"
    with travel(end_of("2026-03-17")):
        assert sweep.run(end_of("2026-03-17")).extra[step] == 0
    with travel(at("2026-03-18", 0, 0, 1)):
        first = sweep.run(at("2026-03-18", 0, 0, 1))
    with travel(at("2026-03-19", 9)):
        second = sweep.run(at("2026-03-19", 9))
    assert first.extra[step] == 1 and second.extra[step] == 0
    told = Outbox.objects.get(case=case, topic="mediation.routes_told")
    assert told.payload["reason"] == "labour_term_expired"
    assert "劳动争议仲裁委员会" in told.payload["routes"]
    row = CaseTransition.objects.get(case=case, action="labour_arbitration_open")
    assert "劳动争议调解仲裁法" in row.reason and "第十四条" in row.reason


def test_labour_dispute_settled_in_time_is_not_told(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    township = member("township_m", bodies.township)
    case = intake(
        grid_worker, territory.grid_a1, bodies.township, at("2026-03-02", 10), category="TJ1001"
    )
    case = to_mediating(
        accept(case, township, at("2026-03-02", 11)),
        township,
        bodies.mediators["township"],
        at("2026-03-03", 9),
    )
    settle(case, township, at("2026-03-10", 9), form="oral")
    assert timer(case, "labour.mediation").met is True
    with travel(at("2026-03-20", 9)):
        sweep.run(at("2026-03-20", 9))
    assert not CaseTransition.objects.filter(case=case, action="labour_arbitration_open").exists()

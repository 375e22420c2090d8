"""Rules 23–30 pinned at their boundaries through the mediation actions and the sweep: the last
day passes, the next day is overdue (or refused). Dates are 2026, on the official calendar
(国庆 10月1日–7日, 10月10日 调休上班; 劳动节 5月1日–5日; 清明 4月4日–6日)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.errors import CaseError, Invalid
from fengqiao.cases.models import Case, CaseTransition
from fengqiao.core.models import Outbox
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import Agreement, AgreementStatus, Dispute, ReferralType
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.mediation.tests.helpers import (
    accept,
    intake,
    overdue_after_sweep,
    refused,
    settle,
    timer,
    to_mediating,
)
from fengqiao.procedures.testing import at, end_of, travel
from fengqiao.testing import Territory

# ------------------------------------------------------------------ rule 24: terms


def test_rule24_peoples_mediation_one_month(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-16", 9))
    case = accept(case, villager, at("2026-03-16", 15))
    clock = timer(case, "mediation.people")
    assert clock.due_at == end_of("2026-04-16") and clock.primary
    assert Case.objects.get(pk=case.pk).due_at == end_of("2026-04-16")
    assert not overdue_after_sweep(case, "mediation.people", end_of("2026-04-16"))
    assert overdue_after_sweep(case, "mediation.people", at("2026-04-17", 0, 0, 1))
    assert CaseTransition.objects.filter(case=case, action="timer_overdue").count() == 1
    assert Outbox.objects.filter(
        case=case, topic="timer.overdue", recipient=f"unit:{bodies.village.code}"
    ).exists()


@pytest.mark.parametrize(
    ("referral_type", "procedure", "code", "last_day"),
    [
        (ReferralType.DELEGATED, "", "court.delegated_mediation", "2026-04-01"),
        (ReferralType.ENTRUSTED, "ordinary", "court.entrusted_mediation_ordinary", "2026-03-17"),
        (
            ReferralType.ENTRUSTED,
            "simplified",
            "court.entrusted_mediation_simplified",
            "2026-03-09",
        ),
    ],
)
def test_rule24_court_referral_terms(
    territory: Territory,
    county_operator: User,
    bodies: Bodies,
    referral_type: str,
    procedure: str,
    code: str,
    last_day: str,
) -> None:
    from fengqiao.mediation.tests.helpers import draft

    with travel(at("2026-03-01", 9)):
        case = m.do_intake_court_referral(
            draft(territory.grid_a1),
            m.ReferralDraft(
                court=bodies.court,
                referral_type=referral_type,
                procedure=procedure,
                route=bodies.route,
            ),
            actor=county_operator,
        ).case
    # the clock starts when the mediator signs for the file (法释〔2016〕14号 第二十七条)
    assert timer(case, code) is None
    case = accept(case, member("centre_m", bodies.centre), at("2026-03-02", 10))
    assert timer(case, code).due_at == end_of(last_day)
    assert not overdue_after_sweep(case, code, end_of(last_day))
    next_day = end_of(last_day) + __import__("datetime").timedelta(seconds=2)
    assert overdue_after_sweep(case, code, next_day)


# -------------------------------------------------------- rule 29: administrative mediation


def test_rule29_admin_acceptance_five_working_days_across_national_day(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.admin, at("2026-09-30", 10))
    # Oct 8, 9, 10 (调休上班 Saturday), 12, 13
    assert timer(case, "admin_mediation.accept").due_at == end_of("2026-10-13")
    assert timer(case, "admin_mediation.transfer").due_at == end_of("2026-10-10")
    assert not overdue_after_sweep(case, "admin_mediation.accept", end_of("2026-10-13"))
    assert overdue_after_sweep(case, "admin_mediation.accept", at("2026-10-14", 0, 0, 1))


def test_rule29_complex_case_ten_working_days(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    case = intake(
        grid_worker, territory.grid_a1, bodies.admin, at("2026-09-30", 10), is_complex=True
    )
    assert timer(case, "admin_mediation.accept_complex").due_at == end_of("2026-10-20")
    assert timer(case, "admin_mediation.accept") is None


def test_rule29_transfer_within_three_working_days(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    officer = member("admin_officer", bodies.admin)
    case = intake(grid_worker, territory.grid_a1, bodies.admin, at("2026-09-30", 10))
    with travel(end_of("2026-10-10")):
        m.do_object_dispute(case, actor=officer, reason="属人民调解范围，请转人民调解委员会")
    clock = timer(case, "admin_mediation.transfer")
    assert clock.met is True and clock.stopped_at == end_of("2026-10-10")


# ------------------------------------------------------------------ rule 30: labour disputes


def test_rule30_labour_mediation_fifteen_days(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    case = intake(
        grid_worker, territory.grid_a1, bodies.township, at("2026-03-02", 10), category="TJ1001"
    )
    assert Dispute.objects.get(case=case).is_labour
    clock = timer(case, "labour.mediation")
    assert clock.due_at == end_of("2026-03-17") and "劳动争议调解仲裁法" in clock.basis
    assert timer(case, "mediation.people") is None
    assert not overdue_after_sweep(case, "labour.mediation", end_of("2026-03-17"))
    assert overdue_after_sweep(case, "labour.mediation", at("2026-03-18", 0, 0, 1))


# ------------------------------------------------------------------ rule 23: refusal, failure, risk


def test_rule23_refusal_records_and_tells_other_routes(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = accept(case, villager, at("2026-03-02", 10))
    with travel(at("2026-03-03", 9)):
        case = m.do_decline(
            case,
            actor=villager,
            reason="被申请人明确表示拒绝调解",
            routes_told="仲裁、行政处理、诉讼",
        )
    assert case.status == "declined" and not case.is_open
    d = Dispute.objects.get(case=case)
    assert (
        d.declined_reason == "被申请人明确表示拒绝调解" and d.routes_told == "仲裁、行政处理、诉讼"
    )
    told = Outbox.objects.get(case=case, topic="mediation.routes_told")
    assert told.payload["routes"] == "仲裁、行政处理、诉讼"
    assert timer(case, "mediation.people").met is True


def test_rule23_failure_ends_with_routes_told(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-03"),
    )
    with travel(at("2026-03-05")):
        case = m.do_record_outcome(case, actor=villager, outcome="failure", reason="分歧过大")
        assert case.status == "failed" and case.resolved is False
        case = m.do_terminate(case, actor=villager, reason="调解不成", routes_told="劳动仲裁、诉讼")
    assert case.status == "terminated"
    assert Outbox.objects.filter(case=case, topic="mediation.routes_told").exists()


def test_rule23_escalation_risk_reported_to_police_at_once_and_counted_when_prevented(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    with pytest.raises(Invalid):  # a criminal risk must name the police station
        m.do_flag_risk(
            case, actor=grid_worker, criminal=True, group=False, police_unit=None, reason="扬言报复"
        )
    with travel(at("2026-03-02", 9, 30)):
        m.do_flag_risk(
            case,
            actor=grid_worker,
            criminal=True,
            group=True,
            police_unit=bodies.police,
            reason="扬言报复",
        )
    report = Outbox.objects.get(case=case, topic="mediation.police_report")
    assert report.recipient == f"unit:{bodies.police.code}" and report.available_at == at(
        "2026-03-02", 9, 30
    )
    assert "人民调解法第二十五条" in report.payload["basis"]
    assert "criminal_risk" in Case.objects.get(pk=case.pk).flags
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-03"),
    )
    settle(case, villager, at("2026-03-04"))
    d = Dispute.objects.get(case=case)
    assert d.prevented_criminal and d.prevented_criminal_people == 2
    assert d.prevented_group_petition and d.prevented_group_petition_people == 2


# ------------------------------------------------------------------ rule 25: the agreement


def test_rule25_agreement_contents_copies_and_effect(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-03"),
    )
    with travel(at("2026-03-04")), pytest.raises(Invalid) as missing:
        m.do_record_outcome(
            case,
            actor=villager,
            outcome="success",
            agreement=m.AgreementDraft(
                form="written", facts="", disputed_points="", terms=["x"], performance_manner=""
            ),
        )
    fields = {e["field"] for e in missing.value.errors}
    assert {
        "agreement.facts",
        "agreement.disputed_points",
        "agreement.performance_manner",
        "agreement.performance_deadline",
    } <= fields
    case = settle(case, villager, at("2026-03-04", 10))
    agreement = Agreement.objects.get(case=case)
    assert agreement.copies == 3  # two parties and the committee
    assert agreement.status == AgreementStatus.PENDING and agreement.effective_at is None
    assert timer(case, "judicial_confirmation.apply") is None  # not in effect yet
    with travel(at("2026-03-05")):
        m.do_sign_agreement(
            case,
            actor=villager,
            parties_signed_at=at("2026-03-04", 11),
            sealed_at=at("2026-03-04", 12),
        )
    agreement.refresh_from_db()
    assert (
        agreement.effective_at == at("2026-03-04", 12)
        and agreement.status == AgreementStatus.EFFECTIVE
    )


def test_rule25_oral_agreement_takes_effect_at_once(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-03"),
    )
    case = settle(case, villager, at("2026-03-04", 10), form="oral")
    agreement = Agreement.objects.get(case=case)
    assert (
        agreement.effective_at == at("2026-03-04", 10)
        and agreement.status == AgreementStatus.EFFECTIVE
    )
    assert timer(case, "judicial_confirmation.apply").started_at == at("2026-03-04", 10)


# ------------------------------------------------------------------ rule 26: 司法确认


def _effective(territory: Territory, grid_worker: User, villager: User, bodies: Bodies) -> Case:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-01", 9))
    case = to_mediating(
        accept(case, villager, at("2026-03-01", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-01", 11),
    )
    return settle(case, villager, at("2026-03-02", 17), form="oral")


@pytest.mark.parametrize(
    ("when", "allowed"), [(end_of("2026-04-01"), True), (at("2026-04-02", 0, 0, 1), False)]
)
def test_rule26_joint_application_within_thirty_days(
    territory: Territory,
    grid_worker: User,
    villager: User,
    bodies: Bodies,
    when: object,
    allowed: bool,
) -> None:
    case = _effective(territory, grid_worker, villager, bodies)
    assert timer(case, "judicial_confirmation.apply").due_at == end_of("2026-04-01")
    with travel(when):  # type: ignore[arg-type]
        with refused("共同申请"):
            m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=False)
        if allowed:
            assert (
                m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=True).status
                == "confirmation_applied"
            )
        else:
            with refused("已超过申请司法确认的期限"):
                m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=True)


def test_rule26_court_accepts_in_three_days_and_decides_in_fifteen_plus_ten(
    territory: Territory, grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> None:
    case = _effective(territory, grid_worker, villager, bodies)
    with travel(at("2026-03-09", 9)):
        case = m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=True)
    assert timer(case, "judicial_confirmation.accept").due_at == end_of("2026-03-12")
    assert not overdue_after_sweep(case, "judicial_confirmation.accept", end_of("2026-03-12"))
    assert overdue_after_sweep(case, "judicial_confirmation.accept", at("2026-03-13", 0, 0, 1))
    with travel(at("2026-03-13", 9)):
        case = m.do_accept_confirmation(
            case, actor=court_clerk, court_case_no="（2026）甘0102民特3号"
        )
    assert timer(case, "judicial_confirmation.accept").met is False  # accepted a day late
    assert timer(case, "judicial_confirmation.decide").due_at == end_of("2026-03-28") + (
        end_of("2026-03-30") - end_of("2026-03-28")
    )
    with travel(at("2026-03-20", 9)):
        with refused("批准"):
            m.do_extend_confirmation(case, actor=court_clerk, approved_by=" ", reason="案情复杂")
        case = m.do_extend_confirmation(
            case, actor=court_clerk, approved_by="院长", reason="需要核实"
        )
        # +10 days from 03-30 → 04-09
        assert timer(case, "judicial_confirmation.decide").due_at == end_of("2026-04-09")
        with refused("最多延长1次"):
            m.do_extend_confirmation(case, actor=court_clerk, approved_by="院长", reason="再延")
    assert not overdue_after_sweep(case, "judicial_confirmation.decide", end_of("2026-04-09"))
    assert overdue_after_sweep(case, "judicial_confirmation.decide", at("2026-04-10", 0, 0, 1))
    with travel(at("2026-04-10", 9)):
        case = m.do_reject_confirmation(case, actor=court_clerk, reason="协议内容违反法律规定")
        assert case.status == "confirmation_rejected" and case.lead_unit_id == bodies.village.pk
        case = m.do_remediate(case, actor=villager, reason="重新调解")
    assert case.status == "assigned"
    assert Agreement.objects.get(case=case).status == AgreementStatus.SUPERSEDED
    assert timer(case, "mediation.people").started_at == at("2026-04-10", 9)


def test_rule26_court_may_refuse_the_application(
    territory: Territory, grid_worker: User, villager: User, court_clerk: User, bodies: Bodies
) -> None:
    case = _effective(territory, grid_worker, villager, bodies)
    with travel(at("2026-03-09", 9)):
        case = m.do_apply_confirmation(case, actor=villager, court=bodies.court, joint=True)
        with pytest.raises(CaseError):  # the committee cannot act for the court
            m.do_accept_confirmation(case, actor=villager, court_case_no="x")
        case = m.do_refuse_application(case, actor=court_clerk, reason="不属本院管辖")
    assert case.status == "agreed" and case.lead_unit_id == bodies.village.pk


# ------------------------------------------------------------------ rule 28: 繁简分流


@pytest.fixture
def wage(territory: Territory) -> None:
    from fengqiao.mediation.models import AverageWage

    # Test figure, not a published statistic.
    AverageWage.objects.create(
        province=territory.province,
        year=2025,
        amount=Decimal("100000.00"),
        source_document="测试数据（非真实统计数字）",
    )


@pytest.mark.parametrize(
    ("amount", "category", "first", "consent"),
    [
        ("50000.00", "TJ04", "small_claims", False),
        ("50000.01", "TJ04", "simplified", True),
        ("200000.00", "TJ04", "simplified", True),
        ("200000.01", "TJ04", "simplified", None),
        ("100.00", "TJ0101", "simplified", None),  # 婚姻纠纷: 人身关系, never small claims
    ],
)
def test_rule28_small_claims_threshold_is_half_the_provincial_wage(
    territory: Territory, wage: None, amount: str, category: str, first: str, consent: bool | None
) -> None:
    from fengqiao.cases.actions import do_register
    from fengqiao.mediation.tests.helpers import draft
    from fengqiao.mediation.tracks import suggest

    d = draft(territory.grid_a1, category, Decimal(amount))
    case = do_register(d, actor=None).case
    result = suggest(case, on=__import__("datetime").date(2026, 6, 1))
    assert result.threshold == Decimal("50000.00") and result.consent_threshold == Decimal(
        "200000.00"
    )
    assert result.options[0].track == first
    small = [o for o in result.options if o.track == "small_claims"]
    if consent is None:
        assert not small
    else:
        assert small[0].needs_consent is consent
        assert "2个月" in small[0].trial_limit


def test_rule28_without_the_wage_figure_no_small_claims_suggestion(territory: Territory) -> None:
    from fengqiao.cases.actions import do_register
    from fengqiao.mediation.tests.helpers import draft
    from fengqiao.mediation.tracks import suggest

    case = do_register(draft(territory.grid_a1, "TJ04", Decimal("10")), actor=None).case
    result = suggest(case, on=__import__("datetime").date(2026, 6, 1))
    assert result.threshold is None and "未录入2025年度" in result.notes[0]


# ------------------------------------------------------------------ rule 27 and the sweep


def test_rule27_statistics_count_each_dispute_once_and_each_handoff(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    from fengqiao.mediation.stats import dispute_table

    township = member("township_m", bodies.township)
    case = intake(
        grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9), category="TJ0601"
    )
    case = accept(case, villager, at("2026-03-02", 10))
    with travel(at("2026-03-03")):
        case = m.do_transfer(
            case, actor=villager, to_org=bodies.township, reason="涉及多个村，移交街道调委会"
        )
    case = accept(case, township, at("2026-03-03", 11))
    case = to_mediating(case, township, bodies.mediators["township"], at("2026-03-04"))
    settle(case, township, at("2026-03-05"))
    table = dispute_table(Case.objects.all())
    assert table.disputes == 1 and table.handoffs == 1
    row = table.rows[0]
    assert (row.code, row.disputes, row.succeeded, row.agreement_amount) == (
        "TJ06",
        1,
        1,
        Decimal("100"),
    )
    assert table.by_source["申请调解"] == 1


def test_sweep_twice_changes_nothing_the_second_time(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    from fengqiao.cases import sweep

    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-16", 9))
    accept(case, villager, at("2026-03-16", 15))
    with travel(at("2026-05-01")):
        first = sweep.run(at("2026-05-01"))
        second = sweep.run(at("2026-05-01"))
    assert first.changes > 0 and second.changes == 0

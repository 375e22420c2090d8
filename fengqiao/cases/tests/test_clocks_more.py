"""More clocks on real 2026 dates (chinesecalendar 1.11, the State Council's 2026 notice:
中秋 Sep 25–27 off; 国庆 Oct 1–7 off, Saturday Oct 10 a make-up workday): what restarts a
clock and what does not, pauses across holidays, every way an extension is decided, and the
sweep's levels on working days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fengqiao.accounts.models import User
from fengqiao.cases import sweep
from fengqiao.cases.models import Assignment, Case, ExtensionRequest, SupervisionLevel
from fengqiao.cases.tests.conftest import Api, Units
from fengqiao.cases.tests.test_deadlines import at, dispatch_at, end_of, on
from fengqiao.cases.tests.test_sweep import run_twice
from fengqiao.core.models import Outbox


def _handling(case_id: int, handler: User, moment: Any) -> None:
    with on(moment):
        env = Api(handler)
        assert env.act(case_id, "sign").status_code == 200
        assert env.act(case_id, "start").status_code == 200


def test_registration_alone_starts_no_work_order_clock(town_operator: User, units: Units) -> None:
    # hotline.default starts at dispatch, not at registration
    with on(at("2026-09-30")):
        created = Api(town_operator).create()
    case = Case.objects.get(pk=created.json()["id"])
    assert case.due_at is None and case.clock_started_at is None
    assert created.json()["due_at"] is None


def test_redispatch_does_not_restart_the_clock(
    town_operator: User, units: Units, env_handler: User
) -> None:
    case_id, case = dispatch_at(at("2026-09-30"), town_operator, units)
    assert case.due_at == end_of("2026-10-13")
    with on(at("2026-10-09")):
        Api(env_handler).act(case_id, "object", {"reason": "属于物业管理"})
        moved = Api(town_operator).act(
            case_id, "redispatch", {"lead": {"unit_id": units.housing.pk}, "reason": "改派"}
        )
        assert moved.status_code == 200
    case.refresh_from_db()
    assert case.due_at == end_of("2026-10-13")
    assert case.clock_started_at == at("2026-09-30")
    # the new lead inherits the case's deadline
    lead = Assignment.objects.get(case=case, unit=units.housing)
    assert lead.due_at == case.due_at


def test_a_pause_over_the_national_day_costs_only_the_working_days_it_touches(
    town_operator: User, units: Units, env_handler: User
) -> None:
    # dispatched Mon 2026-09-28: Sep 29 (1), 30 (2), Oct 8 (3), 9 (4), Sat 10 (5)
    case_id, case = dispatch_at(at("2026-09-28"), town_operator, units)
    assert case.due_at == end_of("2026-10-10")
    _handling(case_id, env_handler, at("2026-09-29"))
    # paused on Wed Sep 30, resumed Thu Oct 8: the holiday week is not counted, Sep 30 and
    # Oct 8 are; the deadline moves by two working days: Oct 12 (1), 13 (2)
    with on(at("2026-09-30", "15:00")):
        assert (
            Api(env_handler)
            .act(case_id, "pause", {"reason": "等待群众提供施工时间记录"})
            .status_code
            == 200
        )
    paused = Case.objects.get(pk=case_id)
    assert paused.paused_at == at("2026-09-30", "15:00") and paused.is_open
    with on(at("2026-10-08", "09:00")):
        assert Api(env_handler).act(case_id, "resume").status_code == 200
    case.refresh_from_db()
    assert case.due_at == end_of("2026-10-13") and case.paused_at is None


def test_a_pause_resumed_after_the_old_deadline(
    town_operator: User, units: Units, env_handler: User
) -> None:
    case_id, _ = dispatch_at(at("2026-11-02"), town_operator, units)  # Monday
    case = Case.objects.get(pk=case_id)
    assert case.due_at == end_of("2026-11-09")
    _handling(case_id, env_handler, at("2026-11-03"))
    with on(at("2026-11-06", "10:00")):  # Friday
        Api(env_handler).act(case_id, "pause", {"reason": "等待群众"})
    # the sweep on Nov 12 leaves the paused case alone, although its old deadline passed
    assert run_twice(at("2026-11-12")).overdue == 0
    with on(at("2026-11-12", "10:00")):  # Thursday
        Api(env_handler).act(case_id, "resume")
    # touched working days up to the old deadline: Nov 6 and Nov 9 → two more: Nov 10, 11
    case.refresh_from_db()
    assert case.due_at == end_of("2026-11-11")
    # it is already late: the next sweep flags it
    summary = run_twice(at("2026-11-12", "10:05"))
    assert summary.overdue == 1
    case.refresh_from_db()
    assert case.is_overdue and case.overdue_at == at("2026-11-12", "10:05")


def test_extension_to_the_requested_date(
    town_operator: User, units: Units, env_handler: User
) -> None:
    case_id, _ = dispatch_at(at("2026-09-30"), town_operator, units)
    _handling(case_id, env_handler, at("2026-10-08"))
    with on(at("2026-10-09")):
        env = Api(env_handler)
        asked = env.act(
            case_id,
            "extension",
            {"reason": "需协调供电部门", "requested_due_at": "2026-10-20T17:30:00+08:00"},
        )
        assert asked.status_code == 200 and asked.json()["status"] == "extension_requested"
        # a second request while one is pending is refused by the table
        assert env.act(case_id, "extension", {"reason": "再申请"}).status_code == 409
        approved = Api(town_operator).act(case_id, "extension/approve", {"note": "同意"})
    assert approved.status_code == 200, approved.content
    case = Case.objects.get(pk=case_id)
    assert case.status == "handling" and case.due_at == at("2026-10-20", "17:30")
    request = ExtensionRequest.objects.get(case=case)
    assert request.status == "approved" and request.new_due_at == case.due_at
    assert request.previous_due_at == end_of("2026-10-13")
    assert request.decided_by == town_operator and request.decision_note == "同意"
    lead = Assignment.objects.get(case=case, role="lead")
    assert lead.due_at == case.due_at and lead.due_basis == "批准延期"
    row = case.transitions.get(action="approve_extension")
    assert dt.datetime.fromisoformat(row.data["due_at"]) == at("2026-10-20", "17:30")


def test_extension_without_a_date_and_without_a_rule_asks_for_one(
    town_operator: User, units: Units, env_handler: User
) -> None:
    case_id, _ = dispatch_at(at("2026-09-30"), town_operator, units)
    _handling(case_id, env_handler, at("2026-10-08"))
    with on(at("2026-10-09")):
        env = Api(env_handler)
        env.act(case_id, "extension", {"reason": "需协调"})
        operator = Api(town_operator)
        # no date, no amount, and hotline.default has no '.extension' rule
        missing = operator.act(case_id, "extension/approve", {})
        assert missing.status_code == 422
        assert missing.json()["errors"][0]["field"] == "new_due_at"
        # an amount without its unit
        half = operator.act(case_id, "extension/approve", {"extra_amount": 3})
        assert half.status_code == 422
        assert half.json()["errors"][0]["field"] == "extra_unit"
        bad_unit = operator.act(
            case_id, "extension/approve", {"extra_amount": 3, "extra_unit": "weeks"}
        )
        assert bad_unit.status_code == 422
        assert Case.objects.get(pk=case_id).status == "extension_requested"
        # calendar days over the make-up Saturday: Oct 14, 15, 16
        done = operator.act(
            case_id, "extension/approve", {"extra_amount": 3, "extra_unit": "calendar_days"}
        )
    assert done.status_code == 200, done.content
    assert Case.objects.get(pk=case_id).due_at == end_of("2026-10-16")


def test_approving_an_extension_lifts_the_overdue_flag_until_the_new_deadline(
    town_operator: User, units: Units, env_handler: User
) -> None:
    case_id, _ = dispatch_at(at("2026-09-30"), town_operator, units)
    _handling(case_id, env_handler, at("2026-10-08"))
    assert run_twice(at("2026-10-14", "09:00")).overdue == 1
    with on(at("2026-10-14", "10:00")):
        env = Api(env_handler)
        env.act(case_id, "extension", {"reason": "需协调供电部门"})
        approved = Api(town_operator).act(
            case_id, "extension/approve", {"extra_amount": 2, "extra_unit": "working_days"}
        )
    assert approved.status_code == 200
    case = Case.objects.get(pk=case_id)
    assert case.due_at == end_of("2026-10-15") and not case.is_overdue
    # supervision already raised stays (levels never go down)
    assert case.supervision_level == SupervisionLevel.URGE
    assert run_twice(at("2026-10-15", "20:00")).overdue == 0
    assert run_twice(at("2026-10-16", "08:00")).overdue == 1


def test_refused_extension_leaves_the_request_refused_and_the_clock(
    town_operator: User, units: Units, env_handler: User
) -> None:
    case_id, case = dispatch_at(at("2026-09-30"), town_operator, units)
    _handling(case_id, env_handler, at("2026-10-08"))
    with on(at("2026-10-09")):
        env = Api(env_handler)
        env.act(case_id, "extension", {"reason": "需协调"})
        # only the centre decides; the lead unit may not approve its own request
        own = env.act(case_id, "extension/approve", {"new_due_at": "2026-10-30T17:00:00+08:00"})
        assert own.status_code == 403
        short = Api(town_operator).act(case_id, "extension/refuse", {"note": ""})
        assert short.status_code == 422
        refused = Api(town_operator).act(case_id, "extension/refuse", {"note": "理由不充分"})
    assert refused.status_code == 200
    request = ExtensionRequest.objects.get(case_id=case_id)
    assert (request.status, request.decision_note) == ("refused", "理由不充分")
    assert Case.objects.get(pk=case_id).due_at == case.due_at
    # the unit may ask again, with a better reason
    with on(at("2026-10-12")):
        again = Api(env_handler).act(
            case_id, "extension", {"reason": "供电部门书面回复需三个工作日"}
        )
    assert again.status_code == 200
    assert ExtensionRequest.objects.filter(case_id=case_id, status="pending").count() == 1


def test_supervision_thresholds_count_working_days_across_the_holiday(
    town_operator: User, units: Units, env_handler: User
) -> None:
    # dispatched Mon 2026-09-21: due Sep 28 (22, 23, 24, 28, 29? no: 中秋 25–27 are off)
    case_id, case = dispatch_at(at("2026-09-21"), town_operator, units)
    # Sep 22 (1), 23 (2), 24 (3), 28 (4), 29 (5)
    assert case.due_at == end_of("2026-09-29")
    _handling(case_id, env_handler, at("2026-09-22"))
    # Sep 30: overdue and 催办 (one calendar day after the deadline)
    first = run_twice(at("2026-09-30", "09:00"))
    assert (first.overdue, first.supervised) == (1, 1)
    # Oct 8 is only the second working day late (Sep 30, Oct 8): still 催办
    assert run_twice(at("2026-10-08", "09:00")).supervised == 0
    # five working days late: Sep 30, Oct 8, 9, Sat 10, 12 → 督办 on Oct 12
    assert run_twice(at("2026-10-11", "09:00")).supervised == 0
    second = run_twice(at("2026-10-12", "09:00"))
    assert second.supervised == 1
    assert Case.objects.get(pk=case_id).supervision_level == SupervisionLevel.SUPERVISE


def test_the_sweep_never_lowers_what_an_operator_raised(town_operator: User, units: Units) -> None:
    case_id, _ = dispatch_at(at("2026-09-30"), town_operator, units)
    with on(at("2026-10-09")):
        raised = Api(town_operator).post(
            f"/api/v1/cases/{case_id}/supervise", {"level": 3, "reason": "媒体曝光，挂牌督办"}
        )
    assert raised.status_code == 200 and raised.json()["supervision_level"] == 3
    summary = run_twice(at("2026-10-30"))
    assert summary.overdue == 1 and summary.supervised == 0
    case = Case.objects.get(pk=case_id)
    assert case.supervision_level == SupervisionLevel.LISTED
    assert case.transitions.filter(action="supervise").count() == 1


def test_overdue_flag_is_written_once_with_its_timeline_and_notices(
    town_operator: User, units: Units
) -> None:
    case_id, _ = dispatch_at(at("2026-09-30"), town_operator, units)
    run_twice(at("2026-10-14", "08:00"))
    run_twice(at("2026-10-15", "08:00"))
    case = Case.objects.get(pk=case_id)
    assert case.overdue_at == at("2026-10-14", "08:00")
    assert case.transitions.filter(action="mark_overdue").count() == 1
    assert sorted(
        Outbox.objects.filter(case=case, topic="case.overdue").values_list("recipient", flat=True)
    ) == [f"region:{case.region.code}", f"unit:{units.env.code}"]
    # listed by the overdue filter
    rows = Api(town_operator).get("/api/v1/cases/", overdue="true").json()["items"]
    assert [r["id"] for r in rows] == [case_id]


def test_sweep_leaves_merged_cases_alone(town_operator: User, units: Units) -> None:
    with on(at("2026-09-30")):
        api = Api(town_operator)
        parent = api.create().json()["id"]
        child = api.create().json()["id"]
        assert api.act(child, "merge", {"into_id": parent}).status_code == 200
    Case.objects.filter(pk=child).update(due_at=at("2026-10-01"))
    summary = sweep.run(now=at("2026-12-01"))
    assert summary.overdue == 0
    assert not Case.objects.get(pk=child).is_overdue

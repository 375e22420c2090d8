"""Clocks on real dates, computed by the rules app through `fengqiao/cases/deadlines.py`.

The shipped rule for 12345 orders is `hotline.default`: 5 working days from dispatch (济南市12345
条例 第二十四条; 潍坊条例 第二十条; rule 12). The dates below are from the State Council's 2026
holiday notice as packaged in `chinesecalendar` 1.11: 中秋 Sep 25–27 off; 国庆 Oct 1–7 off,
Saturday Oct 10 a make-up workday. Counting (docs/clocks.md §3): the start day is not counted;
the order falls due at 23:59:59 on the last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from fengqiao.accounts.models import User
from fengqiao.cases.models import Assignment, Case
from fengqiao.cases.tests.conftest import Api, Units
from fengqiao.core.models import Outbox
from fengqiao.rules.actions import (
    do_add_clock_rule,
    do_record_calendar_year,
    do_set_calendar_override,
)
from fengqiao.rules.models import ClockRule, DurationUnit

CST = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}:00").replace(tzinfo=CST)


def end_of(day: str) -> dt.datetime:
    return at(day, "23:59:59")


@contextmanager
def on(moment: dt.datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def dispatch_at(
    moment: dt.datetime, operator: User, units: Units, **overrides: Any
) -> tuple[int, Case]:
    with on(moment):
        api = Api(operator)
        created = api.create(**overrides)
        assert created.status_code == 201, created.content
        case_id = created.json()["id"]
        api.act(case_id, "accept")
        response = api.act(case_id, "dispatch", {"lead": {"unit_id": units.env.pk}})
        assert response.status_code == 200, response.content
    return case_id, Case.objects.get(pk=case_id)


def test_five_working_days_skip_national_day_and_count_the_makeup_saturday(
    town_operator: User, units: Units
) -> None:
    # filed and dispatched on Wednesday 2026-09-30: Oct 8 (1), 9 (2), Sat 10 (3), 12 (4), 13 (5)
    case_id, case = dispatch_at(at("2026-09-30"), town_operator, units)
    assert case.due_at == end_of("2026-10-13")
    assert case.clock_rule is not None and case.clock_rule.code == "hotline.default"
    assert "济南" in case.due_basis and not case.due_uncertain
    lead = Assignment.objects.get(case=case, role="lead")
    assert lead.due_at == case.due_at
    # the hour of filing does not matter (the start day is never counted)
    _, late = dispatch_at(at("2026-09-30", "22:30"), town_operator, units)
    assert late.due_at == end_of("2026-10-13")


def test_filed_during_the_mid_autumn_holiday(town_operator: User, units: Units) -> None:
    # Saturday 2026-09-26 is a holiday: Sep 28 (1), 29 (2), 30 (3), Oct 8 (4), 9 (5)
    _, case = dispatch_at(at("2026-09-26"), town_operator, units)
    assert case.due_at == end_of("2026-10-09")


def test_running_into_2027_warns_until_the_schedule_is_entered(
    town_operator: User, units: Units, auditor: User
) -> None:
    # no package covers 2027: Jan 1 is guessed as a working Friday and the due date is flagged
    case_id, case = dispatch_at(at("2026-12-28"), town_operator, units)
    assert case.due_at == end_of("2027-01-04")
    assert case.due_uncertain
    assert "2027年1月1日" in case.due_warning and "待核实" in case.due_warning
    detail = Api(town_operator).case(case_id)
    assert detail["due_uncertain"] is True and "待核实" in detail["due_warning"]

    # an administrator enters 元旦 2027 and records the year: the clock is certain again
    for day in ("2027-01-01", "2027-01-02", "2027-01-03"):
        do_set_calendar_override(
            actor=None,
            day=dt.date.fromisoformat(day),
            is_workday=False,
            name="元旦",
            source_document="国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
        )
    do_record_calendar_year(
        actor=None,
        year=2027,
        source_document="国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
    )
    _, entered = dispatch_at(at("2026-12-28"), town_operator, units)
    assert entered.due_at == end_of("2027-01-05")
    assert not entered.due_uncertain and entered.due_warning == ""


def test_urgent_and_utility_orders_run_their_hour_clocks(town_operator: User, units: Units) -> None:
    _, urgent = dispatch_at(at("2026-11-02"), town_operator, units, urgency="urgent")
    assert urgent.clock_rule is not None and urgent.clock_rule.code == "hotline.urgent"
    assert urgent.due_at == at("2026-11-02", "12:00")
    _, water = dispatch_at(at("2026-11-02"), town_operator, units, category_code="RX0301")
    assert water.clock_rule is not None and water.clock_rule.code == "hotline.utility"
    assert water.due_at == at("2026-11-03")


def test_a_local_rule_for_complaints_wins_in_its_region(
    town_operator: User, units: Units, territory: Any
) -> None:
    # a county sets 15 working days for complaints (中山-style variant, rule 12)
    do_add_clock_rule(
        ClockRule(
            code="hotline.default",
            name="投诉类工单办理时限（区级）",
            case_kind="hotline",
            category="投诉",
            start_event="dispatched",
            duration=15,
            unit=DurationUnit.WORKING_DAYS,
            region=territory.county,
            effective_from=dt.date(2026, 1, 1),
            issuing_authority="城关区政务服务中心（测试数据）",
            source_document="测试用地方规定",
        ),
        actor=None,
    )
    _, complaint = dispatch_at(at("2026-11-02"), town_operator, units, request_type="complaint")
    _, consult = dispatch_at(at("2026-11-02"), town_operator, units, request_type="consult")
    assert complaint.due_at == end_of("2026-11-23")
    assert consult.due_at == end_of("2026-11-09")


def test_pause_for_the_citizen_does_not_count(
    town_operator: User, units: Units, env_handler: User
) -> None:
    case_id, _ = dispatch_at(at("2026-09-30"), town_operator, units)
    with on(at("2026-10-08", "09:00")):
        env = Api(env_handler)
        env.act(case_id, "sign")
        env.act(case_id, "start")
    with on(at("2026-10-09", "16:00")):
        assert (
            Api(env_handler).act(case_id, "pause", {"reason": "等待群众补充证明"}).status_code
            == 200
        )
    # the sweep does not mark a paused case overdue, even past its old deadline
    with on(at("2026-10-10", "09:00")):
        resumed = Api(env_handler).act(case_id, "resume")
    assert resumed.status_code == 200
    # Oct 9 and Oct 10 (make-up Saturday) were touched by the pause: two working days more
    case = Case.objects.get(pk=case_id)
    assert case.due_at == end_of("2026-10-15") and case.paused_at is None
    row = case.transitions.get(action="resume")
    assert row.data["paused_since"].startswith("2026-10-09T08:00")


def test_extension_counted_on_the_calendar(
    town_operator: User, units: Units, env_handler: User
) -> None:
    case_id, _ = dispatch_at(at("2026-09-30"), town_operator, units)
    with on(at("2026-10-12")):
        env, operator = Api(env_handler), Api(town_operator)
        env.act(case_id, "sign")
        env.act(case_id, "start")
        early = env.act(
            case_id,
            "extension",
            {"reason": "需协调", "requested_due_at": "2026-10-12T17:00:00+08:00"},
        )
        assert early.status_code == 422
        assert env.act(case_id, "extension", {"reason": "需协调供电部门"}).status_code == 200
        not_later = operator.act(
            case_id, "extension/approve", {"new_due_at": "2026-10-13T12:00:00+08:00"}
        )
        assert not_later.status_code == 422
        assert not_later.json()["errors"][0]["field"] == "new_due_at"
        approved = operator.act(
            case_id, "extension/approve", {"extra_amount": 3, "extra_unit": "working_days"}
        )
    assert approved.status_code == 200, approved.content
    case = Case.objects.get(pk=case_id)
    assert case.due_at == end_of("2026-10-16")
    assert Assignment.objects.get(case=case, role="lead").due_at == case.due_at
    assert Outbox.objects.filter(case=case, topic="citizen.extension_notice").exists()


def test_without_a_rule_the_dispatchers_deadline_is_the_cases(
    grid_worker: User, town_operator: User, units: Units
) -> None:
    # no grid-event clock is shipped (rule 6 names none): the dispatcher sets one
    with on(at("2026-11-02")):
        worker, operator = Api(grid_worker), Api(town_operator)
        case_id = worker.create(
            kind="grid_event", channel="grid_patrol", category_code="WG03"
        ).json()["id"]
        worker.act(case_id, "report")
        operator.act(
            case_id,
            "dispatch",
            {"lead": {"unit_id": units.street.pk, "due_at": "2026-11-04T18:00:00+08:00"}},
        )
    case = Case.objects.get(pk=case_id)
    assert case.due_at == at("2026-11-04", "18:00") and case.due_basis == "派单人指定"
    assert case.clock_rule is None

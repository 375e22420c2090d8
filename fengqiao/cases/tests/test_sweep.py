"""`fengqiao sweep`: overdue, supervision (rule 15), escalation (rules 8, 15), outbox (REL-04);
and a second run right after the first changes nothing."""

from __future__ import annotations

import io
import uuid
from typing import Any

import time_machine
from django.core.management import call_command
from django.db.models import Model

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases import outbox, sweep
from fengqiao.cases.models import (
    Case,
    CaseTransition,
    IdempotencyKey,
    Notification,
    SupervisionLevel,
)
from fengqiao.cases.tests.conftest import Api, Units
from fengqiao.cases.tests.test_deadlines import at, dispatch_at, on
from fengqiao.core.models import Outbox
from fengqiao.regions.models import Level


def snapshot() -> dict[str, Any]:
    """Everything a sweep may change, to compare two runs."""
    tables: list[type[Model]] = [Case, CaseTransition, Outbox, Notification, AuditEntry]
    return {m.__name__: list(m._default_manager.order_by("pk").values()) for m in tables}


def run_twice(moment: Any) -> sweep.Summary:
    with on(moment):
        first = sweep.run()
        before = snapshot()
        second = sweep.run()
        assert second.changes == 0, second
        assert snapshot() == before
    return first


def test_overdue_supervision_and_escalation_step_by_step(
    town_operator: User, units: Units, territory: Any
) -> None:
    case_id, case = dispatch_at(at("2026-09-30"), town_operator, units)
    assert case.due_at is not None

    # on the last day, late in the evening: nothing is overdue yet (only notifications go out)
    quiet = run_twice(at("2026-10-13", "23:59"))
    assert (quiet.overdue, quiet.supervised, quiet.escalated) == (0, 0, 0)
    assert quiet.delivered > 0

    # the next morning: overdue, and 催办 the day after expiry
    first = run_twice(at("2026-10-14", "08:00"))
    assert (first.overdue, first.supervised, first.escalated) == (1, 1, 0)
    case.refresh_from_db()
    assert case.is_overdue and case.supervision_level == SupervisionLevel.URGE

    # more than 5 working days late (Oct 14–16, 19–22): 督办, watched by the county
    second = run_twice(at("2026-10-22", "08:00"))
    assert (second.overdue, second.supervised, second.escalated) == (0, 1, 1)
    case.refresh_from_db()
    assert case.supervision_level == SupervisionLevel.SUPERVISE
    assert case.escalated_to == territory.county

    # 10 working days late: 挂牌督办, watched by the city
    third = run_twice(at("2026-10-28", "08:00"))
    assert (third.supervised, third.escalated) == (1, 1)
    case.refresh_from_db()
    assert case.supervision_level == SupervisionLevel.LISTED
    assert case.escalated_to == territory.city

    actions = list(case.transitions.order_by("pk").values_list("action", flat=True))
    assert actions[-6:] == [
        "mark_overdue", "supervise", "supervise", "escalate", "supervise", "escalate",
    ]  # fmt: skip
    supervise = case.transitions.filter(action="supervise").first()
    assert supervise is not None and "宜兴" in supervise.data["basis"]
    assert Notification.objects.filter(
        topic="case.escalated", recipient=f"region:{territory.city.code}"
    ).exists()


def test_red_risk_is_escalated_at_once(api_for: Any, town_operator: User, units: Units) -> None:
    created = api_for(town_operator).create(risk_colour="red", flags=["group"])
    case = Case.objects.get(pk=created.json()["id"])
    assert Outbox.objects.filter(case=case, topic="case.red_risk").exists()
    summary = sweep.run()
    second = sweep.run()
    assert summary.escalated == 1 and second.changes == 0
    case.refresh_from_db()
    assert case.escalated_to is not None and case.escalated_to.level == Level.COUNTY


def test_paused_cases_do_not_go_overdue(
    town_operator: User, units: Units, env_handler: User
) -> None:
    case_id, _ = dispatch_at(at("2026-09-30"), town_operator, units)
    with on(at("2026-10-09")):
        env = Api(env_handler)
        env.act(case_id, "sign")
        env.act(case_id, "start")
        env.act(case_id, "pause", {"reason": "等待群众补充材料"})
    summary = run_twice(at("2026-10-20"))
    assert summary.overdue == 0
    assert not Case.objects.get(pk=case_id).is_overdue


def test_closed_cases_are_left_alone(api_for: Any, town_operator: User, units: Units) -> None:
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    api.act(case_id, "answer", {"answer": "已答复"})
    Case.objects.filter(pk=case_id).update(due_at=at("2020-01-01"))
    assert sweep.run().overdue == 0


def test_outbox_is_delivered_once_and_redelivered_after_a_crash(
    api_for: Any, town_operator: User, units: Units, settings: Any
) -> None:
    api_for(town_operator).create()
    message = Outbox.objects.get(topic="case.registered")
    assert message.payload == {"receipt_no": message.case.receipt_no, "case_id": message.case_id}  # type: ignore[union-attr]
    # a worker claims it, delivers it, and dies before marking it delivered
    token = outbox.claim(message.pk, message.available_at)
    assert token is not None
    outbox.DatabaseBackend().deliver(Outbox.objects.get(pk=message.pk))
    assert outbox.claim(message.pk, message.available_at) is None  # someone holds it
    # after the lease the next sweep delivers it again; the consumer keeps one row
    with time_machine.travel(message.available_at + outbox.LEASE * 2):
        summary = sweep.run()
    assert summary.delivered >= 1
    assert Notification.objects.filter(outbox_id=message.pk).count() == 1
    message.refresh_from_db()
    assert message.delivered_at is not None and message.attempts == 2


class Broken:
    def deliver(self, message: Outbox) -> None:
        raise ConnectionError("短信网关不可用")


def test_failed_delivery_backs_off(
    api_for: Any, town_operator: User, units: Units, settings: Any
) -> None:
    settings.CASES_OUTBOX_BACKEND = "fengqiao.cases.tests.test_sweep.Broken"
    api_for(town_operator).create()
    summary = sweep.run()
    assert summary.failed == 1 and summary.delivered == 0
    message = Outbox.objects.get(topic="case.registered")
    assert message.delivered_at is None and message.attempts == 1
    assert "短信网关不可用" in message.last_error
    # within the backoff nothing is retried
    assert sweep.run().failed == 0


def test_logging_backend(
    api_for: Any, town_operator: User, units: Units, settings: Any, caplog: Any
) -> None:
    settings.CASES_OUTBOX_BACKEND = "fengqiao.cases.outbox.LoggingBackend"
    api_for(town_operator).create()
    with caplog.at_level("INFO", logger="fengqiao.cases.outbox"):
        assert sweep.run().delivered == 1
    assert "case.registered" in caplog.text


def test_expired_idempotency_keys_are_purged(
    api_for: Any, town_operator: User, units: Units
) -> None:
    api_for(town_operator).create()
    assert IdempotencyKey.objects.count() == 1
    key = IdempotencyKey.objects.get()
    with time_machine.travel(key.created_at + __import__("datetime").timedelta(hours=47)):
        assert sweep.run().purged_keys == 0
    with time_machine.travel(key.created_at + __import__("datetime").timedelta(hours=49)):
        assert sweep.run().purged_keys == 1
        assert sweep.run().changes == 0


def test_the_command_prints_a_summary_and_a_second_run_changes_nothing(
    api_for: Any, town_operator: User, units: Units
) -> None:
    api_for(town_operator).create(risk_colour="red")
    first, second = io.StringIO(), io.StringIO()
    call_command("sweep", stdout=first)
    call_command("sweep", stdout=second)
    assert "提级 escalated: 1" in first.getvalue()
    assert "合计变更 total changes: 0" in second.getvalue()
    assert uuid.UUID(str(Outbox.objects.first().pk))  # type: ignore[union-attr]

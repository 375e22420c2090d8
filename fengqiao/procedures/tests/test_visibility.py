"""Every clock visible on the case: the same timers through the dispute and petition APIs and
in the cases list (the earliest running primary clock is the case's deadline, with its basis);
each timer change is audited; a timer's rule version is pinned when the rule changes later."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Case
from fengqiao.procedures import actions as t
from fengqiao.procedures.models import CaseTimer
from fengqiao.procedures.testing import Api, at, end_of, ok, travel
from fengqiao.procedures.tests.conftest import new_case
from fengqiao.rules.models import ClockRule
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import Unit, UnitType


def test_petition_timers_through_the_api_and_the_cases_list(territory: Territory) -> None:
    bureau = Unit.objects.create(
        code="XF-T", name="测试信访局", unit_type=UnitType.PETITION_BUREAU, region=territory.county
    )
    clerk = make_user("xf_t", Role.OPERATOR, territory.county)
    clerk.unit = bureau
    clerk.save(update_fields=["unit"])
    body = {
        "channel": "letter",
        "region_code": territory.village.code,
        "category_code": "RX02",
        "description": "来信反映问题。",
        "parties": [{"role": "complainant", "name": "蒋某", "phone": "13912340001"}],
    }
    api = Api(clerk)
    with travel(at("2026-03-02", 9)):
        created = ok(
            api.post("/api/v1/petitions/", body, **{"Idempotency-Key": str(uuid.uuid4())}), 201
        )
        detail = ok(api.get(f"/api/v1/petitions/{created['id']}"))
        listed = ok(api.get("/api/v1/cases/", kind="petition"))
    timers = detail["timers"]
    assert [x["code"] for x in timers] == ["petition.register_route"]
    clock = timers[0]
    assert clock["primary"] and clock["running"] and not clock["overdue"]
    assert datetime.fromisoformat(clock["due_at"]) == end_of("2026-03-17")
    assert "信访工作条例" in clock["basis"] and clock["warnings"] == []
    row = next(i for i in listed["items"] if i["id"] == created["id"])
    assert datetime.fromisoformat(row["due_at"]) == end_of("2026-03-17")


def test_each_timer_change_is_audited(territory: Territory) -> None:
    case = new_case(territory)
    with travel(at("2026-06-01", 9)):
        t.do_start_timer(
            case, "petition.handling", start=at("2026-06-01", 9), actor=None, primary=True
        )
        t.do_pause_timer(case, "petition.handling", at=at("2026-06-01", 10), actor=None)
        t.do_resume_timer(case, "petition.handling", at=at("2026-06-01", 11), actor=None)
        t.do_extend_timer(case, "petition.handling", actor=None, granted=5)
        t.do_stop_timer(case, "petition.handling", at=at("2026-06-01", 12), actor=None)
    actions = list(
        AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="timer.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["timer.start", "timer.pause", "timer.resume", "timer.extend", "timer.stop"]
    stop = AuditEntry.objects.get(object_id=str(case.pk), action="timer.stop")
    assert stop.data["code"] == "petition.handling" and stop.data["met"] is True


def test_a_running_timer_keeps_its_rule_version(territory: Territory) -> None:
    case = new_case(territory)
    with travel(at("2026-06-01", 9)):
        timer = t.do_start_timer(
            case, "petition.handling", start=at("2026-06-01", 9), actor=None, primary=True
        )
    assert timer is not None
    old = timer.rule
    newer = ClockRule.objects.get(pk=old.pk)
    newer.pk = None
    newer.version = old.version + 1
    newer.duration = 45
    newer.effective_from = dt.date(2026, 7, 1)
    newer.save()
    stored = CaseTimer.objects.get(pk=timer.pk)
    assert stored.rule_id == old.pk and stored.rule_version == old.version
    assert stored.due_at == end_of("2026-07-31")  # still 60 days
    later = new_case(territory, "2026-07-02")
    with travel(at("2026-07-02", 9)):
        second = t.do_start_timer(
            later, "petition.handling", start=at("2026-07-02", 9), actor=None, primary=True
        )
    assert second is not None and second.rule_version == old.version + 1
    assert second.due_at == end_of("2026-08-17")  # 45 days: 08-16 is a Sunday


def test_a_stopped_timer_keeps_showing_on_the_case(territory: Territory, grid_worker: User) -> None:
    case = new_case(territory)
    with travel(at("2026-06-01", 9)):
        t.do_start_timer(case, "petition.accept_notice", start=at("2026-06-01", 9), actor=None)
        t.do_stop_timer(case, "petition.accept_notice", at=at("2026-06-02", 9), actor=None)
    from fengqiao.procedures.timers import views

    shown = views(Case.objects.get(pk=case.pk), at("2026-09-01"))
    assert len(shown) == 1 and not shown[0].running and shown[0].met is True
    assert shown[0].stopped_at == at("2026-06-02", 9) and not shown[0].overdue

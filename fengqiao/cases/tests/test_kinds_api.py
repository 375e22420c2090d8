"""The other shipped kinds through the API: 110 non-emergency referrals run the work-order
machine under their own numbers; grid events with co-units, the field role, and the centre's
check (核查) before closing."""

from __future__ import annotations

from typing import Any

from fengqiao.accounts.models import Role, User
from fengqiao.cases.models import Assignment, Case
from fengqiao.cases.tests.conftest import Api, Units
from fengqiao.cases.tests.test_deadlines import at, end_of, on
from fengqiao.core.models import Outbox
from fengqiao.testing import Territory, make_user


def test_a_police_referral_runs_the_work_order_machine(
    town_operator: User, units: Units, env_handler: User
) -> None:
    with on(at("2026-09-30")):
        ops = Api(town_operator)
        created = ops.create(kind="police_referral", channel="police", request_type="help")
        assert created.status_code == 201, created.content
        body = created.json()
        case_id = body["id"]
        # its own receipt series (JQ), the work order's first state
        assert body["receipt_no"].startswith("JQ20260930")
        assert body["status"] == "registered"
        ops.act(case_id, "accept")
        dispatched = ops.act(case_id, "dispatch", {"lead": {"unit_id": units.env.pk}})
        assert dispatched.status_code == 200
    # the work-order clock applies to 110 referrals too: 国庆 skipped, Oct 10 counted
    case = Case.objects.get(pk=case_id)
    assert case.due_at == end_of("2026-10-13")
    with on(at("2026-10-09")):
        env = Api(env_handler)
        assert env.act(case_id, "sign").json()["status"] == "signed"
        env.act(case_id, "start")
        env.act(case_id, "reply", {"reply": "已调解邻里纠纷", "resolved": True})
        ops = Api(town_operator)
        ops.act(case_id, "approve-reply")
        closed = ops.act(case_id, "callback", {"satisfaction": "satisfied", "resolved": True})
    assert closed.json()["status"] == "closed"
    tables = Api(town_operator).get("/api/v1/cases/workflows").json()
    police = next(t for t in tables if t["kind"] == "police_referral")
    hotline = next(t for t in tables if t["kind"] == "hotline")
    assert police["actions"] == hotline["actions"] and police["states"] == hotline["states"]


def _grid_event(worker: Api) -> int:
    created = worker.create(
        kind="grid_event",
        channel="grid_patrol",
        category_code="WG03",
        description="小区消防通道被杂物堵塞",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["receipt_no"].startswith("WG") and body["status"] == "found"
    case_id: int = body["id"]
    return case_id


def test_grid_event_with_co_units_and_a_failed_check(
    api_for: Any,
    grid_worker: User,
    town_operator: User,
    units: Units,
    env_handler: User,
    street_handler: User,
) -> None:
    worker, ops = api_for(grid_worker), api_for(town_operator)
    env, street = api_for(env_handler), api_for(street_handler)
    case_id = _grid_event(worker)
    # the centre does not dispatch what has not been reported
    early = ops.act(case_id, "dispatch", {"lead": {"unit_id": units.street.pk}})
    assert early.status_code == 409
    assert early.json()["errors"][0]["allowed"] == ["resolve_on_site", "report"]
    assert worker.act(case_id, "report", {"reason": "需街道协调清理"}).status_code == 200
    # a grid worker reports but does not dispatch
    assert (
        worker.act(case_id, "dispatch", {"lead": {"unit_id": units.street.pk}}).status_code == 403
    )
    dispatched = ops.act(
        case_id,
        "dispatch",
        {
            "lead": {"unit_id": units.street.pk, "task": "清理杂物"},
            "co_units": [{"unit_id": units.env.pk, "task": "现场执法"}],
        },
    )
    assert dispatched.json()["status"] == "dispatched"
    # the co-unit signs without moving the event; the lead's sign-for starts handling
    assert env.act(case_id, "sign").json()["status"] == "dispatched"
    assert street.act(case_id, "sign").json()["status"] == "handling"
    assert Case.objects.get(pk=case_id).first_unit == units.street
    street.act(case_id, "reply", {"reply": "已清理一半", "resolved": False})
    # the centre's check fails: back to the lead, whose assignment reopens
    returned = ops.act(case_id, "return", {"reason": "现场仍有杂物"})
    assert returned.json()["status"] == "handling"
    assert Assignment.objects.get(case_id=case_id, role="lead").status == "signed"
    assert Outbox.objects.filter(case_id=case_id, topic="assignment.returned").exists()
    street.act(case_id, "reply", {"reply": "已全部清理", "resolved": True})
    closed = ops.act(case_id, "close", {"note": "复查通道畅通"})
    assert closed.json()["status"] == "closed"
    case = Case.objects.get(pk=case_id)
    # closed on the lead's own claim of resolution
    assert case.resolved is True and case.closed_at is not None and not case.is_open
    # grid events have no callback or archive step
    for action in ("callback", "archive", "approve-reply"):
        assert ops.act(case_id, action, {"satisfaction": "satisfied"}).status_code in (409, 422)


def test_closing_a_grid_event_keeps_an_unresolved_claim(
    api_for: Any, grid_worker: User, town_operator: User, units: Units, street_handler: User
) -> None:
    worker, ops, street = api_for(grid_worker), api_for(town_operator), api_for(street_handler)
    case_id = _grid_event(worker)
    worker.act(case_id, "report")
    ops.act(case_id, "dispatch", {"lead": {"unit_id": units.street.pk}})
    street.act(case_id, "sign")
    street.act(case_id, "reply", {"reply": "业主拒不配合，已移交执法", "resolved": False})
    ops.act(case_id, "close")
    case = Case.objects.get(pk=case_id)
    assert case.status == "closed" and case.resolved is False


def test_the_field_role_is_limited_to_the_workers_grid(
    api_for: Any, grid_worker: User, territory: Territory, units: Units
) -> None:
    worker = api_for(grid_worker)
    case_id = _grid_event(worker)
    # a grid worker of the neighbouring grid sees nothing of it
    neighbour = make_user("grid_worker_a2", Role.GRID_WORKER, territory.grid_a2)
    other = api_for(neighbour)
    assert other.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert other.act(case_id, "resolve-on-site", {"result": "已处理"}).status_code == 404
    # and may not file into the first grid either
    refused = other.create(kind="grid_event", channel="grid_patrol", category_code="WG03")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "region_code"
    # the worker of the grid settles it on the spot
    done = worker.act(case_id, "resolve-on-site", {"result": "已劝导业主清理"})
    assert done.status_code == 200 and done.json()["status"] == "closed"
    case = Case.objects.get(pk=case_id)
    assert case.resolved is True and not case.is_open
    assert case.transitions.get(action="resolve_on_site").reason == "已劝导业主清理"

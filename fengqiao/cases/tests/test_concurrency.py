"""Races (WEB-10, REL-04): several officials acting on one case at the same moment, and two
sweeps running at once. The conditional UPDATE lets exactly one through; the others get a
409 that names the version, and nothing is written twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases import sweep
from fengqiao.cases.models import Assignment, Case, CaseTransition, Notification
from fengqiao.cases.tests.conftest import Api, Units, ensure_reference_data
from fengqiao.cases.tests.test_deadlines import at, dispatch_at, on
from fengqiao.core.models import Outbox


def race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in n threads released together; return their results."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            result = work(i)
            with lock:
                results.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == n
    return results


@pytest.mark.django_db(transaction=True)
def test_officials_racing_on_one_case_move_it_once(town_operator: User, units: Units) -> None:
    ensure_reference_data()
    api = Api(town_operator)
    case_id = api.create().json()["id"]
    version = Case.objects.get(pk=case_id).version
    # four officials press different buttons on the same screen at once
    actions = [
        ("accept", {}),
        ("reject", {"reason": "不属于受理范围"}),
        ("answer", {"answer": "已当场答复"}),
        ("refer-channel", {"channel": "劳动仲裁"}),
    ]

    def press(i: int) -> tuple[str, int, dict[str, Any]]:
        action, body = actions[i]
        response = Api(town_operator).post(
            f"/api/v1/cases/{case_id}/{action}", {**body, "version": version}
        )
        return action, response.status_code, response.json()

    results = race(len(actions), press)
    winners = [r for r in results if r[1] == 200]
    losers = [r for r in results if r[1] != 200]
    assert len(winners) == 1, results
    assert all(status == 409 for _, status, _ in losers), results
    case = Case.objects.get(pk=case_id)
    assert case.version == version + 1 and case.status == winners[0][2]["status"]
    for _, _, error in losers:
        # either the row had moved (stale version) or the state had (table check)
        assert error["errors"][0]["field"] in ("version", "status"), error
    moves = CaseTransition.objects.filter(case=case).exclude(action="register")
    assert moves.count() == 1
    assert (
        AuditEntry.objects.filter(object_id=str(case_id), action__startswith="case.").count() == 2
    )


@pytest.mark.django_db(transaction=True)
def test_two_units_signing_at_once_make_one_first_unit(
    town_operator: User, units: Units, env_handler: User, street_handler: User
) -> None:
    ensure_reference_data()
    api = Api(town_operator)
    case_id = api.create().json()["id"]
    api.act(case_id, "accept")
    api.act(
        case_id,
        "dispatch",
        {"lead": {"unit_id": units.env.pk}, "co_units": [{"unit_id": units.street.pk}]},
    )
    version = Case.objects.get(pk=case_id).version
    handlers = [env_handler, street_handler, env_handler]

    def sign(i: int) -> int:
        response = Api(handlers[i]).post(f"/api/v1/cases/{case_id}/sign", {"version": version})
        return int(response.status_code)

    codes = race(len(handlers), sign)
    # the lead signs once (the second lead click loses); the co-unit signs its own part
    assert sorted(codes) == [200, 200, 409], codes
    case = Case.objects.get(pk=case_id)
    assert case.status == "signed" and case.first_unit_id == units.env.pk
    assert set(Assignment.objects.filter(case=case).values_list("status", flat=True)) == {"signed"}
    assert CaseTransition.objects.filter(case=case, action="sign").count() == 1
    assert CaseTransition.objects.filter(case=case, action="co_sign").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_do_not_double_anything(town_operator: User, units: Units) -> None:
    ensure_reference_data()
    case_id, _ = dispatch_at(at("2026-09-30"), town_operator, units, risk_colour="red")
    with on(at("2026-10-22", "08:00")):
        summaries = race(2, lambda _: sweep.run())
        assert sweep.run().changes == 0
    case = Case.objects.get(pk=case_id)
    assert case.is_overdue and case.supervision_level == 2
    assert sum(s.overdue for s in summaries) == 1
    assert sum(s.supervised for s in summaries) == 1
    assert CaseTransition.objects.filter(case=case, action="mark_overdue").count() == 1
    assert CaseTransition.objects.filter(case=case, action="supervise").count() == 1
    # each outbox row became exactly one notification, whoever delivered it
    assert Outbox.objects.filter(delivered_at__isnull=True).count() == 0
    assert Notification.objects.count() == Outbox.objects.count()
    assert sum(s.delivered for s in summaries) == Outbox.objects.count()

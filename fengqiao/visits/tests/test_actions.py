"""走访任务 actions: who may create and record, the checks on each field, once-only recording,
audit rows in the same transaction, encryption at rest, and the selectors' scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.errors import Invalid, NotAllowed
from fengqiao.core.pii import blind_index
from fengqiao.regions.models import GridAssignment, GridWorker, Region
from fengqiao.testing import Territory, make_user
from fengqiao.visits.actions import (
    AlreadyRecorded,
    VisitDraft,
    do_create_visit_task,
    do_record_visit,
)
from fengqiao.visits.models import VisitKind, VisitResult, VisitStatus, VisitTask
from fengqiao.visits.selectors import get_my_task, my_tasks, visible_tasks

pytestmark = pytest.mark.django_db

TARGET = "秦安路5号3单元202 独居老人王大爷"


def today() -> dt.date:
    return timezone.localdate()


def worker_for(user: User, grid: Region, number: str = "62010200100100101") -> GridWorker:
    worker = GridWorker.objects.create(
        number=number,
        name="马小红",
        phone="13912345678",
        phone_index=blind_index("13912345678"),
        user=user,
    )
    GridAssignment.objects.create(worker=worker, grid=grid, is_chief=True)
    return worker


def new_task(territory: Territory, actor: User, **kw: object) -> VisitTask:
    fields: dict[str, object] = {
        "grid": territory.grid_a1,
        "kind": VisitKind.KEY_HOUSEHOLD,
        "target": TARGET,
        "due_on": today() + dt.timedelta(days=3),
        "instructions": "了解冬季取暖情况",
    }
    fields.update(kw)
    return do_create_visit_task(VisitDraft(**fields), actor=actor)  # type: ignore[arg-type]


# ------------------------------------------------------------------ creating


def test_operator_creates_a_task_with_an_audit_row(
    territory: Territory, town_operator: User
) -> None:
    task = new_task(territory, town_operator)
    assert task.status == VisitStatus.PENDING and task.created_by == town_operator
    row = AuditEntry.objects.get(action="visit.create")
    assert row.object_id == str(task.pk) and row.data["kind"] == "key_household"
    assert TARGET not in str(row.data)  # no personal information in the audit data


def test_target_and_note_are_encrypted_at_rest(
    territory: Territory, town_operator: User, grid_worker: User
) -> None:
    task = new_task(territory, town_operator)
    worker_for(grid_worker, territory.grid_a1)
    do_record_visit(
        task, actor=grid_worker, result=VisitResult.ISSUE, note_text="暖气不热，已联系物业"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT target, note FROM visits_visittask WHERE id = %s", [task.pk])
        target, note = cursor.fetchone()
    assert "王大爷" not in target and "暖气" not in note
    task.refresh_from_db()
    assert task.target == TARGET and task.note == "暖气不热，已联系物业"


def test_grid_worker_and_leader_and_outsider_cannot_create(
    territory: Territory, grid_worker: User, county_leader: User, outsider: User
) -> None:
    for user in (grid_worker, county_leader, outsider):
        with pytest.raises(NotAllowed):
            new_task(territory, user)
    assert VisitTask.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target": " "}, "target"),
        ({"kind": "party"}, "kind"),
        ({"due_on": dt.date(2000, 1, 1)}, "due_on"),
    ],
)
def test_bad_fields_are_named(
    territory: Territory, town_operator: User, change: dict[str, object], field: str
) -> None:
    with pytest.raises(Invalid) as info:
        new_task(territory, town_operator, **change)
    assert [e["field"] for e in info.value.errors] == [field]
    assert VisitTask.objects.count() == 0


def test_a_village_is_not_a_grid(territory: Territory, town_operator: User) -> None:
    with pytest.raises(Invalid) as info:
        new_task(territory, town_operator, grid=territory.village)
    assert info.value.errors[0]["message"] == "请选择现行网格"


def test_named_worker_must_serve_the_grid(
    territory: Territory, town_operator: User, grid_worker: User
) -> None:
    worker = worker_for(grid_worker, territory.grid_a2)
    with pytest.raises(Invalid) as info:
        new_task(territory, town_operator, worker=worker)
    assert info.value.errors[0]["field"] == "worker"


def test_due_today_is_allowed_and_not_overdue(territory: Territory, town_operator: User) -> None:
    task = new_task(territory, town_operator, due_on=today())
    assert not task.is_overdue(today())
    assert task.is_overdue(today() + dt.timedelta(days=1))


# ------------------------------------------------------------------ recording


def test_grid_worker_records_once(
    territory: Territory, town_operator: User, grid_worker: User
) -> None:
    task = new_task(territory, town_operator)
    worker_for(grid_worker, territory.grid_a1)
    done = do_record_visit(
        task,
        actor=grid_worker,
        result=VisitResult.MET,
        latitude=Decimal("36.061234"),
        longitude=Decimal("103.834567"),
    )
    assert done.status == VisitStatus.DONE and done.visited_by == grid_worker
    assert done.latitude == Decimal("36.061234")
    row = AuditEntry.objects.get(action="visit.record")
    assert row.data == {
        "result": "met",
        "located": True,
        "worker": "62010200100100101",
        "late": False,
    }
    with pytest.raises(AlreadyRecorded) as info:
        do_record_visit(task, actor=grid_worker, result=VisitResult.ABSENT, note_text="不在家")
    assert info.value.status == 409
    task.refresh_from_db()
    assert task.result == VisitResult.MET


def test_issue_or_absent_needs_a_note(
    territory: Territory, town_operator: User, grid_worker: User
) -> None:
    task = new_task(territory, town_operator)
    for result in (VisitResult.ISSUE, VisitResult.ABSENT):
        with pytest.raises(Invalid) as info:
            do_record_visit(task, actor=grid_worker, result=result, note_text=" ")
        assert info.value.errors[0]["field"] == "note"
    with pytest.raises(Invalid):
        do_record_visit(task, actor=grid_worker, result="fine")
    task.refresh_from_db()
    assert task.status == VisitStatus.PENDING


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(Decimal("36.1"), None), (Decimal("91"), Decimal("103")), (Decimal("36"), Decimal("181"))],
)
def test_bad_gps_point_is_refused(
    territory: Territory,
    town_operator: User,
    grid_worker: User,
    lat: Decimal | None,
    lon: Decimal | None,
) -> None:
    task = new_task(territory, town_operator)
    with pytest.raises(Invalid):
        do_record_visit(
            task, actor=grid_worker, result=VisitResult.MET, latitude=lat, longitude=lon
        )
    task.refresh_from_db()
    assert task.status == VisitStatus.PENDING


def test_other_grid_worker_or_operator_cannot_record(
    territory: Territory, town_operator: User
) -> None:
    task = new_task(territory, town_operator)
    other = make_user("a2_worker", Role.GRID_WORKER, territory.grid_a2)
    for user in (other, town_operator):
        with pytest.raises(NotAllowed):
            do_record_visit(task, actor=user, result=VisitResult.MET)
    assert AuditEntry.objects.filter(action="visit.record").count() == 0


def test_a_named_worker_task_is_only_theirs(
    territory: Territory, town_operator: User, grid_worker: User
) -> None:
    colleague = make_user("colleague", Role.GRID_WORKER, territory.grid_a1)
    named = worker_for(grid_worker, territory.grid_a1)
    task = new_task(territory, town_operator, worker=named)
    with pytest.raises(NotAllowed):
        do_record_visit(task, actor=colleague, result=VisitResult.MET)
    assert task not in my_tasks(colleague)
    assert task in my_tasks(grid_worker)
    do_record_visit(task, actor=grid_worker, result=VisitResult.MET)


def test_late_record_is_marked_late(
    territory: Territory, town_operator: User, grid_worker: User
) -> None:
    task = new_task(territory, town_operator)
    VisitTask.objects.filter(pk=task.pk).update(due_on=today() - dt.timedelta(days=2))
    do_record_visit(task, actor=grid_worker, result=VisitResult.MET)
    assert AuditEntry.objects.get(action="visit.record").data["late"] is True


# ------------------------------------------------------------------ selectors


def test_selectors_follow_scope(
    territory: Territory, town_operator: User, grid_worker: User, outsider: User
) -> None:
    task = new_task(territory, town_operator)
    a2 = new_task(territory, town_operator, grid=territory.grid_a2)
    assert list(my_tasks(grid_worker)) == [task]
    assert set(visible_tasks(town_operator)) == {task, a2}
    assert list(visible_tasks(outsider)) == []
    assert get_my_task(grid_worker, task.pk) == task
    with pytest.raises(Http404):
        get_my_task(grid_worker, a2.pk)
    with pytest.raises(Http404):
        get_my_task(outsider, task.pk)
    read_only = make_user("viewer", Role.GRID_WORKER, territory.grid_a1, can_act=False)
    assert list(my_tasks(read_only)) == []


def test_str_and_labels(territory: Territory, town_operator: User) -> None:
    task = new_task(territory, town_operator)
    assert str(task) == f"重点户走访（独居老人、困难家庭等） #{task.pk}"
    assert task.is_pending

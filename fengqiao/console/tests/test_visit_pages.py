"""走访任务 pages: the operator sends one, the grid worker sees it on the phone list and records
the visit (result, note, GPS); scope 404s, role 403s, bad input with Chinese messages, a
second record answering 409 with the first shown, CSRF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fengqiao.accounts.models import Role, User
from fengqiao.console.tests.cases_helpers import client_for
from fengqiao.core.pii import blind_index
from fengqiao.regions.models import GridAssignment, GridWorker
from fengqiao.testing import Territory, make_user
from fengqiao.visits.actions import VisitDraft, do_create_visit_task
from fengqiao.visits.models import VisitResult, VisitStatus, VisitTask

pytestmark = pytest.mark.django_db


def due(days: int = 3) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def task(territory: Territory, town_operator: User) -> VisitTask:
    return do_create_visit_task(
        VisitDraft(
            grid=territory.grid_a1,
            kind="key_person",
            target="秦安路7号 社区矫正对象李某",
            due_on=due(),
            instructions="了解近期思想动态",
        ),
        actor=town_operator,
    )


def form_data(territory: Territory, **overrides: Any) -> dict[str, Any]:
    data = {
        "grid": territory.grid_a1.pk,
        "kind": "key_household",
        "target": "秦安路5号 独居老人",
        "instructions": "",
        "due_on": due().isoformat(),
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------ operator


def test_operator_sends_a_task(territory: Territory, town_operator: User) -> None:
    client = client_for(town_operator)
    page = client.get("/console/visits/")
    assert page.status_code == 200
    grids = [g.pk for g in page.context["form"].fields["grid"].queryset]
    assert territory.grid_a1.pk in grids and territory.other_grid.pk not in grids
    response = client.post("/console/visits/", form_data(territory))
    assert response.status_code == 302
    task = VisitTask.objects.get()
    assert task.grid == territory.grid_a1 and task.created_by == town_operator
    listed = client.get("/console/visits/").content.decode()
    assert "重点户走访" in listed and "待走访" in listed


def test_operator_form_errors_are_chinese(territory: Territory, town_operator: User) -> None:
    client = client_for(town_operator)
    response = client.post(
        "/console/visits/",
        form_data(territory, grid=territory.other_grid.pk, target="", due_on="明天"),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["grid"] == ["网格无效。"]
    assert errors["target"] == ["请填写此项。"]
    assert errors["due_on"] == ["请输入有效的日期。"]
    past = client.post("/console/visits/", form_data(territory, due_on="2020-01-01"))
    assert past.status_code == 422
    assert past.context["form"].errors["due_on"] == ["走访期限不能早于今天"]
    assert VisitTask.objects.count() == 0


def test_worker_of_another_grid_is_refused(territory: Territory, town_operator: User) -> None:
    worker = GridWorker.objects.create(
        number="62010200100100201",
        name="李建国",
        phone="13812345679",
        phone_index=blind_index("13812345679"),
    )
    GridAssignment.objects.create(worker=worker, grid=territory.grid_a2)
    response = client_for(town_operator).post(
        "/console/visits/", form_data(territory, worker=worker.pk)
    )
    assert response.status_code == 422
    assert response.context["form"].errors["worker"] == ["该网格员不在所选网格服务"]


def test_only_operators_and_admins_send_tasks(
    territory: Territory, grid_worker: User, county_leader: User
) -> None:
    assert client_for(grid_worker).get("/console/visits/").status_code == 403
    assert (
        client_for(county_leader).post("/console/visits/", form_data(territory)).status_code == 403
    )
    assert VisitTask.objects.count() == 0


def test_recent_tasks_stay_in_scope(task: VisitTask, outsider: User) -> None:
    response = client_for(outsider).get("/console/visits/")
    assert response.status_code == 200 and response.context["rows"] == []


# ------------------------------------------------------------------ grid worker


def test_my_visits_lists_pending_and_flags_overdue(task: VisitTask, grid_worker: User) -> None:
    client = client_for(grid_worker)
    response = client.get("/console/grid/visits/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "秦安路7号 社区矫正对象李某" in body and "还有 3 天" in body
    assert 'class="phone"' in body
    VisitTask.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert "已超期" in client.get("/console/grid/visits/").content.decode()
    VisitTask.objects.filter(pk=task.pk).update(due_on=timezone.localdate())
    assert "今天到期" in client.get("/console/grid/visits/").content.decode()


def test_record_a_visit_with_gps(task: VisitTask, grid_worker: User) -> None:
    client = client_for(grid_worker)
    form = client.get(f"/console/grid/visits/{task.pk}/")
    assert form.status_code == 200
    assert "data-locate" in form.content.decode()
    response = client.post(
        f"/console/grid/visits/{task.pk}/",
        {
            "result": "issue",
            "note": "近期情绪不稳，已告知社区民警",
            "latitude": "36.061234",
            "longitude": "103.834567",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/console/grid/visits/"
    task.refresh_from_db()
    assert task.status == VisitStatus.DONE and task.result == VisitResult.ISSUE
    assert str(task.latitude) == "36.061234"
    listed = client.get("/console/grid/visits/").content.decode()
    assert "已见面，发现问题" in listed and "已定位" in listed


def test_record_errors_are_chinese_and_nothing_is_saved(task: VisitTask, grid_worker: User) -> None:
    client = client_for(grid_worker)
    response = client.post(f"/console/grid/visits/{task.pk}/", {"note": ""})
    assert response.status_code == 422
    assert response.context["form"].errors["result"] == ["请选择走访结果。"]
    absent = client.post(f"/console/grid/visits/{task.pk}/", {"result": "absent", "note": ""})
    assert absent.status_code == 422
    assert absent.context["form"].errors["note"] == ["发现问题或未遇到时请写明情况"]
    half = client.post(f"/console/grid/visits/{task.pk}/", {"result": "met", "latitude": "36.1"})
    assert half.status_code == 422
    assert "经纬度须同时提供" in half.content.decode()
    bad = client.post(
        f"/console/grid/visits/{task.pk}/", {"result": "met", "latitude": "abc", "longitude": "1"}
    )
    assert bad.status_code == 422
    task.refresh_from_db()
    assert task.status == VisitStatus.PENDING


def test_second_record_is_409_and_shows_the_first(task: VisitTask, grid_worker: User) -> None:
    client = client_for(grid_worker)
    assert client.post(f"/console/grid/visits/{task.pk}/", {"result": "met"}).status_code == 302
    again = client.post(f"/console/grid/visits/{task.pk}/", {"result": "absent", "note": "不在"})
    assert again.status_code == 409
    body = again.content.decode()
    assert "这次走访已经记录过了。" in body and "已见面，情况正常" in body
    task.refresh_from_db()
    assert task.result == VisitResult.MET


def test_other_grid_worker_gets_404(task: VisitTask, territory: Territory) -> None:
    other = make_user("a2_worker", Role.GRID_WORKER, territory.grid_a2)
    client = client_for(other)
    assert client.get(f"/console/grid/visits/{task.pk}/").status_code == 404
    assert client.post(f"/console/grid/visits/{task.pk}/", {"result": "met"}).status_code == 404
    assert client.get("/console/grid/visits/999999/").status_code == 404
    assert "秦安路7号" not in client.get("/console/grid/visits/").content.decode()


def test_operator_cannot_use_the_phone_pages(task: VisitTask, town_operator: User) -> None:
    assert client_for(town_operator).get("/console/grid/visits/").status_code == 403
    anonymous = Client().get(f"/console/grid/visits/{task.pk}/")
    assert anonymous.status_code == 302


def test_csrf_is_required(task: VisitTask, grid_worker: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(grid_worker)
    assert client.post(f"/console/grid/visits/{task.pk}/", {"result": "met"}).status_code == 403
    task.refresh_from_db()
    assert task.status == VisitStatus.PENDING


def test_nav_items(grid_worker: User, town_operator: User) -> None:
    worker_nav = client_for(grid_worker).get("/console/grid/visits/").content.decode()
    assert 'href="/console/grid/visits/"' in worker_nav
    assert 'href="/console/visits/"' not in worker_nav
    operator_nav = client_for(town_operator).get("/console/visits/").content.decode()
    assert 'href="/console/visits/"' in operator_nav

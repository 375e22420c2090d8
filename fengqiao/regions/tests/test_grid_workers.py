"""Grid workers: scoped API with masked phones, actions, and the admin."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.core.pii import blind_index
from fengqiao.regions import actions
from fengqiao.regions.actions import RegionChangeError, WorkerSpec
from fengqiao.regions.models import GridAssignment, GridWorker, GridWorkerStatus
from fengqiao.testing import Territory


@pytest.fixture
def workers(territory: Territory) -> dict[str, GridWorker]:
    """张三 chief of A1; 李四 serves A1 and A2; 王五 serves the other county's grid."""
    created = actions.do_import_grid_workers(
        [
            WorkerSpec("W-A1-01", "张三", "13812345678", ("620102001001001",), is_chief=True),
            WorkerSpec("W-A2-01", "李四", "13987654321", ("620102001001001", "620102001001002")),
            WorkerSpec("W-B1-01", "王五", "13700001111", ("620103001001001",), is_chief=True),
        ],
        actor=None,
        source="test",
    )
    return {worker.name: worker for worker in created}


def listed(client: Client, url: str = "/api/v1/regions/grid-workers/") -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_list_is_scoped_and_masked(
    client: Client, workers: dict[str, GridWorker], town_operator: User
) -> None:
    client.force_login(town_operator)
    items = listed(client)
    assert [item["number"] for item in items] == ["W-A1-01", "W-A2-01"]
    assert items[0]["phone"] == "138****5678"
    assert items[0]["grids"] == [{"code": "620102001001001", "name": "第一网格", "is_chief": True}]
    assert items[0]["status_label"] == "在岗"
    assert "13812345678" not in json.dumps(items, ensure_ascii=False)


def test_grid_worker_sees_only_grids_in_scope(
    client: Client, workers: dict[str, GridWorker], grid_worker: User
) -> None:
    # the grid worker persona acts in A1 only: 李四 is listed with A1, not A2
    client.force_login(grid_worker)
    items = listed(client)
    li = next(item for item in items if item["number"] == "W-A2-01")
    assert [grid["code"] for grid in li["grids"]] == ["620102001001001"]


def test_detail_out_of_scope_is_404_like_missing(
    client: Client, workers: dict[str, GridWorker], town_operator: User
) -> None:
    client.force_login(town_operator)
    mine = client.get(f"/api/v1/regions/grid-workers/{workers['张三'].pk}")
    assert mine.status_code == 200 and mine.json()["phone"] == "138****5678"
    out = client.get(f"/api/v1/regions/grid-workers/{workers['王五'].pk}")
    missing = client.get("/api/v1/regions/grid-workers/999999")
    assert out.status_code == missing.status_code == 404
    assert out.json() == missing.json()


def test_filters_and_auditor_sees_nothing(
    client: Client, workers: dict[str, GridWorker], county_leader: User, auditor: User
) -> None:
    client.force_login(county_leader)
    assert [
        i["number"] for i in listed(client, "/api/v1/regions/grid-workers/?grid=620102001001002")
    ] == ["W-A2-01"]
    actions.do_update_grid_worker(
        workers["李四"], actor=None, changes={"status": GridWorkerStatus.LEAVE}
    )
    assert [i["number"] for i in listed(client, "/api/v1/regions/grid-workers/?status=leave")] == [
        "W-A2-01"
    ]
    client.force_login(auditor)  # no business scope at all
    assert listed(client) == []


def test_update_worker_reindexes_phone_and_audits_masked(
    territory: Territory, workers: dict[str, GridWorker]
) -> None:
    zhang = workers["张三"]
    actions.do_update_grid_worker(zhang, actor=None, changes={"phone": "13811112222"})
    zhang.refresh_from_db()
    assert zhang.phone == "13811112222" and zhang.phone_index == blind_index("13811112222")
    entry = AuditEntry.objects.get(action="grid_worker.update")
    assert entry.data["phone"] == "138****2222"
    with pytest.raises(RegionChangeError, match="格式不正确"):
        actions.do_update_grid_worker(zhang, actor=None, changes={"phone": "12"})
    with pytest.raises(RegionChangeError, match="不能修改"):
        actions.do_update_grid_worker(zhang, actor=None, changes={"number": "X"})


def test_one_chief_per_grid(territory: Territory, workers: dict[str, GridWorker]) -> None:
    li = workers["李四"]
    with pytest.raises(IntegrityError), transaction.atomic():
        GridAssignment.objects.filter(worker=li, grid=territory.grid_a1).update(is_chief=True)
    actions.do_set_chief(territory.grid_a1, li, actor=None)
    chiefs = GridAssignment.objects.filter(grid=territory.grid_a1, is_chief=True)
    assert list(chiefs.values_list("worker__name", flat=True)) == ["李四"]
    assert GridAssignment.objects.filter(grid=territory.grid_a1).count() == 2
    with pytest.raises(RegionChangeError, match="不是网格"):
        actions.do_set_chief(territory.village, li, actor=None)


def test_admin_masks_phones_and_finds_by_blind_index(
    client: Client, workers: dict[str, GridWorker]
) -> None:
    admin = User.objects.create_superuser("root", password="Adm1n-Passw0rd-2026")
    client.force_login(admin)
    page = client.get("/internal-admin/regions/gridworker/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    found = client.get("/internal-admin/regions/gridworker/?q=13987654321").content.decode()
    assert "W-A2-01" in found and "W-A1-01" not in found
    change = client.get(f"/internal-admin/regions/gridworker/{workers['张三'].pk}/change/")
    assert change.status_code == 200 and "13812345678" not in change.content.decode()
    region_page = client.get("/internal-admin/regions/region/")
    assert region_page.status_code == 200


def test_admin_change_and_add_go_through_actions(
    client: Client, workers: dict[str, GridWorker]
) -> None:
    admin = User.objects.create_superuser("root", password="Adm1n-Passw0rd-2026")
    client.force_login(admin)
    zhang = workers["张三"]
    url = f"/internal-admin/regions/gridworker/{zhang.pk}/change/"
    form = {
        "name": "张三丰",
        "status": "active",
        "is_full_time": "on",
        "new_phone": "13800000000",
        "assignments-TOTAL_FORMS": "1",
        "assignments-INITIAL_FORMS": "1",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-id": str(GridAssignment.objects.get(worker=zhang).pk),
        "assignments-0-worker": str(zhang.pk),
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    zhang.refresh_from_db()
    assert (zhang.name, zhang.phone) == ("张三丰", "13800000000")
    assert AuditEntry.objects.filter(action="grid_worker.update").count() == 1
    bad = client.post(url, {**form, "new_phone": "123"})
    assert "电话号码格式不正确" in bad.content.decode()
    add = {
        "number": "W-NEW-01",
        "name": "新人",
        "status": "active",
        "new_phone": "13900000000",
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/internal-admin/regions/gridworker/add/", add)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = GridWorker.objects.get(number="W-NEW-01")
    assert new.phone == "13900000000" and not new.is_full_time

"""Administration within scope: lists, detail and edits of regions, grids and grid workers,
limited to the 区域管理员's own subtree, validated per field, audited without PII."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.console.actions import do_update_region_attributes
from fengqiao.console.tests.conftest import Workers
from fengqiao.regions.models import GridType, GridWorker, GridWorkerStatus, Region
from fengqiao.testing import Territory


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_region_list_is_the_admins_subtree(territory: Territory, town_admin: User) -> None:
    response = _client(town_admin).get(reverse("console:region_list"))
    assert response.status_code == 200
    names = [r.name for r in response.context["page"]]
    assert names == ["酒泉路街道", "秦安路社区", "第一网格", "第二网格"]


def test_region_list_filters_and_tolerates_bad_input(
    territory: Territory, town_admin: User
) -> None:
    client = _client(town_admin)
    grids = client.get(reverse("console:region_list"), {"level": "6"}).context["page"]
    assert [r.name for r in grids] == ["第一网格", "第二网格"]
    by_code = client.get(reverse("console:region_list"), {"q": "620102001001002"})
    assert [r.name for r in by_code.context["page"]] == ["第二网格"]
    bad = client.get(reverse("console:region_list"), {"level": "x", "page": "-3", "q": "网" * 80})
    assert bad.status_code == 200


def test_htmx_filter_returns_only_the_results(territory: Territory, town_admin: User) -> None:
    response = _client(town_admin).get(
        reverse("console:region_list"),
        {"q": "第一"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="region-results",
    )
    page = response.content.decode()
    assert "<html" not in page and "第一网格" in page
    assert "HX-Request" in response["Vary"]
    restore = _client(town_admin).get(
        reverse("console:region_list"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in restore.content.decode()


def test_out_of_subtree_region_is_404(territory: Territory, town_admin: User) -> None:
    client = _client(town_admin)
    for region in (territory.county, territory.other_grid):
        assert client.get(reverse("console:region_detail", args=[region.pk])).status_code == 404
        url = reverse("console:region_edit", args=[region.pk])
        assert client.post(url, {"households": "1"}).status_code == 404


def test_edit_grid_households_and_type(territory: Territory, town_admin: User) -> None:
    url = reverse("console:region_edit", args=[territory.grid_a1.pk])
    response = _client(town_admin).post(url, {"grid_type": "dedicated", "households": "456"})
    assert response.status_code == 302
    grid = Region.objects.get(pk=territory.grid_a1.pk)
    assert (grid.grid_type, grid.households) == (GridType.DEDICATED, 456)
    entry = AuditEntry.objects.get(action="region.update")
    assert entry.actor_id == town_admin.pk
    assert entry.actor_region == territory.town.code
    assert entry.data["after"] == {"grid_type": "dedicated", "households": 456}


def test_edit_shows_per_field_errors(territory: Territory, town_admin: User) -> None:
    url = reverse("console:region_edit", args=[territory.grid_a1.pk])
    response = _client(town_admin).post(url, {"grid_type": "nonsense", "households": "-5"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"grid_type", "households"}
    assert "户数不能为负数。" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not AuditEntry.objects.filter(action="region.update").exists()


def test_township_has_nothing_to_edit(territory: Territory, town_admin: User) -> None:
    url = reverse("console:region_edit", args=[territory.town.pk])
    assert _client(town_admin).get(url).status_code == 404


def test_unchanged_save_writes_no_audit_row(territory: Territory, town_admin: User) -> None:
    do_update_region_attributes(
        territory.village, actor=town_admin, changes={"urban_rural": "", "households": None}
    )
    assert not AuditEntry.objects.filter(action="region.update").exists()


def test_action_refuses_fields_outside_the_list(territory: Territory, town_admin: User) -> None:
    with pytest.raises(ValueError):
        do_update_region_attributes(territory.grid_a1, actor=town_admin, changes={"name": "x"})


def test_worker_list_is_the_admins_subtree(
    territory: Territory, town_admin: User, workers: Workers
) -> None:
    response = _client(town_admin).get(reverse("console:worker_list"))
    assert [w.name for w in response.context["page"]] == ["马小红", "李建国", "王秀兰"]
    left = _client(town_admin).get(reverse("console:worker_list"), {"status": "left"})
    assert [w.name for w in left.context["page"]] == ["王秀兰"]


def test_worker_detail_masks_the_phone(
    territory: Territory, town_admin: User, workers: Workers
) -> None:
    response = _client(town_admin).get(reverse("console:worker_detail", args=[workers.chief_a1.pk]))
    page = response.content.decode()
    assert "139****5678" in page and "13912345678" not in page


def test_other_admin_cannot_reach_our_workers(
    territory: Territory, other_admin: User, workers: Workers
) -> None:
    client = _client(other_admin)
    url = reverse("console:worker_detail", args=[workers.chief_a1.pk])
    assert client.get(url).status_code == 404
    status_url = reverse("console:worker_status", args=[workers.chief_a1.pk])
    assert client.post(status_url, {"status": "left"}).status_code == 404
    assert GridWorker.objects.get(pk=workers.chief_a1.pk).status == GridWorkerStatus.ACTIVE
    assert client.get(reverse("console:worker_detail", args=[workers.other.pk])).status_code == 200


def test_worker_edit_phone_is_validated_and_never_logged(
    territory: Territory, town_admin: User, workers: Workers
) -> None:
    client = _client(town_admin)
    url = reverse("console:worker_edit", args=[workers.chief_a1.pk])
    bad = client.post(url, {"status": "active", "phone": "12345"})
    assert bad.status_code == 200 and "phone" in bad.context["form"].errors
    ok = client.post(url, {"status": "leave", "is_full_time": "on", "phone": "13511112222"})
    assert ok.status_code == 302
    worker = GridWorker.objects.get(pk=workers.chief_a1.pk)
    assert worker.phone == "13511112222" and worker.status == GridWorkerStatus.LEAVE
    entry = AuditEntry.objects.get(action="grid_worker.update")
    assert entry.data["phone_changed"] is True
    assert "13511112222" not in str(entry.data) and "13912345678" not in str(entry.data)


def test_worker_edit_blank_phone_keeps_the_number(
    territory: Territory, town_admin: User, workers: Workers
) -> None:
    url = reverse("console:worker_edit", args=[workers.chief_a1.pk])
    _client(town_admin).post(url, {"status": "active", "phone": ""})
    assert GridWorker.objects.get(pk=workers.chief_a1.pk).phone == "13912345678"


def test_quick_status_by_htmx_returns_the_panel(
    territory: Territory, town_admin: User, workers: Workers
) -> None:
    url = reverse("console:worker_status", args=[workers.shared.pk])
    response = _client(town_admin).post(url, {"status": "leave"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="worker-status"' in page and "<html" not in page
    assert GridWorker.objects.get(pk=workers.shared.pk).status == GridWorkerStatus.LEAVE
    plain = _client(town_admin).post(url, {"status": "active"})
    assert plain.status_code == 302


def test_leader_cannot_administer(territory: Territory, county_leader: User) -> None:
    client = _client(county_leader)
    assert client.get(reverse("console:region_list")).status_code == 403
    assert client.get(reverse("console:worker_list")).status_code == 403

"""Small pieces: role lookup and scope helpers, the nav table, forms and template helpers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.console.access import (
    ADMIN_ROLES_FOR_REGIONS,
    admin_paths,
    administered_workers,
    covering_region_code,
    in_paths,
    user_roles,
    viewer_paths,
)
from fengqiao.console.context import console
from fengqiao.console.forms import RegionEditForm, RegionFilterForm, WorkerEditForm
from fengqiao.console.nav import NAV, UNIT_MEMBER, NavItem, nav_for
from fengqiao.console.templatetags.console_tags import field_attrs, tr, widget_type
from fengqiao.console.tests.conftest import Workers
from fengqiao.testing import Territory, make_user


def test_user_roles_skip_expired_assignments(territory: Territory) -> None:
    user = make_user("mixed", Role.LEADER, territory.county, can_act=False)
    RoleAssignment.objects.create(
        user=user,
        role=Role.REGION_ADMIN,
        region=territory.town,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert user_roles(user) == frozenset({Role.LEADER})


def test_inactive_user_has_no_roles(territory: Territory, county_leader: User) -> None:
    county_leader.is_active = False
    assert user_roles(county_leader) == frozenset()


def test_view_and_admin_scopes_are_separate(territory: Territory) -> None:
    user = make_user("both", Role.LEADER, territory.county, can_act=False)
    RoleAssignment.objects.create(user=user, role=Role.REGION_ADMIN, region=territory.town)
    assert viewer_paths(user) == [territory.county.path]
    assert admin_paths(user) == [territory.town.path]


def test_admin_scope_needs_can_act(territory: Territory) -> None:
    user = make_user("view_admin", Role.REGION_ADMIN, territory.town, can_act=False)
    assert admin_paths(user) == []
    client = Client()
    client.force_login(user)
    assert client.get(reverse("console:region_list")).context["page"].paginator.count == 0


def test_administered_workers_are_distinct(
    territory: Territory, town_admin: User, workers: Workers
) -> None:
    ids = list(administered_workers(town_admin).values_list("pk", flat=True))
    assert sorted(ids) == sorted({workers.chief_a1.pk, workers.shared.pk, workers.left.pk})


def test_covering_region_code_prefers_the_widest_assignment(territory: Territory) -> None:
    user = make_user("nested", Role.REGION_ADMIN, territory.town)
    RoleAssignment.objects.create(user=user, role=Role.REGION_ADMIN, region=territory.county)
    code = covering_region_code(user, territory.grid_a1.path, ADMIN_ROLES_FOR_REGIONS)
    assert code == territory.county.code
    assert covering_region_code(user, territory.other_grid.path, ADMIN_ROLES_FOR_REGIONS) == ""


def test_in_paths(territory: Territory) -> None:
    assert in_paths(territory.grid_a1, [territory.town.path])
    assert not in_paths(territory.other_grid, [territory.town.path])
    assert not in_paths(territory.grid_a1, [])


def test_nav_table_per_role() -> None:
    def keys(*roles: str) -> list[str]:
        return [link.key for link in nav_for(frozenset(roles))]

    assert keys() == []
    assert keys(Role.GRID_WORKER) == ["home", "report", "tasks", "visits"]
    assert keys(Role.OPERATOR) == [
        "home",
        "overview",
        "dashboard",
        "cases",
        "intake",
        "visit_tasks",
    ]
    assert keys(Role.LEADER) == ["home", "overview", "dashboard", "cases"]
    assert keys(Role.REGION_ADMIN) == [
        "home",
        "overview",
        "dashboard",
        "cases",
        "visit_tasks",
        "regions",
        "workers",
        "units",
        "catalogue",
        "rules",
        "calendar",
        "users",
    ]
    assert keys(Role.MEDIATOR) == ["home", "overview", "dashboard", "mediation"]
    assert keys(UNIT_MEMBER) == ["unit"]
    assert keys(Role.SYSTEM_ADMIN) == ["home", "units", "catalogue", "rules", "calendar", "users"]
    assert keys(Role.SECURITY_ADMIN) == ["home", "users"]
    assert keys(Role.AUDIT_ADMIN) == ["home", "audit"]


def test_nav_item_without_a_url_is_left_out() -> None:
    assert NavItem("x", "x", "console:no_such_page", None).url() is None
    assert all(item.url() for item in NAV)


def test_context_is_empty_for_anonymous_and_cached_per_request(
    territory: Territory, county_leader: User
) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert console(request) == {}
    request.user = county_leader
    first = console(request)["console"]
    assert console(request)["console"] is first
    assert first.display_name == "county_leader"
    assert [(b.role_label, b.region_name, b.can_act) for b in first.badges] == [
        ("领导（只读）", "城关区", False)
    ]


def test_region_edit_form_fields_follow_the_level() -> None:
    assert list(RegionEditForm(fields=("grid_type", "households")).fields) == [
        "grid_type",
        "households",
    ]
    assert list(RegionEditForm(fields=("urban_rural", "households")).fields) == [
        "urban_rural",
        "households",
    ]


@pytest.mark.parametrize(
    "households,ok",
    [("0", True), ("100000", True), ("100001", False), ("-1", False), ("3.5", False), ("", True)],
)
def test_households_bounds(households: str, ok: bool) -> None:
    form = RegionEditForm(
        {"grid_type": "basic", "households": households}, fields=("grid_type", "households")
    )
    assert form.is_valid() is ok


@pytest.mark.parametrize(
    "phone,ok",
    [
        ("13912345678", True),
        (" 13912345678 ", True),
        ("", True),
        ("1391234567", False),
        ("23912345678", False),
        ("1391234567x", False),
        ("139123456789", False),
    ],
)
def test_worker_phone_validation(phone: str, ok: bool) -> None:
    form = WorkerEditForm({"status": "active", "phone": phone})
    assert form.is_valid() is ok
    if ok:
        assert form.cleaned_data["phone"] == (phone.strip() or None)


def test_filter_form_drops_a_bad_level() -> None:
    form = RegionFilterForm({"level": "99", "q": "兰州"})
    assert not form.is_valid() and "level" in form.errors


def test_choice_labels_follow_the_language() -> None:
    with translation.override("en"):
        html = str(RegionFilterForm()["level"])
        assert '<option value="" selected>All levels</option>' in html
        assert '<option value="6">Grid</option>' in html
    with translation.override("zh-hans"):
        assert '<option value="6">网格</option>' in str(RegionFilterForm()["level"])


def test_template_helpers() -> None:
    with translation.override("en"):
        assert tr("乡镇（街道）") == "Township (subdistrict)"
        assert tr("no such label") == "no such label"
        assert tr("") == ""
    form = WorkerEditForm({"status": "bogus", "phone": "1"})
    assert not form.is_valid()
    assert widget_type(form["is_full_time"]) == "checkbox"
    assert widget_type(form["status"]) == "select"
    assert widget_type(form["phone"]) == "input"
    html = field_attrs(form["phone"])
    assert 'aria-describedby="id_phone_help id_phone_errors"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-required="true"' in field_attrs(form["status"])

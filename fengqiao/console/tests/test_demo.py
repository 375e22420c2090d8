"""`fengqiao demo` gives the console something to show, and running it twice adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.console.demo import populate_console_demo
from fengqiao.regions.models import GridAssignment, GridWorker, Level, Region


def _counts() -> tuple[int, int, int, int]:
    return (
        Region.objects.count(),
        GridWorker.objects.count(),
        GridAssignment.objects.count(),
        RoleAssignment.objects.count(),
    )


def test_demo_populates_the_console_once(db: None) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "demo_regionadmin" in out.getvalue()
    assert Region.objects.filter(level=Level.CITY).count() == 14
    grids = Region.objects.filter(level=Level.GRID)
    assert grids.count() >= 20
    assert not grids.exclude(worker_assignments__is_chief=True).exists()  # a chief everywhere
    before = _counts()
    call_command("demo", stdout=io.StringIO())
    populate_console_demo()
    assert _counts() == before


def test_demo_logins_have_names_and_the_grid_worker_is_linked(db: None) -> None:
    call_command("demo", stdout=io.StringIO())
    grid_user = User.objects.get(username="demo_grid")
    assert grid_user.get_full_name() == "马小红"
    worker = GridWorker.objects.get(user=grid_user)
    assert worker.grids.filter(code="620102001001001").exists()
    admin = User.objects.get(username="demo_regionadmin")
    assignment = admin.assignments.get()
    assert (assignment.role, assignment.region.code) == (Role.REGION_ADMIN, "620102000000")


def test_demo_phones_are_encrypted_at_rest(db: None) -> None:
    from django.db import connection

    call_command("demo", stdout=io.StringIO())
    worker = GridWorker.objects.order_by("pk").first()
    assert worker is not None and worker.phone.startswith("199")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM regions_gridworker WHERE id = %s", [worker.pk])
        (stored,) = cursor.fetchone()
    assert worker.phone not in stored

"""`fengqiao demo` gives the console something to show at every level, and the console's part
adds nothing when run again. (The regions demo imports all of Gansu: one run per test.)"""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.cases.models import Case
from fengqiao.console import demo_stats
from fengqiao.console.demo import EXTRA_TOWNSHIPS, populate_console_demo
from fengqiao.console.demo_cases import MARK
from fengqiao.console.selectors import children_figures
from fengqiao.console.worklists import (
    bucket_condition,
    bucket_counts,
    operator_cases,
    unit_counts,
)
from fengqiao.regions.models import GridAssignment, GridWorker, Level, Region
from fengqiao.regions.tree import create_region
from fengqiao.reports import sync


def _counts() -> tuple[int, int, int, int]:
    return (
        Region.objects.count(),
        GridWorker.objects.count(),
        GridAssignment.objects.count(),
        RoleAssignment.objects.count(),
    )


def test_demo_populates_the_console(db: None) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "demo_regionadmin" in out.getvalue()

    # every extra township has grids, each with a 网格长 and households
    for township in EXTRA_TOWNSHIPS:
        town_path = Region.objects.get(code=township).path
        grids = Region.objects.filter(level=Level.GRID, path__startswith=town_path)
        assert grids.count() >= 2, township
        assert not grids.filter(households__isnull=True).exists()
        assert not grids.exclude(worker_assignments__is_chief=True).exists()

    # the leader's province page has several cities with grids, and 城关区 several subdistricts
    province = Region.objects.get(code="620000000000")
    assert len([r for r in children_figures(province) if r.grids]) >= 3
    chengguan = Region.objects.get(code="620102000000")
    assert len([r for r in children_figures(chengguan) if r.grids and r.workers]) >= 4

    # logins: the region administrator, display names, demo_grid linked to its grid's chief
    admin = User.objects.get(username="demo_regionadmin")
    assignment = admin.assignments.get()
    assert (assignment.role, assignment.region.code) == (Role.REGION_ADMIN, "620102000000")
    assert admin.get_full_name() == "孙明辉"
    grid_user = User.objects.get(username="demo_grid")
    worker = GridWorker.objects.get(user=grid_user)
    assert worker.assignments.get(grid__code="620102001001001").is_chief
    assert grid_user.get_full_name() == worker.name

    # demo phones are encrypted at rest
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM regions_gridworker WHERE id = %s", [worker.pk])
        (stored,) = cursor.fetchone()
    assert worker.phone.startswith("199") and worker.phone not in stored

    # demo cases at every stage, visible in the operator's worklists and the handler's unit
    operator = User.objects.get(username="demo_operator")
    cases = Case.objects.filter(external_ref__startswith=MARK)
    assert cases.count() == 14
    # (the generated history of demo_stats.py has open cases too: count the hand-made ones)
    counts = bucket_counts(operator_cases(operator).filter(external_ref__startswith=MARK), operator)
    assert counts["new"] >= 4 and counts["overdue"] == 1 and counts["supervised"] == 1
    assert counts["due_today"] >= 1 and counts["callback"] == 1
    assert {"registered", "dispatched", "handling", "replied", "closed", "reported"} <= set(
        cases.values_list("status", flat=True)
    )
    handler = User.objects.get(username="demo_handler")
    assert unit_counts(handler)["signed"] >= 1
    assert not cases.filter(parties__phone_index="").exists()  # phones are indexed, encrypted

    _history_leaves_the_desk_to_the_hand_made_cases(operator)
    _generated_closed_case_opens(operator)
    # the whole demo's rollups (history, hand-made cases, mediation) equal a recomputation,
    # once the hand-made cases' queued syncs have run (on commit, outside a test)
    sync.sync()
    assert sync.pending() == 0
    assert sync.differences() == []

    before = _counts()
    cases_before = Case.objects.count()
    populate_console_demo()
    assert _counts() == before and Case.objects.count() == cases_before


def _history_leaves_the_desk_to_the_hand_made_cases(operator: User) -> None:
    """The generated history keeps only a handful of recent cases open: the operator's
    worklists show the hand-made cases, with few generated ones beside them."""
    generated = operator_cases(operator).filter(description=demo_stats.DESCRIPTION)
    assert generated.count() > 1000  # 城关区 holds most of the demo grids
    counts = bucket_counts(generated, operator)
    assert counts["new"] <= 3 and counts["due_today"] <= 3
    assert counts["overdue"] <= 5 and counts["supervised"] <= 5
    assert counts["returned"] == counts["callback"] == counts["mine"] == 0
    assert 0 < counts["open"] <= 20
    made = operator_cases(operator).filter(external_ref__startswith=MARK)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    for bucket in ("new", "due_today", "overdue", "supervised", "callback", "open"):
        response = client.get(reverse("console:case_worklist"), {"list": bucket})
        assert response.status_code == 200
        page = response.content.decode()
        wanted = made.filter(bucket_condition(bucket, operator))
        assert wanted.exists(), bucket
        for receipt in wanted.values_list("receipt_no", flat=True):
            assert receipt in page, (bucket, receipt)
        shown = sum(receipt in page for receipt in generated.filter(
            bucket_condition(bucket, operator)).values_list("receipt_no", flat=True))  # fmt: skip
        assert shown <= (20 if bucket == "open" else 5), bucket
    # no generated case is older than a month and still open
    cutoff = timezone.now() - timedelta(days=demo_stats.OPEN_DAYS + 2)
    assert not generated.filter(is_open=True, received_at__lt=cutoff).exists()


def _generated_closed_case_opens(operator: User) -> None:
    """A generated closed case opens with its timeline and its masked caller."""
    case = (
        operator_cases(operator)
        .filter(description=demo_stats.DESCRIPTION, kind="hotline", status="closed")
        .exclude(lead_unit=None)
        .order_by("-received_at")
        .first()
    )
    assert case is not None
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    response = client.get(reverse("console:case_detail", kwargs={"pk": case.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("登记", "派单", "签收", "答复（办结反馈）", "回访", "已办结"):
        assert label in page, label
    party = case.parties.get()
    assert f"199****{party.phone[-4:]}" in page and party.phone not in page
    assert party.name[0] + "*" in page and party.name not in page
    assert case.address and case.address in page


def test_console_demo_without_a_territory_adds_only_what_it_can(db: None) -> None:
    """Without the imported villages there is nothing to put grids in: no error, no grids."""
    province = create_region(code="620000000000", name="甘肃省", level=Level.PROVINCE)
    city = create_region(code="620100000000", name="兰州市", level=Level.CITY, parent=province)
    create_region(code="620102000000", name="城关区", level=Level.COUNTY, parent=city)
    assert populate_console_demo() == [("demo_regionadmin", "区域管理员", "620102000000")]
    assert not Region.objects.filter(level=Level.GRID).exists()
    assert User.objects.get(username="demo_regionadmin").assignments.count() == 1

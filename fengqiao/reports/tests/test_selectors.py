"""The read layer's rules: the analytic scope (view scope, wider than the act scope; expired
and admin roles give nothing), 404 for areas outside it, which rollup table answers which
question, and the Chinese reasons when none can."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.reports import periods, selectors
from fengqiao.reports.models import AreaDay, AreaMonth, SourceMonth
from fengqiao.reports.selectors import Filters, NotAvailable
from fengqiao.reports.tests.desk import Desk, at
from fengqiao.testing import Territory, make_user

MARCH = periods.parse("2026-03")
WEEK = periods.parse("2026-W10")


@pytest.mark.django_db
def test_the_analytic_scope_is_the_view_scope(territory: Territory) -> None:
    leader = make_user("leader", Role.LEADER, territory.county, can_act=False)
    scope = selectors.analytic_scope(leader)
    assert scope.covers(territory.grid_a1) and scope.covers(territory.county)
    assert not scope.covers(territory.city) and not scope.covers(territory.other_grid)
    assert [r.name for r in scope.roots()] == ["城关区"]
    assert selectors.area_for(leader, None) == territory.county
    assert selectors.area_for(leader, f"  {territory.town.code} ") == territory.town
    for code in (territory.city.code, territory.other_county.code, "nonsense", "620102"):
        with pytest.raises(Http404):
            selectors.area_for(leader, code)


@pytest.mark.django_db
def test_two_grants_give_two_roots_highest_first(territory: Territory) -> None:
    user = make_user("two", Role.OPERATOR, territory.town)
    RoleAssignment.objects.create(user=user, role=Role.LEADER, region=territory.other_county)
    RoleAssignment.objects.create(user=user, role=Role.OPERATOR, region=territory.grid_a1)
    roots = selectors.analytic_scope(user).roots()
    assert [r.name for r in roots] == ["七里河区", "酒泉路街道"]  # the grid is inside the town
    assert selectors.area_for(user, None).name == "七里河区"


@pytest.mark.django_db
def test_no_business_role_no_statistics(territory: Territory, auditor: User) -> None:
    with pytest.raises(Http404):
        selectors.area_for(auditor, None)
    expired = make_user("expired", Role.LEADER, territory.city)
    RoleAssignment.objects.filter(user=expired).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert selectors.analytic_scope(expired).paths == ()
    disabled = make_user("disabled", Role.LEADER, territory.city)
    disabled.is_active = False
    disabled.save(update_fields=["is_active"])
    with pytest.raises(Http404):
        selectors.area_for(disabled, territory.city.code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: selectors.totals(t.city, [WEEK], Filters(category=1)), "不支持分类和来源"),
        (lambda t: selectors.children(t.county, [WEEK]), "只到县"),
        (lambda t: selectors.by_dimension(t.city, "source", [WEEK]), "不支持分类和来源"),
        (lambda t: selectors.totals(t.city, [MARCH], Filters(category=1, source="letter")),
         "不能再按分类筛选"),
        (lambda t: selectors.children(t.town, [MARCH], Filters(source="letter")), "只到乡镇"),
        (lambda t: selectors.by_unit(t.city, "lead", [WEEK]), "按月进行"),
        (lambda t: selectors.by_unit(t.village, "lead", [MARCH]), "只到乡镇"),
        (lambda t: selectors.by_unit(t.city, "lead", [MARCH], Filters(category=1)), "按月进行"),
    ],
)  # fmt: skip
def test_what_the_rollups_cannot_answer(territory: Territory, call: object, message: str) -> None:
    with pytest.raises(NotAvailable) as caught:
        call(territory)  # type: ignore[operator]
    assert message in str(caught.value)


@pytest.mark.django_db
def test_which_table_answers(desk: Desk) -> None:
    for day in ("2026-03-02", "2026-03-09", "2026-02-27"):
        desk.register(at(day), channel="hotline_web" if day.endswith("09") else "hotline_phone")
    desk.sync()
    t = desk.t
    # months from the month table, weeks from the day table (they agree where they overlap)
    (march,) = selectors.totals(t.province, [MARCH])
    (week,) = selectors.totals(t.province, [WEEK])
    assert (march["received"], week["received"]) == (2, 1)
    days = periods.parse("2026-02-27..2026-03-02")
    (span,) = selectors.totals(t.county, [days])
    assert span["received"] == 2
    assert AreaDay.objects.filter(level__gt=3).count() == 0  # days stop at the county
    assert SourceMonth.objects.filter(level__gt=4).count() == 0  # sources at the township
    assert AreaMonth.objects.filter(level=6).exists()  # months reach the grid
    # one query groups several periods at once
    now, before = selectors.children(t.city, [MARCH, periods.parse("2026-02")])
    assert now == {t.county.pk: now[t.county.pk]} and now[t.county.pk]["received"] == 2
    assert before[t.county.pk]["received"] == 1
    (sources,) = selectors.by_dimension(t.county, "source", [MARCH])
    assert {k: v["received"] for k, v in sources.items()} == {"hotline_phone": 1, "hotline_web": 1}
    web = Filters(source="hotline_web")
    (only_web,) = selectors.totals(t.county, [MARCH], web)
    assert only_web["received"] == 1 and web.params() == {"source": "hotline_web"}
    assert Filters(kinds=("hotline",), category=3).params() == {"kinds": ["hotline"], "category": 3}
    assert selectors.grid_ids(t.village) == [t.grid_a1.pk, t.grid_a2.pk]
    info = selectors.areas([t.county.pk])[t.county.pk]
    assert (info.code, info.display, info.level, info.retired) == (
        t.county.code,
        "城关区",
        3,
        False,
    )
    zero = selectors.zero()
    assert selectors.subtract(selectors.add(zero, march), march) == zero
    counts = selectors.cube_row_count()
    assert set(counts) == {"area_month", "area_day", "source_month", "unit_month"}
    assert counts["area_month"] == AreaMonth.objects.count()

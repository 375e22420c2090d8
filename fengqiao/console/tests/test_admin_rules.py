"""时限规则 (read-only, with source) and 工作日历 (date-list entry with audit) pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.console.admin_forms import parse_dates
from fengqiao.rules.calendar import PACKAGE_END, WorkCalendar
from fengqiao.rules.models import CalendarOverride, CalendarYear, ClockRule, DurationUnit
from fengqiao.testing import Territory, make_user

NEXT = PACKAGE_END.year + 1


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture
def root_sysadmin(territory: Territory) -> User:
    """系统管理员 of the whole territory (甘肃省, a root region): edits the national calendar."""
    return make_user("root_sysadmin", Role.SYSTEM_ADMIN, territory.province)


def _rule(code: str, **extra: object) -> ClockRule:
    fields: dict[str, object] = {
        "code": code,
        "name": f"规则{code}",
        "case_kind": "hotline",
        "start_event": "created",
        "duration": 15,
        "unit": DurationUnit.CALENDAR_DAYS,
        "effective_from": dt.date(2020, 1, 1),
        "issuing_authority": "国务院",
        "source_document": "信访工作条例",
        "source_article": "第三十二条",
        "rule_number": 7,
        "is_statutory": True,
    }
    fields.update(extra)
    return ClockRule.objects.create(**fields)


# --- clock rules ------------------------------------------------------------------------------


def test_rules_page_lists_rules_with_their_source_in_scope(
    territory: Territory, county_admin: User
) -> None:
    national = _rule("T-NATIONAL")
    above = _rule("T-CITY", region=territory.city, is_statutory=False, rule_number=None)
    inside = _rule("T-TOWN", region=territory.town, is_statutory=False, rule_number=None)
    other = _rule("T-OTHER", region=territory.other_county, is_statutory=False, rule_number=None)
    old = _rule("T-OLD", effective_to=dt.date(2021, 1, 1))
    response = _client(county_admin).get(reverse("console:rule_list"))
    assert response.status_code == 200
    listed = {r.pk for r in response.context["rules"]}
    mine = {national.pk, above.pk, inside.pk, other.pk, old.pk}
    assert listed & mine == {national.pk, above.pk, inside.pk}
    # the seeded statutory rules (national) are listed too, each with its source
    seeded = ClockRule.objects.filter(region__isnull=True).exclude(pk__in=mine)
    assert (
        seeded.exists()
        and set(seeded.filter(effective_to__isnull=True).values_list("pk", flat=True)) <= listed
    )
    body = response.content.decode()
    assert "信访工作条例" in body and "第三十二条" in body and "国务院" in body
    everything = _client(county_admin).get(reverse("console:rule_list"), {"all": "1"})
    assert old.pk in {r.pk for r in everything.context["rules"]}
    # read-only: the page offers no form
    assert '<form method="post"' not in body.split("<main", 1)[1]


@pytest.mark.parametrize("persona", ["town_operator", "county_leader", "auditor", "security_admin"])
def test_other_roles_get_403_on_rules_and_calendar(
    territory: Territory, persona: str, request: pytest.FixtureRequest
) -> None:
    client = _client(request.getfixturevalue(persona))
    assert client.get(reverse("console:rule_list")).status_code == 403
    assert client.get(reverse("console:calendar")).status_code == 403
    assert client.post(reverse("console:calendar"), {"dates": "2027-01-01"}).status_code == 403
    assert not CalendarOverride.objects.exists()


# --- the calendar ---------------------------------------------------------------------------


def test_calendar_shows_coverage_and_warning(territory: Territory, root_sysadmin: User) -> None:
    response = _client(root_sysadmin).get(reverse("console:calendar"))
    assert response.status_code == 200
    assert response.context["can_edit"]
    assert response.context["next_year"] == NEXT
    assert response.context["status"].coverage_end == PACKAGE_END
    form = response.context["form"]
    assert str(NEXT) in form.initial["source_document"]


def test_entering_a_date_list_sets_each_date_with_an_audit_row(
    territory: Territory, root_sysadmin: User
) -> None:
    response = _client(root_sysadmin).post(
        reverse("console:calendar"),
        {
            "dates": f"{NEXT}-02-06~{NEXT}-02-08\n{NEXT}-01-01，{NEXT}-5-1",
            "is_workday": "0",
            "name": "春节等",
            "source_document": f"国务院办公厅关于{NEXT}年部分节假日安排的通知",
        },
    )
    assert response.status_code == 302
    days = list(CalendarOverride.objects.values_list("date", flat=True))
    assert days == [
        dt.date(NEXT, 1, 1),
        dt.date(NEXT, 2, 6),
        dt.date(NEXT, 2, 7),
        dt.date(NEXT, 2, 8),
        dt.date(NEXT, 5, 1),
    ]
    assert not CalendarOverride.objects.filter(is_workday=True).exists()
    rows = AuditEntry.objects.filter(action="rules.calendar_override.set")
    assert rows.count() == 5 and {r.actor_id for r in rows} == {root_sysadmin.pk}
    assert WorkCalendar.from_db().status(dt.date(NEXT, 2, 8)).is_workday is False


def test_workday_swap_and_year_registration_extend_coverage(
    territory: Territory, root_sysadmin: User
) -> None:
    client = _client(root_sysadmin)
    source = f"国务院办公厅关于{NEXT}年部分节假日安排的通知"
    client.post(
        reverse("console:calendar"),
        {"dates": f"{NEXT}-10-01~{NEXT}-10-07", "is_workday": "0", "source_document": source},
    )
    client.post(
        reverse("console:calendar"),
        {
            "dates": f"{NEXT}-09-26",
            "is_workday": "1",
            "name": "调休上班",
            "source_document": source,
        },
    )
    saturday = CalendarOverride.objects.get(date=dt.date(NEXT, 9, 26))
    assert saturday.is_workday and saturday.name == "调休上班"
    response = client.post(
        reverse("console:calendar_year"), {"year": str(NEXT), "source_document": source}
    )
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=NEXT).exists()
    assert WorkCalendar.from_db().coverage_end() == dt.date(NEXT, 12, 31)
    assert AuditEntry.objects.filter(action="rules.calendar_year.record").count() == 1
    again = client.post(
        reverse("console:calendar_year"), {"year": str(NEXT), "source_document": source}
    )
    assert again.status_code == 200
    assert again.context["year_form"].errors["year"] == [f"{NEXT}年已登记。"]


def test_year_registration_needs_holidays_first(territory: Territory, root_sysadmin: User) -> None:
    response = _client(root_sysadmin).post(
        reverse("console:calendar_year"), {"year": "2031", "source_document": "通知"}
    )
    assert response.status_code == 200
    assert "请先录入2031年的放假日期" in response.context["year_form"].errors["year"][0]
    bad = _client(root_sysadmin).post(
        reverse("console:calendar_year"), {"year": "abc", "source_document": ""}
    )
    assert bad.context["year_form"].errors["year"] == ["请输入年份，如 2027。"]
    assert bad.context["year_form"].errors["source_document"] == ["请填写依据文件。"]
    assert not CalendarYear.objects.exists()


def test_deleting_an_override_is_audited(territory: Territory, root_sysadmin: User) -> None:
    override = CalendarOverride.objects.create(
        date=dt.date(NEXT, 1, 1), is_workday=False, name="元旦", source_document="通知"
    )
    client = _client(root_sysadmin)
    response = client.post(reverse("console:calendar_delete", args=[override.pk]))
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    [row] = AuditEntry.objects.filter(action="rules.calendar_override.delete")
    assert row.data["date"] == f"{NEXT}-01-01"
    assert client.post(reverse("console:calendar_delete", args=[override.pk])).status_code == 404
    assert client.get(reverse("console:calendar_delete", args=[1])).status_code == 405


def test_bad_date_lists_get_field_messages_and_change_nothing(
    territory: Territory, root_sysadmin: User
) -> None:
    client = _client(root_sysadmin)
    response = client.post(
        reverse("console:calendar"),
        {
            "dates": f"{NEXT}-02-30\n明天\n{NEXT}-03-05~{NEXT}-03-01",
            "is_workday": "2",
            "source_document": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert f"“{NEXT}-02-30”不是有效日期。" in errors["dates"]
    assert "无法识别“明天”，请写成 2027-01-01。" in errors["dates"]
    assert any("结束日期早于开始日期" in e for e in errors["dates"])
    assert errors["is_workday"] == ["请从列表中选择。"]
    assert errors["source_document"] == ["请填写依据文件。"]
    empty = client.post(reverse("console:calendar"), {"dates": " ， ", "is_workday": "0"})
    assert empty.context["form"].errors["dates"] == ["请填写至少一个日期。"]
    assert not CalendarOverride.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="rules.").exists()


def test_a_city_system_admin_and_a_region_admin_only_read_the_calendar(
    territory: Territory, system_admin: User, county_admin: User
) -> None:
    for user in (system_admin, county_admin):
        client = _client(user)
        page = client.get(reverse("console:calendar"))
        assert page.status_code == 200 and not page.context["can_edit"]
        assert "录入节假日安排" not in page.content.decode()
        refused = client.post(
            reverse("console:calendar"),
            {"dates": f"{NEXT}-01-01", "is_workday": "0", "source_document": "通知"},
        )
        assert refused.status_code == 403
    assert not CalendarOverride.objects.exists()
    override = CalendarOverride.objects.create(
        date=dt.date(NEXT, 1, 1), is_workday=False, source_document="通知"
    )
    assert (
        _client(system_admin)
        .post(reverse("console:calendar_delete", args=[override.pk]))
        .status_code
        == 403
    )
    assert (
        _client(county_admin)
        .post(reverse("console:calendar_delete", args=[override.pk]))
        .status_code
        == 403
    )
    assert CalendarOverride.objects.exists()


def test_parse_dates_accepts_the_usual_notations() -> None:
    dates, problems = parse_dates("2027-1-1、2027-02-06 至 2027-02-07；2027-02-06\n\n")
    assert problems == []
    assert dates == [dt.date(2027, 1, 1), dt.date(2027, 2, 6), dt.date(2027, 2, 7)]
    too_long, problems = parse_dates("2027-01-01~2027-12-31")
    assert too_long == [] and problems == ["“2027-01-01~2027-12-31”跨度过长。"]


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(
        st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
        min_size=1,
        max_size=10,
    ),
    separator=st.sampled_from(["\n", ",", "，", "、", " ", "；", "\r\n"]),
)
def test_parse_dates_reads_back_any_list_of_dates(days: list[dt.date], separator: str) -> None:
    text = separator.join(f"{d.year}-{d.month}-{d.day}" for d in days)
    parsed, problems = parse_dates(text)
    assert problems == []
    assert parsed == sorted(set(days))


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=80))
def test_parse_dates_never_raises(text: str) -> None:
    parsed, problems = parse_dates(text)
    assert all(isinstance(d, dt.date) for d in parsed)
    assert all(isinstance(p, str) for p in problems)

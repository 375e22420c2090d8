"""时限规则的本地版本 (新增本地版本, 停止适用) and a rule's 版本历史, with the Django test client:
add then resolve, overlap and lengthening refused in Chinese, audit rows, 403 for the wrong
role, 404 outside the subtree, and no 500 on bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.tests.conftest import ensure_reference_data
from fengqiao.rules.clocks import due_for
from fengqiao.rules.models import ClockRule
from fengqiao.rules.resolve import resolve_rule
from fengqiao.rules.tests.helpers import at, end_of
from fengqiao.testing import Territory, make_user

pytestmark = pytest.mark.django_db

CODE = "petition.handling"  # 信访工作条例 第三十四条: 60日, statutory, national


@pytest.fixture(autouse=True)
def _national_rules(db: None) -> None:
    """The national rules ship in a data migration; a transactional test's flush removes them."""
    ensure_reference_data()


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture
def county_sysadmin(territory: Territory) -> User:
    """系统管理员 of 城关区: adds and closes the local versions of 城关区 only."""
    return make_user("county_sysadmin", Role.SYSTEM_ADMIN, territory.county)


def _national(code: str = CODE) -> ClockRule:
    return ClockRule.objects.get(code=code, region__isnull=True)


def _post_data(place: Any, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "region": place.pk,
        "duration": "45",
        "unit": "calendar_days",
        "effective_from": "2026-07-01",
        "issuing_authority": "兰州市人民代表大会常务委员会",
        "source_document": "兰州市信访条例",
        "source_article": "第二十条",
    }
    data.update(extra)
    return data


def _add(user: User, base: ClockRule, data: dict[str, object]) -> Any:
    return _client(user).post(reverse("console:rule_add_local", args=[base.pk]), data)


def _errors(response: Any, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def _local(
    territory_region: Any, code: str = CODE, *, duration: int = 40, **extra: object
) -> ClockRule:
    """A local version made directly (as if entered earlier), with its fields copied."""
    base = _national(code)
    fields: dict[str, object] = {
        "code": base.code,
        "name": base.name,
        "case_kind": base.case_kind,
        "stage": base.stage,
        "start_event": base.start_event,
        "duration": duration,
        "unit": base.unit,
        "region": territory_region,
        "effective_from": dt.date(2026, 1, 1),
        "issuing_authority": "测试市人大常委会",
        "source_document": "测试市信访条例",
        "source_article": "第九条",
        "is_statutory": True,
    }
    fields.update(extra)
    return ClockRule.objects.create(**fields)


# --- add, then resolve ------------------------------------------------------------------------


def test_adding_a_local_version_changes_the_clock_from_its_effective_date(
    territory: Territory, system_admin: User
) -> None:
    national = _national()
    page = _client(system_admin).get(reverse("console:rule_add_local", args=[national.pk]))
    assert page.status_code == 200
    offered = {r.pk for r in page.context["form"].fields["region"].queryset}
    # the city and its counties (the 系统管理员 acts in 兰州市), no township or grid
    assert offered == {territory.city.pk, territory.county.pk, territory.other_county.pk}
    assert "is_statutory" not in page.context["form"].fields  # a statutory base stays statutory
    response = _add(system_admin, national, _post_data(territory.county))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:rule_history", args=[CODE])
    local = ClockRule.objects.get(code=CODE, region=territory.county)
    assert (local.version, local.duration, local.unit) == (1, 45, "calendar_days")
    assert local.is_statutory and local.created_by == system_admin
    assert local.source_document == "兰州市信访条例" and local.source_article == "第二十条"
    assert (local.start_event, local.stage, local.rule_number) == (
        national.start_event,
        national.stage,
        national.rule_number,
    )
    # resolve: the old (national) version before the effective date, the local one from it
    day_before, first_day = dt.date(2026, 6, 30), dt.date(2026, 7, 1)
    assert resolve_rule(CODE, region=territory.grid_a1, on=day_before) == national
    assert resolve_rule(CODE, region=territory.grid_a1, on=first_day) == local
    assert resolve_rule(CODE, region=territory.other_grid, on=first_day) == national
    before = due_for(CODE, at("2026-06-30"), region=territory.grid_a1)
    after = due_for(CODE, at("2026-07-01"), region=territory.grid_a1)
    assert before.rule_id == national.pk and before.due_at == end_of(
        "2026-08-31"
    )  # 60日 (08-29 周六 → 08-31)
    assert after.rule_id == local.pk and after.due_at == end_of(
        "2026-08-17"
    )  # 45日 (08-15 周六 → 08-17)
    # the audit row, in the same transaction, with the source
    entry = AuditEntry.objects.get(action="rules.clock_rule.add", object_id=str(local.pk))
    assert entry.actor_id == system_admin.pk and entry.data["region"] == territory.county.code
    assert entry.data["source"] == "兰州市信访条例第二十条" and entry.data["closed_versions"] == []


def test_a_second_local_version_closes_the_first_and_the_history_shows_both(
    territory: Territory, system_admin: User
) -> None:
    national = _national()
    assert _add(system_admin, national, _post_data(territory.county)).status_code == 302
    first = ClockRule.objects.get(code=CODE, region=territory.county)
    second_data = _post_data(territory.county, duration="30", effective_from="2026-10-01")
    assert _add(system_admin, first, second_data).status_code == 302
    first.refresh_from_db()
    second = ClockRule.objects.get(code=CODE, region=territory.county, version=2)
    assert first.effective_to == dt.date(2026, 9, 30) and second.effective_to is None
    assert resolve_rule(CODE, region=territory.grid_a2, on=dt.date(2026, 9, 30)) == first
    assert resolve_rule(CODE, region=territory.grid_a2, on=dt.date(2026, 10, 1)) == second
    entry = AuditEntry.objects.get(action="rules.clock_rule.add", object_id=str(second.pk))
    assert entry.data["closed_versions"] == [first.pk]

    response = _client(system_admin).get(reverse("console:rule_history", args=[CODE]))
    assert response.status_code == 200
    rows = {row.rule.pk: row for row in response.context["rows"]}
    order = [row.rule.pk for row in response.context["rows"]]  # national first, then by date
    assert order.index(national.pk) < order.index(first.pk) < order.index(second.pk)
    assert {national.pk, first.pk, second.pk} <= set(rows)
    assert rows[first.pk].added is not None and rows[first.pk].added.actor_name == "system_admin"
    assert rows[national.pk].added is None  # seeded by the migration
    body = response.content.decode()
    assert "系统预置" in body and "兰州市信访条例" in body and "2026-07-01 – 2026-09-30" in body
    assert "城关区" in body and "system_admin" in body


def test_the_history_answers_which_version_applied_on_a_date(
    territory: Territory, system_admin: User, county_leader: User
) -> None:
    local = _local(territory.county, effective_from=dt.date(2026, 7, 1))
    url = reverse("console:rule_history", args=[CODE])
    # a leader reads the history in their view scope (which rule applied when)
    leader = _client(county_leader)
    early = leader.get(url, {"region": str(territory.county.pk), "on": "2026-06-30"})
    assert early.status_code == 200 and early.context["applied"] == _national()
    late = leader.get(url, {"region": str(territory.county.pk), "on": "2026-07-01"})
    assert late.context["applied"] == local
    assert "2026-07-01在城关区适用 v1" in late.content.decode()
    assert not late.context["can_add"]
    # no version in force that day: the resolver's message, not an error page
    none = leader.get(url, {"region": str(territory.county.pk), "on": "2001-01-01"})
    assert none.status_code == 200 and "没有生效的版本" in none.context["applied_error"]
    # the leader's lookup offers only their own subtree
    other = leader.get(url, {"region": str(territory.other_county.pk), "on": "2026-07-01"})
    assert other.status_code == 200 and other.context["applied"] is None
    assert other.context["lookup"].errors["region"] == ["请从列表中选择。"]


def test_a_non_statutory_base_offers_the_statutory_checkbox(
    territory: Territory, system_admin: User
) -> None:
    base = _national("hotline.default")  # platform default 5 working days, not statutory
    assert not base.is_statutory
    data = _post_data(
        territory.county,
        duration="3",
        unit="working_days",
        source_document="兰州市12345政务服务便民热线管理办法",
        is_statutory="on",
    )
    assert _add(system_admin, base, data).status_code == 302
    local = ClockRule.objects.get(code="hotline.default", region=territory.county)
    assert local.is_statutory and local.describe() == "3个工作日"


# --- refusals ---------------------------------------------------------------------------------


def test_an_overlapping_version_is_refused_in_chinese(
    territory: Territory, system_admin: User
) -> None:
    national = _national()
    assert _add(system_admin, national, _post_data(territory.county)).status_code == 302
    for start in ("2026-07-01", "2026-03-01"):
        response = _add(system_admin, national, _post_data(territory.county, effective_from=start))
        assert response.status_code == 200
        (message,) = _errors(response, "effective_from")
        assert "已有自2026-07-01起生效的版本（v1）" in message and "必须晚于它" in message
    assert ClockRule.objects.filter(code=CODE, region=territory.county).count() == 1
    assert "未保存：请检查标注的内容。" in response.content.decode()


def test_lengthening_a_statutory_limit_is_refused_naming_the_field(
    territory: Territory, system_admin: User
) -> None:
    national = _national()
    longer = _add(system_admin, national, _post_data(territory.county, duration="61"))
    (message,) = _errors(longer, "duration")
    assert message.startswith("期限数值超过上级法定时限") and "60日" in message
    assert "信访工作条例第三十四条" in message and "不得延长" in message
    # another unit that may run past 60 days over the holidays: refused on 单位
    for duration, unit in (("3", "months"), ("2", "months"), ("40", "working_days")):
        response = _add(
            system_admin, national, _post_data(territory.county, duration=duration, unit=unit)
        )
        (message,) = _errors(response, "unit")
        assert message.startswith("单位与上级法定时限不同") and "日（自然日）" in message
    # a county may not lengthen the city's own (shorter) statutory limit either
    _local(territory.city, duration=40)
    response = _add(system_admin, national, _post_data(territory.county, duration="45"))
    (message,) = _errors(response, "duration")
    assert "40日" in message and "测试市信访条例第九条" in message
    assert not ClockRule.objects.filter(region=territory.county).exists()
    assert not AuditEntry.objects.filter(action="rules.clock_rule.add").exists()


def test_a_shorter_limit_in_another_unit_is_accepted(
    territory: Territory, system_admin: User
) -> None:
    # one month never spans more than 31 days: within 60 days whatever the start
    data = _post_data(territory.county, duration="1", unit="months")
    assert _add(system_admin, _national(), data).status_code == 302
    assert ClockRule.objects.get(code=CODE, region=territory.county).describe() == "1个月"


def test_a_non_statutory_local_rule_cannot_replace_a_statutory_one(
    territory: Territory, system_admin: User
) -> None:
    # hotline.default at the county made statutory; the city may not add an internal target
    # under it for the same code (a statutory limit always wins, so it would never apply)
    _local(territory.county, "hotline.default", duration=3, unit="working_days")
    base = _national("hotline.default")
    response = _add(
        system_admin, base, _post_data(territory.county, duration="2", unit="working_days")
    )
    (message,) = _errors(response, "is_statutory")
    assert "法定时限优先" in message


def test_missing_source_is_refused_per_field(territory: Territory, system_admin: User) -> None:
    data = _post_data(
        territory.county, source_document="  ", source_article="", issuing_authority=""
    )
    response = _add(system_admin, _national(), data)
    assert response.status_code == 200
    assert _errors(response, "source_document") == ["请填写依据文件：本地版本必须注明来源。"]
    assert _errors(response, "source_article") == ["请填写条款：本地版本必须注明所依据的条款。"]
    assert _errors(response, "issuing_authority") == ["请填写制定机关。"]
    assert not ClockRule.objects.filter(region=territory.county).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("effective_from", "2026-13-45", "请输入日期，如 2027-01-01。"),
        ("effective_from", "明天", "请输入日期，如 2027-01-01。"),
        ("effective_from", "9999-01-01", "日期须在1990年至2100年之间。"),
        ("effective_from", "", "此项必填。"),
        ("effective_to", "2026-01-01", "失效日期不能早于生效日期。"),
        ("effective_to", "0001-01-01", "日期须在1990年至2100年之间。"),
        ("duration", "99999999999999999999999", "期限数值过大，请检查单位。"),
        ("duration", "1e9", "期限数值请填写整数，如 10。"),
        ("duration", "-5", "期限数值不能为负数。"),
        ("duration", "87841", "期限数值过大，请检查单位。"),
        ("duration", "", "请填写期限数值。"),
        ("unit", "weeks", "请从列表中选择。"),
        ("region", "abc", "请从列表中选择。"),
        ("region", "999999999", "请从列表中选择。"),
        ("source_document", "文" * 301, "依据文件最多300个字。"),
        ("source_article", "条" * 201, "条款最多200个字。"),
    ],
)
def test_bad_input_gives_a_message_never_a_500(
    territory: Territory, system_admin: User, field: str, value: str, message: str
) -> None:
    response = _add(system_admin, _national(), _post_data(territory.county, **{field: value}))
    assert response.status_code == 200
    errors = _errors(response, field)
    assert errors and message in errors[0]
    assert not ClockRule.objects.filter(region=territory.county).exists()


def test_huge_durations_in_hours_and_months_are_refused_by_the_action(
    territory: Territory, system_admin: User
) -> None:
    base = _national("hotline.urgent")  # 2 hours, platform default
    response = _add(
        system_admin, base, _post_data(territory.county, duration="87840", unit="months")
    )
    assert _errors(response, "duration") == [
        "以月计算的期限不应超过120个月。",
        "期限数值过大，请检查单位。",
    ]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=st.fixed_dictionaries(
        {},
        optional={
            name: st.text(max_size=40)
            for name in (
                "region",
                "duration",
                "unit",
                "effective_from",
                "effective_to",
                "issuing_authority",
                "source_document",
                "source_article",
                "is_statutory",
            )
        },
    )
)
def test_any_posted_text_gets_a_page_not_a_500(
    territory: Territory, system_admin: User, values: dict[str, str]
) -> None:
    client = _client(system_admin)
    base = _national()
    values = {k: v.replace("\x00", "") for k, v in values.items()}
    response = client.post(reverse("console:rule_add_local", args=[base.pk]), values)
    assert response.status_code in (200, 302)
    close_response = client.post(
        reverse("console:rule_close", args=[base.pk]), {"effective_to": values.get("unit", "")}
    )
    assert close_response.status_code == 403  # a national row is never closed here
    history = client.get(
        reverse("console:rule_history", args=[CODE]),
        {"region": values.get("region", ""), "on": values.get("effective_from", "")},
    )
    assert history.status_code == 200


# --- 停止适用 ----------------------------------------------------------------------------------


def test_closing_a_local_version_falls_back_to_the_national_rule(
    territory: Territory, county_sysadmin: User
) -> None:
    local = _local(territory.county)
    client = _client(county_sysadmin)
    url = reverse("console:rule_close", args=[local.pk])
    assert client.get(url).status_code == 200
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    past = client.post(url, {"effective_to": yesterday.isoformat()})
    assert past.status_code == 200
    assert _errors(past, "effective_to") == [
        "最后适用日期不能早于今天：已经适用的期间不能追溯改变。"
    ]
    last = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(url, {"effective_to": last.isoformat()})
    assert response.status_code == 302
    local.refresh_from_db()
    assert local.effective_to == last
    after = last + dt.timedelta(days=1)
    assert resolve_rule(CODE, region=territory.grid_a1, on=last) == local
    assert resolve_rule(CODE, region=territory.grid_a1, on=after) == _national()
    entry = AuditEntry.objects.get(action="rules.clock_rule.close", object_id=str(local.pk))
    assert entry.actor_id == county_sysadmin.pk
    assert entry.data == {"code": CODE, "version": 1, "before": None, "after": last.isoformat()}
    # a closed version cannot be reopened by closing it later
    later = client.post(url, {"effective_to": (last + dt.timedelta(days=5)).isoformat()})
    (message,) = _errors(later, "effective_to")
    assert "不能晚于该版本原定的失效日期" in message
    # the history shows who closed it
    history = client.get(reverse("console:rule_history", args=[CODE]))
    row = next(r for r in history.context["rows"] if r.rule.pk == local.pk)
    assert [e.actor_name for e in row.closed] == ["county_sysadmin"]


def test_closing_before_the_version_starts_is_refused(
    territory: Territory, county_sysadmin: User
) -> None:
    start = timezone.localdate() + dt.timedelta(days=30)
    local = _local(territory.county, effective_from=start)
    response = _client(county_sysadmin).post(
        reverse("console:rule_close", args=[local.pk]),
        {"effective_to": (start - dt.timedelta(days=1)).isoformat()},
    )
    assert _errors(response, "effective_to") == ["失效日期不能早于生效日期。"]
    for garbage in ("", "2026-02-30", "x" * 500, "20261301"):
        bad = _client(county_sysadmin).post(
            reverse("console:rule_close", args=[local.pk]), {"effective_to": garbage}
        )
        assert bad.status_code == 200 and _errors(bad, "effective_to")
    local.refresh_from_db()
    assert local.effective_to is None


def test_national_and_higher_rows_cannot_be_closed_here(
    territory: Territory, county_sysadmin: User
) -> None:
    city = _local(territory.city)
    client = _client(county_sysadmin)
    for rule in (_national(), city):
        assert client.get(reverse("console:rule_close", args=[rule.pk])).status_code == 403
        future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
        post = client.post(reverse("console:rule_close", args=[rule.pk]), {"effective_to": future})
        assert post.status_code == 403
    assert not AuditEntry.objects.filter(action="rules.clock_rule.close").exists()
    listing = client.get(reverse("console:rule_list"))
    assert listing.context["adds_local"] and not listing.context["closable"]


# --- roles (403) and scope (404) --------------------------------------------------------------


@pytest.mark.parametrize("persona", ["auditor", "security_admin", "county_admin", "county_leader"])
def test_other_roles_cannot_add_or_close(
    territory: Territory, persona: str, request: pytest.FixtureRequest
) -> None:
    local = _local(territory.county)
    client = _client(request.getfixturevalue(persona))
    add = reverse("console:rule_add_local", args=[_national().pk])
    close = reverse("console:rule_close", args=[local.pk])
    assert client.get(add).status_code == 403
    assert client.post(add, _post_data(territory.county)).status_code == 403
    assert client.get(close).status_code == 403
    assert client.post(close, {"effective_to": "2099-01-01"}).status_code == 403
    assert ClockRule.objects.filter(code=CODE).count() == 2
    local.refresh_from_db()
    assert local.effective_to is None


@pytest.mark.parametrize("persona", ["auditor", "security_admin", "town_operator"])
def test_the_history_is_403_for_roles_without_rules(
    territory: Territory, persona: str, request: pytest.FixtureRequest
) -> None:
    client = _client(request.getfixturevalue(persona))
    assert client.get(reverse("console:rule_history", args=[CODE])).status_code == 403


def test_the_region_administrator_reads_the_history_without_edit_links(
    territory: Territory, county_admin: User
) -> None:
    local = _local(territory.county)
    response = _client(county_admin).get(reverse("console:rule_history", args=[CODE]))
    assert response.status_code == 200
    assert not response.context["can_add"]
    assert not any(row.closable for row in response.context["rows"])
    assert reverse("console:rule_close", args=[local.pk]) not in response.content.decode()
    listing = _client(county_admin).get(reverse("console:rule_list"))
    assert "新增本地版本" not in listing.content.decode().split("<main", 1)[1]


def test_other_regions_rules_are_404_and_other_regions_cannot_be_chosen(
    territory: Territory, county_sysadmin: User
) -> None:
    elsewhere = _local(territory.other_county)
    only_there = _local(territory.other_county, "hotline.default", duration=3)
    only_there.code = "local.only.elsewhere"
    only_there.save(update_fields=["code"])
    client = _client(county_sysadmin)
    assert client.get(reverse("console:rule_add_local", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("console:rule_close", args=[elsewhere.pk])).status_code == 404
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    closing = client.post(
        reverse("console:rule_close", args=[elsewhere.pk]), {"effective_to": future}
    )
    assert closing.status_code == 404
    assert client.get(reverse("console:rule_add_local", args=[987654321])).status_code == 404
    history = client.get(reverse("console:rule_history", args=["local.only.elsewhere"]))
    assert history.status_code == 404
    assert client.get(reverse("console:rule_history", args=["no.such.rule"])).status_code == 404
    listed = client.get(reverse("console:rule_history", args=[CODE]))
    assert elsewhere.pk not in {row.rule.pk for row in listed.context["rows"]}
    # the form offers only 城关区 (no township below it, no other county)
    page = client.get(reverse("console:rule_add_local", args=[_national().pk]))
    assert [r.pk for r in page.context["form"].fields["region"].queryset] == [territory.county.pk]
    for region in (territory.other_county, territory.city, territory.town):
        response = _add(county_sysadmin, _national(), _post_data(region, duration="30"))
        assert _errors(response, "region") == ["请从列表中选择。"]
    assert not ClockRule.objects.filter(region__in=[territory.city, territory.town]).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.effective_to is None


def test_a_system_administrator_without_a_county_gets_403(territory: Territory) -> None:
    town_sysadmin = make_user("town_sysadmin", Role.SYSTEM_ADMIN, territory.town)
    client = _client(town_sysadmin)
    assert client.get(reverse("console:rule_add_local", args=[_national().pk])).status_code == 403
    listing = client.get(reverse("console:rule_list"))
    assert listing.status_code == 200 and not listing.context["adds_local"]


def test_the_rule_list_offers_the_actions_to_the_system_administrator(
    territory: Territory, system_admin: User
) -> None:
    local = _local(territory.county)
    ended = _local(territory.other_county, effective_to=dt.date(2026, 3, 1))
    response = _client(system_admin).get(reverse("console:rule_list"), {"all": "1"})
    assert response.status_code == 200
    assert response.context["closable"] == {local.pk}  # ended versions are not closed again
    body = response.content.decode()
    assert reverse("console:rule_add_local", args=[_national().pk]) in body
    assert reverse("console:rule_close", args=[local.pk]) in body
    assert reverse("console:rule_close", args=[ended.pk]) not in body
    assert reverse("console:rule_history", args=[CODE]) in body


def test_the_new_pages_have_their_english_translation(
    territory: Territory, system_admin: User
) -> None:
    local = _local(territory.county)
    client = _client(system_admin)
    client.cookies["django_language"] = "en"
    add = client.get(reverse("console:rule_add_local", args=[_national().pk])).content.decode()
    assert "Add a local version" in add and "Issuing authority" in add
    assert "Save the local version" in add and "保存本地版本" not in add
    close = client.get(reverse("console:rule_close", args=[local.pk])).content.decode()
    assert "Last day it applies" in close and "Stop applying" in close
    history = client.get(reverse("console:rule_history", args=[CODE])).content.decode()
    assert "Version history" in history and "Preset by the system" in history
    assert "Version in force on a date" in history


def test_a_version_saved_at_the_same_moment_gives_a_message_not_a_500(
    territory: Territory, system_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import IntegrityError

    from fengqiao.console.views import admin_rule_versions

    def collide(rule: ClockRule, *, actor: Any) -> ClockRule:
        raise IntegrityError("clock_rule_version_unique")

    monkeypatch.setattr(admin_rule_versions, "do_add_clock_rule", collide)
    response = _add(system_admin, _national(), _post_data(territory.county))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "同一时间有其他人新增了该规则的版本，请查看版本历史后重试。"
    ]

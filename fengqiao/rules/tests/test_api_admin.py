"""The read-only API (scoped list, coverage) and the admin screens (writes through actions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.rules import actions
from fengqiao.rules.models import CalendarOverride, CalendarYear, ClockRule
from fengqiao.rules.tests.helpers import at
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/rules/clock-rules"
COVERAGE = "/api/v1/rules/calendar/coverage"
ADMIN = "/internal-admin/rules"


def local_rule(region: Any, admin: User, duration: int = 3) -> ClockRule:
    return actions.do_add_clock_rule(
        ClockRule(
            code="hotline.default",
            name="本地时限",
            case_kind="hotline",
            start_event="dispatched",
            duration=duration,
            unit="working_days",
            region=region,
            effective_from=dt.date(2026, 1, 1),
            issuing_authority="测试",
            source_document="测试条例",
        ),
        actor=admin,
    )


@pytest.fixture
def admin() -> User:
    return User.objects.create_superuser(username="root-admin", password="x")


def items(client: Client, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    result: list[dict[str, Any]] = response.json()["items"]
    return result


class TestApi:
    def test_anonymous_gets_401(self, client: Client) -> None:
        assert client.get(LIST).status_code == 401
        assert client.get(COVERAGE).status_code == 401

    def test_list_is_scoped(
        self, client: Client, territory: Territory, town_operator: User, admin: User
    ) -> None:
        city = local_rule(territory.city, admin)
        town = local_rule(territory.town, admin, duration=2)
        other = local_rule(territory.other_county, admin, duration=4)
        client.force_login(town_operator)
        rows = items(client, f"{LIST}?code=hotline.default&limit=100")
        ids = {row["id"] for row in rows}
        national = ClockRule.objects.get(code="hotline.default", region__isnull=True)
        assert ids == {national.pk, city.pk, town.pk}
        assert other.pk not in ids
        town_row = next(row for row in rows if row["id"] == town.pk)
        assert town_row["region_code"] == territory.town.code
        assert town_row["description"] == "2个工作日"

    def test_filters_and_fields(self, client: Client, territory: Territory, outsider: User) -> None:
        client.force_login(outsider)
        rows = items(client, f"{LIST}?rule_number=19&limit=100")
        assert {row["code"] for row in rows} == {"petition.handling", "petition.handling.extension"}
        handling = next(row for row in rows if row["code"] == "petition.handling")
        assert handling["duration"] == 60 and handling["unit"] == "calendar_days"
        assert handling["source_document"] == "信访工作条例"
        assert handling["source_article"] == "第三十四条"
        assert handling["is_statutory"] and handling["region_code"] is None
        assert handling["effective_from"] == "2022-05-01"
        kinds = {row["case_kind"] for row in items(client, f"{LIST}?case_kind=petition&limit=100")}
        assert kinds == {"petition"}
        local = items(client, f"{LIST}?is_statutory=false&limit=100")
        assert "hotline.default" in {row["code"] for row in local}
        assert all(not row["is_statutory"] for row in local)
        # Before the 2022 regulation took effect, no petition rule was in force.
        assert items(client, f"{LIST}?rule_number=19&on=2022-04-30") == []

    def test_bad_filter_is_422_not_500(self, client: Client, town_operator: User) -> None:
        client.force_login(town_operator)
        response = client.get(f"{LIST}?on=not-a-date")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "on"

    def test_coverage(self, client: Client, town_operator: User) -> None:
        client.force_login(town_operator)
        with time_machine.travel(at("2026-11-23", 9), tick=False):
            body = client.get(COVERAGE).json()
        assert body["coverage_end"] == "2026-12-31" and body["package_end"] == "2026-12-31"
        assert body["days_left"] == 38 and body["warning_days"] == 60
        assert body["published_years"] == []
        assert "2026年12月31日到期" in body["warning"]
        with time_machine.travel(at("2026-03-01", 9), tick=False):
            assert client.get(COVERAGE).json()["warning"] is None


class TestAdmin:
    def test_pages_open(self, client: Client, admin: User) -> None:
        client.force_login(admin)
        rule = ClockRule.objects.get(code="petition.handling")
        for url in (
            f"{ADMIN}/clockrule/",
            f"{ADMIN}/clockrule/add/",
            f"{ADMIN}/clockrule/{rule.pk}/change/",
            f"{ADMIN}/calendaroverride/",
            f"{ADMIN}/calendaroverride/add/",
            f"{ADMIN}/calendaryear/add/",
        ):
            assert client.get(url).status_code == 200, url

    def test_add_override_and_year_through_actions(self, client: Client, admin: User) -> None:
        client.force_login(admin)
        source = "国务院办公厅关于2027年部分节假日安排的通知（测试数据）"
        response = client.post(
            f"{ADMIN}/calendaroverride/add/",
            {"date": "2027-01-01", "is_workday": "", "name": "元旦", "source_document": source},
        )
        assert response.status_code == 302, response.content.decode()
        override = CalendarOverride.objects.get(date=dt.date(2027, 1, 1))
        assert override.created_by == admin and not override.is_workday
        response = client.post(
            f"{ADMIN}/calendaryear/add/", {"year": "2028", "source_document": source}
        )
        assert response.status_code == 200 and "请先录入2028年" in response.content.decode()
        response = client.post(
            f"{ADMIN}/calendaryear/add/", {"year": "2027", "source_document": source}
        )
        assert response.status_code == 302
        assert CalendarYear.objects.get().created_by == admin
        response = client.post(f"{ADMIN}/calendaroverride/{override.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302 and not CalendarOverride.objects.exists()
        logged = set(AuditEntry.objects.values_list("action", flat=True))
        assert logged >= {
            "rules.calendar_override.set",
            "rules.calendar_override.delete",
            "rules.calendar_year.record",
        }

    def test_add_rule_validates_and_versions(self, client: Client, admin: User) -> None:
        client.force_login(admin)
        form = {
            "code": "petition.handling",
            "name": "本地信访办理时限",
            "kind": "limit",
            "max_times": "1",
            "case_kind": "petition",
            "start_event": "accepted",
            "duration": "30",
            "unit": "calendar_days",
            "roll_forward_on_holiday": "on",
            "effective_from": "2026-12-01",
            "issuing_authority": "测试",
            "source_document": "测试",
            "source_grade": "V",
        }
        response = client.post(f"{ADMIN}/clockrule/add/", form)
        assert response.status_code == 200
        assert "法定时限优先" in response.content.decode()
        response = client.post(f"{ADMIN}/clockrule/add/", {**form, "is_statutory": "on"})
        assert response.status_code == 302, response.content.decode()
        assert ClockRule.objects.filter(code="petition.handling").count() == 2
        newest = ClockRule.objects.get(code="petition.handling", version=2)
        assert newest.duration == 30 and newest.created_by == admin
        assert ClockRule.objects.get(code="petition.handling", version=1).effective_to == (
            dt.date(2026, 11, 30)
        )

    def test_existing_rule_only_gets_an_end_date(self, client: Client, admin: User) -> None:
        client.force_login(admin)
        rule = ClockRule.objects.get(code="hotline.utility")
        response = client.post(
            f"{ADMIN}/clockrule/{rule.pk}/change/", {"effective_to": "2026-12-31"}
        )
        assert response.status_code == 302, response.content.decode()
        rule.refresh_from_db()
        assert rule.effective_to == dt.date(2026, 12, 31) and rule.duration == 24
        assert AuditEntry.objects.filter(action="rules.clock_rule.close").count() == 1
        assert client.get(f"{ADMIN}/clockrule/{rule.pk}/delete/").status_code == 403


class TestMoreScopes:
    def test_admin_role_without_business_scope_sees_national_rules_only(
        self, client: Client, territory: Territory, auditor: User, admin: User
    ) -> None:
        local_rule(territory.city, admin)
        client.force_login(auditor)
        rows = items(client, f"{LIST}?code=hotline.default&limit=100")
        assert [row["region_code"] for row in rows] == [None]

    def test_leader_sees_rules_above_and_inside_the_county(
        self, client: Client, territory: Territory, county_leader: User, admin: User
    ) -> None:
        province = local_rule(territory.province, admin, duration=4)
        village = local_rule(territory.village, admin, duration=1)
        other = local_rule(territory.other_town, admin, duration=2)
        client.force_login(county_leader)
        ids = {row["id"] for row in items(client, f"{LIST}?code=hotline.default&limit=100")}
        assert {province.pk, village.pk} <= ids and other.pk not in ids

    def test_history_by_date(self, client: Client, town_operator: User, admin: User) -> None:
        new = actions.do_add_clock_rule(
            ClockRule(
                code="hotline.default",
                name="新版",
                case_kind="hotline",
                start_event="dispatched",
                duration=4,
                unit="working_days",
                effective_from=dt.date(2027, 1, 1),
                issuing_authority="测试",
                source_document="测试",
            ),
            actor=admin,
        )
        client.force_login(town_operator)
        before = items(client, f"{LIST}?code=hotline.default&on=2026-12-31")
        after = items(client, f"{LIST}?code=hotline.default&on=2027-01-01")
        assert [row["version"] for row in before] == [1]
        assert [row["id"] for row in after] == [new.pk]
        assert before[0]["effective_to"] == "2026-12-31"


class TestAdminBulk:
    def test_change_override_keeps_the_date_and_records_before(
        self, client: Client, admin: User
    ) -> None:
        override = actions.do_set_calendar_override(
            actor=admin,
            day=dt.date(2027, 1, 2),
            is_workday=True,
            name="误录",
            source_document="测试",
        )
        client.force_login(admin)
        response = client.post(
            f"{ADMIN}/calendaroverride/{override.pk}/change/",
            {"is_workday": "", "name": "元旦", "source_document": "测试"},
        )
        assert response.status_code == 302, response.content.decode()
        override.refresh_from_db()
        assert (override.date, override.is_workday, override.name) == (
            dt.date(2027, 1, 2),
            False,
            "元旦",
        )
        last = AuditEntry.objects.filter(action="rules.calendar_override.set").last()
        assert last is not None and last.data["before"] == {"is_workday": True, "name": "误录"}

    def test_bulk_delete_goes_through_actions(self, client: Client, admin: User) -> None:
        for day in (1, 2, 3):
            actions.do_set_calendar_override(
                actor=admin, day=dt.date(2027, 1, day), is_workday=False, name="元旦",
                source_document="测试",
            )  # fmt: skip
        actions.do_record_calendar_year(actor=admin, year=2027, source_document="测试")
        client.force_login(admin)
        ids = [str(pk) for pk in CalendarOverride.objects.values_list("pk", flat=True)]
        response = client.post(
            f"{ADMIN}/calendaryear/",
            {
                "action": "delete_selected",
                "_selected_action": [str(CalendarYear.objects.get().pk)],
                "post": "yes",
            },
        )
        assert response.status_code == 302 and not CalendarYear.objects.exists()
        response = client.post(
            f"{ADMIN}/calendaroverride/",
            {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
        )
        assert response.status_code == 302 and not CalendarOverride.objects.exists()
        deleted = AuditEntry.objects.filter(action="rules.calendar_override.delete").count()
        assert deleted == 3
        assert AuditEntry.objects.filter(action="rules.calendar_year.delete").count() == 1

    def test_rule_form_reports_field_errors(self, client: Client, admin: User) -> None:
        client.force_login(admin)
        response = client.post(
            f"{ADMIN}/clockrule/add/",
            {
                "code": "x.ext",
                "name": "坏的延长规则",
                "kind": "extension",
                "max_times": "1",
                "case_kind": "petition",
                "start_event": "due",
                "duration": "5",
                "unit": "calendar_days",
                "effective_from": "2026-01-01",
                "issuing_authority": "测试",
                "source_document": "测试",
                "source_grade": "V",
            },
        )
        assert response.status_code == 200
        assert "延长规则必须注明所延长的规则代码" in response.content.decode()
        assert not ClockRule.objects.filter(code="x.ext").exists()

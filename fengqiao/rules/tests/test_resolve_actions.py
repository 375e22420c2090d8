"""Rule resolution (region subtree, statutory first, category, versions) and the write actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.rules import actions
from fengqiao.rules.clocks import due_for
from fengqiao.rules.errors import RuleNotFound
from fengqiao.rules.models import CalendarOverride, CalendarYear, ClockRule
from fengqiao.rules.resolve import applicable_rules, resolve_rule
from fengqiao.rules.tests.helpers import at, end_of
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 10, 1)


@pytest.fixture
def admin() -> User:
    return User.objects.create_user(username="sysadmin", password="x")


def new_rule(**fields: Any) -> ClockRule:
    values: dict[str, Any] = {
        "code": "hotline.default",
        "name": "本地时限",
        "case_kind": "hotline",
        "start_event": "dispatched",
        "duration": 3,
        "unit": "working_days",
        "effective_from": dt.date(2026, 1, 1),
        "issuing_authority": "测试市人大常委会",
        "source_document": "测试市12345条例",
        "source_article": "第十条",
        "rule_number": 12,
    }
    values.update(fields)
    return ClockRule(**values)


def actions_logged(prefix: str) -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith=prefix).values_list("action", flat=True)
    )


class TestResolve:
    def test_national_default(self, territory: Territory) -> None:
        rule = resolve_rule("hotline.default", region=territory.grid_a1, on=ON)
        assert rule.region_id is None and rule.duration == 5

    def test_most_specific_region_wins(self, territory: Territory, admin: User) -> None:
        city = actions.do_add_clock_rule(new_rule(region=territory.city, duration=3), actor=admin)
        county = actions.do_add_clock_rule(
            new_rule(region=territory.county, duration=2), actor=admin
        )
        assert resolve_rule("hotline.default", region=territory.grid_a1, on=ON) == county
        assert resolve_rule("hotline.default", region=territory.county, on=ON) == county
        assert resolve_rule("hotline.default", region=territory.other_grid, on=ON) == city
        assert resolve_rule("hotline.default", region=territory.province, on=ON).region_id is None
        assert resolve_rule("hotline.default", region=None, on=ON).region_id is None
        # The 09-30 order in 城关区 runs 2 working days: 10-08, 10-09.
        due = due_for("hotline.default", at("2026-09-30"), region=territory.grid_a2)
        assert due.due_at == end_of("2026-10-09") and due.rule_id == county.pk

    def test_category_specific_rule_within_the_same_region(
        self, territory: Territory, admin: User
    ) -> None:
        complaint = actions.do_add_clock_rule(
            new_rule(category="投诉", duration=15, region=None), actor=admin
        )
        assert resolve_rule("hotline.default", region=None, on=ON, category="投诉") == complaint
        assert resolve_rule("hotline.default", region=None, on=ON, category="咨询").duration == 5
        # A regional rule for all categories beats a national category rule (region first).
        city = actions.do_add_clock_rule(new_rule(region=territory.city), actor=admin)
        found = resolve_rule("hotline.default", region=territory.grid_a1, on=ON, category="投诉")
        assert found == city

    def test_statutory_rule_wins_over_non_statutory(
        self, territory: Territory, admin: User
    ) -> None:
        # A region's own statutory rule (a local regulation) beats the national platform default
        # and a non-statutory rule of a deeper region.
        county = actions.do_add_clock_rule(
            new_rule(region=territory.county, duration=2), actor=admin
        )
        city_law = actions.do_add_clock_rule(
            new_rule(region=territory.city, duration=4, is_statutory=True), actor=admin
        )
        assert resolve_rule("hotline.default", region=territory.grid_a1, on=ON) == city_law
        ranked = applicable_rules("hotline.default", region=territory.grid_a1, on=ON)
        assert ranked[0] == city_law and county in ranked

    def test_non_statutory_local_rule_for_a_statutory_code_is_refused(
        self, territory: Territory, admin: User
    ) -> None:
        with pytest.raises(ValidationError) as error:
            actions.do_add_clock_rule(
                new_rule(code="petition.handling", region=territory.city, duration=30),
                actor=admin,
            )
        assert "法定时限优先" in error.value.message_dict["is_statutory"][0]
        assert "60日" in error.value.message_dict["is_statutory"][0]

    def test_stricter_local_statutory_rule_applies_in_its_subtree(
        self, territory: Territory, admin: User
    ) -> None:
        local = actions.do_add_clock_rule(
            new_rule(
                code="petition.handling",
                case_kind="petition",
                region=territory.city,
                duration=45,
                unit="calendar_days",
                is_statutory=True,
            ),
            actor=admin,
        )
        assert resolve_rule("petition.handling", region=territory.grid_a1, on=ON) == local
        assert resolve_rule("petition.handling", region=None, on=ON).duration == 60

    def test_local_statutory_rule_cannot_lengthen_the_national_one(
        self, territory: Territory, admin: User
    ) -> None:
        with pytest.raises(ValidationError) as error:
            actions.do_add_clock_rule(
                new_rule(
                    code="petition.handling",
                    case_kind="petition",
                    region=territory.city,
                    duration=90,
                    unit="calendar_days",
                    is_statutory=True,
                ),
                actor=admin,
            )
        assert "不得延长" in error.value.message_dict["duration"][0]

    def test_errors_name_what_was_asked(self, territory: Territory) -> None:
        with pytest.raises(RuleNotFound) as unknown:
            resolve_rule("no.such.rule", region=None, on=ON)
        assert "no.such.rule" in unknown.value.message and unknown.value.message_en
        with pytest.raises(RuleNotFound) as too_early:
            resolve_rule("petition.handling", region=territory.grid_a1, on=dt.date(2020, 1, 1))
        assert "2020-01-01" in too_early.value.message
        assert "第一网格" in too_early.value.message
        assert "620102001001001" in too_early.value.message_en


class TestVersions:
    def test_new_version_closes_the_previous(self, admin: User) -> None:
        old = ClockRule.objects.get(code="hotline.default")
        new = actions.do_add_clock_rule(
            new_rule(duration=4, effective_from=dt.date(2027, 1, 1)), actor=admin
        )
        old.refresh_from_db()
        assert (new.version, old.effective_to) == (2, dt.date(2026, 12, 31))
        assert new.created_by == admin
        on_old = resolve_rule("hotline.default", region=None, on=dt.date(2026, 12, 31))
        assert on_old == old
        assert resolve_rule("hotline.default", region=None, on=dt.date(2027, 1, 1)) == new
        entry = AuditEntry.objects.get(action="rules.clock_rule.add")
        assert entry.data["closed_versions"] == [old.pk] and entry.data["version"] == 2

    def test_version_must_start_after_the_latest(self, admin: User) -> None:
        with pytest.raises(ValidationError) as error:
            actions.do_add_clock_rule(new_rule(effective_from=dt.date(2017, 1, 1)), actor=admin)
        assert "v1" in error.value.message_dict["effective_from"][0]

    def test_field_validation(self, admin: User) -> None:
        with pytest.raises(ValidationError) as error:
            actions.do_add_clock_rule(
                new_rule(
                    code="x.ext",
                    kind="extension",
                    effective_to=dt.date(2025, 1, 1),
                    duration=200,
                    unit="months",
                ),
                actor=admin,
            )
        assert set(error.value.message_dict) >= {"extends_code", "effective_to", "duration"}
        with pytest.raises(ValidationError):
            actions.do_add_clock_rule(new_rule(code="x.limit", extends_code="y"), actor=admin)

    def test_close_rule(self, admin: User) -> None:
        rule = ClockRule.objects.get(code="hotline.urgent")
        actions.do_close_clock_rule(rule, actor=admin, effective_to=dt.date(2026, 12, 31))
        with pytest.raises(RuleNotFound):
            resolve_rule("hotline.urgent", region=None, on=dt.date(2027, 1, 1))
        with pytest.raises(ValidationError):
            actions.do_close_clock_rule(rule, actor=admin, effective_to=dt.date(2000, 1, 1))
        assert actions_logged("rules.clock_rule") == ["rules.clock_rule.close"]


class TestCalendarActions:
    def test_set_replace_and_delete_override(self, admin: User) -> None:
        day = dt.date(2027, 1, 1)
        actions.do_set_calendar_override(
            actor=admin, day=day, is_workday=True, name="误录", source_document="测试"
        )
        override = actions.do_set_calendar_override(
            actor=admin, day=day, is_workday=False, name="元旦", source_document="测试"
        )
        assert CalendarOverride.objects.count() == 1 and not override.is_workday
        replaced = AuditEntry.objects.filter(action="rules.calendar_override.set").last()
        assert replaced is not None
        assert replaced.data["before"] == {"is_workday": True, "name": "误录"}
        actions.do_delete_calendar_override(override, actor=admin)
        assert not CalendarOverride.objects.exists()
        assert actions_logged("rules.calendar_override") == [
            "rules.calendar_override.set",
            "rules.calendar_override.set",
            "rules.calendar_override.delete",
        ]

    def test_override_needs_a_source(self, admin: User) -> None:
        with pytest.raises(ValidationError) as error:
            actions.do_set_calendar_override(
                actor=admin, day=dt.date(2027, 1, 1), is_workday=False, name="", source_document=" "
            )
        assert "source_document" in error.value.message_dict

    def test_year_needs_its_holidays_first(self, admin: User) -> None:
        with pytest.raises(ValidationError) as error:
            actions.do_record_calendar_year(actor=admin, year=2027, source_document="测试")
        assert "2027年" in error.value.message_dict["year"][0]
        actions.do_set_calendar_override(
            actor=admin,
            day=dt.date(2027, 1, 1),
            is_workday=False,
            name="元旦",
            source_document="测试",
        )
        with pytest.raises(ValidationError):
            actions.do_record_calendar_year(actor=admin, year=2027, source_document="")
        entry = actions.do_record_calendar_year(actor=admin, year=2027, source_document="测试")
        assert entry.created_by == admin
        actions.do_delete_calendar_year(entry, actor=admin)
        assert not CalendarYear.objects.exists()
        assert actions_logged("rules.calendar_year") == [
            "rules.calendar_year.record",
            "rules.calendar_year.delete",
        ]


def test_model_helpers() -> None:
    rule = ClockRule.objects.get(code="petition.handling")
    assert str(rule) == "petition.handling v1（全国）"
    assert rule.describe() == "60日" and rule.citation == "信访工作条例第三十四条"
    assert rule.is_effective_on(dt.date(2022, 5, 1)) and not rule.is_effective_on(
        dt.date(2022, 4, 30)
    )
    assert ClockRule.objects.get(code="hotline.default").describe() == "5个工作日"
    assert ClockRule.objects.get(code="mediation.people").describe() == "1个月"
    assert ClockRule.objects.get(code="hotline.urgent").describe() == "2小时"
    override = CalendarOverride(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert str(override) == "2027-01-01 放假 元旦"
    assert str(CalendarYear(year=2027)) == "2027年"

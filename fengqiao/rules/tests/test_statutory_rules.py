"""Every shipped clock of domain-rules §10 at its boundary: the rule comes from the data
migration (not from this file), the last day passes, the next instant is overdue.

Each row: code, §10 rule number, the numbers the source sets, the start, the last day, and why.
Working-day rules cross a 调休 period (春节, 劳动节, 中秋 + 国庆 2026)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from fengqiao.rules.calendar import WorkCalendar
from fengqiao.rules.clocks import compute_due, due_for, extend, is_overdue
from fengqiao.rules.models import ClockRule, RuleKind
from fengqiao.rules.resolve import resolve_rule
from fengqiao.rules.tests.helpers import at, end_of

pytestmark = pytest.mark.django_db

LIMITS = [
    # rule 12: Jinan 第二十四条 / Weifang 第二十条 (platform default); crosses 国庆 and 10-10.
    ("hotline.default", 12, 5, "working_days", "2026-09-30", "2026-10-13"),
    # rule 17: 信访工作条例 第二十二条; day 15 is 10-01 → first working day 10-08.
    ("petition.register_route", 17, 15, "calendar_days", "2026-09-16", "2026-10-08"),
    # rule 18: 第二十三条; day 15 is Sat 06-20 (端午) → Mon 06-22.
    ("petition.accept_notice", 18, 15, "calendar_days", "2026-06-05", "2026-06-22"),
    # rule 18: 5 working days; 02-12, 02-13, 02-14 (make-up Sat), 春节 02-15..23, 02-24, 02-25.
    ("petition.misroute_objection", 18, 5, "working_days", "2026-02-11", "2026-02-25"),
    # rule 19: 第三十四条; 60 d from acceptance on 08-01.
    ("petition.handling", 19, 60, "calendar_days", "2026-08-01", "2026-09-30"),
    # rule 20: 第三十五条; day 30 is Sun 04-05, 04-06 清明 → 04-07.
    ("petition.review_request", 20, 30, "calendar_days", "2026-03-06", "2026-04-07"),
    ("petition.review_answer", 20, 30, "calendar_days", "2026-04-07", "2026-05-07"),
    # rule 20: 第三十六条.
    ("petition.recheck_request", 20, 30, "calendar_days", "2026-05-10", "2026-06-09"),
    ("petition.recheck_answer", 20, 30, "calendar_days", "2026-05-20", "2026-06-22"),
    # rule 24: 人民调解工作若干规定 第三十三条; one month from Sat 01-31 → Sat 02-28, a make-up day.
    ("mediation.people", 24, 1, "months", "2026-01-31", "2026-02-28"),
    # rule 24: 特邀调解规定 第二十七条.
    ("court.delegated_mediation", 24, 30, "calendar_days", "2026-09-01", "2026-10-08"),
    ("court.entrusted_mediation_ordinary", 24, 15, "calendar_days", "2026-04-20", "2026-05-06"),
    ("court.entrusted_mediation_simplified", 24, 7, "calendar_days", "2026-02-07", "2026-02-14"),
    # rule 24: 在线调解规则; 09-30, [国庆], 10-08, 10-09.
    ("online_mediation.designate", 24, 3, "working_days", "2026-09-29", "2026-10-09"),
    # 10-09, 10-10 (make-up Sat), 10-12.
    ("online_mediation.confirm", 24, 3, "working_days", "2026-10-08", "2026-10-12"),
    # rule 26: 人民调解法 第三十三条; day 30 is 05-01 (劳动节 to 05-05) → 05-06.
    ("judicial_confirmation.apply", 26, 30, "calendar_days", "2026-04-01", "2026-05-06"),
    # rule 26: SPC 2011; day 3 is 09-25 (中秋 to 09-27) → 09-28.
    ("judicial_confirmation.accept", 26, 3, "calendar_days", "2026-09-22", "2026-09-28"),
    ("judicial_confirmation.decide", 26, 15, "calendar_days", "2026-03-02", "2026-03-17"),
    ("judicial_confirmation.revoke", 26, 12, "months", "2025-12-31", "2026-12-31"),
    # rule 28: 民事诉讼法 第一百二十六条; day 7 is 10-01 → 10-08.
    ("court.filing_decision", 28, 7, "calendar_days", "2026-09-24", "2026-10-08"),
    # 第一百六十八条; 05-31 is a Sunday → 06-01.
    ("court.small_claims", 28, 2, "months", "2026-03-31", "2026-06-01"),
    ("court.simplified", 28, 3, "months", "2026-01-15", "2026-04-15"),
    ("court.ordinary", 28, 6, "months", "2026-02-20", "2026-08-20"),
    # rule 29: 深圳条例 第四十五条; 劳动节 05-01..05 → 05-06, 05-07, 05-08.
    ("admin_mediation.transfer", 29, 3, "working_days", "2026-04-30", "2026-05-08"),
    # 第四十六条; 05-06, 05-07, 05-08, 05-09 (make-up Sat), 05-11.
    ("admin_mediation.accept", 29, 5, "working_days", "2026-04-30", "2026-05-11"),
    # 09-20 (make-up Sun), 09-21..24, [中秋], 09-28..30, [国庆], 10-08, 10-09.
    ("admin_mediation.accept_complex", 29, 10, "working_days", "2026-09-18", "2026-10-09"),
    # rule 30: 劳动争议调解仲裁法 第十四、四十三、四十八/五十条.
    ("labour.mediation", 30, 15, "calendar_days", "2026-12-10", "2026-12-25"),
    ("labour.arbitration", 30, 45, "calendar_days", "2026-08-17", "2026-10-08"),
    ("labour.suit", 30, 15, "calendar_days", "2026-06-04", "2026-06-22"),
]

EXTENSIONS = [
    # (extension code, limit code, numbers, limit's start, extended last day)
    ("petition.handling.extension", "petition.handling", 30, "2026-08-01", "2026-10-30"),
    ("judicial_confirmation.decide.extension", "judicial_confirmation.decide", 10, "2026-03-02",
     "2026-03-27"),
    ("labour.arbitration.extension", "labour.arbitration", 15, "2026-08-17", "2026-10-23"),
    ("court.small_claims.extension", "court.small_claims", 1, "2026-03-31", "2026-07-01"),
    ("court.simplified.extension", "court.simplified", 1, "2026-01-15", "2026-05-15"),
]  # fmt: skip

SHIPPED_RULE_NUMBERS = {12, 13, 17, 18, 19, 20, 23, 24, 26, 28, 29, 30}


def assert_boundary(due_at: dt.datetime, last_day: str) -> None:
    assert due_at == end_of(last_day)
    due = due_at
    with time_machine.travel(at(last_day, 12), tick=False):
        assert not is_overdue(due)
    with time_machine.travel(end_of(last_day), tick=False):
        assert not is_overdue(due)
    next_day = (dt.date.fromisoformat(last_day) + dt.timedelta(days=1)).isoformat()
    with time_machine.travel(at(next_day, 0, 0, 0), tick=False):
        assert is_overdue(due)


@pytest.mark.parametrize(("code", "number", "duration", "unit", "start", "last_day"), LIMITS)
def test_limit_boundary(
    code: str, number: int, duration: int, unit: str, start: str, last_day: str
) -> None:
    rule = resolve_rule(code, region=None, on=dt.date.fromisoformat(start))
    assert (rule.rule_number, rule.duration, rule.unit) == (number, duration, unit)
    assert rule.source_document and rule.issuing_authority
    due = due_for(code, at(start, 16), region=None)
    assert (due.rule_id, due.rule_code, due.rule_version) == (rule.pk, code, 1)
    assert not due.uncertain
    assert_boundary(due.due_at, last_day)


@pytest.mark.parametrize(("ext_code", "code", "duration", "start", "last_day"), EXTENSIONS)
def test_extension_boundary(
    ext_code: str, code: str, duration: int, start: str, last_day: str
) -> None:
    on = dt.date.fromisoformat(start)
    extension = resolve_rule(ext_code, region=None, on=on)
    assert extension.kind == RuleKind.EXTENSION and extension.extends_code == code
    assert extension.duration == duration and extension.requires_approval
    due = extend(due_for(code, at(start), region=None), extension)
    assert due.extensions == (ext_code,)
    assert_boundary(due.due_at, last_day)


def test_ordinary_procedure_extension_runs_into_2027_and_is_flagged() -> None:
    base = due_for("court.ordinary", at("2026-02-20"), region=None)
    extension = resolve_rule("court.ordinary.extension", region=None, on=dt.date(2026, 2, 20))
    due = extend(base, extension)
    # 2026-08-20 + 6 months = Sat 2027-02-20: beyond coverage, rolls to Mon 02-22 by weekday rule.
    assert due.due_at == end_of("2027-02-22")
    assert due.uncertain and "待核实" in due.warnings[0]


def test_police_report_is_immediate() -> None:
    # Rule 23 (人民调解法 第二十五条, "及时"): the platform reads it as 0 hours.
    rule = resolve_rule("mediation.police_report", region=None, on=dt.date(2026, 10, 1))
    assert (rule.rule_number, rule.duration, rule.unit) == (23, 0, "hours")
    due = due_for("mediation.police_report", at("2026-10-01", 10), region=None)
    assert due.due_at == at("2026-10-01", 10)
    assert not is_overdue(due, at("2026-10-01", 10))
    assert is_overdue(due, at("2026-10-01", 10, 0, 1))


@pytest.mark.parametrize(("code", "hours"), [("hotline.urgent", 2), ("hotline.utility", 24)])
def test_hour_clocks_of_rule_13(code: str, hours: int) -> None:
    due = due_for(code, at("2026-10-01", 10), region=None)
    assert due.due_at == at("2026-10-01", 10) + dt.timedelta(hours=hours)
    assert not is_overdue(due, due.due_at)
    assert is_overdue(due, due.due_at + dt.timedelta(seconds=1))


def test_petition_review_answer_hearing_excluded() -> None:
    from fengqiao.rules.clocks import Pause

    rule = resolve_rule("petition.review_answer", region=None, on=dt.date(2026, 4, 7))
    hearing = [Pause(at("2026-04-20", 9), at("2026-04-21", 17))]
    due = compute_due(at("2026-04-07"), rule, pauses=hearing, calendar=WorkCalendar())
    assert_boundary(due.due_at, "2026-05-09")  # a make-up Saturday


def test_shipped_rules_have_sources_and_cover_the_ship_list() -> None:
    rules = list(ClockRule.objects.all())
    assert {r.rule_number for r in rules} == SHIPPED_RULE_NUMBERS
    for r in rules:
        assert r.version == 1 and r.region_id is None and r.source_document, r.code
        if r.is_statutory:
            assert r.issuing_authority and r.source_grade in {"V", "S"}, r.code
    tested = {row[0] for row in LIMITS} | {row[0] for row in EXTENSIONS}
    tested |= {"mediation.police_report", "hotline.urgent", "hotline.utility"}
    tested |= {"court.ordinary.extension"}
    assert tested == {r.code for r in rules}


def test_docs_list_every_shipped_rule() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "clocks.md").read_text(encoding="utf-8")
    missing = [r.code for r in ClockRule.objects.all() if f"`{r.code}`" not in doc]
    assert missing == []

"""From raw rows to facts (`facts.build`, a pure function), and the provider hook through which
the mediation and petition apps fill the rule-27 and rule-22 columns: with a provider the
mediation monthly table, its source table and the bulletin carry 调解成功率, 协议金额,
防止民转刑 and 防止群体性上访; without one they say the figures are pending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from fengqiao.cases.models import Case
from fengqiao.regions.models import Region
from fengqiao.reports import bulletin, facts, periods, sync, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.facts import Extra, RawCase, RawLead, RawStep
from fengqiao.reports.measures import BAD, GOOD
from fengqiao.reports.models import SyncQueue
from fengqiao.reports.tests.desk import CST, Desk
from fengqiao.units.models import Category

WINDOW = dt.timedelta(hours=24)
CHAIN = ((1, 0, 1), (2, 1, 2))


def moment(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=CST)


def raw(**changes: Any) -> RawCase:
    values: dict[str, Any] = {
        "id": 1, "kind": "hotline", "channel": "hotline_phone", "category_id": 11,
        "category_parent_id": 10, "region_path": "/1/2/", "received_at": moment(2),
        "status": "handling", "is_open": True, "closed_at": None, "due_at": moment(9, 23),
        "is_overdue": False, "supervision_level": 0, "resolved": None, "satisfaction": "",
        "callback_at": None, "parent_id": None, "flags": [], "lead_unit_id": 40,
        "respondent_unit_id": None,
    }  # fmt: skip
    values.update(changes)
    return RawCase(**values)


def closed(**changes: Any) -> RawCase:
    return raw(**{"status": "closed", "is_open": False, "closed_at": moment(5), **changes})


STEPS_CLOSED = [
    RawStep("register", "", "registered", moment(2)),
    RawStep("dispatch", "accepted", "dispatched", moment(2, 11)),
    RawStep("callback", "reviewed", "closed", moment(5), "satisfied"),
]


def test_an_order_closed_on_time() -> None:
    leads = [RawLead(moment(2, 11), moment(3, 9))]  # signed after 22 h
    f = facts.build(closed(resolved=True, callback_at=moment(5)), STEPS_CLOSED, leads, CHAIN,
                    window=WINDOW)  # fmt: skip
    assert f.category == 10  # counted under the top-level category
    assert f.received_on == dt.date(2026, 3, 2) and f.finished_on == dt.date(2026, 3, 5)
    assert f.done and f.due and f.on_time and not f.overdue
    assert f.dispatched and f.responded and not f.direct and f.callback
    assert f.rating == GOOD and f.resolved is True and not f.reworked and not f.is_open


def test_late_slow_and_reworked() -> None:
    leads = [RawLead(moment(2, 11), moment(3, 12))]  # 25 h: no response
    steps = [
        *STEPS_CLOSED[:2],
        RawStep("callback", "reviewed", "handling", moment(4), "dissatisfied"),
        RawStep("callback", "reviewed", "closed", moment(12), "satisfied"),
    ]
    f = facts.build(closed(closed_at=moment(12)), steps, leads, CHAIN, window=WINDOW)
    assert not f.responded
    assert f.reworked  # the dissatisfied callback sent it back
    assert f.rating == BAD  # the first rating counts
    assert f.finished_on == dt.date(2026, 3, 12) and f.due and not f.on_time and f.overdue


def test_the_earliest_of_several_leads_starts_the_response_window() -> None:
    leads = [RawLead(moment(2, 11), None), RawLead(moment(3, 8), moment(3, 9))]
    f = facts.build(raw(), [], leads, CHAIN, window=WINDOW)
    assert f.dispatched and f.responded  # 22 h after the first assignment
    late = [RawLead(moment(2, 8), None), RawLead(moment(3, 8), moment(3, 9))]
    assert not facts.build(raw(), [], late, CHAIN, window=WINDOW).responded  # 25 h


def test_open_overdue_merged_and_ended_otherwise() -> None:
    f = facts.build(raw(is_overdue=True, supervision_level=2, flags=["repeat"]), [], [], CHAIN,
                    window=WINDOW)  # fmt: skip
    assert f.is_open and f.overdue and f.supervised and f.repeat and f.finished_on is None
    merged = facts.build(raw(status="merged", is_open=False, parent_id=9), [], [], CHAIN,
                         window=WINDOW)  # fmt: skip
    assert merged.merged and not merged.is_open and merged.finished_on is None
    assert not merged.dispatched and not merged.overdue
    rejected = facts.build(
        closed(status="rejected", lead_unit_id=None),
        [RawStep("reject", "registered", "rejected", moment(2, 11))], [], CHAIN, window=WINDOW,
    )  # fmt: skip
    assert rejected.finished_on == dt.date(2026, 3, 2) and not rejected.done
    answered = facts.build(
        closed(status="answered", lead_unit_id=None, due_at=None),
        [RawStep("answer", "registered", "answered", moment(2, 10))], [], CHAIN, window=WINDOW,
    )  # fmt: skip
    assert answered.done and answered.direct and answered.resolved is True  # a resolved state
    assert not answered.due and not answered.overdue


def test_archiving_does_not_move_the_closing_date() -> None:
    steps = [*STEPS_CLOSED, RawStep("archive", "closed", "archived", moment(20))]
    f = facts.build(closed(status="archived"), steps, [], CHAIN, window=WINDOW)
    assert f.finished_on == dt.date(2026, 3, 5)


def test_a_providers_record_replaces_the_source_and_adds_measures() -> None:
    extra = Extra(dt.date(2026, 3, 20), {"mediated": 1, "mediation_success": 1}, "application")
    f = facts.build(closed(kind="dispute", channel="walk_in"), [], [], CHAIN, window=WINDOW,
                    extra=extra)  # fmt: skip
    assert f.source == "application" and f.extra_on == dt.date(2026, 3, 20)
    assert dict(f.extra) == {"mediated": 1, "mediation_success": 1}
    assert f.done  # a kind without a profile counts every end state as 办结
    facts.register_profile("dispute_test_kind", ["declined"])
    try:
        assert facts.ENDED_OTHERWISE["dispute_test_kind"] == frozenset({"declined"})
    finally:
        del facts.ENDED_OTHERWISE["dispute_test_kind"]


# ------------------------------------------------------------------ providers end to end


RECORDS: dict[str, Extra] = {}


def _provider(ids: list[int]) -> dict[int, Extra]:
    cases = dict(Case.objects.filter(pk__in=ids).values_list("pk", "receipt_no"))
    return {pk: RECORDS[no] for pk, no in cases.items() if no in RECORDS}


@pytest.fixture
def mediation(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(facts.PROVIDERS, "dispute", _provider)
    RECORDS.clear()
    yield
    RECORDS.clear()


def _dispute(desk: Desk, no: str, category: str, day: int, extra: Extra | None) -> Case:
    """A dispute row as the mediation app will write it (its machine is not installed yet)."""
    case = Case.objects.create(
        receipt_no=no, kind="dispute", channel="walk_in", title="纠纷", description="纠纷",
        region=Region.objects.get(pk=desk.t.grid_a1.pk), status="performed", is_open=False,
        received_at=moment(day), closed_at=moment(day + 5), resolved=extra is not None,
        category=Category.objects.get(code=category),
    )  # fmt: skip
    if extra is not None:
        RECORDS[no] = extra
    SyncQueue.objects.create(case_id=case.pk)
    return case


@pytest.mark.django_db
def test_mediation_records_fill_the_rule_27_tables(desk: Desk, mediation: None) -> None:
    march = dt.date(2026, 3, 20)
    success = {"mediated": 1, "mediation_success": 1}
    _dispute(desk, "T1", "TJ01", 2, Extra(march, {**success, "agreement_amount": Decimal("5000"),
             "prevented_criminal": 1, "prevented_criminal_people": 3}, "application"))  # fmt: skip
    _dispute(desk, "T2", "TJ01", 3, Extra(march, {"mediated": 1}, "initiative"))
    _dispute(desk, "T3", "TJ02", 4, Extra(march, {**success, "agreement_amount": Decimal("800.5"),
             "prevented_group": 1, "prevented_group_people": 12}, "application"))  # fmt: skip
    _dispute(desk, "T4", "TJ02", 5, None)  # no record yet: counted, not mediated
    assert sync.sync() == 4 and sync.differences() == []

    march_p = periods.parse("2026-03")
    result = tables.build_for(TABLES["mediation_monthly"], desk.t.province, march_p)
    assert result.pending == []
    # columns: 受理纠纷 (本期 同比 环比), 调解结案, 调解成功, 调解成功率, 协议金额,
    # 防止民转刑 (件 人), 防止群体性上访 (件 人), 化解率 (本期 同比)
    rows = {r.label: [c.value for c in r.cells] for r in [*result.rows, result.total]}
    assert rows["婚姻家庭纠纷"][:3] == [2, None, None]  # nothing a year or a month before
    assert rows["婚姻家庭纠纷"][3:11] == [2, 1, Decimal("0.5000"), Decimal("5000"), 1, 3, 0, 0]
    assert rows["邻里纠纷"][3:11] == [1, 1, Decimal("1.0000"), Decimal("800.5"), 0, 0, 1, 12]
    assert rows["合计"][0] == 4
    assert rows["合计"][3:11] == [3, 2, Decimal("0.6667"), Decimal("5800.5"), 1, 3, 1, 12]
    assert rows["合计"][11] == Decimal("0.7500")  # 化解率: T1–T3 resolved of 4
    assert rows["合同纠纷"][0] == 0  # every rule-27 category is listed

    sources = tables.build_for(TABLES["mediation_sources"], desk.t.province, march_p)
    by_source = {r.label: r.cells[0].value for r in sources.rows}
    assert by_source["主动调解"] == 1 and by_source["申请调解"] == 2
    assert by_source["接受委托移送调解"] == 0 and by_source["窗口来访"] == 1  # T4 keeps its channel

    text = "".join(bulletin.build(desk.t.province, march_p).body())
    assert "共受理矛盾纠纷4件" in text and "化解3件" in text
    assert "调解成功率66.67%" in text and "防止民转刑1件" in text and "防止群体性上访1件" in text


@pytest.mark.django_db
def test_without_a_provider_the_columns_are_pending(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind in ("dispute", "court_referral"):
        monkeypatch.delitem(facts.PROVIDERS, kind)
    result = tables.build_for(TABLES["mediation_monthly"], desk.t.province,
                              periods.parse("2026-03"))  # fmt: skip
    assert {"调解成功率", "协议金额", "防止民转刑（件）"} <= set(result.pending)
    cells = result.total.cells
    assert cells[5].text == "—" and cells[5].trace == {
        "indicator": "mediation_success_rate", "pending": True,
    }  # fmt: skip

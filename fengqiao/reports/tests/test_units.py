"""Pure parts of the statistics layer, without a database: how one case's facts become rollup
increments (merged, reopened, ended otherwise), the indicator arithmetic (rounding, empty
denominators, 同比/环比 wording), competition ranking with the minimum sample, and table
headers built from the declarative definitions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.reports import indicators as ind
from fengqiao.reports import measures, rankings, tables
from fengqiao.reports.definitions import REPORTS, TABLES
from fengqiao.reports.measures import BAD, GOOD, Accumulator, Facts
from fengqiao.reports.models import AMOUNT_MEASURES, MEASURES

CHAIN = ((1, 0, 1), (2, 1, 2), (3, 2, 3), (4, 3, 4), (5, 4, 5), (6, 5, 6))
MARCH_5, MARCH_9, APRIL_2 = date(2026, 3, 5), date(2026, 3, 9), date(2026, 4, 2)


def facts(**changes: Any) -> Facts:
    values: dict[str, Any] = {
        "chain": CHAIN, "kind": "hotline", "category": 7, "source": "hotline_phone",
        "received_on": MARCH_5,
    }  # fmt: skip
    values.update(changes)
    return Facts(**values)


# ------------------------------------------------------------------ measures


def test_an_open_case_counts_on_its_received_date_only() -> None:
    f = facts(dispatched=True, responded=True, overdue=True, supervised=True)
    assert measures.cohort_vector(f) == {
        "received": 1, "open_now": 1, "overdue": 1, "supervised": 1, "dispatched": 1,
        "responded": 1,
    }  # fmt: skip
    assert measures.finish_vector(f) == {}


def test_a_closed_case_adds_its_finished_measures_on_the_closing_date() -> None:
    f = facts(
        is_open=False, finished_on=MARCH_9, done=True, due=True, on_time=True, dispatched=True,
        resolved=True, callback=True, rating=GOOD, lead_unit=40,
    )  # fmt: skip
    assert measures.cohort_vector(f) == {"received": 1, "resolved": 1, "dispatched": 1}
    assert measures.finish_vector(f) == {
        "closed": 1, "closed_due": 1, "closed_on_time": 1, "closed_dispatched": 1,
        "resolved_known": 1, "closed_resolved": 1, "callbacks": 1, "rated": 1, "satisfied": 1,
    }  # fmt: skip
    late = facts(is_open=False, finished_on=MARCH_9, done=True, due=True, on_time=False,
                 direct=True, resolved=False, rating=BAD)  # fmt: skip
    vector = measures.finish_vector(late)
    assert vector["closed_due"] == 1 and "closed_on_time" not in vector
    assert vector["closed_direct"] == 1 and "closed_dispatched" not in vector
    assert vector["rated"] == 1 and "satisfied" not in vector and "closed_resolved" not in vector


def test_merged_and_ended_otherwise() -> None:
    merged = facts(merged=True, finished_on=MARCH_9, done=True, extra_on=MARCH_9,
                   extra=(("mediated", 1),))  # fmt: skip
    assert measures.cohort_vector(merged) == {"merged": 1}
    assert measures.finish_vector(merged) == {} and measures.extra_vector(merged) == {}
    rejected = facts(is_open=False, finished_on=MARCH_5, done=False)
    assert measures.finish_vector(rejected) == {"ended_other": 1}


def test_contribution_reaches_each_table_down_to_its_level() -> None:
    f = facts(is_open=False, finished_on=APRIL_2, done=True, lead_unit=40, respondent_unit=41)
    keys = [key for key, _ in measures.contribution(f)]
    tables_ = {name for name, _ in keys}
    assert tables_ == {"area_month", "area_day", "source_month", "unit_month"}
    # six levels × two dates in the month table; counties and above in the day table
    assert sum(1 for name, _ in keys if name == "area_month") == 12
    assert sum(1 for name, _ in keys if name == "area_day") == 6
    assert sum(1 for name, _ in keys if name == "source_month") == 8  # to the township
    unit_keys = [k for name, k in keys if name == "unit_month"]
    assert len(unit_keys) == 16  # 2 relations × 4 levels × 2 dates
    assert {k[1] for k in unit_keys} == {"lead", "respondent"}
    months = {k[3] for name, k in keys if name == "area_month"}
    assert months == {date(2026, 3, 1), date(2026, 4, 1)}


def test_the_accumulator_retracts_exactly() -> None:
    before = facts(dispatched=True)
    after = facts(is_open=False, finished_on=MARCH_9, done=True, dispatched=True, resolved=True)
    acc = Accumulator()
    acc.add(after)
    acc.add(before, -1)
    rows = dict(acc.rows())
    march = rows[("area_month", (6, 5, 6, date(2026, 3, 1), "hotline", 7))]
    # open_now goes away, resolved comes, and the closing adds its finished measures
    assert march == {
        "open_now": -1, "resolved": 1, "closed": 1, "closed_dispatched": 1,
        "resolved_known": 1, "closed_resolved": 1,
    }  # fmt: skip
    acc.clear()
    acc.add(after)
    acc.add(after, -1)
    assert list(acc.rows()) == [] and len(acc) > 0  # zero cells are kept but not written


def test_chains_and_totals() -> None:
    assert measures.ids_of_path("/1/2/3/") == [1, 2, 3]
    assert measures.chain_from([1, 2, 3], {1: 1, 2: 2, 3: 3}) == ((1, 0, 1), (2, 1, 2), (3, 2, 3))
    assert measures.total([{"a": 1}, {"a": 2, "b": Decimal("1.5")}]) == {
        "a": 3,
        "b": Decimal("1.5"),
    }
    assert measures.month_of(MARCH_9) == date(2026, 3, 1)


@given(
    st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans(),
    st.sampled_from([None, True, False]), st.sampled_from(["", GOOD, BAD]),
)  # fmt: skip
def test_finished_measures_are_consistent(
    finished: bool, done: bool, due: bool, on_time: bool, direct: bool,
    resolved: bool | None, rating: str,
) -> None:  # fmt: skip
    f = facts(finished_on=MARCH_9 if finished else None, done=done, due=due, on_time=on_time,
              direct=direct, resolved=resolved, rating=rating, is_open=not finished)  # fmt: skip
    v = measures.finish_vector(f)
    assert v.get("closed_on_time", 0) <= v.get("closed_due", 0) <= v.get("closed", 0)
    assert v.get("satisfied", 0) <= v.get("rated", 0) <= v.get("closed", 0)
    assert v.get("closed_resolved", 0) <= v.get("resolved_known", 0)
    assert v.get("closed_direct", 0) + v.get("closed_dispatched", 0) == v.get("closed", 0)
    assert v.get("closed", 0) + v.get("ended_other", 0) == int(finished)
    assert set(v) <= set(MEASURES)


# ------------------------------------------------------------------ indicators


def sums(**values: int | Decimal) -> dict[str, Any]:
    return {m: (Decimal(0) if m in AMOUNT_MEASURES else 0) for m in MEASURES} | values


def test_rates_round_half_up_and_never_divide_by_zero() -> None:
    assert ind.rate(112289, 115336) == Decimal("0.9736")  # the seed's 化解率 97.36 %
    assert ind.rate(1, 8) == Decimal("0.1250")
    assert ind.rate(1, 3) == Decimal("0.3333") and ind.rate(2, 3) == Decimal("0.6667")
    assert ind.rate(5, 0) is None and ind.rate(0, 0) is None
    figure = ind.resolution_rate(sums(resolved=112289, received=115336), {"region": "62"})
    assert figure.text() == "97.36%" and figure.trace()["numerator"] == "112289"
    empty = ind.satisfaction_rate(sums(), {})
    assert empty.value is None and empty.text() == "—" and empty.denominator == 0


def test_each_core_indicator_has_its_own_function() -> None:
    s = sums(
        received=10, closed=8, closed_due=6, closed_on_time=5, resolved=7, mediated=4,
        mediation_success=3, dispatched=6, responded=5, resolved_known=8, closed_resolved=6,
        rated=5, satisfied=4, merged=2, repeat=1, closed_dispatched=5, callbacks=4, overdue=2,
    )  # fmt: skip
    expected = {
        "received": 10, "closed": 8, "on_time_rate": Decimal("0.8333"),
        "resolution_rate": Decimal("0.7000"), "mediation_success_rate": Decimal("0.7500"),
        "response_rate": Decimal("0.8333"), "solve_rate": Decimal("0.7500"),
        "satisfaction_rate": Decimal("0.8000"), "repeat_rate": Decimal("0.2500"),
        "callback_rate": Decimal("0.8000"), "overdue": 2,
    }  # fmt: skip
    assert set(expected) == set(ind.CORE) and set(ind.CORE) <= set(ind.FUNCTIONS)
    for name in ind.CORE:
        function = ind.FUNCTIONS[name]
        assert function(s, {}).value == expected[name], name
        assert ind.compute(name, s, {}).value == expected[name]
        assert function.__doc__ and ind.INDICATORS[name].name in function.__doc__
    assert ind.compute("merged", s, {}).value == 2  # supporting counts through evaluate()


def test_amounts_and_counts_are_formatted_in_chinese() -> None:
    amount = ind.compute("agreement_amount", sums(agreement_amount=Decimal("12345.5")), {})
    assert amount.text() == "12345.50元"
    people = ind.compute("prevented_group_people", sums(prevented_group_people=12), {})
    assert people.text() == "12人"
    assert ind.compute("received", sums(received=3), {}).text() == "3件"


@pytest.mark.parametrize(
    ("indicator", "now", "before", "text", "delta"),
    [
        ("received", {"received": 9}, {"received": 8}, "上升12.50%", Decimal("0.1250")),
        ("received", {"received": 6}, {"received": 8}, "下降25.00%", Decimal("-0.2500")),
        ("received", {"received": 8}, {"received": 8}, "持平", Decimal("0")),
        ("received", {"received": 8}, {"received": 0}, "无可比数据", None),
        ("on_time_rate", {"closed_due": 4, "closed_on_time": 4},
         {"closed_due": 5, "closed_on_time": 4}, "提高20.00个百分点", Decimal("0.2000")),
        ("on_time_rate", {"closed_due": 4, "closed_on_time": 3},
         {"closed_due": 0}, "无可比数据", None),
    ],
)  # fmt: skip
def test_year_on_year_and_period_on_period_wording(
    indicator: str, now: dict[str, int], before: dict[str, int], text: str, delta: Decimal | None
) -> None:
    change = ind.change(
        ind.compute(indicator, sums(**now), {}), ind.compute(indicator, sums(**before), {})
    )
    assert change.text() == text and change.delta == delta
    assert change.points is ind.INDICATORS[indicator].is_rate
    assert change.trace()["previous"]["indicator"] == indicator


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_a_rate_is_a_fraction_of_one(numerator: int, extra: int) -> None:
    value = ind.rate(numerator, numerator + extra)
    if numerator + extra == 0:
        assert value is None
    else:
        assert value is not None and Decimal(0) <= value <= Decimal(1)
        assert abs(value - Decimal(numerator) / Decimal(numerator + extra)) <= Decimal("0.00005")


def test_every_indicator_is_defined_in_full() -> None:
    for indicator in ind.INDICATORS.values():
        assert indicator.definition and indicator.name and indicator.unit
        assert set(indicator.numerator) | set(indicator.denominator) <= set(MEASURES)
        assert indicator.basis in ind.BASIS_LABEL
        assert indicator.better in ("higher", "lower", "")
        assert indicator.is_rate == (indicator.unit == "%")


# ------------------------------------------------------------------ rankings


@pytest.mark.parametrize(
    ("values", "higher", "ranks"),
    [
        ([9, 8, 8, 7], True, [1, 2, 2, 4]),
        ([1, 3, 3, 2], False, [1, 3, 3, 2]),
        ([5, 5, 5], True, [1, 1, 1]),
        ([], True, []),
        ([Decimal("0.9736"), Decimal("0.9736"), Decimal("0.97")], True, [1, 1, 3]),
    ],
)
def test_competition_ranks(values: list[Any], higher: bool, ranks: list[int]) -> None:
    assert rankings.competition_ranks(values, higher_first=higher) == ranks


@given(st.lists(st.integers(0, 5), max_size=12), st.booleans())
def test_ranks_are_honest(values: list[int], higher: bool) -> None:
    ranks = rankings.competition_ranks(values, higher_first=higher)
    for i, a in enumerate(values):
        better = sum(1 for b in values if (b > a if higher else b < a))
        assert ranks[i] == better + 1  # 1 + how many did strictly better
        for j, b in enumerate(values):
            assert (ranks[i] == ranks[j]) == (a == b)


def _ranked(code: str, on_time: int, due: int) -> rankings.Ranked:
    figure = ind.on_time_rate(sums(closed_on_time=on_time, closed_due=due), {})
    return rankings.Ranked(int(code), code, f"区{code}", figure, due)


def test_minimum_sample_and_rounded_ties() -> None:
    rows = [
        _ranked("1", 29, 30),  # 96.67 %
        _ranked("2", 58, 60),  # 96.67 %: a tie as published
        _ranked("3", 30, 30),  # 100 %
        _ranked("4", 5, 5),  # 100 % but only 5 cases
        _ranked("5", 0, 0),  # nothing to rank
    ]
    shown, note = rankings.rank_rows(rows, ind.ON_TIME_I, 30)
    assert shown and note == ""
    assert [(r.code, r.rank) for r in rows] == [
        ("3", 1), ("1", 2), ("2", 2), ("4", None), ("5", None),
    ]  # fmt: skip
    assert rows[3].note == "样本不足30件，不参与排名" and rows[4].note == "无数据"
    few = [_ranked("1", 29, 30), _ranked("2", 2, 3)]
    shown, note = rankings.rank_rows(few, ind.ON_TIME_I, 30)
    assert not shown and "不足两个" in note
    size = [_ranked("1", 1, 40), _ranked("2", 2, 40)]
    assert rankings.rank_rows(size, ind.RECEIVED_I, 0) == (
        False,
        "「受理量」为规模指标，不作排名。",
    )


# ------------------------------------------------------------------ table definitions


def test_headers_come_from_the_definitions() -> None:
    header = tables.header(TABLES["hotline_areas"])
    assert [c.title for c in header] == [
        "地区", "受理量", "办结量", "按期办结率", "三率", "重复诉求率", "回访率", "超期件",
    ]  # fmt: skip
    received = header[1]
    assert [c.title for c in received.children] == ["本期", "同比（%）", "环比（%）"]
    rate = header[3]
    assert [c.title for c in rate.children] == ["本期", "同比（百分点）"]
    three = header[4]
    assert [c.title for c in three.children] == ["响应率", "解决率", "满意率"]
    grid = tables.header(TABLES["grid_activity"])
    assert grid[0].title == "网格" and grid[1].title == "网格员（人）"
    mediation = tables.header(TABLES["mediation_monthly"])
    titles = [c.title for c in mediation]
    assert titles[0] == "类别" and "防止民转刑" in titles and "防止群体性上访" in titles
    assert [c.title for c in mediation[titles.index("防止民转刑")].children] == ["件", "人"]


def test_every_definition_is_complete() -> None:
    assert {"hotline", "mediation_monthly", "petition_annual", "grid", "overview"} == set(REPORTS)
    for definition in TABLES.values():
        assert definition.title and definition.basis.startswith("规则")
        assert definition.min_level <= definition.max_level
        leaves = tables._leaves(definition)
        assert leaves and all(role in ("value", "yoy", "mom", "context") for _, role in leaves)
    # the mediation and petition apps provide their measures: no column waits
    assert all(tables.pending_indicators(t) == set() for t in TABLES.values())

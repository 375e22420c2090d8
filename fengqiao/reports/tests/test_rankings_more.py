"""Ranking rules as properties: competition ranks (ties share a rank, the next rank skips),
the direction of the indicator, the minimum sample, and rows without data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.reports import indicators as ind
from fengqiao.reports import rankings
from fengqiao.reports.rankings import Ranked

values_lists = st.lists(st.integers(0, 6), min_size=1, max_size=12)


@given(values_lists, st.booleans())
def test_competition_ranks_count_the_rows_before(values: list[int], higher_first: bool) -> None:
    ranks = rankings.competition_ranks(values, higher_first=higher_first)
    for value, rank in zip(values, ranks, strict=True):
        better = [v for v in values if (v > value if higher_first else v < value)]
        assert rank == len(better) + 1
    assert min(ranks) == 1
    # equal values, equal ranks; a better value, a smaller rank
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a == b:
                assert ranks[i] == ranks[j]
            elif (a > b) == higher_first:
                assert ranks[i] < ranks[j]


@given(values_lists)
def test_reversing_the_direction_reverses_the_order(values: list[int]) -> None:
    high = rankings.competition_ranks(values, higher_first=True)
    low = rankings.competition_ranks(values, higher_first=False)
    for i in range(len(values)):
        for j in range(len(values)):
            if high[i] < high[j]:
                assert low[i] > low[j]


def _figure(indicator: str, numerator: int, denominator: int | None) -> ind.Figure:
    if denominator is None:
        return ind.Figure(indicator, numerator, numerator, None)
    return ind.Figure(indicator, ind.rate(numerator, denominator), numerator, denominator)


def _row(code: str, indicator: str, numerator: int, denominator: int | None) -> Ranked:
    figure = _figure(indicator, numerator, denominator)
    sample = denominator if denominator is not None else numerator
    return Ranked(int(code), code, f"区{code}", figure, sample or 0)


def test_rates_rank_on_the_published_figure_and_ties_share_a_rank() -> None:
    rows = [
        _row("1", "on_time_rate", 2, 3),  # 66.67 %
        _row("2", "on_time_rate", 4, 6),  # 66.67 %: a tie with 1
        _row("3", "on_time_rate", 9, 10),  # 90 %
        _row("4", "on_time_rate", 1, 4),  # 25 %
    ]
    shown, note = rankings.rank_rows(rows, ind.INDICATORS["on_time_rate"], 3)
    assert shown and note == ""
    assert [(r.code, r.rank) for r in rows] == [("3", 1), ("1", 2), ("2", 2), ("4", 4)]


def test_lower_is_better_for_repeat_rate_and_overdue() -> None:
    repeat = [_row("1", "repeat_rate", 1, 10), _row("2", "repeat_rate", 3, 10)]
    assert rankings.rank_rows(repeat, ind.INDICATORS["repeat_rate"], 1)[0]
    assert [(r.code, r.rank) for r in repeat] == [("1", 1), ("2", 2)]
    overdue = [_row("1", "overdue", 5, None), _row("2", "overdue", 0, None)]
    overdue[1].sample = 9  # overdue counts: the sample is what the row holds
    assert rankings.rank_rows(overdue, ind.INDICATORS["overdue"], 0)[0]
    assert [(r.code, r.rank) for r in overdue] == [("2", 1), ("1", 2)]


def test_rows_under_the_minimum_sample_and_rows_without_data_are_listed_last() -> None:
    rows = [
        _row("1", "satisfaction_rate", 1, 2),  # sample 2 < 5
        _row("2", "satisfaction_rate", 0, 0),  # no data
        _row("3", "satisfaction_rate", 5, 5),
        _row("4", "satisfaction_rate", 3, 6),
    ]
    shown, _ = rankings.rank_rows(rows, ind.INDICATORS["satisfaction_rate"], 5)
    assert shown
    assert [(r.code, r.rank) for r in rows] == [("3", 1), ("4", 2), ("1", None), ("2", None)]
    notes = {r.code: r.note for r in rows}
    assert notes["1"] == "样本不足5件，不参与排名"
    assert notes["2"] == "无数据"
    assert notes["3"] == notes["4"] == ""


def test_exactly_the_minimum_sample_is_enough() -> None:
    rows = [_row("1", "solve_rate", 3, 5), _row("2", "solve_rate", 4, 5)]
    assert rankings.rank_rows(rows, ind.INDICATORS["solve_rate"], 5)[0]
    assert [r.rank for r in rows] == [1, 2]
    short = [_row("1", "solve_rate", 3, 5), _row("2", "solve_rate", 4, 5)]
    shown, note = rankings.rank_rows(short, ind.INDICATORS["solve_rate"], 6)
    assert not shown and "最小样本量（6件）" in note


@pytest.mark.parametrize("indicator", [i for i, d in ind.INDICATORS.items() if not d.better])
def test_scale_indicators_are_never_ranked(indicator: str) -> None:
    rows = [_row("1", indicator, 5, None), _row("2", indicator, 7, None)]
    shown, note = rankings.rank_rows(rows, ind.INDICATORS[indicator], 0)
    assert not shown and "不作排名" in note
    assert all(r.rank is None for r in rows)


@given(
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=0, max_size=10),
    st.integers(0, 15),
)
def test_ranked_rows_are_exactly_the_rows_with_enough_sample(
    pairs: list[tuple[int, int]], minimum: int
) -> None:
    rows = [_row(str(i + 1), "on_time_rate", min(n, d), d) for i, (n, d) in enumerate(pairs)]
    shown, _ = rankings.rank_rows(rows, ind.INDICATORS["on_time_rate"], minimum)
    eligible = [r for r in rows if r.figure.value is not None and r.sample >= minimum]
    assert shown == (len(eligible) >= 2)
    if not shown:
        return
    assert all(r.rank is not None for r in eligible)
    assert all(r.rank is None for r in rows if r not in eligible)
    ranked = [r for r in rows if r.rank is not None]
    assert ranked == rows[: len(ranked)]  # ranked rows first, in rank order
    assert [r.rank for r in ranked] == sorted(r.rank for r in ranked)  # type: ignore[type-var]
    for a in ranked:
        better = [b for b in ranked if Decimal(b.figure.value or 0) > Decimal(a.figure.value or 0)]
        assert a.rank == len(better) + 1

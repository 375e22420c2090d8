"""Rates and 同比/环比 changes as properties: half-up rounding to 4 places, “—” for a zero
denominator, counts changing by a ratio and rates by percentage points, with the words the
bulletin uses (上升/下降, 提高/降低, 持平, 无可比数据)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from fengqiao.reports import indicators as ind

counts = st.integers(0, 10_000)


@given(counts, counts)
def test_rates_round_half_up_to_four_places(numerator: int, denominator: int) -> None:
    value = ind.rate(numerator, denominator)
    if denominator == 0:
        assert value is None
        assert ind.format_value(ind.INDICATORS["on_time_rate"], value) == "—"
        return
    assert value is not None and value.as_tuple().exponent == -4
    exact = Decimal(numerator) / Decimal(denominator)
    assert abs(value - exact) <= Decimal("0.00005")
    assert value == exact.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    if numerator <= denominator:
        assert Decimal(0) <= value <= Decimal(1)
    text = ind.format_value(ind.INDICATORS["on_time_rate"], value)
    assert text == f"{value * 100:.2f}%"


def _count(value: int) -> ind.Figure:
    return ind.Figure("received", value, value, None)


def _rate(numerator: int, denominator: int) -> ind.Figure:
    return ind.Figure("solve_rate", ind.rate(numerator, denominator), numerator, denominator)


@given(counts, counts)
def test_counts_change_by_a_ratio(now: int, before: int) -> None:
    change = ind.change(_count(now), _count(before))
    assert change.points is False
    if before == 0:
        assert change.delta is None and change.text() == "无可比数据"
        return
    assert change.delta is not None
    assert change.delta == ((Decimal(now) - before) / before).quantize(Decimal("0.0001"))
    text = change.text()
    if now == before:
        assert text == "持平"
    elif now > before:
        assert text.startswith("上升") and text.endswith("%")
    else:
        assert text.startswith("下降")
    if change.delta:
        assert text[2:] == f"{abs(change.delta) * 100:.2f}%"


@given(counts, counts, counts, counts)
def test_rates_change_by_percentage_points(n1: int, d1: int, n0: int, d0: int) -> None:
    current, previous = _rate(min(n1, d1), d1), _rate(min(n0, d0), d0)
    change = ind.change(current, previous)
    assert change.points is True
    if current.value is None or previous.value is None:
        assert change.delta is None and change.text() == "无可比数据"
        return
    assert change.delta == current.value - previous.value
    text = change.text()
    if change.delta == 0:
        assert text == "持平"
    else:
        word = "提高" if change.delta > 0 else "降低"
        assert text == f"{word}{abs(change.delta) * 100:.2f}个百分点"
    assert change.trace()["previous"] == previous.trace()


@given(counts)
def test_count_texts_carry_the_unit(value: int) -> None:
    for indicator in ind.INDICATORS.values():
        if indicator.is_rate:
            continue
        text = ind.format_value(indicator, value)
        if indicator.unit == "元":
            assert text == f"{Decimal(value):.2f}元"
        else:
            assert text == f"{value}{indicator.unit}"

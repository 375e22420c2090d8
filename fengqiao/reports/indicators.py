"""The indicators (指标), one function each, used by the dashboard API, the standard tables,
the rankings, the bulletins and the exports alike — so a figure cannot differ between two
places. Each takes the summed measures of some rollup rows (selectors.Sums) and the
parameters that selected them, and returns a `Figure` that remembers both (traceability).

The definitions — numerator, denominator, time basis, merged and reopened cases — are in
docs/reports.md §4; the `definition` strings below are the short Chinese form shown in
tables and bulletins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fengqiao.reports.measures import Number

RECEIVED, FINISHED, PROVIDER = "received", "finished", "provider"
BASIS_LABEL = {
    RECEIVED: "按受理时间（受理月份的事项，截至统计时的状态）",
    FINISHED: "按办结时间（最终办结的日期）",
    PROVIDER: "按业务记录日期（调解结果、转送交办、提出建议的日期）",
}
RATE_PLACES = Decimal("0.0001")  # fractions: 0.9736 = 97.36 %
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Indicator:
    """An indicator's definition: a count (numerator only) or a rate (numerator over
    denominator), each a sum of rollup measures."""

    id: str
    name: str
    unit: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    basis: str = RECEIVED
    better: str = "higher"  # higher | lower | "" (not ranked)
    definition: str = ""
    provider: bool = False  # needs the mediation or petition records (facts.PROVIDERS)

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)


@dataclass(frozen=True)
class Figure:
    """One number and where it came from."""

    indicator: str
    value: Decimal | int | None
    numerator: Number
    denominator: Number | None
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        return format_value(INDICATORS[self.indicator], self.value)

    def trace(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "value": None if self.value is None else str(self.value),
            "numerator": str(self.numerator),
            "denominator": None if self.denominator is None else str(self.denominator),
            "params": dict(self.params),
        }


def format_value(indicator: Indicator, value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    if indicator.is_rate:
        return f"{Decimal(value) * 100:.2f}%"
    if indicator.unit == "元":
        return f"{Decimal(value):.2f}元"
    return f"{value}{indicator.unit}"


def _sum(sums: Mapping[str, Number], names: tuple[str, ...]) -> Number:
    total: Number = 0
    for name in names:
        total += sums.get(name, 0)
    return total


def rate(numerator: Number, denominator: Number) -> Decimal | None:
    """numerator / denominator rounded half-up to 4 places; None when nothing to divide."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


def evaluate(indicator: Indicator, sums: Mapping[str, Number], params: Mapping[str, Any]) -> Figure:
    numerator = _sum(sums, indicator.numerator)
    if indicator.unit == "元":
        # amounts to the fen, whatever the database returned for the sum (SQLite drops
        # trailing zeros, PostgreSQL keeps its scale): the same figure on both
        numerator = Decimal(numerator).quantize(CENTS, ROUND_HALF_UP)
    if not indicator.is_rate:
        return Figure(indicator.id, numerator, numerator, None, params)
    denominator = _sum(sums, indicator.denominator)
    return Figure(indicator.id, rate(numerator, denominator), numerator, denominator, params)


def _def(**kwargs: Any) -> Indicator:
    return Indicator(**kwargs)


RECEIVED_I = _def(
    id="received",
    name="受理量",
    unit="件",
    numerator=("received",),
    better="",
    definition="统计期内受理（登记）的事项数；并入主单的重复件不计（另计并单数）",
)
CLOSED_I = _def(
    id="closed",
    name="办结量",
    unit="件",
    numerator=("closed",),
    basis=FINISHED,
    better="",
    definition="统计期内最终办结的事项数（不含不予受理、转紧急热线、告知其他途径等其他方式终结）",
)
ON_TIME_I = _def(
    id="on_time_rate",
    name="按期办结率",
    unit="%",
    numerator=("closed_on_time",),
    denominator=("closed_due",),
    basis=FINISHED,
    definition="统计期内办结且有办理时限的事项中，在时限（含经批准延期后的时限）内办结的比例",
)
RESOLUTION_I = _def(
    id="resolution_rate",
    name="化解率",
    unit="%",
    numerator=("resolved",),
    denominator=("received",),
    definition="统计期内受理的事项中，截至统计时已化解（问题已解决）的比例",
)
MEDIATION_I = _def(
    id="mediation_success_rate",
    name="调解成功率",
    unit="%",
    numerator=("mediation_success",),
    denominator=("mediated",),
    basis=PROVIDER,
    provider=True,
    definition="统计期内调解结案的纠纷中，调解成功（含部分达成协议）的比例",
)
RESPONSE_I = _def(
    id="response_rate",
    name="响应率",
    unit="%",
    numerator=("responded",),
    denominator=("dispatched",),
    definition="统计期内受理并派单的事项中，主办单位在响应时限内签收的比例",
)
SOLVE_I = _def(
    id="solve_rate",
    name="解决率",
    unit="%",
    numerator=("closed_resolved",),
    denominator=("resolved_known",),
    basis=FINISHED,
    definition="统计期内办结且解决情况已知（回访或核查确认）的事项中，问题已解决的比例",
)
SATISFACTION_I = _def(
    id="satisfaction_rate",
    name="满意率",
    unit="%",
    numerator=("satisfied",),
    denominator=("rated",),
    basis=FINISHED,
    definition="统计期内办结且作出评价的事项中，评价为满意或基本满意的比例（未联系上的不计）",
)
REPEAT_I = _def(
    id="repeat_rate",
    name="重复诉求率",
    unit="%",
    numerator=("merged", "repeat"),
    denominator=("received", "merged"),
    better="lower",
    definition="统计期内全部诉求（受理量加并单数）中，并入主单的重复件与标记为重复诉求的事项所占比例",
)
CALLBACK_I = _def(
    id="callback_rate",
    name="回访率",
    unit="%",
    numerator=("callbacks",),
    denominator=("closed_dispatched",),
    basis=FINISHED,
    definition="统计期内派单后办结的事项中，已回访（含未联系上）的比例",
)
OVERDUE_I = _def(
    id="overdue",
    name="超期件",
    unit="件",
    numerator=("overdue",),
    better="lower",
    definition="统计期内受理的事项中，截至统计时超过办理时限仍未办结、或超过时限才办结的件数",
)
MERGED_I = _def(
    id="merged",
    name="并单数",
    unit="件",
    numerator=("merged",),
    better="",
    definition="统计期内受理后并入其他事项（主单）的重复件数",
)
OPEN_I = _def(
    id="open_now",
    name="未办结",
    unit="件",
    numerator=("open_now",),
    better="",
    definition="统计期内受理、截至统计时仍未办结的件数",
)
SUPERVISED_I = _def(
    id="supervised",
    name="督办件",
    unit="件",
    numerator=("supervised",),
    better="",
    definition="统计期内受理的事项中，截至统计时被催办、督办或挂牌督办的件数",
)
DIRECT_I = _def(
    id="closed_direct",
    name="直接办结",
    unit="件",
    numerator=("closed_direct",),
    basis=FINISHED,
    better="",
    definition="统计期内未经派单即办结的件数（12345即时办结、网格员就地化解）",
)
DISPATCHED_I = _def(
    id="dispatched",
    name="派单量",
    unit="件",
    numerator=("dispatched",),
    better="",
    definition="统计期内受理的事项中已派单（交办主办单位）的件数",
)
ENDED_OTHER_I = _def(
    id="ended_other",
    name="其他方式终结",
    unit="件",
    numerator=("ended_other",),
    basis=FINISHED,
    better="",
    definition="统计期内以不予受理、转紧急热线、告知其他途径等方式终结的件数",
)
REWORKED_I = _def(
    id="reworked",
    name="退回重办",
    unit="件",
    numerator=("reworked",),
    better="lower",
    definition="统计期内受理的事项中，曾被审核退回或回访不满意退回重办的件数",
)
MEDIATED_I = _def(
    id="mediated",
    name="调解结案",
    unit="件",
    numerator=("mediated",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="统计期内作出调解结果（成功、部分成功、不成）的纠纷数",
)
SUCCESS_I = _def(
    id="mediation_success",
    name="调解成功",
    unit="件",
    numerator=("mediation_success",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="统计期内调解成功（含部分达成协议）的纠纷数",
)
AMOUNT_I = _def(
    id="agreement_amount",
    name="协议金额",
    unit="元",
    numerator=("agreement_amount",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="统计期内调解成功的纠纷的协议金额合计",
)
CRIMINAL_I = _def(
    id="prevented_criminal",
    name="防止民转刑（件）",
    unit="件",
    numerator=("prevented_criminal",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="统计期内经调解防止矛盾纠纷转化为刑事案件的件数",
)
CRIMINAL_P_I = _def(
    id="prevented_criminal_people",
    name="防止民转刑（人）",
    unit="人",
    numerator=("prevented_criminal_people",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="防止民转刑涉及的人数",
)
GROUP_I = _def(
    id="prevented_group",
    name="防止群体性上访（件）",
    unit="件",
    numerator=("prevented_group",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="统计期内经调解防止群体性上访的件数",
)
GROUP_P_I = _def(
    id="prevented_group_people",
    name="防止群体性上访（人）",
    unit="人",
    numerator=("prevented_group_people",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="防止群体性上访涉及的人数",
)
TRANSFER_I = _def(
    id="routed_transfer",
    name="转送",
    unit="件",
    numerator=("routed_transfer",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="统计期内转送有权处理机关的信访事项数",
)
ASSIGN_I = _def(
    id="routed_assign",
    name="交办",
    unit="件",
    numerator=("routed_assign",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="统计期内交办下级机关的信访事项数",
)
RECOMMEND_I = _def(
    id="recommendations",
    name="提出建议",
    unit="条",
    numerator=("recommendations",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="统计期内信访部门从信访事项提出的改进工作、完善政策、追究责任建议条数（按提出日期）",
)
ADOPTED_I = _def(
    id="recommendations_adopted",
    name="建议被采纳",
    unit="条",
    numerator=("recommendations_adopted",),
    basis=PROVIDER,
    better="",
    provider=True,
    definition="统计期内提出的建议中，截至统计时已登记被采纳的条数",
)
ADOPTION_I = _def(
    id="adoption_rate",
    name="建议采纳率",
    unit="%",
    numerator=("recommendations_adopted",),
    denominator=("recommendations",),
    basis=PROVIDER,
    provider=True,
    definition="统计期内提出的建议中，截至统计时已被采纳的比例（尚未答复的计入分母）",
)

INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in (
        RECEIVED_I, CLOSED_I, ON_TIME_I, RESOLUTION_I, MEDIATION_I, RESPONSE_I, SOLVE_I,
        SATISFACTION_I, REPEAT_I, CALLBACK_I, OVERDUE_I, MERGED_I, OPEN_I, SUPERVISED_I,
        DIRECT_I, DISPATCHED_I, ENDED_OTHER_I, REWORKED_I, MEDIATED_I, SUCCESS_I, AMOUNT_I,
        CRIMINAL_I, CRIMINAL_P_I, GROUP_I, GROUP_P_I, TRANSFER_I, ASSIGN_I, RECOMMEND_I,
        ADOPTED_I, ADOPTION_I,
    )
}  # fmt: skip

Params = Mapping[str, Any]
Sums = Mapping[str, Number]


# ------------------------------------------------------------------ one function per indicator


def received(s: Sums, params: Params) -> Figure:
    """受理量."""
    return evaluate(RECEIVED_I, s, params)


def closed(s: Sums, params: Params) -> Figure:
    """办结量."""
    return evaluate(CLOSED_I, s, params)


def on_time_rate(s: Sums, params: Params) -> Figure:
    """按期办结率."""
    return evaluate(ON_TIME_I, s, params)


def resolution_rate(s: Sums, params: Params) -> Figure:
    """化解率."""
    return evaluate(RESOLUTION_I, s, params)


def mediation_success_rate(s: Sums, params: Params) -> Figure:
    """调解成功率."""
    return evaluate(MEDIATION_I, s, params)


def response_rate(s: Sums, params: Params) -> Figure:
    """响应率."""
    return evaluate(RESPONSE_I, s, params)


def solve_rate(s: Sums, params: Params) -> Figure:
    """解决率."""
    return evaluate(SOLVE_I, s, params)


def satisfaction_rate(s: Sums, params: Params) -> Figure:
    """满意率."""
    return evaluate(SATISFACTION_I, s, params)


def repeat_rate(s: Sums, params: Params) -> Figure:
    """重复诉求率."""
    return evaluate(REPEAT_I, s, params)


def callback_rate(s: Sums, params: Params) -> Figure:
    """回访率."""
    return evaluate(CALLBACK_I, s, params)


def overdue(s: Sums, params: Params) -> Figure:
    """超期件."""
    return evaluate(OVERDUE_I, s, params)


# The figures of the rule-27 and rule-22 tables (provider measures), one function each.


def mediated(s: Sums, params: Params) -> Figure:
    """调解结案."""
    return evaluate(MEDIATED_I, s, params)


def mediation_success(s: Sums, params: Params) -> Figure:
    """调解成功."""
    return evaluate(SUCCESS_I, s, params)


def agreement_amount(s: Sums, params: Params) -> Figure:
    """协议金额."""
    return evaluate(AMOUNT_I, s, params)


def prevented_criminal(s: Sums, params: Params) -> Figure:
    """防止民转刑（件）."""
    return evaluate(CRIMINAL_I, s, params)


def prevented_criminal_people(s: Sums, params: Params) -> Figure:
    """防止民转刑（人）."""
    return evaluate(CRIMINAL_P_I, s, params)


def prevented_group(s: Sums, params: Params) -> Figure:
    """防止群体性上访（件）."""
    return evaluate(GROUP_I, s, params)


def prevented_group_people(s: Sums, params: Params) -> Figure:
    """防止群体性上访（人）."""
    return evaluate(GROUP_P_I, s, params)


def routed_transfer(s: Sums, params: Params) -> Figure:
    """转送."""
    return evaluate(TRANSFER_I, s, params)


def routed_assign(s: Sums, params: Params) -> Figure:
    """交办."""
    return evaluate(ASSIGN_I, s, params)


def supervised(s: Sums, params: Params) -> Figure:
    """督办件."""
    return evaluate(SUPERVISED_I, s, params)


def recommendations(s: Sums, params: Params) -> Figure:
    """提出建议."""
    return evaluate(RECOMMEND_I, s, params)


def recommendations_adopted(s: Sums, params: Params) -> Figure:
    """建议被采纳."""
    return evaluate(ADOPTED_I, s, params)


def adoption_rate(s: Sums, params: Params) -> Figure:
    """建议采纳率."""
    return evaluate(ADOPTION_I, s, params)


FUNCTIONS: dict[str, Callable[[Sums, Params], Figure]] = {
    "received": received,
    "closed": closed,
    "on_time_rate": on_time_rate,
    "resolution_rate": resolution_rate,
    "mediation_success_rate": mediation_success_rate,
    "response_rate": response_rate,
    "solve_rate": solve_rate,
    "satisfaction_rate": satisfaction_rate,
    "repeat_rate": repeat_rate,
    "callback_rate": callback_rate,
    "overdue": overdue,
}
# The 11 core indicators of issue 6 (the dashboard's default set).
CORE = tuple(FUNCTIONS)
FUNCTIONS.update(
    {
        f.__name__: f
        for f in (
            mediated, mediation_success, agreement_amount, prevented_criminal,
            prevented_criminal_people, prevented_group, prevented_group_people, routed_transfer,
            routed_assign, supervised, recommendations, recommendations_adopted, adoption_rate,
        )
    }
)  # fmt: skip
# The remaining supporting counts (并单数, 未办结, 直接办结, …) use evaluate() directly.


def compute(indicator_id: str, s: Sums, params: Params) -> Figure:
    """The figure of any indicator (the core ones through their own function)."""
    function = FUNCTIONS.get(indicator_id)
    if function is not None:
        return function(s, params)
    return evaluate(INDICATORS[indicator_id], s, params)


# ------------------------------------------------------------------ 同比 / 环比


@dataclass(frozen=True)
class Change:
    """A comparison with an earlier period: counts change by a ratio (上升12.50%), rates by
    percentage points (提高1.25个百分点)."""

    previous: Figure
    delta: Decimal | None
    points: bool

    def text(self) -> str:
        if self.delta is None:
            return "无可比数据"
        if self.delta == 0:
            return "持平"
        up, down = ("提高", "降低") if self.points else ("上升", "下降")
        word = up if self.delta > 0 else down
        magnitude = abs(self.delta) * 100
        return f"{word}{magnitude:.2f}个百分点" if self.points else f"{word}{magnitude:.2f}%"

    def trace(self) -> dict[str, Any]:
        return {
            "delta": None if self.delta is None else str(self.delta),
            "points": self.points,
            "previous": self.previous.trace(),
        }


def change(current: Figure, previous: Figure) -> Change:
    indicator = INDICATORS[current.indicator]
    if current.value is None or previous.value is None:
        return Change(previous, None, indicator.is_rate)
    if indicator.is_rate:
        return Change(previous, Decimal(current.value) - Decimal(previous.value), True)
    if not previous.value:
        return Change(previous, None, False)
    delta = (Decimal(current.value) - Decimal(previous.value)) / Decimal(previous.value)
    return Change(previous, delta.quantize(RATE_PLACES, ROUND_HALF_UP), False)

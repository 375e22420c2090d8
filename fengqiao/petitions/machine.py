"""The 信访事项 state machine (信访工作条例 2022, 第二十二—三十六条).

Each row reads: action · label · from · to · who. `By.CENTRE` is the 信访部门 (an operator of
the region: registration, 转送/交办, ruling on an organ's objection, registering a 复查/复核
request); `By.LEAD` is the organ that holds the item — the one it was routed to, then the
organ one level up for 复查 and again for 复核 (the lead is handed over). Hearing states are
paused: 听证所需时间不计算在内.
"""

from __future__ import annotations

from fengqiao.cases.workflow import ActionSpec, By, Kind, Machine, register

STATES = {
    "registered": "已登记（待转送、交办）",
    "routed": "已转送/交办（待受理）",
    "objected": "有权处理机关提出异议（待审核）",
    "accepted": "已受理（办理中）",
    "not_accepted": "不予受理/不再受理（已告知）",
    "redirected": "已导入相应法定程序（已告知）",
    "decided": "已出具信访处理意见书",
    "review": "复查中",
    "review_hearing": "复查听证中（不计入期限）",
    "reviewed": "已出具复查意见",
    "recheck": "复核中",
    "recheck_hearing": "复核听证中（不计入期限）",
    "rechecked": "已出具复核意见（终结）",
    "concluded": "已办结",
}

PETITION = Machine(
    kind=Kind.PETITION,
    initial="registered",
    states=STATES,
    actions=(
        ActionSpec("dispatch", "转送/交办", ["registered"], ["routed"], By.CENTRE),
        ActionSpec("refuse", "不予受理（告知理由）", ["registered"], ["not_accepted"], By.CENTRE),
        ActionSpec(
            "refuse_repeat", "同一事项不予受理（自动）", ["registered"], ["not_accepted"], By.SYSTEM
        ),
        ActionSpec("sign", "受理（告知信访人）", ["routed"], ["accepted"], By.LEAD),
        ActionSpec("decline", "不予受理（告知理由）", ["routed"], ["not_accepted"], By.LEAD),
        ActionSpec("object", "异议：不属本机关处理", ["routed"], ["objected"], By.LEAD),
        ActionSpec("redispatch", "异议成立·重新转送/交办", ["objected"], ["routed"], By.CENTRE),
        ActionSpec("uphold", "异议不成立·维持", ["objected"], ["routed"], By.CENTRE),
        ActionSpec("redirect", "导入相应程序（告知信访人）", ["accepted"], ["redirected"], By.LEAD),
        ActionSpec("extend", "延长办理期限（经批准并告知）", ["accepted"], ["accepted"], By.LEAD),
        ActionSpec("decide", "出具信访处理意见书", ["accepted"], ["decided"], By.LEAD),
        ActionSpec("request_review", "请求复查", ["decided"], ["review"], By.CENTRE),
        ActionSpec("start_review_hearing", "复查听证", ["review"], ["review_hearing"], By.LEAD),
        ActionSpec("end_review_hearing", "复查听证结束", ["review_hearing"], ["review"], By.LEAD),
        ActionSpec("review_decide", "出具复查意见", ["review"], ["reviewed"], By.LEAD),
        ActionSpec("request_recheck", "请求复核", ["reviewed"], ["recheck"], By.CENTRE),
        ActionSpec("start_recheck_hearing", "复核听证", ["recheck"], ["recheck_hearing"], By.LEAD),
        ActionSpec(
            "end_recheck_hearing", "复核听证结束", ["recheck_hearing"], ["recheck"], By.LEAD
        ),
        ActionSpec("recheck_decide", "出具复核意见", ["recheck"], ["rechecked"], By.LEAD),
        ActionSpec("conclude", "办结", ["decided", "reviewed"], ["concluded"], By.CENTRE),
        ActionSpec(
            "expire", "请求期满未复查/复核·办结", ["decided", "reviewed"], ["concluded"], By.SYSTEM
        ),
    ),
    terminal=frozenset({"not_accepted", "redirected", "rechecked", "concluded"}),
    paused=frozenset({"review_hearing", "recheck_hearing"}),
)


def register_machine() -> None:
    register(PETITION, replace=True)

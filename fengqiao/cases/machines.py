"""The shipped state machines: 12345 work orders (domain-rules §2.2) and grid events (rule 6).

Each row reads: action · label · from · to · who. docs/workflow.md renders the same rows; a
test keeps the two in step. Police non-emergency referrals (110 非警务警情) run the work-order
machine. Disputes, petitions and court referrals get their machines from their own apps
(issue 4), which call `fengqiao.cases.workflow.register`.
"""

from __future__ import annotations

import dataclasses

from fengqiao.cases.workflow import ActionSpec, By, Kind, Machine, register

# ---------------------------------------------------------------- 12345 work order (§2.2)
# Sources: 北京市接诉即办工作条例 第十一—十五、二十三条; 济南 12345 条例 第二十四、二十七条;
# 潍坊 12345 条例 第十九—二十六条; 国办发〔2020〕53号 (受理、派单、办理、答复、督办、办结、
# 回访、评价).

HOTLINE_STATES = {
    "registered": "已受理（登记）",
    "answered": "即时办结",
    "transferred": "已转紧急热线",
    "referred": "已告知其他途径",
    "rejected": "不予受理",
    "pending_dispatch": "待派单",
    "dispatched": "已派单（待签收）",
    "objected": "派单异议待审核",
    "signed": "已签收",
    "handling": "办理中",
    "extension_requested": "延期申请待审批",
    "paused": "暂停计时（等待群众）",
    "replied": "已答复（待审核）",
    "reviewed": "审核通过（待回访）",
    "closed": "已办结",
    "archived": "已归档",
}

_HOTLINE_ENDS = ("answered", "transferred", "referred", "rejected", "closed")

HOTLINE = Machine(
    kind=Kind.HOTLINE,
    initial="registered",
    states=HOTLINE_STATES,
    actions=(
        ActionSpec("answer_directly", "即时办结", ["registered"], ["answered"], By.CENTRE),
        ActionSpec("transfer_emergency", "转紧急热线", ["registered"], ["transferred"], By.CENTRE),
        ActionSpec("refer_channel", "告知其他途径", ["registered"], ["referred"], By.CENTRE),
        ActionSpec("reject", "不予受理（说明理由）", ["registered"], ["rejected"], By.CENTRE),
        ActionSpec("accept", "转派单", ["registered"], ["pending_dispatch"], By.CENTRE),
        ActionSpec("dispatch", "派单", ["pending_dispatch"], ["dispatched"], By.CENTRE),
        ActionSpec("sign", "签收", ["dispatched"], ["signed"], By.LEAD),
        ActionSpec("object", "派单异议（退单）", ["dispatched"], ["objected"], By.LEAD),
        ActionSpec("redispatch", "异议成立·改派", ["objected"], ["dispatched"], By.CENTRE),
        ActionSpec("uphold", "异议不成立·维持派单", ["objected"], ["dispatched"], By.CENTRE),
        ActionSpec("start", "开始办理", ["signed"], ["handling"], By.LEAD),
        ActionSpec("request_extension", "申请延期", ["handling"], ["extension_requested"], By.LEAD),
        ActionSpec(
            "approve_extension", "批准延期", ["extension_requested"], ["handling"], By.CENTRE
        ),
        ActionSpec(
            "refuse_extension", "驳回延期", ["extension_requested"], ["handling"], By.CENTRE
        ),
        ActionSpec("pause", "暂停计时（等待群众）", ["handling"], ["paused"], By.LEAD),
        ActionSpec("resume", "恢复计时", ["paused"], ["handling"], By.LEAD),
        ActionSpec("reply", "答复（办结反馈）", ["handling"], ["replied"], By.LEAD),
        ActionSpec("return_for_rework", "审核退回重办", ["replied"], ["handling"], By.CENTRE),
        ActionSpec("approve_reply", "审核通过", ["replied"], ["reviewed"], By.CENTRE),
        ActionSpec("callback", "回访", ["reviewed"], ["closed", "handling"], By.CENTRE),
        ActionSpec("archive", "归档", _HOTLINE_ENDS, ["archived"], By.CENTRE),
    ),
    terminal=frozenset({*_HOTLINE_ENDS, "archived"}),
    paused=frozenset({"paused"}),
    resolved_states=frozenset({"answered"}),
)

# ---------------------------------------------------------------- grid event (rule 6)
# Source: 滨州市网格化服务管理条例 第十一—十四条: 就地化解 → 上报 → 派遣 → 限时处置 → 反馈结案;
# a unit outside its remit must explain (异议).

GRID_EVENT_STATES = {
    "found": "发现（登记）",
    "reported": "已上报",
    "dispatched": "已派遣（待签收）",
    "objected": "派遣异议待审核",
    "handling": "处置中",
    "extension_requested": "延期申请待审批",
    "handled": "已处置（待核查）",
    "closed": "已结案",
}

GRID_EVENT = Machine(
    kind=Kind.GRID_EVENT,
    initial="found",
    states=GRID_EVENT_STATES,
    actions=(
        ActionSpec("resolve_on_site", "就地化解结案", ["found"], ["closed"], By.FIELD),
        ActionSpec("report", "上报", ["found"], ["reported"], By.FIELD),
        ActionSpec("dispatch", "派遣", ["reported"], ["dispatched"], By.CENTRE),
        ActionSpec("sign", "签收处置", ["dispatched"], ["handling"], By.LEAD),
        ActionSpec("object", "异议（非本单位职责）", ["dispatched"], ["objected"], By.LEAD),
        ActionSpec("redispatch", "异议成立·改派", ["objected"], ["dispatched"], By.CENTRE),
        ActionSpec("uphold", "异议不成立·维持派遣", ["objected"], ["dispatched"], By.CENTRE),
        ActionSpec("request_extension", "申请延期", ["handling"], ["extension_requested"], By.LEAD),
        ActionSpec(
            "approve_extension", "批准延期", ["extension_requested"], ["handling"], By.CENTRE
        ),
        ActionSpec(
            "refuse_extension", "驳回延期", ["extension_requested"], ["handling"], By.CENTRE
        ),
        ActionSpec("reply", "处置反馈", ["handling"], ["handled"], By.LEAD),
        ActionSpec("return_for_rework", "核查不通过·退回", ["handled"], ["handling"], By.CENTRE),
        ActionSpec("close", "核查结案", ["handled"], ["closed"], By.CENTRE),
    ),
    terminal=frozenset({"closed"}),
)

POLICE_REFERRAL = dataclasses.replace(HOTLINE, kind=Kind.POLICE_REFERRAL)

for _machine in (HOTLINE, GRID_EVENT, POLICE_REFERRAL):
    register(_machine, replace=True)

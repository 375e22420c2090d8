"""The dispute's state machine (人民调解法; 三调联动; 诉调对接; 司法确认), registered for the
dispute kind and — the same table — for court referrals.

Each row reads: action · label · from · to · who. `By.LEAD` is the body that holds the case's
lead: the mediation organisation while it mediates and supervises performance, the court
while it examines a 司法确认 application (the lead is handed to it and back). The sweep
(`By.SYSTEM`) moves a failed court referral on to the next diversion step or back to court.
"""

from __future__ import annotations

import dataclasses

from fengqiao.cases.workflow import ActionSpec, By, Kind, Machine, register

STATES = {
    "registered": "已登记（待分派调解组织）",
    "dispatched": "已分派（待调解组织受理）",
    "objected": "调解组织退回（待重新分派）",
    "accepted": "已受理（待指派调解员）",
    "declined": "不予调解（已告知其他途径）",
    "assigned": "已指派调解员",
    "mediating": "调解中",
    "failed": "调解不成",
    "terminated": "终止调解（已告知其他途径）",
    "returned": "调解不成·已退回法院",
    "agreed": "达成协议（履行监督中）",
    "confirmation_applied": "已申请司法确认（待法院受理）",
    "confirmation_review": "司法确认审查中",
    "confirmed": "司法确认有效（可申请强制执行）",
    "confirmation_rejected": "司法确认申请被驳回",
    "performed": "协议已履行",
    "unperformed": "协议未履行（已告知诉讼或强制执行途径）",
    "litigation": "告知向人民法院起诉",
}

_BEFORE_SESSIONS = ("dispatched", "accepted", "assigned")

DISPUTE = Machine(
    kind=Kind.DISPUTE,
    initial="registered",
    states=STATES,
    actions=(
        ActionSpec("dispatch", "分派调解组织", ["registered"], ["dispatched"], By.FIELD),
        ActionSpec("take_up", "本组织主动受理", ["registered"], ["accepted"], By.LEAD),
        ActionSpec("accept", "受理", ["dispatched"], ["accepted"], By.LEAD),
        ActionSpec("object", "不属本组织调解范围·退回", ["dispatched"], ["objected"], By.LEAD),
        ActionSpec("redispatch", "退回成立·改派", ["objected"], ["dispatched"], By.CENTRE),
        ActionSpec("uphold", "退回不成立·维持", ["objected"], ["dispatched"], By.CENTRE),
        ActionSpec("decline", "当事人明确拒绝·不予调解", _BEFORE_SESSIONS, ["declined"], By.LEAD),
        ActionSpec("assign_mediator", "指派调解员", ["accepted"], ["assigned"], By.LEAD),
        ActionSpec(
            "hold_session", "调解（记录）", ["assigned", "mediating"], ["mediating"], By.LEAD
        ),
        ActionSpec("record_outcome", "调解结果", ["mediating"], ["agreed", "failed"], By.LEAD),
        ActionSpec("terminate", "终止调解·告知其他途径", ["failed"], ["terminated"], By.LEAD),
        ActionSpec(
            "transfer",
            "三调联动·移交",
            ["accepted", "assigned", "mediating", "failed"],
            ["dispatched"],
            By.LEAD,
        ),
        ActionSpec("divert", "诉调对接·转下一分流环节", ["failed"], ["dispatched"], By.SYSTEM),
        ActionSpec("return_to_court", "调解不成·退回法院", ["failed"], ["returned"], By.SYSTEM),
        ActionSpec(
            "apply_confirmation", "申请司法确认", ["agreed"], ["confirmation_applied"], By.LEAD
        ),
        ActionSpec(
            "refuse_application", "法院不予受理", ["confirmation_applied"], ["agreed"], By.LEAD
        ),
        ActionSpec(
            "accept_confirmation",
            "法院受理司法确认申请",
            ["confirmation_applied"],
            ["confirmation_review"],
            By.LEAD,
        ),
        ActionSpec(
            "extend_confirmation",
            "延长审查期限（院长批准）",
            ["confirmation_review"],
            ["confirmation_review"],
            By.LEAD,
        ),
        ActionSpec("confirm", "裁定调解协议有效", ["confirmation_review"], ["confirmed"], By.LEAD),
        ActionSpec(
            "reject_confirmation",
            "裁定驳回申请",
            ["confirmation_review"],
            ["confirmation_rejected"],
            By.LEAD,
        ),
        ActionSpec("remediate", "重新调解", ["confirmation_rejected"], ["assigned"], By.LEAD),
        ActionSpec("sue", "告知向人民法院起诉", ["confirmation_rejected"], ["litigation"], By.LEAD),
        ActionSpec(
            "close_performance",
            "履行监督结束",
            ["agreed", "confirmed"],
            ["performed", "unperformed"],
            By.LEAD,
        ),
    ),
    terminal=frozenset(
        {"declined", "terminated", "returned", "performed", "unperformed", "litigation"}
    ),
    resolved_states=frozenset({"performed"}),
)

COURT_REFERRAL = dataclasses.replace(DISPUTE, kind=Kind.COURT_REFERRAL)

DISPUTE_KINDS = (Kind.DISPUTE, Kind.COURT_REFERRAL)

# States in which the dispute is with a mediation body that is mediating it.
MEDIATING_STATES = frozenset({"accepted", "assigned", "mediating"})


def register_machines() -> None:
    for machine in (DISPUTE, COURT_REFERRAL):
        register(machine, replace=True)

"""Timelines, parties and replies for the generated demo history (DEMO ONLY).

The statistics generator (`demo_stats.py`) writes cases, lead assignments, facts and rollups
but no timeline and no parties. So that any generated case opens on a sensible page, this
adds to every one of them, in bulk:

- a timeline in the case's own machine — 登记, then 即时办结 / 不予受理 / 就地化解 / 并单, or
  受理 → 派单 → 签收 → 办理 → 答复 → 审核 → 回访 (work orders), 上报 → 派遣 → 签收处置 → 处置反馈 →
  核查结案 (grid events), 分派 → 受理 → 指派调解员 → 调解 → 调解结果 → 履行监督结束 / 终止调解,
  or 分派 → 不予调解 (disputes), 转送/交办 → 受理 → 处理意见书 → 办结 (petitions), with 超期 and
  督办 notes where the case was late — at the times the generator drew (received, assigned,
  signed, closed), ending in the case's status at its `closed_at`, with the callback's rating;
- a complainant (and for a dispute a respondent): invented names, phones in the demo's
  199-0932 block (1000–5999), encrypted with `EncryptedTextField` and blind-indexed as the
  intake does; callers repeat, so 来电人历史 finds earlier cases;
- the lead unit's reply on the assignment of every finished dispatched case.

The rows are seed data written directly (raw INSERTs, like the generator's): the timeline's
times are the data, so `auto_now_add` must not replace them. The timeline agrees with the
case columns the generator counted — the same end state at the same moment, the callback's
rating equal to the case's — so a recomputation of the rollups from the raw rows equals the
written rollups (`test_demo_stats.py`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection

from fengqiao.cases.models import Assignment, AssignmentRole, Case, CaseTransition, Party
from fengqiao.cases.models import SupervisionLevel as Level
from fengqiao.cases.workflow import MERGED
from fengqiao.core.pii import blind_index

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓"
    "曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN = (
    "秀英", "桂英", "秀兰", "玉兰", "建华", "建国", "志强", "海燕", "丽华", "国强", "文军",
    "红梅", "春燕", "小红", "晓东", "德明", "卫东", "金花", "永刚", "淑珍", "振国", "俊杰",
    "丽娟", "玉珍", "学军", "明亮", "凤英", "瑞芳", "成刚", "子涵",
)  # fmt: skip
CALLERS = 3500  # complainants 0…3499, respondents 3500…4999: phones 1990932-1000 … -5999
RESPONDENTS = 1500
PHONE_FROM = 1000

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)

DIRECT = {  # end states reached without a dispatch: action, note
    "answered": ("answer_directly", "坐席当场解答，来电人表示清楚。"),
    "rejected": ("reject", "不属于12345受理范围，已向来电人说明理由。"),
    "referred": ("refer_channel", "属于诉讼、仲裁等法定途径解决的事项，已告知来电人。"),
    "transferred": ("transfer_emergency", "涉及紧急情况，已转110/119处置。"),
}
REPLIES = {
    ("hotline", True): (
        "已到现场核实处理，问题已解决，并电话告知来电人。",
        "已联系相关责任方整改完毕，来电人反映的问题已解决。",
        "经核实情况属实，已督促整改到位。",
    ),
    ("hotline", False): (
        "已核实情况并向来电人解释说明，问题涉及历史遗留，暂无法解决。",
        "已协调相关方面，因条件所限暂不能解决，已向来电人说明。",
    ),
    ("grid_event", True): ("已到场处置完毕，现场已恢复正常。", "已清理整改，网格员复核无误。"),
    ("grid_event", False): ("已到场处置，需长期治理，已纳入网格日常巡查。",),
    ("dispute", True): ("双方自愿达成调解协议，已履行完毕。",),
    ("dispute", False): ("双方分歧较大，调解不成，已告知通过诉讼等途径解决。",),
    ("petition", True): ("已出具信访处理意见书并送达信访人，诉求已解决。",),
    ("petition", False): ("已出具信访处理意见书并送达信访人，依法依规作出解释说明。",),
}
MERGE_NOTE = "与在办事项反映同一问题，并单办理。"
OVERDUE_NOTE = "超期未办结"


class CaseRow(NamedTuple):
    pk: int
    kind: str
    channel: str
    status: str
    received: dt.datetime
    closed: dt.datetime | None
    due: dt.datetime | None
    resolved: bool | None
    satisfaction: str
    is_overdue: bool
    supervision: int
    parent: str | None


class LeadRow(NamedTuple):
    unit: int
    code: str
    assigned: dt.datetime
    signed: dt.datetime | None


@dataclass
class Timeline:
    """The steps of one case, in the order they happened."""

    case: CaseRow
    steps: list[tuple[dt.datetime, str, str, str, int | None, str, dict[str, Any]]] = field(
        default_factory=list
    )
    reply_at: dt.datetime | None = None
    reply: str = ""

    def add(
        self,
        at: dt.datetime,
        action: str,
        source: str,
        target: str,
        *,
        unit: int | None = None,
        reason: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        self.steps.append((at, action, source, target, unit, reason, data or {}))

    def state_at(self, moment: dt.datetime) -> str:
        state = self.steps[0][2]
        for at, _, _, target, *_ in self.steps:
            if at > moment:
                break
            state = target
        return state


def _between(start: dt.datetime, end: dt.datetime, share: float) -> dt.datetime:
    return start + (end - start) * share


def _text(kind: str, resolved: bool, pk: int) -> str:
    family = kind if kind in ("grid_event", "dispute", "petition") else "hotline"
    texts = REPLIES[(family, resolved)]
    return texts[pk % len(texts)]


def _dispatch(t: Timeline, lead: LeadRow, source: str, target: str, action: str) -> None:
    due = t.case.due.isoformat() if t.case.due else None
    data: dict[str, Any] = {"lead": lead.code, "co": [], "basis": "派单目录", "due_at": due}
    t.add(lead.assigned, action, source, target, data=data)


def _finish_reply(t: Timeline, signed: dt.datetime, closed: dt.datetime) -> None:
    t.reply_at = _between(signed, closed, 0.85)
    t.reply = _text(t.case.kind, bool(t.case.resolved), t.case.pk)


def _work_order(t: Timeline, lead: LeadRow | None) -> None:
    """12345 work orders and 110 referrals (the hotline machine)."""
    c = t.case
    if lead is None:
        if c.closed is not None and c.status in DIRECT:
            action, note = DIRECT[c.status]
            t.add(c.closed, action, "registered", c.status, reason=note)
        return
    t.add(_between(c.received, lead.assigned, 0.5), "accept", "registered", "pending_dispatch")
    _dispatch(t, lead, "pending_dispatch", "dispatched", "dispatch")
    if lead.signed is None:
        return
    t.add(lead.signed, "sign", "dispatched", "signed", unit=lead.unit)
    end = c.closed or lead.signed + HOUR
    t.add(min(_between(lead.signed, end, 0.05), lead.signed + HOUR), "start", "signed",
          "handling", unit=lead.unit)  # fmt: skip
    if c.closed is None:
        return
    _finish_reply(t, lead.signed, c.closed)
    assert t.reply_at is not None
    data = {"resolved": bool(c.resolved)}
    t.add(t.reply_at, "reply", "handling", "replied", unit=lead.unit, reason=t.reply, data=data)
    t.add(_between(t.reply_at, c.closed, 0.4), "approve_reply", "replied", "reviewed")
    rating = {"satisfaction": c.satisfaction, "resolved": bool(c.resolved)}
    t.add(c.closed, "callback", "reviewed", c.status, data=rating)


def _grid_event(t: Timeline, lead: LeadRow | None) -> None:
    c = t.case
    if lead is None:
        if c.closed is not None:
            t.add(
                c.closed, "resolve_on_site", "found", c.status, reason="网格员现场处置，当场化解。"
            )
        elif c.status == "reported":
            t.add(c.received + 5 * MINUTE, "report", "found", "reported")
        return
    t.add(_between(c.received, lead.assigned, 0.3), "report", "found", "reported")
    _dispatch(t, lead, "reported", "dispatched", "dispatch")
    if lead.signed is None:
        return
    t.add(lead.signed, "sign", "dispatched", "handling", unit=lead.unit)
    if c.closed is None:
        return
    _finish_reply(t, lead.signed, c.closed)
    assert t.reply_at is not None
    t.add(t.reply_at, "reply", "handling", "handled", unit=lead.unit, reason=t.reply)
    t.add(c.closed, "close", "handled", c.status)


def _dispute(t: Timeline, lead: LeadRow | None) -> None:
    c = t.case
    if lead is None:
        return
    _dispatch(t, lead, "registered", "dispatched", "dispatch")
    if c.status == "declined" and c.closed is not None:
        note = "当事人明确拒绝调解，已告知通过其他途径解决。"
        t.add(c.closed, "decline", "dispatched", c.status, unit=lead.unit, reason=note)
        t.reply_at, t.reply = c.closed, note
        return
    if lead.signed is None:
        return
    end = c.closed or lead.signed + 2 * HOUR
    t.add(lead.signed, "accept", "dispatched", "accepted", unit=lead.unit)
    t.add(_between(lead.signed, end, 0.05), "assign_mediator", "accepted", "assigned",
          unit=lead.unit)  # fmt: skip
    t.add(_between(lead.signed, end, 0.2), "hold_session", "assigned", "mediating",
          unit=lead.unit, reason="组织双方当事人面对面调解。")  # fmt: skip
    if c.closed is None:
        return
    _finish_reply(t, lead.signed, c.closed)
    assert t.reply_at is not None
    agreed = c.status != "terminated"
    outcome = "agreed" if agreed else "failed"
    t.add(t.reply_at, "record_outcome", "mediating", outcome, unit=lead.unit, reason=t.reply)
    action = "close_performance" if agreed else "terminate"
    t.add(c.closed, action, outcome, c.status, unit=lead.unit)


def _petition(t: Timeline, lead: LeadRow | None) -> None:
    c = t.case
    if lead is None:
        if c.closed is not None:
            note = "不属于信访事项受理范围，已书面告知信访人。"
            t.add(c.closed, "refuse", "registered", c.status, reason=note)
        return
    _dispatch(t, lead, "registered", "routed", "dispatch")
    if lead.signed is None:
        return
    t.add(lead.signed, "sign", "routed", "accepted", unit=lead.unit, reason="已告知信访人受理。")
    if c.closed is None:
        return
    _finish_reply(t, lead.signed, c.closed)
    assert t.reply_at is not None
    t.add(t.reply_at, "decide", "accepted", "decided", unit=lead.unit, reason=t.reply)
    t.add(c.closed, "conclude", "decided", c.status)


FLOWS = {
    "hotline": (_work_order, "registered"),
    "police_referral": (_work_order, "registered"),
    "grid_event": (_grid_event, "found"),
    "dispute": (_dispute, "registered"),
    "petition": (_petition, "registered"),
}


def timeline(case: CaseRow, lead: LeadRow | None, parties: int) -> Timeline:
    """The steps of one generated case, ending in its status."""
    flow, initial = FLOWS[case.kind]
    t = Timeline(case)
    data = {"channel": case.channel, "kind": case.kind, "parties": parties, "due_at": None}
    t.add(case.received, "register", initial, initial, data=data)
    if case.parent is not None:
        data = {"parent": case.parent, "restore": initial}
        t.add(case.received + 10 * MINUTE, "merge", initial, MERGED, reason=MERGE_NOTE, data=data)
        return t
    flow(t, lead)
    late = case.due is not None and (case.closed is None or case.closed > case.due)
    if late and (case.closed is not None or case.is_overdue):
        assert case.due is not None
        _late_notes(t, case.due)
    t.steps.sort(key=lambda step: step[0])
    return t


def _late_notes(t: Timeline, due: dt.datetime) -> None:
    """超期 at the deadline; 催办 → 督办 → 挂牌督办 a week apart while it stays open."""
    t.steps.sort(key=lambda step: step[0])
    state = t.state_at(due)
    t.add(due + dt.timedelta(seconds=1), "mark_overdue", state, state,
          data={"due_at": due.isoformat()})  # fmt: skip
    for level in range(1, t.case.supervision + 1):
        at = due + dt.timedelta(days=7 * (level - 1), hours=9)
        data = {"from_level": level - 1, "level": level, "label": Level(level).label, "basis": ""}
        t.add(at, "supervise", state, state, reason=OVERDUE_NOTE, data=data)


# ------------------------------------------------------------------ writing


def _cases(first_id: int) -> list[CaseRow]:
    rows = (
        Case.objects.filter(pk__gte=first_id)
        .order_by("pk")
        .values_list(
            "pk", "kind", "channel", "status", "received_at", "closed_at", "due_at", "resolved",
            "satisfaction", "is_overdue", "supervision_level", "parent__receipt_no",
        )
    )  # fmt: skip
    return [CaseRow(*row) for row in rows]


def _leads(first_id: int) -> dict[int, LeadRow]:
    rows = Assignment.objects.filter(case_id__gte=first_id, role=AssignmentRole.LEAD).values_list(
        "case_id", "unit_id", "unit__code", "assigned_at", "signed_at"
    )
    return {
        case_id: LeadRow(unit, code, assigned, signed)
        for case_id, unit, code, assigned, signed in rows
    }


def _insert(table: str, columns: Sequence[str], rows: list[list[Any]]) -> None:
    """Plain INSERTs, 500 rows a statement (the generator's way on either database)."""
    if not rows:
        return
    ops = connection.ops
    adapted = [
        [ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v for v in row]
        for row in rows
    ]
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(adapted), 500):
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                adapted[start : start + 500],
            )


def _person(number: int) -> tuple[str, str]:
    """Name and phone of invented person `number` (the same person every time)."""
    name = SURNAMES[number % len(SURNAMES)] + GIVEN[(number * 7 + number // 13) % len(GIVEN)]
    return name, f"1990932{PHONE_FROM + number:04d}"


class _Parties:
    """Encrypted, blind-indexed party rows (each phone's index computed once)."""

    def __init__(self) -> None:
        fields = {f.name: f for f in Party._meta.fields}
        self.encrypt = fields["name"].get_prep_value
        self.index: dict[str, str] = {}
        self.rows: list[list[Any]] = []

    def add(self, case: CaseRow, role: str, number: int) -> None:
        name, phone = _person(number)
        if phone not in self.index:
            self.index[phone] = blind_index(phone)
        self.rows.append(
            [case.pk, role, "person", self.encrypt(name), self.encrypt(phone),
             self.index[phone], "", "", "", case.received]
        )  # fmt: skip


PARTY_COLUMNS = (
    "case_id", "role", "party_type", "name", "phone", "phone_index", "id_number", "id_index",
    "address", "created_at",
)  # fmt: skip
STEP_COLUMNS = (
    "case_id", "action", "from_status", "to_status", "actor_id", "actor_unit_id", "at",
    "reason", "data",
)  # fmt: skip


def add_history_rows(first_id: int) -> int:
    """Parties, timelines and replies for the generated cases from `first_id` on; returns the
    number of timeline rows written."""
    leads = _leads(first_id)
    parties = _Parties()
    steps: list[list[Any]] = []
    replies: list[list[Any]] = []
    for case in _cases(first_id):
        # callers repeat (a caller's number from the case number, spread by a prime)
        parties.add(case, "complainant", (case.pk * 7919) % CALLERS)
        count = 1
        if case.kind == "dispute":
            parties.add(case, "respondent", CALLERS + (case.pk * 104729) % RESPONDENTS)
            count = 2
        t = timeline(case, leads.get(case.pk), count)
        for at, action, source, target, unit, reason, data in t.steps:
            steps.append(
                [case.pk, action, source, target, None, unit, at, reason,
                 json.dumps(data, ensure_ascii=False)]
            )  # fmt: skip
        if t.reply_at is not None:
            replies.append([t.reply_at, t.reply, case.resolved, case.pk])
    _insert(Party._meta.db_table, PARTY_COLUMNS, parties.rows)
    _insert(CaseTransition._meta.db_table, STEP_COLUMNS, steps)
    if replies:
        ops = connection.ops
        values = [[ops.adapt_datetimefield_value(r[0]), *r[1:]] for r in replies]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Assignment._meta.db_table} SET replied_at = %s, reply = %s, "
                "reply_resolved = %s WHERE case_id = %s AND role = 'lead'",
                values,
            )
    return len(steps)

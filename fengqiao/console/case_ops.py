"""The actions a case page offers, and how each one's form feeds the cases app's `do_*` action.

Which actions appear is decided by the engine: the rows of the case's machine that leave from
the current state (`Machine.actions_from`), kept only when `engine.check_performer` lets the
user perform them. A co-unit's own sign-for, objection and reply (协办) come from its
assignment. No state name is written here; the forms only collect the arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import User
from fengqiao.cases import actions as a
from fengqiao.cases.access import unit_may_serve
from fengqiao.cases.actions.engine import (
    CENTRE_ROLES,
    actor_assignment,
    acts_in_region,
    check_performer,
)
from fengqiao.cases.errors import NotAllowed
from fengqiao.cases.models import (
    AssignmentRole,
    AssignmentStatus,
    Case,
    Satisfaction,
    SupervisionLevel,
)
from fengqiao.cases.workflow import MERGED, machine_for
from fengqiao.mediation.api.access import get_dispute
from fengqiao.mediation.machine import DISPUTE_KINDS
from fengqiao.units.models import Unit

LONG_TEXT = forms.Textarea(attrs={"rows": 3})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
YES_NO = [("yes", _("是")), ("no", _("否"))]
YES_NO_UNKNOWN = [("", _("未说明")), ("yes", _("已解决")), ("no", _("未解决"))]
SERVICES = [("110", "110"), ("119", "119"), ("120", "120"), ("122", "122")]


def _text(label: Any, *, required: bool = True, max_length: int = 500) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=LONG_TEXT,
        error_messages={"required": _("请填写此项。")},
    )


def _when(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("请输入有效的日期和时间。")},
    )


# name → factory of the form field (the case narrows unit choices)
FIELDS: dict[str, Callable[[Case], forms.Field]] = {
    "reason": lambda case: _text(_("理由/说明")),
    "reason_opt": lambda case: _text(_("说明"), required=False),
    "answer": lambda case: _text(_("答复内容"), max_length=2000),
    "result": lambda case: _text(_("化解结果"), max_length=2000),
    "service": lambda case: forms.ChoiceField(label=_("转至"), choices=SERVICES),
    "channel_to": lambda case: forms.CharField(
        label=_("告知的途径"), max_length=100, error_messages={"required": _("请填写此项。")}
    ),
    "lead": lambda case: forms.ModelChoiceField(
        label=_("主办单位"),
        queryset=serving_units(case),
        error_messages={"required": _("请选择主办单位。"), "invalid_choice": _("单位无效。")},
    ),
    "lead_opt": lambda case: forms.ModelChoiceField(
        label=_("主办单位"),
        queryset=serving_units(case),
        required=False,
        empty_label=str(_("按派单目录推荐")),
        error_messages={"invalid_choice": _("单位无效。")},
    ),
    "co_units": lambda case: forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=serving_units(case),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        error_messages={"invalid_choice": _("单位无效。")},
    ),
    "task": lambda case: _text(_("任务说明"), required=False),
    "requested_due_at": lambda case: _when(_("申请延至")),
    "new_due_at": lambda case: _when(_("延期后的时限（留空则按规则）")),
    "note": lambda case: _text(_("意见"), required=False),
    "note_req": lambda case: _text(_("意见")),
    "reply": lambda case: _text(_("办理结果/反馈"), max_length=5000),
    "resolved_req": lambda case: forms.ChoiceField(
        label=_("问题是否已解决"), choices=YES_NO, widget=forms.RadioSelect, initial="yes"
    ),
    "satisfaction": lambda case: forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    ),
    "resolved_opt": lambda case: forms.ChoiceField(
        label=_("问题是否解决"), choices=YES_NO_UNKNOWN, required=False
    ),
    "acted": lambda case: forms.ChoiceField(
        label=_("承办单位是否履职"), choices=YES_NO, widget=forms.RadioSelect, initial="yes"
    ),
    "level": lambda case: forms.TypedChoiceField(
        label=_("督办级别"),
        coerce=int,
        choices=[(v, label) for v, label in SupervisionLevel.choices if v > 0],
    ),
}


def serving_units(case: Case) -> Any:
    """Active units that may be dispatched a case in the case's region (cases.access)."""
    units = Unit.objects.filter(is_active=True).select_related("region")
    ids = [u.pk for u in units.prefetch_related("serves") if unit_may_serve(u, case.region)]
    return Unit.objects.filter(pk__in=ids).order_by("region__path", "name")


def _yes(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _drafts(units: Any, task: str = "") -> list[a.AssignmentDraft]:
    return [a.AssignmentDraft(unit=u, task=task) for u in units]


Runner = Callable[[Case, User, dict[str, Any], int], Case]


def _dispatch(case: Case, user: User, d: dict[str, Any], v: int) -> Case:
    lead = a.AssignmentDraft(unit=d["lead_opt"], task=d["task"]) if d["lead_opt"] else None
    return a.do_dispatch(
        case, actor=user, lead=lead, co_units=_drafts(d["co_units"], d["task"]), version=v
    )


def _approve_extension(case: Case, user: User, d: dict[str, Any], v: int) -> Case:
    due: datetime | None = d["new_due_at"]
    return a.do_approve_extension(case, actor=user, new_due_at=due, note_text=d["note"], version=v)


def _callback(case: Case, user: User, d: dict[str, Any], v: int) -> Case:
    return a.do_callback(
        case,
        actor=user,
        satisfaction=d["satisfaction"],
        resolved=_yes(d["resolved_opt"]),
        acted=d["acted"] != "no",
        note_text=d["note"],
        version=v,
    )


def _supervise(case: Case, user: User, d: dict[str, Any], v: int) -> Case:
    a.do_raise_supervision(case, level=d["level"], actor=user, reason=d["reason"])
    return case


@dataclass(frozen=True)
class Op:
    """One action of the case page: its form fields and the `do_*` call."""

    fields: tuple[str, ...]
    run: Runner
    label: str = ""


OPS: dict[str, Op] = {
    "accept": Op((), lambda c, u, d, v: a.do_accept(c, actor=u, version=v)),
    "answer_directly": Op(
        ("answer",),
        lambda c, u, d, v: a.do_answer_directly(c, actor=u, answer=d["answer"], version=v),
    ),
    "transfer_emergency": Op(
        ("service", "reason_opt"),
        lambda c, u, d, v: a.do_transfer_emergency(
            c, actor=u, service=d["service"], reason=d["reason_opt"], version=v
        ),
    ),
    "refer_channel": Op(
        ("channel_to", "reason_opt"),
        lambda c, u, d, v: a.do_refer_channel(
            c, actor=u, channel=d["channel_to"], reason=d["reason_opt"], version=v
        ),
    ),
    "reject": Op(
        ("reason",), lambda c, u, d, v: a.do_reject(c, actor=u, reason=d["reason"], version=v)
    ),
    "report": Op(
        ("reason_opt",),
        lambda c, u, d, v: a.do_report(c, actor=u, reason=d["reason_opt"], version=v),
    ),
    "resolve_on_site": Op(
        ("result",),
        lambda c, u, d, v: a.do_resolve_on_site(c, actor=u, result=d["result"], version=v),
    ),
    "dispatch": Op(("lead_opt", "co_units", "task"), _dispatch),
    "sign": Op((), lambda c, u, d, v: a.do_sign(c, actor=u, version=v)),
    "object": Op(
        ("reason",), lambda c, u, d, v: a.do_object(c, actor=u, reason=d["reason"], version=v)
    ),
    "redispatch": Op(
        ("lead", "reason"),
        lambda c, u, d, v: a.do_redispatch(
            c, actor=u, lead=a.AssignmentDraft(unit=d["lead"]), reason=d["reason"], version=v
        ),
    ),
    "uphold": Op(
        ("reason",), lambda c, u, d, v: a.do_uphold(c, actor=u, reason=d["reason"], version=v)
    ),
    "start": Op((), lambda c, u, d, v: a.do_start(c, actor=u, version=v)),
    "pause": Op(
        ("reason",), lambda c, u, d, v: a.do_pause(c, actor=u, reason=d["reason"], version=v)
    ),
    "resume": Op((), lambda c, u, d, v: a.do_resume(c, actor=u, version=v)),
    "request_extension": Op(
        ("reason", "requested_due_at"),
        lambda c, u, d, v: a.do_request_extension(
            c, actor=u, reason=d["reason"], requested_due_at=d["requested_due_at"], version=v
        ),
    ),
    "approve_extension": Op(("new_due_at", "note"), _approve_extension),
    "refuse_extension": Op(
        ("note_req",),
        lambda c, u, d, v: a.do_refuse_extension(c, actor=u, note_text=d["note_req"], version=v),
    ),
    "reply": Op(
        ("reply", "resolved_req"),
        lambda c, u, d, v: a.do_reply(
            c, actor=u, reply=d["reply"], resolved=d["resolved_req"] == "yes", version=v
        ),
    ),
    "return_for_rework": Op(
        ("reason",),
        lambda c, u, d, v: a.do_return_for_rework(c, actor=u, reason=d["reason"], version=v),
    ),
    "approve_reply": Op(
        ("note",), lambda c, u, d, v: a.do_approve_reply(c, actor=u, note_text=d["note"], version=v)
    ),
    "close": Op(
        ("note",), lambda c, u, d, v: a.do_close(c, actor=u, note_text=d["note"], version=v)
    ),
    "callback": Op(("satisfaction", "resolved_opt", "acted", "note"), _callback),
    "archive": Op((), lambda c, u, d, v: a.do_archive(c, actor=u, version=v)),
    "unmerge": Op(
        ("reason_opt",),
        lambda c, u, d, v: a.do_unmerge(c, actor=u, reason=d["reason_opt"], version=v),
        label="撤销并单",
    ),
    "supervise": Op(("level", "reason"), _supervise, label="督办"),
}

CO_LABELS = {"sign": "协办签收", "object": "协办异议（退回）", "reply": "协办反馈"}


class ActionForm(forms.Form):
    """The arguments of one action, plus the case version the page showed (WEB-10)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, case: Case, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = case.version
        for name in OPS[action].fields:
            self.fields[name] = FIELDS[name](case)
        if action == "dispatch":
            suggestion = a.suggested_lead(case)
            if suggestion is not None:
                self.fields["lead_opt"].help_text = _("派单目录推荐：%(unit)s") % {
                    "unit": suggestion.unit.name
                }


@dataclass(frozen=True)
class Offered:
    """An action offered on the page, with its (unbound) form."""

    name: str
    label: str
    form: ActionForm
    danger: bool = False


DANGER = frozenset(
    {"reject", "object", "return_for_rework", "refuse_extension", "transfer_emergency"}
)


# Engine-level actions that leave a dispute's own state alone: 督办 (a flag and a timeline
# note) and 撤销并单 (back to the state recorded at the merge, which the dispute machine has
# no row for). Every other action of this page is the cases app's version of a step that a
# dispute takes through the mediation app.
ENGINE_LEVEL = frozenset({"supervise", "unmerge"})


def mediated(case: Case) -> bool:
    """Is the case a dispute (矛盾纠纷, 法院委派/委托调解) worked in the mediation workspace?

    Every case of these kinds has a mediation record (`mediation.actions.common.dispute_of`)
    and moves by the dispute machine, whose every row is done by a mediation `do_*` action
    that also keeps the mediation stages, the mediation clocks and the lead hand-over: 分派 /
    改派 open a stage at a mediation body (`do_dispatch_dispute`, `do_redispatch_dispute`),
    受理 signs the lead and starts the term (`do_accept_dispute`), 退回 stops the body's
    acceptance clocks (`do_object_dispute`). The cases app's `do_dispatch`, `do_accept`,
    `do_object`, `do_redispatch` and `do_uphold` would move the same rows without them, and
    its 协办 sign/objection/reply belong to 12345 co-handling, which the dispute machine does
    not have. So this page offers a dispute only `ENGINE_LEVEL` actions."""
    return case.kind in DISPUTE_KINDS


def dispute_page(case: Case, user: User) -> str:
    """The dispute page's URL (到调解工作台办理) when the case is a dispute the user may open
    there (`get_dispute`: the same view scope); '' otherwise."""
    if not mediated(case):
        return ""
    try:
        get_dispute(user, case.pk)
    except Http404:
        return ""
    return reverse("console:mediation_detail", kwargs={"pk": case.pk})


def allowed_actions(case: Case, user: User) -> list[tuple[str, str]]:
    """(action, label) the user may perform now: the machine's rows from the current state
    that the engine's performer check lets through, then the user's co-unit actions. A
    dispute gets the engine-level actions only (`mediated`)."""
    machine = machine_for(case.kind)
    if machine is None:
        return []
    if not Case.objects.workable_by(user).filter(pk=case.pk).exists():
        return []
    out: list[tuple[str, str]] = []
    for spec in [] if mediated(case) else machine.actions_from(case.status):
        try:
            check_performer(case, spec, user, citizen=False)
        except NotAllowed:
            continue
        if spec.name in ("object",) and _locked(case, user):
            continue
        out.append((spec.name, spec.label))
    assignment = None if mediated(case) else actor_assignment(case, user)
    if assignment is not None and assignment.role == AssignmentRole.CO and case.is_open:
        if assignment.status == AssignmentStatus.PENDING:
            out.append(("sign", CO_LABELS["sign"]))
            if not assignment.objection_locked:
                out.append(("object", CO_LABELS["object"]))
        elif assignment.status == AssignmentStatus.SIGNED:
            out.append(("reply", CO_LABELS["reply"]))
    centre = acts_in_region(user, case, CENTRE_ROLES)
    if centre and case.status == MERGED:
        out.append(("unmerge", OPS["unmerge"].label))
    if centre and case.is_open and case.supervision_level < SupervisionLevel.LISTED:
        out.append(("supervise", OPS["supervise"].label))
    return [(name, label) for name, label in out if name in OPS]


def _locked(case: Case, user: User) -> bool:
    assignment = actor_assignment(case, user)
    return assignment is not None and assignment.objection_locked


def offered(case: Case, user: User, bound: dict[str, ActionForm] | None = None) -> list[Offered]:
    bound = bound or {}
    return [
        Offered(
            name,
            label,
            bound.get(name) or ActionForm(case=case, action=name),
            danger=name in DANGER,
        )
        for name, label in allowed_actions(case, user)
    ]

"""The actions the mediator's dispute page offers, and how each form feeds the mediation app's
`do_*` action.

Which actions appear is decided by the dispute machine (`machine.actions_from`) and the
engine's performer check, as on the case page; two record-keeping actions that do not move
the state (签名盖章, 履行回访) are offered in the states the mediation app accepts them in,
to the users it lets record them (`check_worker`). No state name decides a form here except
those two, which name the app's own constants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import User
from fengqiao.cases.actions.engine import active_lead, check_performer
from fengqiao.cases.errors import Invalid, NotAllowed
from fengqiao.cases.models import Case, Party, PartyRole
from fengqiao.cases.workflow import machine_for
from fengqiao.core.pii import mask_name
from fengqiao.mediation import actions as m
from fengqiao.mediation.actions.agreement import SUPERVISED, current_agreement
from fengqiao.mediation.actions.common import check_worker
from fengqiao.mediation.models import (
    AgreementForm,
    AgreementStatus,
    ChosenBy,
    MediationOrg,
    Mediator,
    MediatorAssignment,
    Outcome,
    PerformanceStatus,
    SessionMode,
)
from fengqiao.units.models import Unit, UnitType

LONG_TEXT = forms.Textarea(attrs={"rows": 3})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REQUIRED = {"required": _("请填写此项。")}
YES_NO = [("yes", _("是")), ("no", _("否"))]


def _text(label: Any, *, required: bool = True, max_length: int = 500) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=LONG_TEXT,
        error_messages={**REQUIRED, "max_length": _("内容过长。")},
    )


def _line(label: Any, *, required: bool = True, max_length: int = 200) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={**REQUIRED, "max_length": _("内容过长。")},
    )


def _when(label: Any, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={**REQUIRED, "invalid": _("请输入有效的日期和时间。")},
    )


def committee_mediators(case: Case) -> QuerySet[Mediator]:
    """The active mediators of the body that holds the dispute."""
    lead = active_lead(case)
    if lead is None:
        return Mediator.objects.none()
    return Mediator.objects.filter(org__unit_id=lead.unit_id, is_active=True).order_by("name")


def case_mediators(case: Case) -> QuerySet[Mediator]:
    """The mediators currently on the dispute (those who may record a session)."""
    ids = MediatorAssignment.objects.filter(case=case, released_at__isnull=True).values(
        "mediator_id"
    )
    return Mediator.objects.filter(pk__in=ids).order_by("name")


class MaskedParty(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Parties listed by role and masked name (the page never prints a full name unasked)."""

    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Party)
        return f"{obj.get_role_display()} {mask_name(obj.name)}"


def mediation_orgs(case: Case) -> QuerySet[Unit]:
    """Active bodies a dispute may be transferred to (三调联动), except the current one."""
    lead = active_lead(case)
    ids = MediationOrg.objects.filter(is_active=True, unit__is_active=True).values("unit_id")
    qs = Unit.objects.filter(pk__in=ids)
    if lead is not None:
        qs = qs.exclude(pk=lead.unit_id)
    return qs.order_by("region__path", "name")


def courts() -> QuerySet[Unit]:
    return Unit.objects.filter(unit_type=UnitType.COURT, is_active=True).order_by("code")


def _choice_field(label: Any, choices: Any, *, radio: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect if radio else forms.Select,
        error_messages={"required": _("请选择一项。"), "invalid_choice": _("选项无效。")},
    )


def _models(label: Any, qs: Any, *, required: bool = True) -> forms.ModelMultipleChoiceField[Any]:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=qs,
        required=required,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项。"), "invalid_choice": _("选项无效。")},
    )


def _model(label: Any, qs: Any, *, required: bool = True) -> forms.ModelChoiceField[Any]:
    return forms.ModelChoiceField(
        label=label,
        queryset=qs,
        required=required,
        error_messages={"required": _("请选择一项。"), "invalid_choice": _("选项无效。")},
    )


# name → factory of the form field (the dispute narrows the choices)
FIELDS: dict[str, Callable[[Case], forms.Field]] = {
    "reason": lambda case: _text(_("理由/说明")),
    "reason_opt": lambda case: _text(_("说明"), required=False),
    "routes_told": lambda case: _line(_("已告知的其他途径（仲裁、行政、司法等）"), max_length=300),
    "mediators": lambda case: _models(_("调解员"), committee_mediators(case)),
    "presiding": lambda case: _model(_("主持调解员"), committee_mediators(case), required=False),
    "chosen_by": lambda case: _choice_field(_("产生方式"), ChosenBy.choices, radio=True),
    "held_at": lambda case: _when(_("调解时间")),
    "mode": lambda case: _choice_field(_("调解方式"), SessionMode.choices),
    "place": lambda case: _line(_("地点"), required=False),
    "session_mediators": lambda case: _models(_("参加调解员"), case_mediators(case)),
    "parties": lambda case: MaskedParty(
        label=_("到场当事人"),
        queryset=case.parties.order_by("pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("选项无效。")},
    ),
    "record": lambda case: _text(_("调解记录"), max_length=10000),
    "outcome": lambda case: _choice_field(_("调解结果"), Outcome.choices, radio=True),
    "form": lambda case: forms.ChoiceField(
        label=_("协议形式（调解成功或部分达成时填写以下协议内容）"),
        choices=AgreementForm.choices,
        required=False,
        initial=AgreementForm.WRITTEN,
        error_messages={"invalid_choice": _("选项无效。")},
    ),
    "facts": lambda case: _text(_("纠纷主要事实"), required=False, max_length=5000),
    "disputed_points": lambda case: _text(_("争议事项"), required=False, max_length=5000),
    "responsibility": lambda case: _text(_("各方责任"), required=False, max_length=5000),
    "terms": lambda case: _text(_("协议内容（每行一项）"), required=False, max_length=5000),
    "performance_manner": lambda case: _line(_("履行方式"), required=False, max_length=300),
    "performance_place": lambda case: _line(_("履行地点"), required=False),
    "performance_deadline": lambda case: forms.DateField(
        label=_("履行期限"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("请输入有效的日期。")},
    ),
    "amount": lambda case: forms.DecimalField(
        label=_("协议金额（元）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": _("请输入数字。"),
            "min_value": _("金额不能为负数。"),
            "max_digits": _("金额过大。"),
            "max_decimal_places": _("最多两位小数。"),
        },
    ),
    "parties_signed_at": lambda case: _when(_("当事人签名时间")),
    "sealed_at": lambda case: _when(_("调解员签名、调解委员会盖章时间")),
    "court": lambda case: _model(_("人民法院"), courts()),
    "joint": lambda case: forms.BooleanField(
        label=_("双方当事人共同申请"),
        required=True,
        error_messages={"required": _("司法确认须由双方当事人共同申请。")},
    ),
    "court_case_no": lambda case: _line(_("案号（调确字）"), max_length=60),
    "approved_by": lambda case: _line(_("批准人（院长）"), max_length=60),
    "to_org": lambda case: _model(_("移交至"), mediation_orgs(case)),
    "performed": lambda case: _choice_field(_("协议是否已履行"), YES_NO, radio=True),
    "check_status": lambda case: _choice_field(_("履行情况"), PerformanceStatus.choices),
    "note": lambda case: _text(_("说明"), required=False),
    "org": lambda case: _model(_("调解组织"), mediation_orgs(case)),
}

# Form field → mediation field name as its errors name it (`field_error(...)`).
ERROR_FIELDS = {
    "agreement.form": "form",
    "agreement.terms": "terms",
    "agreement.facts": "facts",
    "agreement.disputed_points": "disputed_points",
    "agreement.performance_manner": "performance_manner",
    "agreement.performance_deadline": "performance_deadline",
    "agreement": "terms",
    "mediators": "mediators",
    "mediator_ids": "session_mediators",
    "party_ids": "parties",
    "sealed_at": "sealed_at",
    "court_unit_code": "court",
    "joint": "joint",
    "applied_at": "court",
    "approved_by": "approved_by",
    "to_org_id": "to_org",
    "outcome": "outcome",
    "org_id": "org",
}


def error_field(name: str) -> str:
    if name.startswith("mediators."):
        return "mediators"
    return ERROR_FIELDS.get(name, "")


Runner = Callable[[Case, User, dict[str, Any], int], object]


def _assign(case: Case, user: User, d: dict[str, Any], v: int) -> object:
    presiding: Mediator | None = d["presiding"]
    chosen: list[Mediator] = list(d["mediators"])
    if presiding is not None and presiding not in chosen:
        chosen.insert(0, presiding)
    if presiding is None and chosen:
        presiding = chosen[0]
    picks = [m.MediatorPick(x, presiding is not None and x.pk == presiding.pk) for x in chosen]
    return m.do_assign_mediators(case, actor=user, picks=picks, chosen_by=d["chosen_by"], version=v)


def _session(case: Case, user: User, d: dict[str, Any], v: int) -> object:
    draft = m.SessionDraft(
        held_at=d["held_at"],
        mode=d["mode"],
        record=d["record"],
        mediators=list(d["session_mediators"]),
        parties=list(d["parties"]),
        place=d["place"],
    )
    return m.do_hold_session(case, actor=user, draft=draft, version=v)


def _outcome(case: Case, user: User, d: dict[str, Any], v: int) -> object:
    agreement = None
    if d["outcome"] in (Outcome.SUCCESS, Outcome.PARTIAL):
        agreement = m.AgreementDraft(
            form=d["form"],
            facts=d["facts"],
            disputed_points=d["disputed_points"],
            terms=[t.strip() for t in d["terms"].splitlines() if t.strip()],
            performance_manner=d["performance_manner"],
            responsibility=d["responsibility"],
            performance_place=d["performance_place"],
            performance_deadline=d["performance_deadline"],
            amount=d["amount"],
        )
    return m.do_record_outcome(
        case,
        actor=user,
        outcome=d["outcome"],
        reason=d["reason_opt"],
        agreement=agreement,
        version=v,
    )


@dataclass(frozen=True)
class Op:
    """One action of the dispute page: its form fields and the `do_*` call; `versioned`
    actions move the state and carry the version the page showed (WEB-10)."""

    fields: tuple[str, ...]
    run: Runner
    label: str = ""
    versioned: bool = True
    danger: bool = False


OPS: dict[str, Op] = {
    "accept": Op((), lambda c, u, d, v: m.do_accept_dispute(c, actor=u, version=v)),
    "object": Op(
        ("reason",),
        lambda c, u, d, v: m.do_object_dispute(c, actor=u, reason=d["reason"], version=v),
        danger=True,
    ),
    "decline": Op(
        ("reason", "routes_told"),
        lambda c, u, d, v: m.do_decline(
            c, actor=u, reason=d["reason"], routes_told=d["routes_told"], version=v
        ),
        danger=True,
    ),
    "assign_mediator": Op(("mediators", "presiding", "chosen_by"), _assign),
    "hold_session": Op(
        ("held_at", "mode", "place", "session_mediators", "parties", "record"), _session
    ),
    "record_outcome": Op(
        (
            "outcome",
            "reason_opt",
            "form",
            "facts",
            "disputed_points",
            "responsibility",
            "terms",
            "performance_manner",
            "performance_place",
            "performance_deadline",
            "amount",
        ),
        _outcome,
    ),
    "sign_agreement": Op(
        ("parties_signed_at", "sealed_at"),
        lambda c, u, d, v: m.do_sign_agreement(
            c, actor=u, parties_signed_at=d["parties_signed_at"], sealed_at=d["sealed_at"]
        ),
        label="调解协议签名盖章（协议生效）",
        versioned=False,
    ),
    "check_performance": Op(
        ("check_status", "note"),
        lambda c, u, d, v: m.do_check_performance(
            c, actor=u, status=d["check_status"], note_text=d["note"]
        ),
        label="履行回访",
        versioned=False,
    ),
    "close_performance": Op(
        ("performed", "note"),
        lambda c, u, d, v: m.do_close_performance(
            c, actor=u, performed=d["performed"] == "yes", note_text=d["note"], version=v
        ),
    ),
    "apply_confirmation": Op(
        ("court", "joint"),
        lambda c, u, d, v: m.do_apply_confirmation(
            c, actor=u, court=d["court"], joint=d["joint"], version=v
        ),
    ),
    "refuse_application": Op(
        ("reason",),
        lambda c, u, d, v: m.do_refuse_application(c, actor=u, reason=d["reason"], version=v),
        danger=True,
    ),
    "accept_confirmation": Op(
        ("court_case_no",),
        lambda c, u, d, v: m.do_accept_confirmation(
            c, actor=u, court_case_no=d["court_case_no"], version=v
        ),
    ),
    "extend_confirmation": Op(
        ("approved_by", "reason"),
        lambda c, u, d, v: m.do_extend_confirmation(
            c, actor=u, approved_by=d["approved_by"], reason=d["reason"], version=v
        ),
    ),
    "confirm": Op(
        ("reason_opt",),
        lambda c, u, d, v: m.do_confirm(c, actor=u, reason=d["reason_opt"], version=v),
    ),
    "reject_confirmation": Op(
        ("reason",),
        lambda c, u, d, v: m.do_reject_confirmation(c, actor=u, reason=d["reason"], version=v),
        danger=True,
    ),
    "terminate": Op(
        ("reason", "routes_told"),
        lambda c, u, d, v: m.do_terminate(
            c, actor=u, reason=d["reason"], routes_told=d["routes_told"], version=v
        ),
        danger=True,
    ),
    "transfer": Op(
        ("to_org", "reason"),
        lambda c, u, d, v: m.do_transfer(
            c, actor=u, to_org=d["to_org"], reason=d["reason"], version=v
        ),
    ),
    "remediate": Op(
        ("reason",),
        lambda c, u, d, v: m.do_remediate(c, actor=u, reason=d["reason"], version=v),
    ),
    "sue": Op(
        ("reason_opt",),
        lambda c, u, d, v: m.do_sue(c, actor=u, reason=d["reason_opt"], version=v),
    ),
    # the centre's steps (分派, and its ruling on a body's 退回), so that an operator sent here
    # from the case page (到调解工作台办理) does them with the mediation app's bookkeeping
    "dispatch": Op(
        ("org",), lambda c, u, d, v: m.do_dispatch_dispute(c, actor=u, org=d["org"], version=v)
    ),
    "redispatch": Op(
        ("org", "reason"),
        lambda c, u, d, v: m.do_redispatch_dispute(
            c, actor=u, org=d["org"], reason=d["reason"], version=v
        ),
    ),
    "uphold": Op(
        ("reason",),
        lambda c, u, d, v: m.do_uphold_dispute(c, actor=u, reason=d["reason"], version=v),
    ),
}


class DisputeActionForm(forms.Form):
    """The arguments of one dispute action, plus the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, case: Case, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = case.version
        for name in OPS[action].fields:
            self.fields[name] = FIELDS[name](case)
        if action == "hold_session":
            self.fields["parties"].initial = [
                p.pk
                for p in case.parties.filter(role__in=[PartyRole.COMPLAINANT, PartyRole.RESPONDENT])
            ]
            self.fields["session_mediators"].initial = [x.pk for x in case_mediators(case)]
        if action == "assign_mediator":
            self.fields["chosen_by"].initial = ChosenBy.DESIGNATED


def _may_record(case: Case, user: User) -> bool:
    try:
        check_worker(case, user)
    except NotAllowed:
        return False
    return True


def _pending_agreement(case: Case) -> bool:
    try:
        return current_agreement(case).status == AgreementStatus.PENDING
    except Invalid:  # no agreement yet
        return False


def allowed_actions(case: Case, user: User) -> list[tuple[str, str]]:
    """(action, label) the user may do now: the machine's rows from the current state that
    the performer check lets through, then the record-keeping actions where the app takes
    them. Nothing for a user who may not work on the dispute."""
    machine = machine_for(case.kind)
    if machine is None or not Case.objects.workable_by(user).filter(pk=case.pk).exists():
        return []
    out: list[tuple[str, str]] = []
    for spec in machine.actions_from(case.status):
        if spec.name not in OPS:
            continue
        try:
            check_performer(case, spec, user, citizen=False)
        except NotAllowed:
            continue
        out.append((spec.name, spec.label))
    if case.status in SUPERVISED and _may_record(case, user):
        if case.status == "agreed" and _pending_agreement(case):
            out.insert(0, ("sign_agreement", OPS["sign_agreement"].label))
        out.append(("check_performance", OPS["check_performance"].label))
    if _pending_agreement(case):
        # a written agreement takes effect only when signed and sealed (第二十九条)
        out = [(n, label) for n, label in out if n != "apply_confirmation"]
    return out


@dataclass(frozen=True)
class Offered:
    name: str
    label: str
    form: DisputeActionForm
    danger: bool = False


def offered(
    case: Case, user: User, bound: dict[str, DisputeActionForm] | None = None
) -> list[Offered]:
    bound = bound or {}
    return [
        Offered(
            name,
            label,
            bound.get(name) or DisputeActionForm(case=case, action=name),
            danger=OPS[name].danger,
        )
        for name, label in allowed_actions(case, user)
    ]

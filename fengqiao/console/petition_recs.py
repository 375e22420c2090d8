"""The 建议 section of a petition item's case page (第四十一条, rule 22): the recommendations
made from the item, a form to make one and, beside each unanswered one, a form to record the
unit's answer. The forms are offered exactly to the users `do_make_recommendation` and
`do_answer_recommendation` accept (an operator or region administrator acting in the item's
region, `may_record_recommendations`); the list is the one the API shows the user
(`recommendations_for`: a unit that only holds the item sees those sent to it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import User
from fengqiao.audit.actions import scrub
from fengqiao.cases.models import Case
from fengqiao.cases.workflow import Kind
from fengqiao.petitions.api.access import (
    get_petition,
    may_record_recommendations,
    recommendations_for,
)
from fengqiao.petitions.api.recommend import status_label
from fengqiao.petitions.models import Recommendation, RecommendationKind
from fengqiao.units.models import Unit

LONG_TEXT = forms.Textarea(attrs={"rows": 3})
ADOPTED = [("yes", _("已采纳")), ("no", _("未采纳"))]


def addressee_units(case: Case) -> QuerySet[Unit]:
    """Units a recommendation from the item may go to: the active units of the item's region
    and of every region above it, and those that hold or held the item."""
    held = case.assignments.values("unit_id")
    return (
        Unit.objects.filter(is_active=True)
        .filter(Q(region__in=case.region.ancestors()) | Q(pk__in=held))
        .select_related("region")
        .order_by("region__path", "name")
    )


class MakeRecommendationForm(forms.Form):
    """提出建议: kind, the unit it goes to, the text."""

    kind = forms.ChoiceField(
        label=_("建议类型"),
        choices=RecommendationKind.choices,
        error_messages={"required": _("请选择一项。"), "invalid_choice": _("选项无效。")},
    )
    to_unit = forms.ModelChoiceField(
        label=_("建议对象"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("请选择建议对象。"), "invalid_choice": _("单位无效。")},
    )
    content = forms.CharField(
        label=_("建议内容"),
        max_length=5000,
        widget=LONG_TEXT,
        error_messages={"required": _("请填写此项。"), "max_length": _("内容过长。")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "recommend")
        super().__init__(*args, **kwargs)
        to_unit = self.fields["to_unit"]
        assert isinstance(to_unit, forms.ModelChoiceField)
        to_unit.queryset = addressee_units(case)


class AnswerRecommendationForm(forms.Form):
    """登记采纳情况: adopted or not, and the answering unit's reply (required if not)."""

    adopted = forms.ChoiceField(
        label=_("是否采纳"),
        choices=ADOPTED,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择一项。"), "invalid_choice": _("选项无效。")},
    )
    answer = forms.CharField(
        label=_("答复单位的答复情况"),
        required=False,
        max_length=5000,
        widget=LONG_TEXT,
        help_text=_("未采纳的，须填写答复单位说明的理由。"),
        error_messages={"max_length": _("内容过长。")},
    )

    def __init__(self, *args: Any, row: Recommendation, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"answer-{row.pk}")
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class Row:
    """One recommendation as the page shows it (text scrubbed), with its answer form when the
    user may record the answer and none is recorded yet."""

    rec: Recommendation
    kind_label: str
    status_label: str
    content: str
    answer: str
    form: AnswerRecommendationForm | None


@dataclass(frozen=True)
class Section:
    rows: list[Row]
    can_record: bool
    make_form: MakeRecommendationForm | None
    open_answer: int | None = None


def section(
    case: Case,
    user: User,
    *,
    make_form: MakeRecommendationForm | None = None,
    answer_form: tuple[int, AnswerRecommendationForm] | None = None,
) -> Section | None:
    """The section for a petition item the user may read as a petition (an accusation is
    never shown to the accused unit, AC-10); None for any other case."""
    if case.kind != Kind.PETITION:
        return None
    try:
        get_petition(user, case.pk)
    except Http404:
        return None
    can_record = Case.objects.workable_by(user).filter(
        pk=case.pk
    ).exists() and may_record_recommendations(user, case)
    rows = []
    for rec in recommendations_for(user, case):
        form = None
        if can_record and rec.adopted is None:
            if answer_form is not None and answer_form[0] == rec.pk:
                form = answer_form[1]
            else:
                form = AnswerRecommendationForm(row=rec)
        rows.append(
            Row(
                rec=rec,
                kind_label=RecommendationKind(rec.kind).label,
                status_label=status_label(rec),
                content=scrub(rec.content),
                answer=scrub(rec.answer),
                form=form,
            )
        )
    return Section(
        rows=rows,
        can_record=can_record,
        make_form=(make_form or MakeRecommendationForm(case=case)) if can_record else None,
        open_answer=answer_form[0] if answer_form is not None else None,
    )

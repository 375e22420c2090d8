"""The 建议 section of a petition item's case page: make a recommendation, record a unit's
answer (第四十一条, rule 22).

The item is found as the petitions API finds it (`get_petition`: out of view scope, or an
accusation shown to the accused unit → 404 like missing, AC-02 / AC-10); each write is the
petitions app's `do_make_recommendation` / `do_answer_recommendation`, which refuse anyone but
the 信访部门 of the item's region (403). Refusals come back on the case page with their status
and the Chinese message, the fields marked (422), never a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fengqiao.cases.errors import CaseError
from fengqiao.console import petition_recs
from fengqiao.console.access import console_user
from fengqiao.console.views.cases import case_context
from fengqiao.core.errors import ActionError
from fengqiao.petitions import actions as p
from fengqiao.petitions.api.access import get_petition, recommendations_for

TEMPLATE = "console/cases/detail.html"


def _place(form: forms.Form, exc: ActionError) -> None:
    placed = False
    for item in exc.errors:
        name = str(item.get("field", ""))
        if name in form.fields and item.get("message"):
            form.add_error(name, str(item["message"]))
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


@login_required
@require_POST
def make(request: HttpRequest, pk: int) -> HttpResponse:
    """提出建议 from the item's case page."""
    user = console_user(request)
    case = get_petition(user, pk)
    form = petition_recs.MakeRecommendationForm(request.POST, case=case)
    try:
        get_petition(user, pk, act=True)
    except CaseError as exc:
        return render(request, TEMPLATE, case_context(request, case, error=exc.detail), status=403)
    if not form.is_valid():
        context = case_context(request, case, error=_("请检查标注的字段。"), rec_make=form)
        return render(request, TEMPLATE, context, status=422)
    d = form.cleaned_data
    try:
        p.do_make_recommendation(
            case, actor=user, kind=d["kind"], to_unit=d["to_unit"], content=d["content"]
        )
    except ActionError as exc:
        _place(form, exc)
        context = case_context(request, case, error=exc.detail, rec_make=form)
        return render(request, TEMPLATE, context, status=exc.status)
    messages.success(request, _("已提出建议。"))
    return redirect("console:case_detail", pk=case.pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    """登记采纳情况 of one recommendation of the item."""
    user = console_user(request)
    case = get_petition(user, pk)
    row = recommendations_for(user, case).filter(pk=rec_pk).first()
    if row is None:
        raise Http404
    form = petition_recs.AnswerRecommendationForm(request.POST, row=row)
    try:
        get_petition(user, pk, act=True)
    except CaseError as exc:
        return render(request, TEMPLATE, case_context(request, case, error=exc.detail), status=403)
    if not form.is_valid():
        context = case_context(
            request, case, error=_("请检查标注的字段。"), rec_answer=(row.pk, form)
        )
        return render(request, TEMPLATE, context, status=422)
    d = form.cleaned_data
    try:
        p.do_answer_recommendation(
            row, actor=user, adopted=d["adopted"] == "yes", answer=d["answer"]
        )
    except ActionError as exc:
        _place(form, exc)
        context = case_context(request, case, error=exc.detail, rec_answer=(row.pk, form))
        return render(request, TEMPLATE, context, status=exc.status)
    messages.success(request, _("已登记采纳情况。"))
    return redirect("console:case_detail", pk=case.pk)

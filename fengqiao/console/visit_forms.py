"""Forms of the 走访任务 pages: the operator's new task and the grid worker's visit record.
They check shape and give Chinese messages per field; the rules are in `fengqiao.visits`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import path_condition, scope_paths
from fengqiao.console.labels import tr
from fengqiao.regions.models import GridWorker, Level, Region
from fengqiao.visits.models import VisitKind, VisitResult
from fengqiao.visits.selectors import CREATOR_ROLES

REQUIRED = {"required": _("请填写此项。")}
MAX_GRIDS = 500


class GridChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Region)
        village = obj.parent.name if obj.parent else ""
        return f"{village} {obj.name}".strip()


class WorkerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, GridWorker)
        return f"{obj.name}（{obj.number}）"


def creatable_grids(user: User) -> Any:
    paths = scope_paths(user, act=True, roles=CREATOR_ROLES)
    return (
        Region.objects.filter(path_condition(paths, field="path"))
        .filter(level=Level.GRID, retired_on__isnull=True)
        .select_related("parent")
        .order_by("path")[:MAX_GRIDS]
    )


class VisitTaskForm(forms.Form):
    """派发走访任务 (operator)."""

    grid = GridChoice(
        label=_("网格"),
        queryset=Region.objects.none(),
        error_messages={"required": _("请选择网格。"), "invalid_choice": _("网格无效。")},
    )
    worker = WorkerChoice(
        label=_("指定网格员"),
        queryset=GridWorker.objects.none(),
        required=False,
        empty_label=str(_("不指定（网格内任一网格员）")),
        error_messages={"invalid_choice": _("网格员无效。")},
    )
    kind = forms.ChoiceField(label=_("走访类型"), choices=())
    target = forms.CharField(
        label=_("走访对象（户或场所）"),
        max_length=200,
        error_messages={**REQUIRED, "max_length": _("内容过长。")},
        help_text=_("如：秦安路5号3单元202 独居老人。内容加密保存，仅本网格人员可见。"),
    )
    instructions = forms.CharField(
        label=_("任务说明"), max_length=300, required=False, widget=forms.Textarea({"rows": 2})
    )
    due_on = forms.DateField(
        label=_("走访期限"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={**REQUIRED, "invalid": _("请输入有效的日期。")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grids = creatable_grids(user)
        grid = self.fields["grid"]
        assert isinstance(grid, forms.ModelChoiceField)
        grid.queryset = Region.objects.filter(pk__in=[g.pk for g in grids]).select_related("parent")
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ModelChoiceField)
        worker.queryset = (
            GridWorker.objects.filter(assignments__grid__in=grid.queryset)
            .distinct()
            .order_by("name")
        )
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(v, tr(label)) for v, label in VisitKind.choices]


class VisitRecordForm(forms.Form):
    """记录走访 (grid worker, phone)."""

    result = forms.ChoiceField(
        label=_("走访结果"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择走访结果。")},
    )
    note = forms.CharField(
        label=_("走访情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("发现问题或未遇到时请写明情况。"),
    )
    latitude = forms.DecimalField(
        label=_("纬度"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        label=_("经度"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        result = self.fields["result"]
        assert isinstance(result, forms.ChoiceField)
        result.choices = [(v, tr(label)) for v, label in VisitResult.choices]

"""Forms for the console pages: they validate and give per-field Chinese messages; the writes
themselves are in `actions.py`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.console.labels import tr
from fengqiao.core.pii import is_valid_mobile
from fengqiao.regions.models import GridType, GridWorkerStatus, Level, UrbanRural

MAX_HOUSEHOLDS = 100_000


def _choices(pairs: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    return [(value, tr(label)) for value, label in pairs]


class RegionFilterForm(forms.Form):
    """Filters of the region list; bad values are dropped rather than refused."""

    q = forms.CharField(label=_("名称或代码"), max_length=50, required=False)
    level = forms.TypedChoiceField(
        label=_("层级"), coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level = self.fields["level"]
        assert isinstance(level, forms.TypedChoiceField)
        level.choices = [("", _("全部层级")), *_choices(list(Level.choices))]


class WorkerFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或编号"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("全部状态")), *_choices(list(GridWorkerStatus.choices))]


class RegionEditForm(forms.Form):
    """The descriptive attributes of a village or grid; which fields appear depends on level."""

    urban_rural = forms.ChoiceField(label=_("城乡分类代码"), required=False, choices=())
    grid_type = forms.ChoiceField(label=_("网格类型"), choices=())
    households = forms.IntegerField(
        label=_("户数"),
        required=False,
        min_value=0,
        max_value=MAX_HOUSEHOLDS,
        error_messages={
            "invalid": _("请输入整数。"),
            "min_value": _("户数不能为负数。"),
            "max_value": _("户数过大，请核对。"),
        },
    )

    def __init__(self, *args: Any, fields: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if "urban_rural" in self.fields:
            field = self.fields["urban_rural"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                ("", _("未填写")),
                *[(v, f"{v} {tr(label)}") for v, label in UrbanRural.choices],
            ]
        if "grid_type" in self.fields:
            field = self.fields["grid_type"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _choices(list(GridType.choices))


class WorkerEditForm(forms.Form):
    """Status, full-time flag and phone. The phone is never pre-filled (it stays masked);
    an empty field keeps the current number."""

    status = forms.ChoiceField(label=_("状态"), choices=())
    is_full_time = forms.BooleanField(label=_("专职网格员"), required=False)
    phone = forms.CharField(
        label=_("新手机号"),
        required=False,
        max_length=11,
        help_text=_("留空则不修改；当前号码以脱敏形式显示在上方。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = _choices(list(GridWorkerStatus.choices))

    def clean_phone(self) -> str | None:
        value: str = self.cleaned_data.get("phone", "").strip()
        if not value:
            return None
        if not is_valid_mobile(value):
            raise forms.ValidationError(_("请输入 11 位手机号码（1 开头）。"))
        return value


class WorkerStatusForm(forms.Form):
    """The one-click status change on the worker page (sent by htmx)."""

    status = forms.ChoiceField(choices=GridWorkerStatus.choices)

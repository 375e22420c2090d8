"""Forms of the clock-rule version pages: a local version (新增本地版本), closing one (停止适用)
and the "which version applied" lookup of the history page.

The region list holds only the province, city and county regions of the administrator's own
subtree, so any other value fails as "not a valid choice" before the action runs. The action
(`rules.actions.validate_new_rule`) then checks the statutory ceiling, the versions and the
source; its messages land on the field they name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.console.admin_forms import (
    CHOICE_ERRORS,
    DATE_ERRORS,
    DATE_WIDGET,
    RegionChoiceField,
    _region_field,
)
from fengqiao.console.labels import tr
from fengqiao.regions.models import Region
from fengqiao.rules.models import ClockRule, DurationUnit

# Dates outside these years are typing mistakes, not rules (and keep the date arithmetic of
# the clocks far from the limits of `datetime.date`).
FIRST_YEAR = 1990
LAST_YEAR = 2100
# The largest number the form accepts; `validate_new_rule` applies the per-unit limits.
MAX_DURATION = 3660 * 24


def _check_year(value: dt.date | None) -> dt.date | None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("日期须在%(first)s年至%(last)s年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


def _unit_choices() -> list[tuple[str, str]]:
    return [(value, tr(label)) for value, label in DurationUnit.choices]


class LocalRuleForm(forms.Form):
    """A local version of a rule for one province, city or county of the actor's subtree."""

    region = RegionChoiceField(
        label=_("适用区域"),
        queryset=Region.objects.none(),
        error_messages=CHOICE_ERRORS,
        help_text=_("本地版本适用于该区域及其下级。"),
    )
    duration = forms.IntegerField(
        label=_("期限数值"),
        min_value=0,
        max_value=MAX_DURATION,
        error_messages={
            "invalid": _("期限数值请填写整数，如 10。"),
            "min_value": _("期限数值不能为负数。"),
            "max_value": _("期限数值过大，请检查单位。"),
            "required": _("请填写期限数值。"),
        },
    )
    unit = forms.ChoiceField(label=_("单位"), choices=(), error_messages=CHOICE_ERRORS)
    is_statutory = forms.BooleanField(
        label=_("地方性法规或规章规定的时限（法定时限）"),
        required=False,
        help_text=_("不勾选 = 内部工作要求。"),
    )
    effective_from = forms.DateField(
        label=_("生效日期"), error_messages=DATE_ERRORS, widget=DATE_WIDGET()
    )
    effective_to = forms.DateField(
        label=_("失效日期"),
        required=False,
        error_messages=DATE_ERRORS,
        widget=DATE_WIDGET(),
        help_text=_("可不填；含当日。"),
    )
    issuing_authority = forms.CharField(
        label=_("制定机关"),
        max_length=200,
        help_text=_("如 兰州市人民代表大会常务委员会。"),
        error_messages={
            "required": _("请填写制定机关。"),
            "max_length": _("制定机关最多200个字。"),
        },
    )
    source_document = forms.CharField(
        label=_("依据文件"),
        max_length=300,
        help_text=_("地方性法规、规章或规范性文件的名称，如 兰州市信访条例。"),
        error_messages={
            "required": _("请填写依据文件：本地版本必须注明来源。"),
            "max_length": _("依据文件最多300个字。"),
        },
    )
    source_article = forms.CharField(
        label=_("条款"),
        max_length=200,
        help_text=_("如 第二十条。"),
        error_messages={
            "required": _("请填写条款：本地版本必须注明所依据的条款。"),
            "max_length": _("条款最多200个字。"),
        },
    )
    notes = forms.CharField(
        label=_("说明"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("说明最多1000个字。")},
    )

    def __init__(
        self, *args: Any, base: ClockRule, regions: QuerySet[Region], **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "unit": base.unit,
                "duration": base.duration,
                "is_statutory": base.is_statutory,
            },
        )
        super().__init__(*args, **kwargs)
        self.base = base
        _region_field(self.fields["region"], regions)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)
        unit.choices = _unit_choices()
        if base.is_statutory:
            # a local version of a statutory limit is itself statutory: a non-statutory one
            # would never be used (statutory limits come first) and is refused
            del self.fields["is_statutory"]

    def clean_effective_from(self) -> dt.date | None:
        return _check_year(self.cleaned_data.get("effective_from"))

    def clean_effective_to(self) -> dt.date | None:
        return _check_year(self.cleaned_data.get("effective_to"))

    def clean_source_document(self) -> str:
        return str(self.cleaned_data["source_document"]).strip()

    def clean_source_article(self) -> str:
        return str(self.cleaned_data["source_article"]).strip()

    def clean_issuing_authority(self) -> str:
        return str(self.cleaned_data["issuing_authority"]).strip()

    def build(self) -> ClockRule:
        """The unsaved version: what the rule is comes from the base, the numbers and the
        source from the form."""
        base, data = self.base, self.cleaned_data
        return ClockRule(
            code=base.code,
            name=base.name,
            kind=base.kind,
            extends_code=base.extends_code,
            max_times=base.max_times,
            requires_approval=base.requires_approval,
            approver=base.approver,
            case_kind=base.case_kind,
            category=base.category,
            stage=base.stage,
            start_event=base.start_event,
            roll_forward_on_holiday=base.roll_forward_on_holiday,
            rule_number=base.rule_number,
            region=data["region"],
            duration=data["duration"],
            unit=data["unit"],
            is_statutory=base.is_statutory or bool(data.get("is_statutory")),
            effective_from=data["effective_from"],
            effective_to=data.get("effective_to"),
            issuing_authority=data["issuing_authority"],
            source_document=data["source_document"],
            source_article=data["source_article"],
            notes=data.get("notes", ""),
        )


class CloseRuleForm(forms.Form):
    """停止适用: the last day on which a local version applies (today or later)."""

    effective_to = forms.DateField(
        label=_("最后适用日期"),
        error_messages=DATE_ERRORS,
        widget=DATE_WIDGET(),
        help_text=_("含当日；此后该区域按上级或全国的规则计时。不能早于今天。"),
    )

    def clean_effective_to(self) -> dt.date:
        value = _check_year(self.cleaned_data["effective_to"])
        assert value is not None
        if value < timezone.localdate():
            # an earlier date would change the deadlines of cases already running under it
            raise forms.ValidationError(_("最后适用日期不能早于今天：已经适用的期间不能追溯改变。"))
        return value


class AppliedOnForm(forms.Form):
    """Which version applied in a region on a date (the history page's lookup)."""

    region = RegionChoiceField(
        label=_("区域"), queryset=Region.objects.none(), error_messages=CHOICE_ERRORS
    )
    on = forms.DateField(label=_("日期"), error_messages=DATE_ERRORS, widget=DATE_WIDGET())

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_field(self.fields["region"], regions)

    def clean_on(self) -> dt.date | None:
        return _check_year(self.cleaned_data.get("on"))

"""Forms of the administration pages (units, 派单目录, calendar, accounts, audit export).

Every choice list is built from the administrator's own scope, so a value outside it fails as
"not a valid choice" before any action runs; the actions check the scope again (AC-03).
Messages are per field, in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Role
from fengqiao.console.admin_scope import indented
from fengqiao.console.labels import tr
from fengqiao.core.pii import is_valid_mobile
from fengqiao.regions.models import Region
from fengqiao.units.models import Category, Unit, UnitType

MAX_OVERRIDE_DATES = 60
CHOICE_ERRORS = {
    "invalid_choice": _("请从列表中选择。"),
    "required": _("此项必填。"),
}


def DATE_WIDGET() -> forms.DateInput:  # noqa: N802
    """A native date picker; its value must be ISO (YYYY-MM-DD) whatever the locale."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


DATE_ERRORS = {"invalid": _("请输入日期，如 2027-01-01。"), "required": _("此项必填。")}


class RegionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of regions in tree order, indented by depth."""

    top = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("请选择"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Region)
        return indented(obj, self.top)


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Unit)
        return f"{obj.name}（{obj.code}）"


class CategoryChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Category)
        return f"{obj.code} {obj.name}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Unit)
        return f"{obj.name}（{obj.code}）"


def _region_field(field: forms.Field, regions: QuerySet[Region]) -> None:
    assert isinstance(field, RegionChoiceField)
    field.queryset = regions
    first = regions.first()
    field.top = first.level if first is not None else 1


def _unit_type_choices() -> list[tuple[str, str]]:
    return [(value, tr(label)) for value, label in UnitType.choices]


class UnitFilterForm(forms.Form):
    """Filters of the unit list; bad values are dropped rather than refused."""

    q = forms.CharField(label=_("名称或编码"), max_length=50, required=False)
    unit_type = forms.ChoiceField(label=_("单位类型"), required=False, choices=())
    active = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("全部类型")), *_unit_type_choices()]


class UnitForm(forms.Form):
    """Create or edit a unit; the code is given once, at creation."""

    code = forms.CharField(
        label=_("单位编码"),
        max_length=40,
        help_text=_("字母、数字或 . _ -，创建后不可修改。"),
        error_messages={"required": _("请填写单位编码。")},
    )
    name = forms.CharField(
        label=_("单位名称"), max_length=120, error_messages={"required": _("请填写单位名称。")}
    )
    unit_type = forms.ChoiceField(label=_("单位类型"), choices=(), error_messages=CHOICE_ERRORS)
    region = RegionChoiceField(
        label=_("所在区划"), queryset=Region.objects.none(), error_messages=CHOICE_ERRORS
    )
    parent = UnitChoiceField(
        label=_("上级单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("（无）"),
        error_messages=CHOICE_ERRORS,
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话（办公）"),
        max_length=30,
        required=False,
        help_text=_("办公电话，如 0931-8888888。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        regions: QuerySet[Region],
        units: QuerySet[Unit],
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择")), *_unit_type_choices()]
        _region_field(self.fields["region"], regions)
        parent = self.fields["parent"]
        assert isinstance(parent, UnitChoiceField)
        parent.queryset = units.order_by("code")
        if creating:
            del self.fields["is_active"]
        else:
            del self.fields["code"]

    def clean_code(self) -> str:
        value = str(self.cleaned_data["code"]).strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", value):
            raise forms.ValidationError(_("单位编码须为字母、数字或 . _ -，以字母或数字开头。"))
        return value

    def clean_contact_phone(self) -> str:
        value = str(self.cleaned_data.get("contact_phone", "")).strip()
        if value and not re.fullmatch(r"[0-9()（）\- 转]{5,30}", value):
            raise forms.ValidationError(_("请填写办公电话号码（数字、- 或括号）。"))
        if is_valid_mobile(value):
            # PII: a personal mobile does not belong in a unit's office contact.
            raise forms.ValidationError(_("请填写办公电话，不要填写个人手机号。"))
        return value


class CatalogueEntryForm(forms.Form):
    """Set the lead and co-units of one category at one region: publishes a new version."""

    catalogue_region = RegionChoiceField(
        label=_("目录所属区划"), queryset=Region.objects.none(), error_messages=CHOICE_ERRORS
    )
    category = CategoryChoiceField(
        label=_("事项分类"), queryset=Category.objects.none(), error_messages=CHOICE_ERRORS
    )
    region = RegionChoiceField(
        label=_("适用区划"),
        queryset=Region.objects.none(),
        error_messages=CHOICE_ERRORS,
        help_text=_("须在目录所属区划范围内。"),
    )
    lead_unit = UnitChoiceField(
        label=_("主办单位"), queryset=Unit.objects.none(), error_messages=CHOICE_ERRORS
    )
    co_units = UnitMultipleChoiceField(
        label=_("协办单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请从列表中选择。")},
    )
    effective_from = forms.DateField(
        label=_("生效日期"),
        error_messages=DATE_ERRORS,
        widget=DATE_WIDGET(),
    )
    issued_by = forms.CharField(label=_("发布单位"), max_length=120, required=False)
    note = forms.CharField(label=_("修订说明"), max_length=200, required=False)

    def __init__(
        self, *args: Any, regions: QuerySet[Region], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _region_field(self.fields["catalogue_region"], regions)
        _region_field(self.fields["region"], regions)
        category = self.fields["category"]
        assert isinstance(category, CategoryChoiceField)
        category.queryset = Category.objects.order_by("code")
        active = units.filter(is_active=True).order_by("code")
        lead = self.fields["lead_unit"]
        assert isinstance(lead, UnitChoiceField)
        lead.queryset = active
        co = self.fields["co_units"]
        assert isinstance(co, UnitMultipleChoiceField)
        co.queryset = active

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead, co = data.get("lead_unit"), data.get("co_units")
        if lead is not None and co and lead in co:
            self.add_error("co_units", _("协办单位不能与主办单位相同。"))
        top, region = data.get("catalogue_region"), data.get("region")
        if top is not None and region is not None and not region.path.startswith(top.path):
            self.add_error("region", _("适用区划须在目录所属区划范围内。"))
        return data


class CatalogueRemoveForm(forms.Form):
    """Remove one entry: publishes a new version without it."""

    effective_from = forms.DateField(
        label=_("生效日期"),
        error_messages=DATE_ERRORS,
        widget=DATE_WIDGET(),
    )


_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_RANGE = re.compile(rf"^({_DATE})(?:~({_DATE}))?$")


def parse_dates(text: str) -> tuple[list[dt.date], list[str]]:
    """Dates from a free list: one per line or separated by commas, spaces or 、; a range as
    `2027-02-10~2027-02-17`. Returns the dates (sorted, unique) and the problems."""
    dates: set[dt.date] = set()
    problems: list[str] = []
    normalised = re.sub(r"\s*[~～至到]\s*", "~", text.strip())
    for token in re.split(r"[\s,，、;；]+", normalised):
        if not token:
            continue
        match = _RANGE.match(token)
        if match is None:
            problems.append(
                str(_("无法识别“%(token)s”，请写成 2027-01-01。") % {"token": token[:30]})
            )
            continue
        try:
            start = dt.date.fromisoformat(_pad(match.group(1)))
            end = dt.date.fromisoformat(_pad(match.group(2))) if match.group(2) else start
        except ValueError:
            problems.append(str(_("“%(token)s”不是有效日期。") % {"token": token[:30]}))
            continue
        if end < start:
            problems.append(str(_("“%(token)s”的结束日期早于开始日期。") % {"token": token[:30]}))
            continue
        if (end - start).days >= MAX_OVERRIDE_DATES:
            problems.append(str(_("“%(token)s”跨度过长。") % {"token": token[:30]}))
            continue
        day = start
        while day <= end:
            dates.add(day)
            day += dt.timedelta(days=1)
    return sorted(dates), problems


def _pad(text: str) -> str:
    year, month, day = text.split("-")
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


class OverrideDatesForm(forms.Form):
    """A list of dates with one status, name and source: e.g. the 2027 春节 holidays."""

    dates = forms.CharField(
        label=_("日期"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "每行一个日期或一个区间，如 2027-02-06 或 2027-02-06~2027-02-12；也可用逗号分隔。"
        ),
        error_messages={"required": _("请填写至少一个日期。")},
    )
    is_workday = forms.TypedChoiceField(
        label=_("安排"),
        coerce=lambda v: v == "1",
        choices=[("0", _("放假")), ("1", _("上班（调休）"))],
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )
    name = forms.CharField(
        label=_("名称"), max_length=50, required=False, help_text=_("如 春节、调休上班。")
    )
    source_document = forms.CharField(
        label=_("依据文件"),
        max_length=300,
        help_text=_("如 国务院办公厅关于2027年部分节假日安排的通知。"),
        error_messages={"required": _("请填写依据文件。")},
    )

    def clean_dates(self) -> list[dt.date]:
        dates, problems = parse_dates(str(self.cleaned_data["dates"]))
        if problems:
            raise forms.ValidationError(problems)
        if not dates:
            raise forms.ValidationError(_("请填写至少一个日期。"))
        if len(dates) > MAX_OVERRIDE_DATES:
            raise forms.ValidationError(
                _("一次最多录入 %(n)s 个日期。") % {"n": MAX_OVERRIDE_DATES}
            )
        return dates


class CalendarYearForm(forms.Form):
    """Declare a year's official schedule entered in full."""

    year = forms.IntegerField(
        label=_("年份"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": _("请输入年份，如 2027。"),
            "min_value": _("年份不合理。"),
            "max_value": _("年份不合理。"),
            "required": _("此项必填。"),
        },
    )
    source_document = forms.CharField(
        label=_("依据文件"), max_length=300, error_messages={"required": _("请填写依据文件。")}
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("登录名或姓名"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("全部角色")), *[(v, tr(label)) for v, label in Role.choices]]


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label=_("登录名"),
        max_length=150,
        help_text=_("字母、数字或 @/./+/-/_，不区分大小写，创建后不可修改。"),
        error_messages={"required": _("请填写登录名。")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    region = RegionChoiceField(
        label=_("所属区划"), queryset=Region.objects.none(), error_messages=CHOICE_ERRORS
    )
    unit = UnitChoiceField(
        label=_("所属单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("（无）"),
        error_messages=CHOICE_ERRORS,
    )

    def __init__(
        self, *args: Any, regions: QuerySet[Region], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _region_field(self.fields["region"], regions)
        unit = self.fields["unit"]
        assert isinstance(unit, UnitChoiceField)
        unit.queryset = units.order_by("code")


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=(), error_messages=CHOICE_ERRORS)
    region = RegionChoiceField(
        label=_("授权区划"), queryset=Region.objects.none(), error_messages=CHOICE_ERRORS
    )
    unit = UnitChoiceField(
        label=_("单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("（不限单位）"),
        error_messages=CHOICE_ERRORS,
    )
    can_act = forms.BooleanField(label=_("可办理（不勾选为只读）"), required=False, initial=True)
    expires_on = forms.DateField(
        label=_("到期日期"),
        required=False,
        error_messages=DATE_ERRORS,
        widget=DATE_WIDGET(),
        help_text=_("留空为长期有效；到期当日零时起失效。"),
    )

    def __init__(
        self,
        *args: Any,
        roles: list[str],
        regions: QuerySet[Region],
        units: QuerySet[Unit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [("", _("请选择")), *[(r, tr(Role(r).label)) for r in roles]]
        _region_field(self.fields["region"], regions)
        unit = self.fields["unit"]
        assert isinstance(unit, UnitChoiceField)
        unit.queryset = units.order_by("code")

    def clean_expires_on(self) -> dt.date | None:
        value = self.cleaned_data.get("expires_on")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("到期日期须晚于今天。"))
        return value


class AuditExportForm(forms.Form):
    """The range and filters of an audit export; both dates are required (a bounded range)."""

    since = forms.DateField(
        label=_("起始日期"),
        error_messages=DATE_ERRORS,
        widget=DATE_WIDGET(),
    )
    until = forms.DateField(
        label=_("截止日期"),
        error_messages=DATE_ERRORS,
        widget=DATE_WIDGET(),
    )
    action = forms.CharField(label=_("事件类型"), max_length=60, required=False)
    actor = forms.CharField(label=_("操作人"), max_length=150, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return data

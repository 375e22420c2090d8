"""Forms of the case pages: worklist filters, the operator's intake, the grid worker's report,
the citizen portal. They check shapes and give Chinese per-field messages; the cases API's
validators and the `do_*` actions decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import User
from fengqiao.accounts.scope import path_condition, scope_paths
from fengqiao.cases.models import Channel, RequestType, RiskColour, Satisfaction, Urgency
from fengqiao.cases.workflow import Kind, registered_kinds
from fengqiao.console.labels import tr
from fengqiao.regions.models import Level, Region
from fengqiao.units.models import Category

REQUIRED = {"required": _("请填写此项。")}
MAX_REGION_CHOICES = 500


def category_choices(taxonomy: str | None = None) -> list[tuple[str, str]]:
    qs = Category.objects.select_related("parent").order_by("code")
    if taxonomy:
        qs = qs.filter(taxonomy=taxonomy)
    return [(c.code, f"{c.parent.name} › {c.name}" if c.parent else c.name) for c in qs]


def region_choices(
    paths: list[str], *, min_level: int = Level.VILLAGE, max_level: int = Level.GRID
) -> list[tuple[str, str]]:
    """Villages and grids in the subtrees, labelled with their township (at most 500)."""
    rows = (
        Region.objects.filter(
            path_condition(paths, field="path"), level__gte=min_level, level__lte=max_level
        )
        .filter(retired_on__isnull=True)
        .select_related("parent", "parent__parent")
        .order_by("path")[:MAX_REGION_CHOICES]
    )
    out = []
    for r in rows:
        chain = [r.name]
        parent = r.parent
        for _i in range(2):
            if parent is None or parent.level < Level.TOWNSHIP:
                break
            chain.insert(0, parent.name)
            parent = parent.parent
        out.append((r.code, " › ".join(chain)))
    return out


def portal_regions() -> list[tuple[str, str]]:
    """Villages that have grids (where a request can be handled), with their township."""
    rows = (
        Region.objects.filter(level=Level.VILLAGE, retired_on__isnull=True)
        .filter(children__level=Level.GRID, children__retired_on__isnull=True)
        .select_related("parent")
        .distinct()
        .order_by("path")[:MAX_REGION_CHOICES]
    )
    return [(r.code, f"{r.parent.name} › {r.name}" if r.parent else r.name) for r in rows]


def _with_blank(label: Any, choices: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class WorklistFilterForm(forms.Form):
    """Filters of the operator's worklists; a bad value is dropped, never a 500."""

    q = forms.CharField(label=_("受理编号或标题"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("事项类型"), required=False, choices=())
    category = forms.ChoiceField(label=_("事项分类"), required=False, choices=())
    region = forms.TypedChoiceField(
        label=_("区域（含下级）"), required=False, coerce=int, empty_value=None, choices=()
    )
    channel = forms.ChoiceField(label=_("来源渠道"), required=False, choices=())
    risk = forms.ChoiceField(label=_("风险等级"), required=False, choices=())
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("due", _("办理时限（最早在前）")),
            ("-due", _("办理时限（最晚在前）")),
            ("-received", _("收到时间（最新在前）")),
        ],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(k, tr(Kind(k).label)) for k in registered_kinds()]
        self._set("kind", _with_blank(_("全部类型"), kinds))
        self._set("category", _with_blank(_("全部分类"), category_choices()))
        paths = scope_paths(user)
        regions = (
            Region.objects.filter(path_condition(paths, field="path"), level__lte=Level.GRID)
            .filter(retired_on__isnull=True)
            .order_by("path")[:MAX_REGION_CHOICES]
        )
        self._set(
            "region",
            _with_blank(
                _("全部区域"), [(str(r.pk), "　" * max(r.level - 1, 0) + r.name) for r in regions]
            ),
        )
        self._set(
            "channel", _with_blank(_("全部渠道"), [(v, tr(label)) for v, label in Channel.choices])
        )
        risks = [("none", tr("未评估"))] + [(v, tr(label)) for v, label in RiskColour.choices if v]
        self._set("risk", _with_blank(_("全部风险等级"), risks))

    def _set(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class IntakeForm(forms.Form):
    """电话/来访登记 by an operator. The phone doubles as the caller lookup key."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[(Channel.HOTLINE_PHONE, tr("12345电话")), (Channel.WALK_IN, tr("窗口来访"))],
    )
    phone = forms.CharField(
        label=_("来电/来访人电话"),
        max_length=20,
        required=False,
        help_text=_("输入后自动查找该号码的历史诉求（脱敏显示）。"),
    )
    name = forms.CharField(label=_("姓名"), max_length=100, required=False)
    request_type = forms.ChoiceField(label=_("诉求类型"), choices=RequestType.choices)
    category = forms.ChoiceField(label=_("事项分类"), choices=(), error_messages=REQUIRED)
    region = forms.ChoiceField(label=_("发生地（社区/网格）"), choices=(), error_messages=REQUIRED)
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    description = forms.CharField(
        label=_("诉求内容"),
        max_length=5000,
        min_length=2,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={**REQUIRED, "min_length": _("内容过短。")},
    )
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    risk_colour = forms.ChoiceField(label=_("风险等级"), choices=RiskColour.choices, required=False)
    confidential = forms.BooleanField(label=_("来电人要求保密"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _with_blank(_("请选择"), category_choices("hotline"))  # type: ignore[attr-defined]
        regions = region_choices(scope_paths(user, act=True))
        self.fields["region"].choices = _with_blank(_("请选择"), regions)  # type: ignore[attr-defined]
        for name, pairs in (
            ("request_type", RequestType.choices),
            ("urgency", Urgency.choices),
            ("risk_colour", RiskColour.choices),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(v, tr(label)) for v, label in pairs]

    def payload(self) -> dict[str, Any]:
        """The cases API's `CaseIn` body for this form."""
        d = self.cleaned_data
        parties = []
        if d["phone"] or d["name"]:
            parties.append({"role": "complainant", "name": d["name"], "phone": d["phone"]})
        return {
            "kind": Kind.HOTLINE,
            "channel": d["channel"],
            "request_type": d["request_type"],
            "category_code": d["category"],
            "region_code": d["region"],
            "address": d["address"],
            "description": d["description"],
            "urgency": d["urgency"],
            "risk_colour": d["risk_colour"] or "",
            "flags": ["confidential"] if d["confidential"] else [],
            "parties": parties,
        }


class GridReportForm(forms.Form):
    """A grid worker's report from the phone: text, a GPS point or a grid, a photo."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    category = forms.ChoiceField(label=_("事件类型"), choices=(), error_messages=REQUIRED)
    description = forms.CharField(
        label=_("事件描述"),
        max_length=5000,
        min_length=2,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={**REQUIRED, "min_length": _("内容过短。")},
    )
    latitude = forms.DecimalField(
        label=_("纬度"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        label=_("经度"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    region = forms.ChoiceField(
        label=_("所在网格"),
        choices=(),
        required=False,
        help_text=_("有定位时按定位确定网格；无法定位时请选择网格。"),
    )
    address = forms.CharField(label=_("地点说明"), max_length=200, required=False)
    photo = forms.FileField(
        label=_("现场照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    handling = forms.ChoiceField(
        label=_("处理方式"),
        choices=[("report", _("上报中心派遣")), ("resolve", _("已就地化解"))],
        widget=forms.RadioSelect,
        initial="report",
    )
    result = forms.CharField(
        label=_("化解结果（就地化解时填写）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _with_blank(_("请选择"), category_choices("grid"))  # type: ignore[attr-defined]
        grids = region_choices(scope_paths(user, act=True), min_level=Level.GRID)
        self.fields["region"].choices = _with_blank(_("按定位确定"), grids)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("region", _("定位不完整，请重新定位或选择网格。"))
        if data.get("latitude") is None and not data.get("region"):
            self.add_error("region", _("请定位或选择网格。"))
        if data.get("handling") == "resolve" and not (data.get("result") or "").strip():
            self.add_error("result", _("就地化解时请填写化解结果。"))
        return data

    def payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "kind": Kind.GRID_EVENT,
            "channel": Channel.GRID_PATROL,
            "category_code": d["category"],
            "region_code": d["region"] or None,
            "latitude": d["latitude"],
            "longitude": d["longitude"],
            "address": d["address"],
            "description": d["description"],
        }


class CitizenSubmitForm(forms.Form):
    """群众网上提交: plain words, one person who can be called back."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    name = forms.CharField(label=_("您的姓名"), max_length=50, error_messages=REQUIRED)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        error_messages=REQUIRED,
        help_text=_("用于办理单位联系您和回访，不会公开。"),
    )
    category = forms.ChoiceField(label=_("反映的事项"), choices=(), required=False)
    region = forms.ChoiceField(label=_("发生在哪个社区/村"), choices=(), error_messages=REQUIRED)
    address = forms.CharField(label=_("具体地点"), max_length=200, required=False)
    description = forms.CharField(
        label=_("请描述您的诉求"),
        max_length=3000,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={**REQUIRED, "min_length": _("请至少写 5 个字。")},
    )
    confidential = forms.BooleanField(label=_("请为我的身份保密"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _with_blank(_("不确定"), category_choices("hotline"))  # type: ignore[attr-defined]
        self.fields["region"].choices = _with_blank(_("请选择"), portal_regions())  # type: ignore[attr-defined]

    def payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "phone": d["phone"],
            "category_code": d["category"] or None,
            "region_code": d["region"],
            "address": d["address"],
            "description": d["description"],
            "confidential": d["confidential"],
        }


class TrackForm(forms.Form):
    receipt_no = forms.CharField(
        label=_("受理编号"), max_length=32, min_length=6, error_messages=REQUIRED
    )
    code = forms.CharField(label=_("查询码"), max_length=16, min_length=4, error_messages=REQUIRED)


class RateForm(TrackForm):
    satisfaction = forms.ChoiceField(
        label=_("您对办理结果是否满意"),
        choices=[
            (v, tr(label)) for v, label in Satisfaction.choices if v != Satisfaction.UNREACHABLE
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择一项。")},
    )
    resolved = forms.ChoiceField(
        label=_("您的问题解决了吗"),
        choices=[("yes", _("解决了")), ("no", _("没有解决"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择一项。")},
    )
    comment = forms.CharField(
        label=_("意见（可不填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("查看理由"), max_length=200, error_messages={"required": _("请说明查看理由。")}
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("上传附件"), error_messages={"required": _("请选择文件。")})

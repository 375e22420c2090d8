"""The citizen portal's submit form with the place chosen from lists: county → township →
village (社区/村). The village travels as `region` (the API's `region_code`); whether it is a
village is decided by the cases app's `citizen_draft`, so the portal reports exactly the
API's Chinese message for an unknown or non-village code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.console.case_forms import CitizenSubmitForm
from fengqiao.console.portal_places import Places, places

CHOOSE = _("请选择")


def _select(label: Any, *, required: bool, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=15,
        widget=forms.Select,
        help_text=help_text,
        error_messages={
            "required": _("请选择您所在的社区（村）。"),
            "max_length": _("区划代码无效。"),
        },
    )


class PortalSubmitForm(CitizenSubmitForm):
    """群众网上提交 with the place chosen step by step from lists."""

    county = _select(_("区县"), required=False)
    township = _select(_("街道/乡镇"), required=False)
    region = _select(  # type: ignore[assignment]  # a list narrowed step by step
        _("社区/村"),
        required=True,
        help_text=_("先选区县，再选街道/乡镇，最后选社区或村。"),
    )

    field_order = ["name", "phone", "county", "township", "region", "address"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        self.places: Places = places(
            str(source.get("county", "") or ""),
            str(source.get("township", "") or ""),
            str(source.get("region", "") or ""),
        )
        self._set_choices("county", self.places.counties, self.places.county)
        self._set_choices("township", self.places.townships, self.places.township)
        self._set_choices("region", self.places.villages, self.places.village)

    def _set_choices(self, name: str, choices: list[tuple[str, str]], value: str) -> None:
        widget = self.fields[name].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [("", CHOOSE), *choices]
        if not self.is_bound:
            self.initial[name] = value

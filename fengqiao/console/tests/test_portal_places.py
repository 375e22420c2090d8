"""The citizen portal's place lists (county → township → village), with htmx and without
JavaScript, and the public API refusing an unknown or non-village code in Chinese. Also the
cases app's public selector that the portal's tracking page reads."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.test import Client

from fengqiao.cases.models import Case
from fengqiao.cases.selectors import public_view
from fengqiao.cases.tests.conftest import Units
from fengqiao.console.portal_places import places, portal_villages
from fengqiao.regions.models import Level
from fengqiao.regions.tree import create_region
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db


def data(territory: Territory, **overrides: Any) -> dict[str, Any]:
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "name": "李四",
        "phone": "13700001111",
        "county": territory.county.code,
        "township": territory.town.code,
        "region": territory.village.code,
        "address": "秦安路 5 号",
        "category": "RX0501",
        "description": "楼下餐馆油烟很大，影响居民生活",
    }
    body.update(overrides)
    return body


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return found.group(1) if found else ""


# ------------------------------------------------------------------ the lists


def test_only_villages_with_grids_are_listed(territory: Territory) -> None:
    gridless = create_region(
        code="620102001002", name="无网格社区", level=Level.VILLAGE, parent=territory.town
    )
    codes = [v.code for v in portal_villages()]
    assert territory.village.code in codes and territory.other_village.code in codes
    assert gridless.code not in codes
    ours = next(v for v in portal_villages() if v.code == territory.village.code)
    assert ours.township_name == "酒泉路街道" and ours.county_name.endswith("城关区")
    assert "兰州市" in ours.county_name


def test_lists_narrow_with_the_choice(territory: Territory) -> None:
    empty = places()
    assert territory.county.code in dict(empty.counties)
    assert empty.townships == [] and empty.villages == []
    by_county = places(county=territory.county.code)
    assert dict(by_county.townships) == {territory.town.code: "酒泉路街道"}
    assert by_county.villages == []
    by_town = places(county=territory.county.code, township=territory.town.code)
    assert dict(by_town.villages) == {territory.village.code: "秦安路社区"}


def test_a_village_fixes_its_township_and_county(territory: Territory) -> None:
    chosen = places(county=territory.other_county.code, village=territory.village.code)
    assert (chosen.county, chosen.township) == (territory.county.code, territory.town.code)
    assert chosen.village == territory.village.code
    mixed = places(county=territory.other_county.code, township=territory.town.code)
    assert mixed.county == territory.county.code  # the township decides
    unknown = places(county="999999", township="888888", village="777777")
    assert (unknown.county, unknown.township, unknown.village) == ("", "", "")
    assert unknown.townships == []


# ------------------------------------------------------------------ the page


def test_portal_page_has_the_three_lists(territory: Territory) -> None:
    html = Client().get("/portal/").content.decode()
    assert territory.county.code in options(html, "county")
    assert options(html, "township") == [""]
    assert options(html, "region") == [""]
    assert 'hx-get="/portal/places/"' in html and "data-places" in html
    assert 'name="_places"' in html  # the no-JavaScript button (inside <noscript>)


def test_htmx_redraws_the_lists(territory: Territory) -> None:
    client = Client()
    response = client.get(
        "/portal/places/",
        {"county": territory.county.code},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<fieldset class="places" id="places">')
    assert options(html, "township") == ["", territory.town.code]
    assert selected(html, "county") == territory.county.code
    villages = client.get(
        "/portal/places/",
        {"county": territory.county.code, "township": territory.town.code, "changed": "township"},
    ).content.decode()
    assert options(villages, "region") == ["", territory.village.code]


def test_changing_the_county_clears_the_choices_below(territory: Territory) -> None:
    html = (
        Client()
        .get(
            "/portal/places/",
            {
                "county": territory.other_county.code,
                "township": territory.town.code,
                "region": territory.village.code,
                "changed": "county",
            },
        )
        .content.decode()
    )
    assert selected(html, "county") == territory.other_county.code
    assert selected(html, "township") == "" and selected(html, "region") == ""
    assert options(html, "township") == ["", territory.other_town.code]


def test_bad_place_parameters_never_fail(territory: Territory) -> None:
    response = Client().get("/portal/places/", {"county": "x" * 500, "region": "<script>"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert Client().post("/portal/places/").status_code == 405


def test_without_javascript_the_button_narrows_and_submits_nothing(territory: Territory) -> None:
    before = Case.objects.count()
    body = data(territory, township="", region="", _places="1")
    response = Client().post("/portal/", body)
    assert response.status_code == 200
    html = response.content.decode()
    assert options(html, "township") == ["", territory.town.code]
    assert 'value="李四"' in html  # what was typed is kept
    assert "field__errors" not in html  # nothing was validated
    assert Case.objects.count() == before


def test_submit_with_the_chosen_village(territory: Territory, units: Units) -> None:
    response = Client().post("/portal/", data(territory))
    assert response.status_code == 201, response.content.decode()[:1500]
    case = Case.objects.get()
    assert case.region == territory.village


def test_no_village_chosen_is_a_clear_message(territory: Territory, units: Units) -> None:
    response = Client().post("/portal/", data(territory, region=""))
    assert response.status_code == 422
    assert response.context["form"].errors["region"] == ["请选择您所在的社区（村）。"]
    assert Case.objects.count() == 0


def test_a_township_as_the_place_is_refused_in_chinese(territory: Territory, units: Units) -> None:
    response = Client().post("/portal/", data(territory, region=territory.town.code))
    assert response.status_code == 422
    message = response.context["form"].errors["region"][0]
    assert "请选择到社区（村）一级" in message and "酒泉路街道" in message
    assert Case.objects.count() == 0


def test_an_unknown_code_is_refused(territory: Territory, units: Units) -> None:
    response = Client().post("/portal/", data(territory, region="620102009999"))
    assert response.status_code == 422
    assert response.context["form"].errors["region"] == ["区划代码不存在或已撤销"]


# ------------------------------------------------------------------ the public API


def api_submit(region_code: str) -> Any:
    body = {
        "name": "王五",
        "phone": "13600002222",
        "region_code": region_code,
        "description": "小区门口路灯坏了很久",
    }
    return Client().post(
        "/api/v1/cases/public/submit",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


@pytest.mark.parametrize("level", ["county", "town", "city", "province"])
def test_api_refuses_a_place_above_the_village(
    territory: Territory, units: Units, level: str
) -> None:
    response = api_submit(getattr(territory, level).code)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == "region_code"
    assert "请选择到社区（村）一级" in errors[0]["message"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("level", ["village", "grid_a1"])
def test_api_accepts_a_village_or_a_grid(territory: Territory, units: Units, level: str) -> None:
    response = api_submit(getattr(territory, level).code)
    assert response.status_code == 201, response.content
    assert Case.objects.get().region == getattr(territory, level)


def test_api_unknown_code(territory: Territory, units: Units) -> None:
    response = api_submit("620102001099")
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "区划代码不存在或已撤销"


def test_public_selector_is_what_the_tracking_page_shows(
    territory: Territory, units: Units
) -> None:
    response = Client().post("/portal/", data(territory))
    body = response.content.decode()
    receipt = re.search(r"data-receipt>([A-Z0-9]+)<", body)
    code = re.search(r"data-code>([A-Z0-9]+)<", body)
    assert receipt and code
    case = Case.objects.get(receipt_no=receipt.group(1))
    view = public_view(case)
    assert view.receipt_no == case.receipt_no and view.steps[0].step == "已受理"
    assert view.reply == "" and view.can_rate is False
    tracked = Client().post(
        "/portal/track/", {"receipt_no": receipt.group(1), "code": code.group(1)}
    )
    assert tracked.status_code == 200
    assert tracked.context["view"] == view

"""Registering cases from the console: the operator's intake (caller lookup, duplicates with
one-click merge, the catalogue's suggestion), the grid worker's phone report (idempotent
retry), and the citizen portal (receipt + code, track, rate)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.cases.actions import (
    do_accept,
    do_approve_reply,
    do_dispatch,
    do_reply,
    do_sign,
    do_start,
)
from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import Units
from fengqiao.console.tests.cases_helpers import PHONE, client_for, register
from fengqiao.console.tests.test_case_pages import PNG
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db


def intake_data(territory: Territory, **overrides: Any) -> dict[str, Any]:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "channel": "hotline_phone",
        "phone": PHONE,
        "name": "张三",
        "request_type": "complaint",
        "category": "RX0501",
        "region": territory.grid_a1.code,
        "address": "秦安路 12 号",
        "description": "夜间施工噪声扰民，持续到凌晨两点",
        "urgency": "normal",
        "risk_colour": "",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------ operator intake


def test_intake_form_has_a_fresh_key(territory: Territory, town_operator: User) -> None:
    client = client_for(town_operator)
    first = client.get("/console/cases/new/")
    second = client.get("/console/cases/new/")
    assert first.status_code == 200
    key1 = first.context["form"]["idempotency_key"].value()
    key2 = second.context["form"]["idempotency_key"].value()
    assert uuid.UUID(key1) and key1 != key2
    codes = [code for code, _ in first.context["form"].fields["region"].choices]
    assert territory.grid_a1.code in codes and territory.other_grid.code not in codes


def test_intake_registers_once_per_key(
    territory: Territory, town_operator: User, units: Units
) -> None:
    client = client_for(town_operator)
    data = intake_data(territory)
    response = client.post("/console/cases/new/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/console/cases/{case.pk}/"
    assert case.channel == "hotline_phone" and case.region == territory.grid_a1
    party = case.parties.get()
    assert party.phone == PHONE and party.name == "张三"
    again = client.post("/console/cases/new/", data)  # a double click, a retry
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Case.objects.count() == 1
    changed = client.post("/console/cases/new/", {**data, "description": "另一件事情的内容"})
    assert changed.status_code == 422
    assert "这份表单已经提交过" in changed.content.decode()
    assert Case.objects.count() == 1


def test_intake_field_errors_in_chinese(territory: Territory, town_operator: User) -> None:
    client = client_for(town_operator)
    bad_phone = client.post("/console/cases/new/", intake_data(territory, phone="12345"))
    assert bad_phone.status_code == 422
    assert "电话号码格式不正确" in str(bad_phone.context["form"].errors["phone"])
    outside = client.post(
        "/console/cases/new/", intake_data(territory, region=territory.other_grid.code)
    )
    assert outside.status_code == 422 and "region" in outside.context["form"].errors
    empty = client.post("/console/cases/new/", {})
    assert empty.status_code == 422
    assert "请填写此项" in empty.content.decode()
    assert Case.objects.count() == 0


def test_intake_merge_into_a_possible_duplicate(
    territory: Territory, town_operator: User, units: Units
) -> None:
    parent = register(town_operator, territory.grid_a1).case
    client = client_for(town_operator)
    data = intake_data(territory, phone="13800000002", merge_into=parent.pk)
    response = client.post("/console/cases/new/", data)
    assert response.status_code == 302 and response["Location"] == f"/console/cases/{parent.pk}/"
    child = Case.objects.exclude(pk=parent.pk).get()
    assert child.status == "merged" and child.parent_id == parent.pk
    assert (
        client.post("/console/cases/new/", intake_data(territory, merge_into="x")).status_code
        == 404
    )


def test_intake_merge_into_another_area_is_404(
    territory: Territory, town_operator: User, outsider: User, units: Units
) -> None:
    theirs = register(outsider, territory.other_grid).case
    response = client_for(town_operator).post(
        "/console/cases/new/", intake_data(territory, merge_into=theirs.pk)
    )
    assert response.status_code == 404
    assert Case.objects.count() == 1


def test_intake_check_shows_caller_history_duplicates_and_suggestion(
    territory: Territory, town_operator: User, outsider: User, units: Units
) -> None:
    earlier = register(town_operator, territory.grid_a2, category="RX02", description="物业不作为")
    register(outsider, territory.other_grid, description="别处的事项与本号码有关")
    client = client_for(town_operator)
    response = client.post(
        "/console/cases/new/check/",
        {
            "phone": PHONE,
            "region": territory.grid_a1.code,
            "category": "RX0501",
            "description": "夜间施工噪声扰民，持续到凌晨",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert earlier.case.receipt_no in body
    assert [c.receipt_no for c in response.context["earlier"]] == [earlier.case.receipt_no]
    assert "城关区生态环境分局" in body  # the catalogue's lead unit for noise
    assert "酒泉路街道办事处" in body  # and its co-unit
    dup = register(town_operator, territory.grid_a1, phone="").case
    again = client.post(
        "/console/cases/new/check/",
        {"region": territory.grid_a1.code, "category": "RX0501", "description": dup.description},
    )
    assert dup.receipt_no in again.content.decode()
    assert f'name="merge_into" value="{dup.pk}"' in again.content.decode()


def test_intake_check_tolerates_any_input(territory: Territory, town_operator: User) -> None:
    client = client_for(town_operator)
    for data in (
        {},
        {"phone": "abc", "region": "999", "category": "zz"},
        {"region": "x" * 40, "description": "y" * 6000},
        {"phone": "0931-1234567", "region": territory.grid_a1.code},
    ):
        assert client.post("/console/cases/new/check/", data).status_code == 200


def test_intake_is_for_operators(
    territory: Territory, county_leader: User, grid_worker: User
) -> None:
    assert client_for(county_leader).get("/console/cases/new/").status_code == 403
    assert client_for(grid_worker).post("/console/cases/new/check/").status_code == 403


# ------------------------------------------------------------------ grid worker


def report_data(territory: Territory, key: str | None = None, **overrides: Any) -> dict[str, Any]:
    data = {
        "idempotency_key": key or str(uuid.uuid4()),
        "category": "WG01",
        "description": "小区门口井盖缺失，有安全隐患",
        "region": territory.grid_a1.code,
        "address": "秦安路 3 号门口",
        "handling": "report",
        "result": "",
    }
    data.update(overrides)
    return data


def _grid_category() -> str:
    from fengqiao.units.models import Category

    return (
        Category.objects.filter(taxonomy="grid").order_by("code").values_list("code", flat=True)[0]
    )


def test_grid_report_retry_registers_once(
    territory: Territory, grid_worker: User, units: Units
) -> None:
    client = client_for(grid_worker)
    page = client.get("/console/grid/report/")
    assert page.status_code == 200
    key = page.context["form"]["idempotency_key"].value()
    data = report_data(territory, key, category=_grid_category())
    photo = SimpleUploadedFile("p.png", PNG, "image/png")
    first = client.post(
        "/console/grid/report/", {**data, "photo": photo}, headers={"Accept": "application/json"}
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["received"] is True and body["replayed"] is False
    assert body["receipt_no"].startswith("WG") and "已收到" in body["message"]
    photo_again = SimpleUploadedFile("p.png", PNG, "image/png")
    retry = client.post(
        "/console/grid/report/",
        {**data, "photo": photo_again},
        headers={"Accept": "application/json"},
    )
    assert retry.status_code == 200
    assert retry.json()["receipt_no"] == body["receipt_no"] and retry.json()["replayed"] is True
    case = Case.objects.get()
    assert case.kind == "grid_event" and case.status == "reported"
    assert case.attachments.count() == 1 and case.grid == territory.grid_a1


def test_grid_report_resolve_on_site_and_html_answer(
    territory: Territory, grid_worker: User, units: Units
) -> None:
    client = client_for(grid_worker)
    data = report_data(territory, category=_grid_category(), handling="resolve", result="")
    missing = client.post("/console/grid/report/", data)
    assert missing.status_code == 422 and "请填写化解结果" in missing.content.decode()
    done = client.post("/console/grid/report/", {**data, "result": "已劝导双方和解"})
    assert done.status_code == 201
    assert "已收到" in done.content.decode()
    case = Case.objects.get()
    assert case.status == "closed" and case.resolved is True


def test_grid_report_errors_are_json_for_the_page(territory: Territory, grid_worker: User) -> None:
    client = client_for(grid_worker)
    headers = {"Accept": "application/json"}
    empty = client.post("/console/grid/report/", {}, headers=headers)
    assert empty.status_code == 422 and empty.json()["received"] is False
    assert "未被接收" in empty.json()["message"]
    other = report_data(territory, category=_grid_category(), region=territory.other_grid.code)
    assert client.post("/console/grid/report/", other, headers=headers).status_code == 422
    far = report_data(
        territory, category=_grid_category(), region="", latitude="10", longitude="10"
    )
    answer = client.post("/console/grid/report/", far, headers=headers)
    assert answer.status_code == 422 and answer.json()["received"] is False
    bad_key = report_data(territory, "not-a-uuid", category=_grid_category())
    assert client.post("/console/grid/report/", bad_key, headers=headers).status_code == 400
    assert Case.objects.count() == 0


def test_grid_tasks_are_my_grids_open_cases(
    territory: Territory, grid_worker: User, town_operator: User, units: Units
) -> None:
    mine = register(town_operator, territory.grid_a1).case
    next_grid = register(town_operator, territory.grid_a2, phone="13800000003").case
    response = client_for(grid_worker).get("/console/grid/tasks/")
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.receipt_no in body and next_grid.receipt_no not in body
    assert client_for(town_operator).get("/console/grid/tasks/").status_code == 403


# ------------------------------------------------------------------ citizen portal


def portal_data(territory: Territory, **overrides: Any) -> dict[str, Any]:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "name": "李四",
        "phone": "13700001111",
        "region": territory.village.code,
        "address": "秦安路 5 号",
        "category": "RX0501",
        "description": "楼下餐馆油烟很大，影响居民生活",
    }
    data.update(overrides)
    return data


def _submit(client: Client, territory: Territory, **overrides: Any) -> tuple[str, str]:
    response = client.post("/portal/", portal_data(territory, **overrides))
    assert response.status_code == 201, response.content.decode()[:2000]
    body = response.content.decode()
    receipt = re.search(r"data-receipt>([A-Z0-9]+)<", body)
    code = re.search(r"data-code>([A-Z0-9]+)<", body)
    assert receipt and code
    return receipt.group(1), code.group(1)


def test_portal_submit_shows_receipt_and_code(territory: Territory, units: Units) -> None:
    client = Client()
    page = client.get("/portal/")
    assert page.status_code == 200
    assert territory.village.code in [c for c, _ in page.context["form"].fields["region"].choices]
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
    receipt, code = _submit(client, territory)
    case = Case.objects.get(receipt_no=receipt)
    assert case.channel == "citizen_web" and len(code) == 8
    assert code not in str(Case.objects.values().get(pk=case.pk))  # only a hash is stored


def test_portal_resubmit_same_key_is_one_case(territory: Territory, units: Units) -> None:
    client = Client()
    data = portal_data(territory)
    first = client.post("/portal/", data)
    second = client.post("/portal/", data)
    assert first.status_code == second.status_code == 201
    assert Case.objects.count() == 1
    code = re.search(r"data-code>([A-Z0-9]+)<", second.content.decode())
    assert code and code.group(1) in first.content.decode()


def test_portal_errors_in_chinese(territory: Territory) -> None:
    client = Client()
    bad = client.post("/portal/", portal_data(territory, phone="abc", description="短"))
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "请至少写 5 个字" in body
    wrong_phone = client.post("/portal/", portal_data(territory, phone="12345678"))
    assert wrong_phone.status_code == 422 and "电话号码格式不正确" in wrong_phone.content.decode()
    assert client.post("/portal/", {}).status_code == 422
    assert Case.objects.count() == 0


def test_portal_track_and_rate(
    territory: Territory, units: Units, town_operator: User, env_handler: User
) -> None:
    client = Client()
    receipt, code = _submit(client, territory)
    tracked = client.post("/portal/track/", {"receipt_no": receipt.lower(), "code": code})
    assert tracked.status_code == 200
    assert "已受理" in tracked.content.decode()
    assert tracked.context["view"].can_rate is False
    too_early = client.post(
        "/portal/rate/",
        {"receipt_no": receipt, "code": code, "satisfaction": "satisfied", "resolved": "yes"},
    )
    assert too_early.status_code == 409 and "当前不能评价" in too_early.content.decode()
    case = Case.objects.get(receipt_no=receipt)
    case = do_accept(case, actor=town_operator)
    case = do_dispatch(case, actor=town_operator, lead=None)
    case = do_sign(case, actor=env_handler)
    case = do_start(case, actor=env_handler)
    case = do_reply(case, actor=env_handler, reply="已督促餐馆加装净化设备", resolved=True)
    do_approve_reply(case, actor=town_operator)
    tracked = client.post("/portal/track/", {"receipt_no": receipt, "code": code})
    assert tracked.context["view"].can_rate is True
    assert "已督促餐馆加装净化设备" in tracked.content.decode()
    assert "env_handler" not in tracked.content.decode()  # no officials' names
    incomplete = client.post("/portal/rate/", {"receipt_no": receipt, "code": code})
    assert incomplete.status_code == 422 and "请选择一项" in incomplete.content.decode()
    rated = client.post(
        "/portal/rate/",
        {"receipt_no": receipt, "code": code, "satisfaction": "satisfied", "resolved": "yes"},
    )
    assert rated.status_code == 200 and "感谢您的评价" in rated.content.decode()
    case.refresh_from_db()
    assert case.status == "closed" and case.satisfaction == "satisfied"


def test_portal_wrong_code_reads_like_unknown(territory: Territory, units: Units) -> None:
    client = Client()
    receipt, _code = _submit(client, territory)
    wrong = client.post("/portal/track/", {"receipt_no": receipt, "code": "ZZZZZZZZ"})
    unknown = client.post("/portal/track/", {"receipt_no": "RX2000010100001", "code": "ZZZZZZZZ"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.context["error"] == unknown.context["error"]
    assert client.post("/portal/track/", {"receipt_no": "x"}).status_code == 422
    rate = client.post("/portal/rate/", {"receipt_no": receipt, "code": "ZZZZZZZZ"})
    assert rate.status_code == 404


def test_portal_rate_limit(territory: Territory, settings: Any) -> None:
    settings.CASES_PUBLIC_RATE = "2/60"
    client = Client()
    answers = [
        client.post("/portal/track/", {"receipt_no": "RX2000010100001", "code": "ABCDEFGH"})
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [404, 404, 429]
    assert answers[-1]["Retry-After"] and "过于频繁" in answers[-1].content.decode()


def test_grid_report_by_gps_point(
    territory: Territory, grid_worker: User, units: Units, grid_a1_boundary: None
) -> None:
    client = client_for(grid_worker)
    data = report_data(
        territory, category=_grid_category(), region="", latitude="36.065", longitude="103.835"
    )
    response = client.post("/console/grid/report/", data, headers={"Accept": "application/json"})
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.grid == territory.grid_a1 and str(case.latitude) == "36.065000"
    half = report_data(territory, category=_grid_category(), region="", latitude="36.065")
    answer = client.post("/console/grid/report/", half, headers={"Accept": "application/json"})
    assert answer.status_code == 422 and "region" in answer.json()["errors"]

"""The list endpoint's filters, order and pages; the detail's shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case, SupervisionLevel
from fengqiao.cases.tests.conftest import VALID_PHONE, Api, Units
from fengqiao.cases.tests.test_deadlines import at


@pytest.fixture
def seeded(api_for: Any, town_operator: User, units: Units) -> dict[str, int]:
    api = api_for(town_operator)
    ids = {
        "noise": api.create().json()["id"],
        "water": api.create(category_code="RX0301", title="停水三天").json()["id"],
        "grid": api.create(
            kind="grid_event",
            channel="grid_patrol",
            category_code="WG04",
            region_code="620102001001002",
        ).json()["id"],
        "other_caller": api.create(
            parties=[{"role": "complainant", "name": "赵六", "phone": "13700000000"}]
        ).json()["id"],
    }
    Case.objects.filter(pk=ids["noise"]).update(
        due_at=at("2026-10-13"), is_overdue=True, supervision_level=SupervisionLevel.SUPERVISE
    )
    Case.objects.filter(pk=ids["water"]).update(
        due_at=at("2026-10-09"), received_at=at("2026-09-01")
    )
    api.act(ids["grid"], "resolve-on-site", {"result": "已清理"})
    return ids


def listed(api: Api, **params: Any) -> list[int]:
    response = api.get("/api/v1/cases/", limit=50, **params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_each_filter(api_for: Any, town_operator: User, seeded: dict[str, int]) -> None:
    api = api_for(town_operator)
    assert set(listed(api, kind="grid_event")) == {seeded["grid"]}
    assert set(listed(api, status="closed")) == {seeded["grid"]}
    assert set(listed(api, open="false")) == {seeded["grid"]}
    assert set(listed(api, overdue="true")) == {seeded["noise"]}
    assert set(listed(api, supervision_level=2)) == {seeded["noise"]}
    # a category code includes its children (RX03 水电气暖 → RX0301 供水)
    assert set(listed(api, category="RX03")) == {seeded["water"]}
    assert set(listed(api, category="RX0301")) == {seeded["water"]}
    # a region code includes its whole subtree
    assert set(listed(api, region="620102001001002")) == {seeded["grid"]}
    assert len(listed(api, region="620102001000")) == 4
    assert set(listed(api, received_to="2026-09-15")) == {seeded["water"]}
    assert seeded["water"] not in listed(api, received_from="2026-09-15")
    assert set(listed(api, caller_phone="13700000000")) == {seeded["other_caller"]}
    assert set(listed(api, caller_phone=" 137 0000 0000 ")) == {seeded["other_caller"]}
    assert set(listed(api, q="停水")) == {seeded["water"]}
    receipt = Case.objects.get(pk=seeded["noise"]).receipt_no
    assert listed(api, q=receipt.lower()) == [seeded["noise"]]


def test_soonest_deadline_first_without_deadline_last(
    api_for: Any, town_operator: User, seeded: dict[str, int]
) -> None:
    order = listed(api_for(town_operator))
    assert order[:2] == [seeded["water"], seeded["noise"]]
    assert set(order[2:]) == {seeded["grid"], seeded["other_caller"]}


def test_pages(api_for: Any, town_operator: User, seeded: dict[str, int]) -> None:
    api = api_for(town_operator)
    first = api.get("/api/v1/cases/", limit=3, offset=0).json()
    second = api.get("/api/v1/cases/", limit=3, offset=3).json()
    assert first["count"] == second["count"] == 4
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}
    assert api.get("/api/v1/cases/", limit=0).status_code == 422


def test_bad_filters_are_422(api_for: Any, town_operator: User, units: Units) -> None:
    api = api_for(town_operator)
    assert api.get("/api/v1/cases/", received_from="yesterday").status_code == 422
    assert api.get("/api/v1/cases/", supervision_level=9).status_code == 422
    assert listed(api, region="999999999999") == []


def test_list_row_and_detail_shape(
    api_for: Any, town_operator: User, units: Units, env_handler: User
) -> None:
    api = api_for(town_operator)
    case_id = api.create(
        flags=["group", "group", "media"], people_count=30, amount="12000.50", risk_colour="orange"
    ).json()["id"]
    row = api.get("/api/v1/cases/").json()["items"][0]
    assert row["caller"] == "张* 139****5678"
    assert row["kind"] == "hotline" and row["status_label"] == "已受理（登记）"
    assert row["category"] == "噪声污染" and row["region_code"] == "620102001001001"
    assert row["lead_unit"] is None and row["version"] == 1
    detail = api.case(case_id)
    assert detail["flags"] == ["group", "media"]  # de-duplicated, sorted
    assert detail["people_count"] == 30 and detail["amount"] == "12000.50"
    assert detail["risk_colour"] == "orange"
    assert detail["title"] == "夜间施工噪声扰民，持续到凌晨两点"[:30]
    assert [a["value"] for a in detail["allowed_actions"]] == [
        "answer_directly", "transfer_emergency", "refer_channel", "reject", "accept",
    ]  # fmt: skip
    assert detail["timeline"][0]["action"] == "register"
    assert detail["timeline"][0]["actor"] == "town_operator"
    assert detail["parties"][0]["phone"] == "139****5678" and detail["parties"][0]["masked"]
    api.act(case_id, "accept")
    api.act(case_id, "dispatch", {"lead": {"unit_id": units.env.pk, "task": f"联系 {VALID_PHONE}"}})
    assignments = api.case(case_id)["assignments"]
    assert assignments[0]["unit_name"] == "城关区生态环境分局"
    assert assignments[0]["status_label"] == "待签收"
    assert VALID_PHONE not in assignments[0]["task"]


def test_detail_of_a_missing_case_is_404(api_for: Any, town_operator: User, units: Units) -> None:
    response = api_for(town_operator).get("/api/v1/cases/123456")
    assert response.status_code == 404 and response.json()["detail"] == "未找到。"


def test_anonymous_is_401(client: Any, units: Units) -> None:
    assert client.get("/api/v1/cases/").status_code == 401
    assert client.post("/api/v1/cases/", {}, content_type="application/json").status_code == 401


def test_received_at_can_be_given(api_for: Any, town_operator: User, units: Units) -> None:
    # a letter received last week is registered today: statistics use the receipt date
    api = api_for(town_operator)
    received = (dt.datetime.now(dt.UTC) - dt.timedelta(days=6)).replace(microsecond=0)
    case_id = api.create(channel="letter", received_at=received.isoformat()).json()["id"]
    case = Case.objects.get(pk=case_id)
    assert case.received_at == received and case.created_at > received

"""Bad input gets 400/422 with per-field messages in Chinese and English — never a 500; no
mass assignment (AC-11); GPS points resolve to grids through the regions hook."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import User
from fengqiao.cases import geo
from fengqiao.cases.models import Case, Party
from fengqiao.cases.tests.conftest import VALID_ID, Api, Units, hotline_body
from fengqiao.regions import geo as regions_geo
from fengqiao.regions.models import Region

URL = "/api/v1/cases/"


def post(api: Api, body: Any) -> Any:
    return api.post(URL, body, **{"Idempotency-Key": str(uuid.uuid4())})


def fields(response: Any) -> dict[str, dict[str, str]]:
    return {e["field"]: e for e in response.json()["errors"]}


def test_semantic_errors_are_listed_per_field(
    api_for: Any, town_operator: User, units: Units
) -> None:
    bad = hotline_body(
        category_code="NOPE",
        respondent_unit_code="NOPE",
        parties=[
            {
                "role": "complainant",
                "name": "王五",
                "phone": "110",
                "id_number": "110105194912310021",
            },
            {"role": "respondent"},
        ],
        received_at="2099-01-01T00:00:00+08:00",
    )
    response = post(api_for(town_operator), bad)
    assert response.status_code == 422
    assert response.json()["detail"] == "提交的数据有误，请检查标注的字段。"
    errors = fields(response)
    assert set(errors) == {
        "category_code",
        "respondent_unit_code",
        "parties.0.phone",
        "parties.0.id_number",
        "parties.1.name",
        "received_at",
    }
    assert errors["parties.0.id_number"]["message"].startswith("身份证号码无效")
    assert errors["parties.0.id_number"]["message_en"] == "invalid ID number"
    assert Case.objects.count() == 0


def test_type_errors_are_422_with_bilingual_field_messages(
    api_for: Any, town_operator: User, units: Units
) -> None:
    response = post(
        api_for(town_operator),
        hotline_body(kind="spaceship", people_count=-3, amount="abc", latitude=123),
    )
    assert response.status_code == 422
    errors = fields(response)
    assert set(errors) == {
        "kind",
        "people_count",
        "amount",
        "latitude",
    }
    assert errors["kind"]["message"] == "取值不在允许范围内"
    assert errors["amount"]["message"] == "须为数字"
    assert errors["latitude"]["message_en"] == "Input should be less than or equal to 90"


def test_malformed_json_is_400(api_for: Any, town_operator: User, units: Units) -> None:
    api = api_for(town_operator)
    response = api.client.post(
        URL,
        "{not json",
        content_type="application/json",
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容无法解析（须为合法的 JSON）。"


def test_no_mass_assignment(api_for: Any, town_operator: User, units: Units) -> None:
    # AC-11: status, version, scope and handlers are not settable through the intake payload
    response = post(
        api_for(town_operator),
        hotline_body(status="closed", version=99, lead_unit_id=units.env.pk, created_by=1),
    )
    assert response.status_code == 422
    assert Case.objects.count() == 0
    assert post(api_for(town_operator), hotline_body()).json()["status"] == "registered"


def test_region_or_point_is_required(api_for: Any, town_operator: User, units: Units) -> None:
    body = hotline_body()
    del body["region_code"]
    response = post(api_for(town_operator), body)
    assert (
        fields(response)["region_code"]["message_en"] == "a region code or a GPS point is required"
    )
    only_lat = post(api_for(town_operator), {**body, "latitude": "36.06"})
    assert "latitude" in fields(only_lat)


def test_grid_worker_point_resolves_to_their_grid(
    api_for: Any, grid_worker: User, units: Units, monkeypatch: Any
) -> None:
    grid = Region.objects.get(code="620102001001001")
    other = Region.objects.get(code="620103001001001")

    def fake_lookup(latitude: Any, longitude: Any) -> Region | None:
        return grid if float(latitude) < 40 else other

    monkeypatch.setattr(geo, "grid_for_point", fake_lookup)
    api = api_for(grid_worker)
    body = hotline_body(kind="grid_event", channel="grid_patrol", category_code="WG03")
    del body["region_code"]
    key = str(uuid.uuid4())
    located = api.post(
        URL, {**body, "latitude": "36.061", "longitude": "103.834"}, **{"Idempotency-Key": key}
    )
    assert located.status_code == 201, located.content
    case = Case.objects.get(pk=located.json()["id"])
    assert case.region == grid and case.grid == grid
    # the phone lost the answer and sends again: nothing is created twice
    again = api.post(
        URL, {**body, "latitude": "36.061", "longitude": "103.834"}, **{"Idempotency-Key": key}
    )
    assert again.json()["id"] == case.pk and Case.objects.count() == 1
    # a point in another county is outside the worker's scope
    away = post(api, {**body, "latitude": "41.0", "longitude": "103.0"})
    assert away.status_code == 403
    # a point that disagrees with the region code given
    mismatch = post(
        api, {**body, "region_code": "620102001001002", "latitude": "41", "longitude": "1"}
    )
    assert "region_code" in fields(mismatch)


def test_a_point_outside_every_grid_is_refused(
    api_for: Any, grid_worker: User, units: Units
) -> None:
    # the test territory has no boundaries: no point lies inside a grid
    body = hotline_body(kind="grid_event", channel="grid_patrol", category_code="WG03")
    del body["region_code"]
    response = post(api_for(grid_worker), {**body, "latitude": "36.061", "longitude": "103.834"})
    assert response.status_code == 422
    assert fields(response)["region_code"]["message"].startswith("无法根据定位确定网格")


def test_a_real_boundary_resolves_the_point(api_for: Any, grid_worker: User, units: Units) -> None:
    # grid A1 gets a boundary; the point inside it resolves through regions.geo.locate
    square = [[103.83, 36.06], [103.84, 36.06], [103.84, 36.07], [103.83, 36.07], [103.83, 36.06]]
    Region.objects.filter(code="620102001001001").update(
        boundary={"type": "Polygon", "coordinates": [square]}, boundary_rev=F("boundary_rev") + 1
    )
    regions_geo.invalidate()
    try:
        body = hotline_body(kind="grid_event", channel="grid_patrol", category_code="WG03")
        del body["region_code"]
        response = post(
            api_for(grid_worker), {**body, "latitude": "36.065", "longitude": "103.835"}
        )
        assert response.status_code == 201, response.content
        assert Case.objects.get(pk=response.json()["id"]).grid.code == "620102001001001"  # type: ignore[union-attr]
    finally:
        regions_geo.invalidate()


def test_parties_are_stored_encrypted_with_blind_indexes(
    api_for: Any, town_operator: User, units: Units
) -> None:
    body = hotline_body(
        parties=[
            {
                "role": "complainant",
                "name": "张三",
                "phone": "139 1234 5678",
                "id_number": VALID_ID.lower(),
            }
        ]
    )
    case_id = post(api_for(town_operator), body).json()["id"]
    party = Party.objects.get(case_id=case_id)
    assert party.phone == "13912345678" and party.id_number == VALID_ID
    assert party.phone_index and party.id_index and party.phone_index != party.id_index


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    ["kind", "channel", "description", "region_code", "category_code", "parties", "latitude",
     "longitude", "amount", "people_count", "flags", "received_at", "risk_colour", "urgency"]
)  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.dictionaries(KEYS, JSON, max_size=4))
def test_fuzzed_intake_never_500s(
    town_operator: User, units: Units, changes: dict[str, Any]
) -> None:
    api = Api(town_operator)
    api.client.raise_request_exception = False
    response = post(api, {**hotline_body(), **changes})
    assert response.status_code in (201, 400, 403, 422), response.content
    if response.status_code >= 400:
        assert response.json()["detail"]

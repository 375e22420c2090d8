"""Bad input on every case endpoint: never a 500, always the standard error shape with
per-field messages in Chinese and English (docs/cases.md "API"; house rule "never a 500").

The Django test client re-raises any exception a view lets through, so a 500 fails these
tests loudly rather than being counted as a status code.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import User
from fengqiao.cases.models import Assignment, Attachment, Case, Party
from fengqiao.cases.tests.conftest import Api, Units
from fengqiao.cases.tests.endpoints import CASE_ENDPOINTS

POSTS = [row for row in CASE_ENDPOINTS if row[0] == "post"]


@pytest.fixture
def world(api_for: Any, town_operator: User, units: Units) -> tuple[Api, dict[str, int]]:
    """A case with one of everything an endpoint path may name."""
    api: Api = api_for(town_operator)
    case_id = api.create().json()["id"]
    api.act(case_id, "accept")
    api.act(
        case_id,
        "dispatch",
        {"lead": {"unit_id": units.env.pk}, "co_units": [{"unit_id": units.street.pk}]},
    )
    case = Case.objects.get(pk=case_id)
    attachment = Attachment.objects.create(
        case=case,
        original_name="a.jpg",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
        stored_name="ab" + "0" * 38,
    )
    ids = {
        "case": case_id,
        "assignment": Assignment.objects.get(case=case, role="co").pk,
        "party": Party.objects.filter(case=case).first().pk,  # type: ignore[union-attr]
        "attachment": attachment.pk,
    }
    return api, ids


def _url(template: str, ids: dict[str, int]) -> str:
    return template.format(**ids)


def assert_error_shape(response: Any, status: int | tuple[int, ...]) -> dict[str, Any]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content)
    body: dict[str, Any] = response.json()
    assert body["detail"] and body["detail_en"]
    for error in body.get("errors", []):
        assert "field" in error
    return body


@pytest.mark.parametrize(("method", "path", "body", "scope"), POSTS, ids=[r[1] for r in POSTS])
def test_empty_and_wrongly_typed_bodies_are_422_per_field(
    world: tuple[Api, dict[str, int]], method: str, path: str, body: Any, scope: str
) -> None:
    api, ids = world
    url = _url(path, ids)
    before = Case.objects.get(pk=ids["case"]).version
    # every field of the valid body given the wrong type
    wrong = {key: {"nested": ["不对"]} for key in (body or {})}
    for payload in ({}, wrong, {**(body or {}), "status": "closed"}):
        response = api.post(url, payload)
        error = assert_error_shape(response, 422)
        assert error["errors"], error
        for item in error["errors"]:
            # named like a semantic error: the field itself, not the handler's parameter
            assert item["field"] and not item["field"].startswith("payload."), item
            if payload is wrong:
                assert item["field"].split(".")[0] in wrong, item
            assert item["message"] and item["message_en"], item
            # the Chinese message is Chinese
            assert any("\u4e00" <= ch <= "\u9fff" for ch in item["message"]), item
    assert Case.objects.get(pk=ids["case"]).version == before


@pytest.mark.parametrize(("method", "path", "body", "scope"), POSTS, ids=[r[1] for r in POSTS])
def test_unparsable_bodies_are_400(
    world: tuple[Api, dict[str, int]], method: str, path: str, body: Any, scope: str
) -> None:
    api, ids = world
    url = _url(path, ids)
    for raw in (b"{not json", b"\xff\xfe\x00", b'{"version": 1,}'):
        response = api.client.post(url, raw, content_type="application/json")
        assert_error_shape(response, 400)
    # a JSON value that is not an object
    values: list[Any] = [[], "version", 1, None]
    for value in values:
        response = api.client.post(url, json.dumps(value), content_type="application/json")
        assert response.status_code in (400, 422), (value, response.content)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/{big}",
        "/api/v1/cases/{big}/suggestion",
        "/api/v1/cases/{big}/duplicates",
        "/api/v1/cases/{case}/attachments/{big}",
        "/api/v1/cases/-1",
        "/api/v1/cases/abc",
        "/api/v1/cases/1.5",
    ],
)
def test_ids_out_of_range_or_not_numbers_are_never_500(
    world: tuple[Api, dict[str, int]], path: str
) -> None:
    api, ids = world
    response = api.get(path.format(big=2**70, **ids))
    assert response.status_code in (404, 422), (path, response.status_code)


def test_huge_numbers_in_bodies_are_refused_cleanly(world: tuple[Api, dict[str, int]]) -> None:
    api, ids = world
    case_id = ids["case"]
    base = f"/api/v1/cases/{case_id}"
    # a version no row can have: the conditional UPDATE matches nothing
    stale = api.post(f"{base}/sign", {"version": 2**70})
    assert stale.status_code in (403, 409, 422)
    merge = api.post(f"{base}/merge", {"version": 1, "into_id": 2**70})
    assert merge.status_code in (404, 409, 422)
    ruling = api.post(
        f"{base}/assignments/{2**70}/objection-ruling", {"accept": True, "reason": "裁定"}
    )
    assert ruling.status_code == 404
    reveal = api.post(f"{base}/parties/{2**70}/reveal", {"reason": "回访核实身份"})
    assert reveal.status_code == 404
    assert Case.objects.get(pk=case_id).status == "dispatched"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"supervision_level": 9}, "supervision_level"),
        ({"supervision_level": "高"}, "supervision_level"),
        ({"received_from": "昨天"}, "received_from"),
        ({"received_to": "2026-13-40"}, "received_to"),
        ({"overdue": "也许"}, "overdue"),
        ({"open": "2"}, "open"),
        ({"q": "x" * 51}, "q"),
        ({"caller_phone": "1" * 21}, "caller_phone"),
        ({"limit": -1}, "limit"),
        ({"offset": "首页"}, "offset"),
    ],
)
def test_list_filters_are_validated(
    world: tuple[Api, dict[str, int]], params: dict[str, Any], field: str
) -> None:
    api, _ = world
    response = api.get("/api/v1/cases/", **params)
    body = assert_error_shape(response, 422)
    assert any(e["field"].endswith(field) for e in body["errors"]), body
    assert all(e["message"] and e["message_en"] for e in body["errors"])


def test_unknown_filter_values_find_nothing_rather_than_fail(
    world: tuple[Api, dict[str, int]],
) -> None:
    api, _ = world
    for params in (
        {"status": "飞走了"},
        {"kind": "spaceship"},
        {"category": "NOPE"},
        {"region": "999999999999"},
        {"caller_phone": "not-a-phone"},
        {"q": "%_'\"; drop table"},
    ):
        response = api.get("/api/v1/cases/", **params)
        assert response.status_code == 200, (params, response.content)
        assert response.json()["count"] == 0, params


def test_draft_duplicates_validation(world: tuple[Api, dict[str, int]]) -> None:
    api, _ = world
    response = api.post(
        "/api/v1/cases/duplicates",
        {"description": "夜间施工", "region_code": "000000000000", "category_code": "NOPE"},
    )
    body = assert_error_shape(response, 422)
    assert {e["field"] for e in body["errors"]} == {"region_code", "category_code"}
    only_lat = api.post(
        "/api/v1/cases/duplicates", {"description": "夜间施工", "latitude": "36.06"}
    )
    body = assert_error_shape(only_lat, 422)
    assert "latitude" in {e["field"] for e in body["errors"]}


def test_create_needs_a_json_object_and_a_key(world: tuple[Api, dict[str, int]]) -> None:
    api, _ = world
    key = {"Idempotency-Key": str(uuid.uuid4())}
    listed = api.client.post("/api/v1/cases/", "[]", content_type="application/json", headers=key)
    assert listed.status_code in (400, 422)
    form = api.client.post("/api/v1/cases/", {"kind": "hotline"}, headers=key)
    assert form.status_code in (400, 415, 422)
    assert Case.objects.count() == 1


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    row=st.sampled_from(POSTS),
    mutation=st.dictionaries(
        st.sampled_from(
            ["version", "reason", "lead", "co_units", "satisfaction", "level", "into_id",
             "new_due_at", "extra_amount", "extra_unit", "accept", "reply", "resolved",
             "service", "channel", "note", "answer", "result", "acted", "requested_due_at"]
        ),
        JSON,
        max_size=4,
    ),
)  # fmt: skip
def test_fuzzed_transition_bodies_never_500(
    api_for: Any, town_operator: User, units: Units, row: Any, mutation: dict[str, Any]
) -> None:
    api: Api = api_for(town_operator)
    case = Case.objects.filter(status="pending_dispatch").first()
    if case is None:
        case_id = api.create().json()["id"]
        api.act(case_id, "accept")
        case = Case.objects.get(pk=case_id)
    _, path, body, _ = row
    url = path.format(case=case.pk, assignment=1, party=1, attachment=1)
    response = api.post(url, {**(body or {}), **mutation})
    assert response.status_code < 500
    if response.status_code >= 400:
        data = response.json()
        assert data["detail"] and data["detail_en"]

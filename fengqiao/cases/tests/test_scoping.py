"""Scope on every case endpoint (AC-01, AC-02, AC-03, AC-10): out of scope is exactly like
missing; view scope is not act scope; handlers see what their unit is assigned."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases import actions as a
from fengqiao.cases.models import Assignment, AssignmentRole, Case, Party
from fengqiao.cases.tests.conftest import Api, Units, make_handler
from fengqiao.cases.tests.endpoints import CASE_ENDPOINTS, LIST_ENDPOINTS
from fengqiao.cases.workflow import Kind
from fengqiao.regions.models import Region
from fengqiao.testing import Territory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _setup_case(api: Api, units: Units) -> dict[str, int]:
    """A dispatched case with a co-unit, a party and an attachment."""
    case_id = api.create().json()["id"]
    api.act(case_id, "accept")
    api.act(
        case_id,
        "dispatch",
        {"lead": {"unit_id": units.env.pk}, "co_units": [{"unit_id": units.street.pk}]},
    )
    upload = api.client.post(
        f"/api/v1/cases/{case_id}/attachments", {"file": SimpleUploadedFile("现场.png", PNG)}
    )
    assert upload.status_code == 201, upload.content
    return {
        "case": case_id,
        "attachment": upload.json()["id"],
        "party": Party.objects.filter(case_id=case_id).first().pk,  # type: ignore[union-attr]
        "assignment": Assignment.objects.get(case_id=case_id, role=AssignmentRole.CO).pk,
    }


def _call(api: Api, method: str, path: str, ids: dict[str, int], body: Any) -> Any:
    url = path.format(**ids)
    if method == "get":
        return api.client.get(url)
    return api.post(url, body)


@pytest.mark.parametrize(("method", "path", "body", "need"), CASE_ENDPOINTS)
def test_out_of_scope_is_exactly_like_missing(
    api_for: Any,
    town_operator: User,
    outsider: User,
    units: Units,
    method: str,
    path: str,
    body: Any,
    need: str,
) -> None:
    ids = _setup_case(api_for(town_operator), units)
    before = Case.objects.values("status", "version").get(pk=ids["case"])
    outside = _call(api_for(outsider), method, path, ids, body)
    missing = _call(api_for(outsider), method, path, {**ids, "case": 999_999}, body)
    assert outside.status_code == 404, outside.content
    assert missing.status_code == 404
    assert outside.json() == missing.json()
    assert Case.objects.values("status", "version").get(pk=ids["case"]) == before


@pytest.mark.parametrize(("method", "path", "body", "need"), CASE_ENDPOINTS)
def test_view_scope_is_not_act_scope(
    api_for: Any,
    town_operator: User,
    county_leader: User,
    units: Units,
    method: str,
    path: str,
    body: Any,
    need: str,
) -> None:
    ids = _setup_case(api_for(town_operator), units)
    response = _call(api_for(county_leader), method, path, ids, body)
    if need == "act":
        assert response.status_code == 403, (path, response.content)
        assert "没有办理权限" in response.json()["detail"]
    else:
        assert response.status_code in (200, 403), (path, response.content)


def test_lists_and_searches_are_scoped(
    api_for: Any,
    town_operator: User,
    outsider: User,
    county_leader: User,
    units: Units,
    env_handler: User,
    housing_handler: User,
) -> None:
    operator = api_for(town_operator)
    ids = _setup_case(operator, units)
    elsewhere = api_for(outsider).create(region_code="620103001001001").json()["id"]

    def listed(user: User, **params: Any) -> set[int]:
        response = api_for(user).get("/api/v1/cases/", limit=100, **params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["items"]}

    assert listed(town_operator) == {ids["case"]}
    assert listed(county_leader) == {ids["case"]}
    assert listed(outsider) == {elsewhere}
    assert listed(env_handler) == {ids["case"]}  # assigned to its unit
    assert listed(housing_handler) == set()  # not assigned
    # a region filter never widens the scope
    assert listed(outsider, region="620102000000") == set()
    assert listed(town_operator, region="620103000000") == set()
    for method, path, body, _ in LIST_ENDPOINTS:
        response = _call(api_for(outsider), method, path, {}, body)
        rows = response.json()["items"] if method == "get" else response.json()
        found = {row["id"] if "id" in row else row["case"]["id"] for row in rows}
        assert ids["case"] not in found, path


def test_attachment_of_another_case_is_404(
    api_for: Any, town_operator: User, outsider: User, units: Units
) -> None:
    mine = _setup_case(api_for(town_operator), units)
    other = api_for(outsider).create(region_code="620103001001001").json()["id"]
    # the right attachment id under a case the caller may see is still 404
    crossed = api_for(outsider).get(f"/api/v1/cases/{other}/attachments/{mine['attachment']}")
    assert crossed.status_code == 404


def test_create_outside_act_scope_is_refused_and_audited(
    api_for: Any, grid_worker: User, units: Units
) -> None:
    # AC-03: the grid worker acts in grid A1 only
    response = api_for(grid_worker).create(region_code="620102001001002")
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "region_code"
    assert Case.objects.count() == 0
    denied = AuditEntry.objects.filter(action="case.register", outcome="denied")
    assert denied.count() == 1


def test_unit_complained_about_never_sees_the_complainant(
    api_for: Any, town_operator: User, units: Units, env_handler: User
) -> None:
    # AC-10: a complaint about 生态环境分局 that is (oddly) dispatched to it
    operator = api_for(town_operator)
    case_id = operator.create(respondent_unit_code=units.env.code).json()["id"]
    operator.act(case_id, "accept")
    operator.act(case_id, "dispatch", {"lead": {"unit_id": units.env.pk}})
    env = api_for(env_handler)
    detail = env.case(case_id)
    complainant = next(p for p in detail["parties"] if p["role"] == "complainant")
    assert complainant["withheld"] and complainant["name"] == "（保密）"
    assert complainant["phone"] == "" and complainant["id_number"] == ""
    listed = env.get("/api/v1/cases/").json()["items"]
    assert listed[0]["caller"] == "（保密）"
    party = complainant["id"]
    reveal = env.post(f"/api/v1/cases/{case_id}/parties/{party}/reveal", {"reason": "核实情况"})
    assert reveal.status_code == 403
    assert AuditEntry.objects.filter(action="case.party_reveal", outcome="denied").exists()
    # the operator sees the masked complainant and may reveal with a reason, audited
    own = operator.case(case_id)
    visible = next(p for p in own["parties"] if p["role"] == "complainant")
    assert visible["name"] == "张*" and visible["phone"] == "139****5678"
    shown = operator.post(f"/api/v1/cases/{case_id}/parties/{party}/reveal", {"reason": "回访需要"})
    assert shown.status_code == 200 and shown.json()["phone"] == "13912345678"
    entry = AuditEntry.objects.filter(action="case.party_reveal", outcome="success").get()
    assert entry.reason == "回访需要" and "13912345678" not in str(entry.data)


# AC-01 as a property: for random case placements and random role assignments, the list
# endpoint returns exactly the ids an independent oracle computes from region paths and units.
REGION_CODES = [
    "620102000000", "620102001000", "620102001001", "620102001001001", "620102001001002",
    "620103000000", "620103001000", "620103001001", "620103001001001",
]  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    placements=st.lists(st.sampled_from(REGION_CODES), min_size=1, max_size=8),
    grants=st.lists(
        st.tuples(st.sampled_from(REGION_CODES), st.booleans()), min_size=0, max_size=3
    ),
    assigned=st.lists(st.integers(min_value=0, max_value=7), max_size=3),
    member=st.booleans(),
)
def test_list_matches_an_independent_oracle(
    territory: Territory,
    units: Units,
    placements: list[str],
    grants: list[tuple[str, bool]],
    assigned: list[int],
    member: bool,
) -> None:
    Case.objects.all().delete()
    User.objects.filter(username="prop_user").delete()
    user = make_handler("prop_user", units.env) if member else User.objects.create_user("prop_user")
    for code, can_act in grants:
        RoleAssignment.objects.get_or_create(
            user=user,
            role=Role.OPERATOR,
            region=Region.objects.get(code=code),
            defaults={"can_act": can_act},
        )
    cases = [
        a.do_register(
            a.CaseDraft(
                kind=Kind.HOTLINE,
                channel="hotline_phone",
                description="属性测试",
                region=Region.objects.get(code=code),
            ),
            actor=None,
        ).case
        for code in placements
    ]
    for index in {i for i in assigned if i < len(cases)}:
        Assignment.objects.create(case=cases[index], unit=units.env, role=AssignmentRole.LEAD)

    paths = [Region.objects.get(code=code).path for code, _ in grants]
    expected = {
        c.pk
        for c in cases
        if any(c.region.path.startswith(p) for p in paths)
        or (member and Assignment.objects.filter(case=c, unit=units.env).exists())
    }
    response = Api(user).get("/api/v1/cases/", limit=100)
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["items"]} == expected
    assert response.json()["count"] == len(expected)

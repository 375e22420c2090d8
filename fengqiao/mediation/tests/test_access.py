"""Who may touch a dispute: out of scope is 404 on every endpoint exactly like missing (AC-02);
a read-only leader sees but may not act; the wrong body may not act for the lead; stale
versions are 409 (WEB-10); every action leaves an audit row in its transaction; personal
information is encrypted at rest; disputes registered through the generic intake get their
mediation record."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.actions import do_register
from fengqiao.cases.errors import CaseError, Invalid
from fengqiao.cases.models import Case
from fengqiao.mediation import actions as m
from fengqiao.mediation.actions.common import dispute_of
from fengqiao.mediation.models import Dispute, InvitedParticipant, Session
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.mediation.tests.helpers import accept, draft, intake, to_mediating
from fengqiao.procedures.testing import Api, at, ok, travel
from fengqiao.testing import Territory

BASE = "/api/v1/mediation/disputes"

TRANSITIONS: list[tuple[str, dict[str, Any]]] = [
    ("dispatch", {"org_code": "TW-620102001001"}),
    ("accept", {}),
    ("decline", {"reason": "拒绝调解", "routes_told": "诉讼途径"}),
    ("object", {"reason": "不属本会"}),
    ("redispatch", {"org_code": "TW-620102001", "reason": "改派"}),
    ("uphold", {"reason": "维持"}),
    ("assign-mediators", {"mediators": [{"mediator_id": 1}]}),
    ("outcome", {"outcome": "failure", "reason": "不成"}),
    ("terminate", {"reason": "不成", "routes_told": "诉讼"}),
    ("transfer", {"to_org_code": "TW-620102001", "reason": "移交"}),
    ("performance/close", {"performed": True}),
    ("confirmation/apply", {"court_code": "FY-620102", "joint": True}),
    ("confirmation/refuse", {"reason": "不予受理"}),
    ("confirmation/accept", {"court_case_no": "（2026）民特1号"}),
    ("confirmation/extend", {"reason": "复杂", "approved_by": "院长"}),
    ("confirmation/confirm", {}),
    ("confirmation/reject", {"reason": "驳回"}),
    ("remediate", {"reason": "重新调解"}),
    ("sue", {}),
]
PLAIN_POSTS: list[tuple[str, dict[str, Any]]] = [
    ("invite", {"kind": "expert", "name": "某", "consented": True}),
    ("risk", {"group": True, "reason": "多户"}),
    ("performance", {"status": "pending"}),
]


def body() -> dict[str, Any]:
    return {
        "channel": "grid_patrol",
        "region_code": "620102001001001",
        "category_code": "TJ02",
        "description": "邻里因噪音发生纠纷",
        "parties": [
            {"role": "complainant", "name": "甲某", "phone": "13912345678"},
            {"role": "respondent", "name": "乙某", "phone": "13812345678"},
        ],
    }


@pytest.fixture
def case_id(grid_worker: User, bodies: Bodies) -> int:
    with travel(at("2026-03-02", 9)):
        created = ok(
            Api(grid_worker).post(BASE, body(), **{"Idempotency-Key": str(uuid.uuid4())}), 201
        )
    return int(created["id"])


@pytest.mark.parametrize(("action", "payload"), TRANSITIONS)
def test_every_transition_is_404_out_of_scope(
    outsider: User, case_id: int, action: str, payload: dict[str, Any]
) -> None:
    before = Case.objects.get(pk=case_id).version
    with travel(at("2026-03-02", 10)):
        response = Api(outsider).act(BASE, case_id, action, payload)
        missing = Api(outsider).post(f"{BASE}/999999/{action}", {**payload, "version": 1})
    assert response.status_code == 404 and missing.status_code == 404
    assert response.json().keys() == missing.json().keys()
    assert Case.objects.get(pk=case_id).version == before


@pytest.mark.parametrize(("action", "payload"), PLAIN_POSTS)
def test_every_plain_post_is_404_out_of_scope(
    outsider: User, case_id: int, action: str, payload: dict[str, Any]
) -> None:
    with travel(at("2026-03-02", 10)):
        response = Api(outsider).post(f"{BASE}/{case_id}/{action}", payload)
    assert response.status_code == 404


@pytest.mark.parametrize("suffix", ["", "/agreement", "/agreement.pdf", "/tracks"])
def test_every_read_is_404_out_of_scope(outsider: User, case_id: int, suffix: str) -> None:
    with travel(at("2026-03-02", 10)):
        assert Api(outsider).get(f"{BASE}/{case_id}{suffix}").status_code == 404


def test_a_read_only_leader_sees_but_may_not_act(
    county_leader: User, case_id: int, bodies: Bodies
) -> None:
    api = Api(county_leader)
    with travel(at("2026-03-02", 10)):
        seen = ok(api.get(f"{BASE}/{case_id}"))
        assert seen["case"]["status"] == "registered"
        response = api.act(BASE, case_id, "dispatch", {"org_code": bodies.village.code})
    assert response.status_code == 403
    assert Case.objects.get(pk=case_id).status == "registered"


def test_another_body_may_not_act_for_the_lead(
    territory: Territory, grid_worker: User, bodies: Bodies
) -> None:
    stranger = member("township_m", bodies.township)
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    with travel(at("2026-03-02", 10)):
        response = Api(stranger).act(BASE, case.pk, "accept")
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == "dispatched"


def test_stale_version_is_a_conflict(
    grid_worker: User, villager: User, case_id: int, bodies: Bodies
) -> None:
    worker = Api(grid_worker)
    with travel(at("2026-03-02", 10)):
        ok(worker.act(BASE, case_id, "dispatch", {"org_code": bodies.village.code}))
        stale = Api(villager).post(f"{BASE}/{case_id}/accept", {"version": 1})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"
    assert Case.objects.get(pk=case_id).status == "dispatched"


def test_actions_are_audited_in_their_transaction(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-03"),
    )
    actions = set(
        AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    for expected in (
        "case.register",
        "case.dispatch",
        "case.accept",
        "case.assign_mediator",
        "case.hold_session",
        "timer.start",
    ):
        assert expected in actions, expected
    # a refused action leaves nothing half-done
    before = AuditEntry.objects.count()
    with pytest.raises(Invalid), travel(at("2026-03-04")):
        m.do_record_outcome(case, actor=villager, outcome="success")
    assert Case.objects.get(pk=case.pk).status == "mediating"
    assert not AuditEntry.objects.filter(pk__gt=before, action="case.record_outcome").exists()


def test_personal_information_is_encrypted_at_rest(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = accept(case, villager, at("2026-03-02", 10))
    with travel(at("2026-03-02", 11)):
        invited = m.do_invite(
            case, actor=villager, kind="relative", name="王秀兰", note_text="姨母", consented=True
        )
    case = to_mediating(case, villager, bodies.mediators["village"], at("2026-03-03"))
    session = Session.objects.get(case=case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM mediation_invitedparticipant WHERE id = %s", [invited.pk])
        raw_name = cursor.fetchone()
        cursor.execute("SELECT record FROM mediation_session WHERE id = %s", [session.pk])
        raw_record = cursor.fetchone()
    assert raw_name is not None and "王秀兰" not in str(raw_name[0])
    assert raw_record is not None and "调解记录" not in str(raw_record[0])
    assert InvitedParticipant.objects.get(pk=invited.pk).name == "王秀兰"
    assert Session.objects.get(pk=session.pk).record == "调解记录"


def test_generic_intake_gets_a_mediation_record(territory: Territory, bodies: Bodies) -> None:
    case = do_register(draft(territory.grid_a1), actor=None).case
    assert not Dispute.objects.filter(case=case).exists()
    record = dispute_of(case)
    assert record.source == "application" and record.mediation_type == "people"
    assert dispute_of(case).pk == record.pk  # created once


def test_generic_court_referral_gets_the_court_source(territory: Territory) -> None:
    d = draft(territory.grid_a1)
    d.kind = "court_referral"
    case = do_register(d, actor=None).case
    assert dispute_of(case).source == "court"


def test_dispute_record_only_for_dispute_kinds(territory: Territory) -> None:
    from fengqiao.cases.actions import CaseDraft
    from fengqiao.units.models import Category

    case = do_register(
        CaseDraft(
            kind="petition",
            channel="letter",
            description="来信",
            region=territory.village,
            category=Category.objects.get(code="RX02"),
        ),
        actor=None,
    ).case
    with pytest.raises(Invalid) as info:
        dispute_of(case)
    assert info.value.errors[0]["field"] == "kind"


def test_a_court_member_cannot_take_up_a_dispute(
    territory: Territory, court_clerk: User, bodies: Bodies
) -> None:
    case = do_register(draft(territory.grid_a1), actor=None).case
    with pytest.raises(CaseError), travel(at("2026-03-02", 10)):
        m.do_take_up(case, actor=court_clerk)
    assert Case.objects.get(pk=case.pk).status == "registered"

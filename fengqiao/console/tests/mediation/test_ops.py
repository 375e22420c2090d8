"""The dispute page's action table and the workspace's read helpers: every offered action has
its form and a label, error fields map to form fields, the state buckets cover the machine,
membership, clocks and timeline labels; and the rarer journeys through the page: decline,
object, court refusal, rejection → 重新调解 or 告知起诉, extension."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fengqiao.accounts.models import Role, User
from fengqiao.cases.models import Case
from fengqiao.console import mediation_ops, mediation_pages
from fengqiao.console.tests.cases_helpers import client_for
from fengqiao.mediation import actions as m
from fengqiao.mediation.machine import DISPUTE
from fengqiao.mediation.models import (
    Agreement,
    AgreementStatus,
    ConfirmationResult,
    JudicialConfirmation,
    MediationOrg,
    Mediator,
    MediatorAssignment,
)
from fengqiao.mediation.tests.conftest import Bodies, unit_user
from fengqiao.mediation.tests.helpers import draft
from fengqiao.testing import Territory, make_user

pytestmark = pytest.mark.django_db

SETTLEMENT = {
    "outcome": "success",
    "form": "written",
    "facts": "事实",
    "disputed_points": "争议",
    "terms": "乙方赔偿甲方100元",
    "performance_manner": "现金",
    "performance_deadline": "2026-12-31",
    "amount": "100",
}


def act(client: Client, case: Case, action: str, **fields: Any) -> Any:
    case.refresh_from_db()
    data: dict[str, Any] = {f"{action}-version": case.version}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(f"/console/mediation/{case.pk}/act/{action}/", data)


def offered(client: Client, case: Case) -> list[str]:
    response = client.get(f"/console/mediation/{case.pk}/")
    assert response.status_code == 200
    return [o.name for o in response.context["offered"]]


def settle(client: Client, case: Case, mediator: Mediator) -> None:
    assert act(client, case, "accept").status_code == 302
    act(client, case, "assign_mediator", mediators=[mediator.pk], chosen_by="parties")
    act(
        client,
        case,
        "hold_session",
        held_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        mode="phone",
        session_mediators=[mediator.pk],
        record="电话调解",
    )
    assert act(client, case, "record_outcome", **SETTLEMENT).status_code == 302


def in_effect(case: Case, actor: User) -> None:
    case.refresh_from_db()
    Agreement.objects.filter(case=case).update(reached_at=timezone.now() - dt.timedelta(minutes=5))
    signed = timezone.now() - dt.timedelta(minutes=1)
    m.do_sign_agreement(case, actor=actor, parties_signed_at=signed, sealed_at=signed)


# ------------------------------------------------------------------ the tables


def test_every_op_is_a_dispute_action_or_a_record_keeping_one() -> None:
    names = {a.name for a in DISPUTE.actions}
    record_keeping = {"sign_agreement", "check_performance"}
    assert set(mediation_ops.OPS) - names == record_keeping
    for name in record_keeping:
        assert mediation_ops.OPS[name].label and not mediation_ops.OPS[name].versioned
    for name, op in mediation_ops.OPS.items():
        for field in op.fields:
            assert field in mediation_ops.FIELDS, (name, field)


def test_every_form_builds_for_a_dispute(dispute: Case) -> None:
    for name, op in mediation_ops.OPS.items():
        form = mediation_ops.DisputeActionForm(case=dispute, action=name)
        assert set(form.fields) == {"version", *op.fields}
        assert form.fields["version"].initial == dispute.version
        for field in form.fields.values():
            assert str(field.label or "") or field.widget.is_hidden


def test_error_fields_map_onto_form_fields() -> None:
    for source, target in mediation_ops.ERROR_FIELDS.items():
        assert target in mediation_ops.FIELDS, source
        assert mediation_ops.error_field(source) == target
    assert mediation_ops.error_field("mediators.3") == "mediators"
    assert mediation_ops.error_field("nothing") == ""


def test_buckets_cover_every_state_once() -> None:
    seen: list[str] = []
    for bucket in mediation_pages.BUCKETS:
        seen.extend(bucket.states)
    assert sorted(seen) == sorted(set(seen))
    assert set(seen) == set(DISPUTE.states) - {"registered"}
    assert {"all", "overdue", "accept", "closed"} <= mediation_pages.BUCKET_KEYS


def test_unknown_bucket_filters_nothing(dispute: Case, villager: User) -> None:
    qs = mediation_pages.all_disputes(villager)
    assert list(mediation_pages.in_bucket(qs, "nope")) == list(qs)
    assert list(mediation_pages.in_bucket(qs, "accept")) == [dispute]
    assert list(mediation_pages.in_bucket(qs, "closed")) == []


# ------------------------------------------------------------------ membership


def test_membership(territory: Territory, bodies: Bodies, villager: User) -> None:
    assert mediation_pages.is_mediation_member(villager)
    clerk = unit_user("committee_clerk", bodies.township)  # a committee unit, no role
    assert mediation_pages.is_mediation_member(clerk)
    plain = unit_user("police_clerk", bodies.police)  # a unit without a mediation profile
    assert not mediation_pages.is_mediation_member(plain)
    profiled = User.objects.create_user(username="profiled")
    Mediator.objects.create(
        org=MediationOrg.objects.get(unit=bodies.village),
        name="特邀",
        kind="invited",
        user=profiled,
    )
    profiled.unit = bodies.police
    profiled.save(update_fields=["unit"])
    assert mediation_pages.is_mediation_member(profiled)
    operator = make_user("op", Role.OPERATOR, territory.town)
    assert not mediation_pages.is_mediation_member(operator)
    assert client_for(clerk).get("/console/mediation/").status_code == 200
    assert client_for(plain).get("/console/mediation/").status_code == 403


def test_a_unit_member_without_a_role_sees_only_the_units_disputes(
    territory: Territory, grid_worker: User, bodies: Bodies, dispute: Case
) -> None:
    clerk = unit_user("committee_clerk", bodies.township)
    response = client_for(clerk).get("/console/mediation/?scope=all")
    assert response.context["rows"] == []
    assert client_for(clerk).get(f"/console/mediation/{dispute.pk}/").status_code == 404
    mine = m.do_intake_dispute(
        draft(territory.grid_a1),
        m.DisputeDraft(org=bodies.township),
        actor=grid_worker,
    ).case
    rows = client_for(clerk).get("/console/mediation/").context["rows"]
    assert [r.case.pk for r in rows] == [mine.pk]
    assert "accept" in offered(client_for(clerk), mine)


# ------------------------------------------------------------------ clocks and timeline


def test_clocks_running_first_with_time_left(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    act(client, dispute, "accept")
    clocks = client.get(f"/console/mediation/{dispute.pk}/").context["clocks"]
    assert clocks and clocks[0].timer.running
    assert clocks[0].timer.code == "mediation.people"
    assert clocks[0].time_left.startswith("剩余")
    body = client.get(f"/console/mediation/{dispute.pk}/").content.decode()
    assert "人民调解" in body and clocks[0].timer.basis in body


def test_timeline_names_record_keeping_steps(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    settle(client, dispute, mediator)
    act(client, dispute, "check_performance", check_status="pending", note="未到期")
    labels = [s.label for s in mediation_pages.timeline(dispute)]
    assert "履行回访" in labels and "check_performance" not in labels
    assert labels[0] == "登记"


# ------------------------------------------------------------------ the rarer journeys


def test_decline_tells_the_other_routes(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    missing = act(client, dispute, "decline", reason="被申请人明确拒绝调解")
    assert missing.status_code == 422
    form = next(o.form for o in missing.context["offered"] if o.name == "decline")
    assert form.errors["routes_told"] == ["请填写此项。"]
    done = act(
        client,
        dispute,
        "decline",
        reason="被申请人明确拒绝调解",
        routes_told="可申请仲裁或向人民法院起诉",
    )
    assert done.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "declined" and not dispute.is_open
    body = client.get(f"/console/mediation/{dispute.pk}/").content.decode()
    assert "可申请仲裁或向人民法院起诉" in body
    counts = {k: n for k, _l, n in client.get("/console/mediation/").context["buckets"]}
    assert counts["closed"] == 1 and counts["accept"] == 0


def test_object_returns_the_dispute(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    assert act(client, dispute, "object", reason="不属本社区").status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "objected"
    assert offered(client, dispute) == []


def test_court_refuses_then_rejects_then_remediation(
    dispute: Case, villager: User, mediator: Mediator, bodies: Bodies, court_clerk: User
) -> None:
    client, court = client_for(villager), client_for(court_clerk)
    settle(client, dispute, mediator)
    in_effect(dispute, villager)
    act(client, dispute, "apply_confirmation", court=bodies.court.pk, joint="on")
    refused = act(court, dispute, "refuse_application", reason="材料不全")
    assert refused.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "agreed"
    assert JudicialConfirmation.objects.get().result == ConfirmationResult.NOT_ACCEPTED
    assert "apply_confirmation" in offered(client, dispute)
    act(client, dispute, "apply_confirmation", court=bodies.court.pk, joint="on")
    act(court, dispute, "accept_confirmation", court_case_no="（2026）甘0102民特2号")
    no_approver = act(court, dispute, "extend_confirmation", approved_by="", reason="案情复杂")
    assert no_approver.status_code == 422
    assert (
        act(
            court, dispute, "extend_confirmation", approved_by="院长", reason="案情复杂"
        ).status_code
        == 302
    )
    assert JudicialConfirmation.objects.order_by("-pk").first().extended  # type: ignore[union-attr]
    assert "已延长审查期限" in client.get(f"/console/mediation/{dispute.pk}/").content.decode()
    assert act(court, dispute, "reject_confirmation", reason="协议内容违法").status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "confirmation_rejected"
    assert set(offered(client, dispute)) == {"remediate", "sue"}
    assert act(client, dispute, "remediate", reason="重新协商").status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "assigned"
    statuses = set(Agreement.objects.filter(case=dispute).values_list("status", flat=True))
    assert statuses == {AgreementStatus.SUPERSEDED}
    assert MediatorAssignment.objects.filter(case=dispute, released_at__isnull=True).count() == 1
    assert "hold_session" in offered(client, dispute)


def test_rejection_then_suit(
    dispute: Case, villager: User, mediator: Mediator, bodies: Bodies, court_clerk: User
) -> None:
    client, court = client_for(villager), client_for(court_clerk)
    settle(client, dispute, mediator)
    in_effect(dispute, villager)
    act(client, dispute, "apply_confirmation", court=bodies.court.pk, joint="on")
    act(court, dispute, "accept_confirmation", court_case_no="（2026）甘0102民特3号")
    act(court, dispute, "reject_confirmation", reason="不符合条件")
    assert act(client, dispute, "sue", reason_opt="告知起诉").status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "litigation" and not dispute.is_open


def test_unperformed_agreement(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    settle(client, dispute, mediator)
    bad = act(client, dispute, "close_performance", performed="maybe")
    assert bad.status_code == 422
    assert (
        act(client, dispute, "close_performance", performed="no", note="拒不履行").status_code
        == 302
    )
    dispute.refresh_from_db()
    assert dispute.status == "unperformed"
    agreement = Agreement.objects.get(case=dispute)
    assert agreement.status == AgreementStatus.UNPERFORMED


def test_assign_with_a_presiding_mediator_not_ticked(
    dispute: Case, villager: User, mediator: Mediator, bodies: Bodies
) -> None:
    second = Mediator.objects.create(
        org=MediationOrg.objects.get(unit=bodies.village), name="李调解", kind="part_time"
    )
    client = client_for(villager)
    act(client, dispute, "accept")
    response = act(
        client,
        dispute,
        "assign_mediator",
        mediators=[second.pk],
        presiding=mediator.pk,
        chosen_by="designated",
    )
    assert response.status_code == 302
    rows = {r.mediator_id: r.presiding for r in MediatorAssignment.objects.filter(case=dispute)}
    assert rows == {mediator.pk: True, second.pk: False}


def test_assign_nobody_is_refused(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    act(client, dispute, "accept")
    response = act(client, dispute, "assign_mediator", chosen_by="designated")
    assert response.status_code == 422
    form = next(o.form for o in response.context["offered"] if o.name == "assign_mediator")
    assert form.errors["mediators"] == ["请至少选择一项。"]


def test_record_keeping_with_a_stale_version_is_409(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    settle(client, dispute, mediator)
    dispute.refresh_from_db()
    response = client.post(
        f"/console/mediation/{dispute.pk}/act/check_performance/",
        {
            "check_performance-version": dispute.version - 1,
            "check_performance-check_status": "pending",
        },
    )
    assert response.status_code == 409
    assert "已被他人更新" in response.context["error"]

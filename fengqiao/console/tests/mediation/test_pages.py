"""调解员工作台: my disputes with counts and state filters, the dispute page offering exactly the
actions the mediation app allows now, sessions, the outcome, the 调解协议书 downloaded and read
back, 司法确认 applied for and recorded, scope (out of scope = 404), bad input, CSRF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Case
from fengqiao.console.tests.cases_helpers import client_for, register
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import (
    Agreement,
    AgreementStatus,
    ConfirmationResult,
    JudicialConfirmation,
    Mediator,
    Session,
)
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.mediation.tests.helpers import draft
from fengqiao.testing import Territory, make_user

pytestmark = pytest.mark.django_db

AGREEMENT = {
    "outcome": "success",
    "form": "written",
    "facts": "甲乙两户因楼上漏水发生争执，甲方房屋顶棚受损。",
    "disputed_points": "漏水原因及维修费用的承担。",
    "responsibility": "乙方对漏水负主要责任。",
    "terms": "乙方于十日内修复防水层\n乙方赔偿甲方维修费800元",
    "performance_manner": "现金支付",
    "performance_place": "秦安路社区调解室",
    "performance_deadline": "2026-12-31",
    "amount": "800",
}


def page(client: Client, case: Case) -> Any:
    response = client.get(f"/console/mediation/{case.pk}/")
    assert response.status_code == 200, response.status_code
    return response


def offered(client: Client, case: Case) -> list[str]:
    return [op.name for op in page(client, case).context["offered"]]


def act(client: Client, case: Case, action: str, **fields: Any) -> Any:
    case.refresh_from_db()
    data: dict[str, Any] = {f"{action}-version": case.version}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(f"/console/mediation/{case.pk}/act/{action}/", data)


def now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def to_mediating(client: Client, case: Case, mediator: Mediator) -> None:
    assert act(client, case, "accept").status_code == 302
    response = act(client, case, "assign_mediator", mediators=[mediator.pk], chosen_by="designated")
    assert response.status_code == 302
    party_ids = [p.pk for p in case.parties.all()]
    response = act(
        client,
        case,
        "hold_session",
        held_at=now_local(),
        mode="on_site",
        place="秦安路社区调解室",
        session_mediators=[mediator.pk],
        parties=party_ids,
        record="双方陈述了漏水经过，同意先查明原因。",
    )
    assert response.status_code == 302


# ------------------------------------------------------------------ worklist


def test_worklist_counts_and_state_filters(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    response = client.get("/console/mediation/")
    assert response.status_code == 200
    counts = {key: n for key, _label, n in response.context["buckets"]}
    assert counts["all"] == 1 and counts["accept"] == 1 and counts["mediating"] == 0
    body = response.content.decode()
    assert dispute.receipt_no in body
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )
    accepting = client.get("/console/mediation/?state=accept")
    assert [r.case.pk for r in accepting.context["rows"]] == [dispute.pk]
    empty = client.get("/console/mediation/?state=mediating")
    assert empty.context["rows"] == []
    # an unknown state or scope falls back to everything, never an error
    odd = client.get("/console/mediation/?state=bogus&scope=zzz")
    assert odd.status_code == 200 and odd.context["bucket"] == "all"
    assert odd.context["scope"] == "mine"
    search = client.get(f"/console/mediation/?q={dispute.receipt_no[-4:]}")
    assert [r.case.pk for r in search.context["rows"]] == [dispute.pk]
    miss = client.get("/console/mediation/?q=NOPE")
    assert miss.context["rows"] == []


def test_worklist_buckets_follow_the_dispute(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    to_mediating(client, dispute, mediator)
    counts = {k: n for k, _label, n in client.get("/console/mediation/").context["buckets"]}
    assert counts["accept"] == 0 and counts["mediating"] == 1
    Case.objects.filter(pk=dispute.pk).update(is_overdue=True)
    counts = {k: n for k, _label, n in client.get("/console/mediation/").context["buckets"]}
    assert counts["overdue"] == 1
    overdue = client.get("/console/mediation/?state=overdue")
    assert [r.case.pk for r in overdue.context["rows"]] == [dispute.pk]


def test_worklist_mine_against_the_whole_scope(
    territory: Territory, grid_worker: User, bodies: Bodies, villager: User, dispute: Case
) -> None:
    """A dispute sent to another body in the mediator's region is in 辖区全部, not 我承办的."""
    elsewhere = m.do_intake_dispute(
        draft(territory.grid_a1), m.DisputeDraft(org=bodies.township), actor=grid_worker
    ).case
    client = client_for(villager)
    mine = [r.case.pk for r in client.get("/console/mediation/").context["rows"]]
    everything = [r.case.pk for r in client.get("/console/mediation/?scope=all").context["rows"]]
    assert mine == [dispute.pk]
    assert set(everything) == {dispute.pk, elsewhere.pk}


def test_worklist_is_for_mediators(dispute: Case, grid_worker: User, outsider: User) -> None:
    assert client_for(grid_worker).get("/console/mediation/").status_code == 403
    assert client_for(outsider).get("/console/mediation/").status_code == 403
    anonymous = client_for(None).get("/console/mediation/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_nav_shows_the_workspace_to_mediators_only(villager: User, grid_worker: User) -> None:
    assert "/console/mediation/" in client_for(villager).get("/console/").content.decode()
    assert "/console/mediation/" not in client_for(grid_worker).get("/").content.decode()


def test_other_area_mediator_sees_nothing(
    territory: Territory, dispute: Case, bodies: Bodies
) -> None:
    far = make_user("far_mediator", Role.MEDIATOR, territory.other_county)
    client = client_for(far)
    response = client.get("/console/mediation/?scope=all")
    assert response.status_code == 200 and response.context["rows"] == []
    assert client.get(f"/console/mediation/{dispute.pk}/").status_code == 404
    assert act(client, dispute, "accept").status_code == 404
    assert client.get(f"/console/mediation/{dispute.pk}/agreement.docx").status_code == 404
    party = dispute.parties.first()
    assert party is not None
    reveal = client.post(
        f"/console/mediation/{dispute.pk}/parties/{party.pk}/reveal/", {"reason": "核实"}
    )
    assert reveal.status_code == 404
    dispute.refresh_from_db()
    assert dispute.status == "dispatched"


def test_a_case_that_is_not_a_dispute_is_404(
    territory: Territory, town_operator: User, villager: User
) -> None:
    hotline = register(town_operator, territory.grid_a1).case
    client = client_for(villager)
    assert client.get(f"/console/mediation/{hotline.pk}/").status_code == 404
    assert client.get("/console/mediation/999999/").status_code == 404


# ------------------------------------------------------------------ the dispute page


def test_page_shows_masked_parties_status_and_clocks(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    response = page(client_for(villager), dispute)
    body = response.content.decode()
    assert "已分派（待调解组织受理）" in body
    assert "139****5678" in body and "13912345678" not in body
    assert "甲方" not in body.replace("甲方房", "")  # names masked (甲* shown)
    assert (
        response["Cache-Control"].find("no-store") >= 0 or "max-age=0" in response["Cache-Control"]
    )


def test_only_allowed_actions_are_offered_and_they_follow_the_state(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    assert set(offered(client, dispute)) == {"accept", "object", "decline"}
    assert act(client, dispute, "accept").status_code == 302
    assert set(offered(client, dispute)) == {"assign_mediator", "decline", "transfer"}
    act(client, dispute, "assign_mediator", mediators=[mediator.pk], chosen_by="designated")
    names = offered(client, dispute)
    assert "hold_session" in names and "record_outcome" not in names
    dispute.refresh_from_db()
    assert dispute.status == "assigned"


def test_a_grid_worker_sees_the_page_but_no_mediator_actions(
    dispute: Case, grid_worker: User
) -> None:
    """The grid worker who sent it may read the dispute page, but acts on nothing the
    committee does (By.LEAD); forcing an action answers 409 and changes nothing."""
    client = client_for(grid_worker)
    assert offered(client, dispute) == []
    response = act(client, dispute, "accept")
    assert response.status_code == 409
    assert "不能办理" in response.context["error"]
    dispute.refresh_from_db()
    assert dispute.status == "dispatched"


def test_read_only_leader_gets_403_on_actions(
    dispute: Case, county_leader: User, mediator: Mediator
) -> None:
    client = client_for(county_leader)
    assert offered(client, dispute) == []
    response = act(client, dispute, "accept")
    assert response.status_code == 403


def test_action_in_the_wrong_state_is_409_and_unknown_action_404(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    response = act(client, dispute, "record_outcome", outcome="failure")
    assert response.status_code == 409
    assert "已分派（待调解组织受理）" in response.context["error"]
    assert act(client, dispute, "launch_rockets").status_code == 404
    assert client.get(f"/console/mediation/{dispute.pk}/act/accept/").status_code == 405


def test_stale_version_is_refused(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    dispute.refresh_from_db()
    stale = dispute.version
    act(client, dispute, "accept")
    response = client.post(
        f"/console/mediation/{dispute.pk}/act/assign_mediator/",
        {
            "assign_mediator-version": stale,
            "assign_mediator-mediators": [mediator.pk],
            "assign_mediator-chosen_by": "designated",
        },
    )
    assert response.status_code == 409
    dispute.refresh_from_db()
    assert dispute.status == "accepted"


def test_csrf_is_required(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(villager)
    dispute.refresh_from_db()
    response = client.post(
        f"/console/mediation/{dispute.pk}/act/accept/", {"accept-version": dispute.version}
    )
    assert response.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == "dispatched"
    page_html = page(client, dispute).content.decode()
    assert "csrfmiddlewaretoken" in page_html


# ------------------------------------------------------------------ sessions and bad input


def test_record_a_session(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    to_mediating(client, dispute, mediator)
    session = Session.objects.get(case=dispute)
    assert session.seq == 1 and session.recorded_by == villager
    assert session.record == "双方陈述了漏水经过，同意先查明原因。"
    assert list(session.mediators.all()) == [mediator]
    assert session.parties.count() == 2
    body = page(client, dispute).content.decode()
    assert "第 1 次调解" in body and "双方陈述了漏水经过" in body
    dispute.refresh_from_db()
    assert dispute.status == "mediating"


def test_session_without_record_or_time_is_422_with_field_messages(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    act(client, dispute, "accept")
    act(client, dispute, "assign_mediator", mediators=[mediator.pk], chosen_by="designated")
    response = act(
        client,
        dispute,
        "hold_session",
        held_at="昨天下午",
        mode="on_site",
        session_mediators=[mediator.pk],
        record="",
    )
    assert response.status_code == 422
    form = response.context["offered"][
        [o.name for o in response.context["offered"]].index("hold_session")
    ].form
    assert form.errors["record"] == ["请填写此项。"]
    assert form.errors["held_at"] == ["请输入有效的日期和时间。"]
    assert response.context["open_action"] == "hold_session"
    assert Session.objects.filter(case=dispute).count() == 0


def test_session_with_a_mediator_not_on_the_dispute_is_refused(
    dispute: Case, villager: User, mediator: Mediator, bodies: Bodies
) -> None:
    client = client_for(villager)
    act(client, dispute, "accept")
    act(client, dispute, "assign_mediator", mediators=[mediator.pk], chosen_by="designated")
    stranger = bodies.mediators["township"]
    response = act(
        client,
        dispute,
        "hold_session",
        held_at=now_local(),
        mode="on_site",
        session_mediators=[stranger.pk],
        record="记录",
    )
    assert response.status_code == 422  # not among the choices: the form refuses it
    assert Session.objects.filter(case=dispute).count() == 0


def test_success_without_terms_is_422_naming_the_field(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    to_mediating(client, dispute, mediator)
    fields = {**AGREEMENT, "terms": "", "performance_deadline": ""}
    response = act(client, dispute, "record_outcome", **fields)
    assert response.status_code == 422
    form = next(o.form for o in response.context["offered"] if o.name == "record_outcome")
    assert "请载明协议内容" in form.errors["terms"][0]
    assert "请载明履行期限" in form.errors["performance_deadline"][0]
    assert response.context["error"] == "调解协议内容不完整。"
    dispute.refresh_from_db()
    assert dispute.status == "mediating"


def test_bad_amount_is_a_field_message(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    to_mediating(client, dispute, mediator)
    response = act(client, dispute, "record_outcome", **{**AGREEMENT, "amount": "-5"})
    assert response.status_code == 422
    form = next(o.form for o in response.context["offered"] if o.name == "record_outcome")
    assert form.errors["amount"] == ["金额不能为负数。"]


def test_failure_needs_no_agreement(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    to_mediating(client, dispute, mediator)
    response = act(client, dispute, "record_outcome", outcome="failure", reason_opt="双方分歧大")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "failed"
    assert set(offered(client, dispute)) == {"terminate", "transfer"}
    response = act(client, dispute, "terminate", reason="调解不成", routes_told="向人民法院起诉")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "terminated"
    assert offered(client, dispute) == []


def test_transfer_to_another_body(
    dispute: Case, villager: User, mediator: Mediator, bodies: Bodies
) -> None:
    client = client_for(villager)
    act(client, dispute, "accept")
    response = act(client, dispute, "transfer", to_org=bodies.township.pk, reason="涉及多个社区")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "dispatched" and dispute.lead_unit_id == bodies.township.pk
    # the village committee no longer holds it: no more actions for its mediator
    assert offered(client, dispute) == []
    same = act(client, dispute, "accept")
    assert same.status_code in (403, 409)


# ------------------------------------------------------------------ the agreement and 司法确认


def settled(client: Client, dispute: Case, mediator: Mediator) -> None:
    to_mediating(client, dispute, mediator)
    response = act(client, dispute, "record_outcome", **AGREEMENT)
    assert response.status_code == 302, response.context and response.context["error"]


def test_outcome_generates_the_agreement_and_both_files_read_back(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    import docx
    import pypdf

    client = client_for(villager)
    settled(client, dispute, mediator)
    dispute.refresh_from_db()
    assert dispute.status == "agreed"
    response = page(client, dispute)
    assert response.context["agreement"].status == AgreementStatus.PENDING
    assert response.context["can_download"]
    assert set(offered(client, dispute)) >= {"sign_agreement", "check_performance"}
    assert "apply_confirmation" not in offered(client, dispute)  # not in effect yet

    word = client.get(f"/console/mediation/{dispute.pk}/agreement.docx")
    assert word.status_code == 200
    assert "attachment" in word["Content-Disposition"]
    assert word["Cache-Control"] == "no-store"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    for table in docx.Document(io.BytesIO(word.content)).tables:
        text += "\n".join(cell.text for row in table.rows for cell in row.cells)
    assert "人民调解协议书" in text
    assert "秦安路社区人民调解委员会" in text
    assert "乙方赔偿甲方维修费800元" in text

    pdf = client.get(f"/console/mediation/{dispute.pk}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    pdf_text = "".join(p.extract_text() for p in reader.pages)
    assert "人民调解协议书" in pdf_text and "乙方于十日内修复防水层" in pdf_text

    fetches = AuditEntry.objects.filter(action="mediation.agreement_document", actor_id=villager.pk)
    assert sorted(e.data["format"] for e in fetches) == ["docx", "pdf"]
    assert client.get(f"/console/mediation/{dispute.pk}/agreement.txt").status_code == 404


def test_agreement_download_refused_and_audited_for_a_reader(
    dispute: Case, villager: User, mediator: Mediator, county_leader: User
) -> None:
    settled(client_for(villager), dispute, mediator)
    leader = client_for(county_leader)
    assert not page(leader, dispute).context["can_download"]
    assert leader.get(f"/console/mediation/{dispute.pk}/agreement.pdf").status_code == 403
    denied = AuditEntry.objects.get(
        action="mediation.agreement_document", actor_id=county_leader.pk
    )
    assert denied.outcome == "denied"


def test_no_agreement_yet_is_404(dispute: Case, villager: User, mediator: Mediator) -> None:
    response = client_for(villager).get(f"/console/mediation/{dispute.pk}/agreement.docx")
    assert response.status_code == 404


def test_sign_then_apply_then_the_court_confirms(
    dispute: Case, villager: User, mediator: Mediator, bodies: Bodies, court_clerk: User
) -> None:
    client = client_for(villager)
    settled(client, dispute, mediator)
    # the form has minute precision: let the agreement have been reached ten minutes ago
    Agreement.objects.filter(case=dispute).update(
        reached_at=timezone.now() - dt.timedelta(minutes=10)
    )
    signed = (timezone.localtime() - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = act(client, dispute, "sign_agreement", parties_signed_at=signed, sealed_at=signed)
    assert response.status_code == 302
    agreement = page(client, dispute).context["agreement"]
    assert agreement.status == AgreementStatus.EFFECTIVE and agreement.effective_at is not None
    assert "apply_confirmation" in offered(client, dispute)
    refused = act(client, dispute, "apply_confirmation", court=bodies.court.pk)
    assert refused.status_code == 422
    form = next(o.form for o in refused.context["offered"] if o.name == "apply_confirmation")
    assert form.errors["joint"] == ["司法确认须由双方当事人共同申请。"]
    applied = act(client, dispute, "apply_confirmation", court=bodies.court.pk, joint="on")
    assert applied.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "confirmation_applied"
    body = page(client, dispute).content.decode()
    assert "城关区人民法院" in body and "待受理" in body
    assert offered(client, dispute) == []  # the court holds it now

    court = client_for(court_clerk)
    assert set(offered(court, dispute)) == {"accept_confirmation", "refuse_application"}
    assert act(court, dispute, "accept_confirmation", court_case_no="").status_code == 422
    ok = act(court, dispute, "accept_confirmation", court_case_no="（2026）甘0102民特1号")
    assert ok.status_code == 302
    assert act(court, dispute, "confirm", reason_opt="协议合法有效").status_code == 302
    row = JudicialConfirmation.objects.get(case=dispute)
    assert row.result == ConfirmationResult.CONFIRMED
    assert row.court_case_no == "（2026）甘0102民特1号"
    dispute.refresh_from_db()
    assert dispute.status == "confirmed"
    body = page(client, dispute).content.decode()
    assert "确认有效" in body and "司法确认有效（可申请强制执行）" in body
    assert "close_performance" in offered(client, dispute)


def test_sign_with_times_before_the_agreement_is_422(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    settled(client, dispute, mediator)
    response = act(
        client,
        dispute,
        "sign_agreement",
        parties_signed_at="2020-01-01T09:00",
        sealed_at="2020-01-01T09:00",
    )
    assert response.status_code == 422
    form = next(o.form for o in response.context["offered"] if o.name == "sign_agreement")
    assert "时间无效" in form.errors["sealed_at"][0]


def test_performance_check_and_close(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    settled(client, dispute, mediator)
    response = act(client, dispute, "check_performance", check_status="partly", note="已付一半")
    assert response.status_code == 302
    response = act(client, dispute, "close_performance", performed="yes", note="已全部履行")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "performed"
    assert offered(client, dispute) == []
    texts = [s.label for s in page(client, dispute).context["timeline"]]
    assert "履行回访" in texts and "履行监督结束" in texts


def test_reveal_by_the_mediator_is_audited(
    dispute: Case, villager: User, mediator: Mediator
) -> None:
    client = client_for(villager)
    party = dispute.parties.order_by("pk").first()
    assert party is not None
    response = client.post(
        f"/console/mediation/{dispute.pk}/parties/{party.pk}/reveal/", {"reason": "电话约谈"}
    )
    assert response.status_code == 200
    assert "13912345678" in response.content.decode()
    row = AuditEntry.objects.get(action="case.party_reveal", actor_id=villager.pk)
    assert row.outcome == "success" and row.data["via"] == "console.mediation"
    empty = client.post(f"/console/mediation/{dispute.pk}/parties/{party.pk}/reveal/", {})
    assert empty.status_code == 422 and empty.context["error"] == "请说明查看理由。"


def test_reveal_refused_to_a_grid_worker_and_audited(dispute: Case, grid_worker: User) -> None:
    party = dispute.parties.order_by("pk").first()
    assert party is not None
    response = client_for(grid_worker).post(
        f"/console/mediation/{dispute.pk}/parties/{party.pk}/reveal/", {"reason": "看看"}
    )
    assert response.status_code == 403
    assert "13912345678" not in response.content.decode()
    row = AuditEntry.objects.get(action="case.party_reveal", actor_id=grid_worker.pk)
    assert row.outcome == "denied"


def test_another_body_of_the_same_area_may_not_act(
    dispute: Case, bodies: Bodies, mediator: Mediator
) -> None:
    """A township committee mediator sees the village dispute (scope) but cannot act."""
    township_mediator = member("town_mediator", bodies.township)
    client = client_for(township_mediator)
    assert offered(client, dispute) == []
    assert act(client, dispute, "accept").status_code in (403, 409)
    dispute.refresh_from_db()
    assert dispute.status == "dispatched"


def test_amount_in_the_agreement(dispute: Case, villager: User, mediator: Mediator) -> None:
    client = client_for(villager)
    settled(client, dispute, mediator)
    agreement = page(client, dispute).context["agreement"]
    assert agreement.amount == Decimal("800")
    assert agreement.term_list == ["乙方于十日内修复防水层", "乙方赔偿甲方维修费800元"]
    assert agreement.performance_deadline == dt.date(2026, 12, 31)

"""Actions beyond the happy path: supervision by hand, escalation, co-unit limits, extension
refusals, the public view, the audited admin, duplicates' edges."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases import actions as a
from fengqiao.cases import duplicates
from fengqiao.cases.errors import CaseError, NotAllowed
from fengqiao.cases.models import (
    Case,
    EscalationRule,
    ExtensionRequest,
    Notification,
    SupervisionLevel,
    SupervisionRule,
)
from fengqiao.cases.tests.conftest import Units
from fengqiao.cases.workflow import MERGED
from fengqiao.core.models import Outbox
from fengqiao.regions.models import Region
from fengqiao.testing import Territory
from fengqiao.units.models import Category


def dispatched(api: Any, units: Units, **body: Any) -> int:
    case_id: int = api.create(**body).json()["id"]
    api.act(case_id, "accept")
    api.act(
        case_id,
        "dispatch",
        {"lead": {"unit_id": units.env.pk}, "co_units": [{"unit_id": units.street.pk}]},
    )
    return case_id


def test_supervision_by_hand_only_goes_up(
    api_for: Any, town_operator: User, units: Units, env_handler: User
) -> None:
    api = api_for(town_operator)
    case_id = dispatched(api, units)
    url = f"/api/v1/cases/{case_id}/supervise"
    raised = api.post(url, {"level": 2, "reason": "群众多次来电，社会影响较大"})
    assert raised.status_code == 200 and raised.json()["supervision_level"] == 2
    lower = api.post(url, {"level": 1, "reason": "降级"})
    assert lower.status_code == 409 and "只能提高" in lower.json()["detail"]
    # the lead unit may not supervise itself
    assert api_for(env_handler).post(url, {"level": 3, "reason": "自己督办"}).status_code == 403
    row = Case.objects.get(pk=case_id).transitions.get(action="supervise")
    assert row.data["from_level"] == 0 and row.data["label"] == "督办"
    assert Outbox.objects.filter(case_id=case_id, topic="case.supervised").count() == 2


def test_closed_cases_are_not_supervised(api_for: Any, town_operator: User, units: Units) -> None:
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    api.act(case_id, "answer", {"answer": "已解答"})
    case = Case.objects.get(pk=case_id)
    with pytest.raises(CaseError):
        a.do_raise_supervision(case, level=1, actor=town_operator, reason="x")
    # the sweep (no actor) simply changes nothing
    assert not a.do_raise_supervision(case, level=1, actor=None, reason="x")


def test_escalation_goes_up_only(territory: Territory, town_operator: User, units: Units) -> None:
    draft = a.CaseDraft(
        kind="hotline", channel="hotline_phone", description="x", region=territory.grid_a1
    )
    case = a.do_register(draft, actor=town_operator).case
    with pytest.raises(CaseError):
        a.do_escalate(case, to_region=territory.other_county, actor=None, reason="不是上级")
    with pytest.raises(CaseError):
        a.do_escalate(case, to_region=territory.grid_a1, actor=None, reason="自身")
    assert a.do_escalate(case, to_region=territory.town, actor=None, reason="提级")
    assert a.do_escalate(case, to_region=territory.county, actor=None, reason="再提级")
    assert not a.do_escalate(case, to_region=territory.town, actor=None, reason="降级")
    case.refresh_from_db()
    assert case.escalated_to == territory.county
    assert Notification.objects.count() == 0  # delivered by the sweep, not here
    assert Outbox.objects.filter(case=case, topic="case.escalated").count() == 2


def test_sweep_rules_by_kind_and_inactive_rules(
    territory: Territory, town_operator: User, units: Units
) -> None:
    from fengqiao.cases import sweep

    draft = a.CaseDraft(
        kind="grid_event", channel="grid_patrol", description="x", region=territory.grid_a1
    )
    case = a.do_register(draft, actor=None).case
    past = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    Case.objects.filter(pk=case.pk).update(due_at=past)
    # grid events get their own, hour-based rule; the general rows no longer apply to them
    SupervisionRule.objects.create(
        kind="grid_event", level=SupervisionLevel.URGE, overdue_by=2, unit="hours", source="测试"
    )
    SupervisionRule.objects.create(
        kind="grid_event",
        level=SupervisionLevel.LISTED,
        overdue_by=1,
        unit="hours",
        source="测试（停用）",
        is_active=False,
    )
    EscalationRule.objects.filter(risk_colour="", min_supervision_level__isnull=True).delete()
    EscalationRule.objects.create(target_level=3, source="无触发条件的规则不会生效")
    summary = sweep.run(now=past + dt.timedelta(hours=3))
    assert summary.overdue == 1 and summary.supervised == 1 and summary.escalated == 0
    case.refresh_from_db()
    assert case.supervision_level == SupervisionLevel.URGE


def test_co_unit_limits(
    api_for: Any, town_operator: User, units: Units, env_handler: User, street_handler: User
) -> None:
    api, street = api_for(town_operator), api_for(street_handler)
    case_id = dispatched(api, units)
    # a co-unit replies only after signing
    before = street.act(case_id, "reply", {"reply": "已配合", "resolved": True})
    assert before.status_code == 409 and "请先签收" in before.json()["detail"]
    street.act(case_id, "sign")
    assert street.act(case_id, "sign").status_code == 409  # not twice
    assert street.act(case_id, "reply", {"reply": "已配合", "resolved": True}).status_code == 200
    # a co-unit does not pause or extend the lead's order
    env = api_for(env_handler)
    env.act(case_id, "sign")
    env.act(case_id, "start")
    assert street.act(case_id, "pause", {"reason": "等待"}).status_code == 403
    assert street.act(case_id, "extension", {"reason": "需要时间"}).status_code == 403


def test_extension_refused_keeps_the_deadline(
    api_for: Any, town_operator: User, units: Units, env_handler: User
) -> None:
    api, env = api_for(town_operator), api_for(env_handler)
    case_id = dispatched(api, units)
    env.act(case_id, "sign")
    env.act(case_id, "start")
    due = Case.objects.get(pk=case_id).due_at
    env.act(case_id, "extension", {"reason": "需协调"})
    # without a date, an amount or an extension rule the approver must name a deadline
    vague = api.act(case_id, "extension/approve", {})
    assert vague.status_code == 422 and vague.json()["errors"][0]["field"] == "new_due_at"
    half = api.act(case_id, "extension/approve", {"extra_amount": 2})
    assert half.status_code == 422 and half.json()["errors"][0]["field"] == "extra_unit"
    refused = api.act(case_id, "extension/refuse", {"note": "理由不充分"})
    assert refused.status_code == 200 and refused.json()["status"] == "handling"
    assert Case.objects.get(pk=case_id).due_at == due
    request = ExtensionRequest.objects.get(case_id=case_id)
    assert request.status == "refused" and request.decided_by == town_operator
    # nothing pending: a second refusal is refused by the table (handling ≠ extension_requested)
    assert api.act(case_id, "extension/refuse", {"note": "再次"}).status_code == 409


def test_public_view_hides_work_in_progress(
    api_for: Any, town_operator: User, units: Units, env_handler: User
) -> None:
    client = Client()
    created = client.post(
        "/api/v1/cases/public/submit",
        {
            "description": "路灯坏了两周没人修",
            "region_code": "620102001001001",
            "name": "钱七",
            "phone": "13800001111",
            "category_code": "RX0402",
        },
        content_type="application/json",
        headers={"Idempotency-Key": "0b6f4a1e-0000-4000-8000-000000000001"},
    )
    receipt, code = created.json()["receipt_no"], created.json()["verification_code"]
    api, env = api_for(town_operator), api_for(env_handler)
    case_id = Case.objects.get(receipt_no=receipt).pk
    api.act(case_id, "accept")
    api.act(case_id, "dispatch", {"lead": {"unit_id": units.env.pk}})
    env.act(case_id, "sign")
    env.act(case_id, "start")
    env.act(case_id, "reply", {"reply": "初步答复：已报修", "resolved": False})
    view = client.post(
        "/api/v1/cases/public/track", {"receipt_no": receipt, "code": code}, "application/json"
    ).json()
    assert view["reply"] == ""  # not shown before review
    assert [s["step"] for s in view["steps"]] == [
        "已受理", "待派单", "已派单（待签收）", "已签收", "办理中", "已答复（待审核）",
    ]  # fmt: skip
    assert view["due_at"] is not None
    # the receipt number is case-insensitive for people typing it
    lower = client.post(
        "/api/v1/cases/public/track",
        {"receipt_no": receipt.lower(), "code": code.lower()},
        "application/json",
    )
    assert lower.status_code == 200
    bad = client.post(
        "/api/v1/cases/public/rate",
        {"receipt_no": receipt, "code": code, "satisfaction": "unreachable"},
        "application/json",
    )
    assert bad.status_code == 422


def test_admin_changes_to_thresholds_are_audited(territory: Territory, units: Units) -> None:
    admin_user = User.objects.create_superuser("root", password="Very-Long-Passw0rd!")
    client = Client()
    client.force_login(admin_user)
    rule = SupervisionRule.objects.get(kind="", level=SupervisionLevel.URGE)
    response = client.post(
        f"/internal-admin/cases/supervisionrule/{rule.pk}/change/",
        {
            "kind": "",
            "level": 1,
            "overdue_by": 2,
            "unit": "calendar_days",
            "source": rule.source,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    rule.refresh_from_db()
    assert rule.overdue_by == 2
    entry = AuditEntry.objects.filter(action="cases.supervisionrule.change").get()
    assert entry.data == {"fields": ["overdue_by"]} and entry.actor_name == "root"
    # cases are read-only in the admin
    assert client.get("/internal-admin/cases/case/add/").status_code == 403


def test_duplicate_candidates_edges(
    territory: Territory, town_operator: User, units: Units
) -> None:
    noise = Category.objects.get(code="RX0501")
    now = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)

    def make(description: str, *, days: int = 0, category: Category | None = noise) -> Case:
        draft = a.CaseDraft(
            kind="hotline",
            channel="hotline_phone",
            description=description,
            region=territory.grid_a1,
            category=category,
            received_at=now + dt.timedelta(days=days),
        )
        return a.do_register(draft, actor=town_operator).case

    same = make("工地夜间施工噪声扰民")
    old = make("工地夜间施工噪声扰民", days=-30)
    sibling = make("工地夜间施工噪声扰民", category=Category.objects.get(code="RX0502"))
    unrelated = make("工地夜间施工噪声扰民", category=Category.objects.get(code="RX0101"))
    merged = make("工地夜间施工噪声扰民")
    a.do_merge(merged, into=same, actor=town_operator)
    found = duplicates.candidates(
        Case.objects.all(),
        region=territory.grid_a2,  # same township, another grid
        category=noise,
        received_at=now,
        description="夜间工地施工噪声扰民",
    )
    ids = {c.case.pk for c in found}
    assert same.pk in ids and sibling.pk in ids
    assert old.pk not in ids and unrelated.pk not in ids and merged.pk not in ids
    assert Case.objects.get(pk=merged.pk).status == MERGED
    # another township sees none of them
    elsewhere = duplicates.candidates(
        Case.objects.all(),
        region=territory.other_grid,
        category=noise,
        received_at=now,
        description="工地夜间施工噪声扰民",
    )
    assert elsewhere == []


def test_reveal_needs_a_centre_role(
    api_for: Any, town_operator: User, units: Units, env_handler: User, outsider: User
) -> None:
    api = api_for(town_operator)
    case_id = dispatched(api, units)
    party = api.case(case_id)["parties"][0]["id"]
    url = f"/api/v1/cases/{case_id}/parties/{party}/reveal"
    assert api_for(env_handler).post(url, {"reason": "回访核实"}).status_code == 403
    assert api_for(outsider).post(url, {"reason": "回访核实"}).status_code == 404
    assert api.post(url, {"reason": "x"}).status_code == 422  # a reason is required
    assert (
        api.post(
            f"/api/v1/cases/{case_id}/parties/999999/reveal", {"reason": "回访核实"}
        ).status_code
        == 404
    )


def test_not_allowed_carries_403(territory: Territory, grid_worker: User, units: Units) -> None:
    draft = a.CaseDraft(
        kind="hotline", channel="hotline_phone", description="x", region=territory.grid_a2
    )
    with pytest.raises(NotAllowed) as denied:
        a.do_register(draft, actor=grid_worker)
    assert denied.value.status == 403
    assert Region.objects.get(code="620102001001002").cases.count() == 0

"""The operator console and the unit handler's pages: worklists, the case page, its actions
(exactly those the engine allows now), unmasking, attachments, scoping (out of scope = 404)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Assignment, Case
from fengqiao.cases.tests.conftest import Units
from fengqiao.console.tests.cases_helpers import PHONE, act, client_for, offered, register
from fengqiao.testing import Territory, make_user

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def case(territory: Territory, town_operator: User, units: Units) -> Case:
    return register(town_operator, territory.grid_a1).case


# ------------------------------------------------------------------ worklists


def test_worklist_counts_and_lists_the_new_case(case: Case, town_operator: User) -> None:
    response = client_for(town_operator).get("/console/cases/")
    assert response.status_code == 200
    counts = dict((b.key, n) for b, n in response.context["buckets"])
    assert counts["new"] == 1 and counts["open"] == 1 and counts["overdue"] == 0
    body = response.content.decode()
    assert case.receipt_no in body
    assert "139****5678" in body and PHONE not in body
    assert response["Cache-Control"] == "no-store"


def test_worklist_buckets_follow_the_case(
    case: Case, town_operator: User, env_handler: User
) -> None:
    client = client_for(town_operator)
    assert act(client, case, "accept").status_code == 302
    assert act(client, case, "dispatch", lead_opt="").status_code == 302
    response = client.get("/console/cases/?list=new")
    assert response.context["page"].paginator.count == 0
    mine = client.get("/console/cases/?list=mine")
    assert mine.context["page"].paginator.count == 1
    Case.objects.filter(pk=case.pk).update(is_overdue=True, supervision_level=2)
    counts = dict((b.key, n) for b, n in client.get("/console/cases/").context["buckets"])
    assert counts["overdue"] == 1 and counts["supervised"] == 1 and counts["new"] == 0


def test_worklist_hides_other_areas(case: Case, outsider: User) -> None:
    response = client_for(outsider).get("/console/cases/?list=open")
    assert response.status_code == 200
    assert case.receipt_no not in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_worklist_filters_and_bad_values(
    case: Case, territory: Territory, town_operator: User
) -> None:
    client = client_for(town_operator)
    other = register(town_operator, territory.grid_a2, category="RX02", description="物业费纠纷")
    q = client.get("/console/cases/", {"list": "open", "category": "RX05"})
    assert [r[0].receipt_no for r in q.context["rows"]] == [case.receipt_no]
    q = client.get("/console/cases/", {"list": "open", "region": str(territory.grid_a2.pk)})
    assert [r[0].receipt_no for r in q.context["rows"]] == [other.case.receipt_no]
    q = client.get("/console/cases/", {"list": "open", "channel": "walk_in"})
    assert q.context["page"].paginator.count == 0
    q = client.get("/console/cases/", {"list": "open", "risk": "none", "sort": "-received"})
    assert q.context["page"].paginator.count == 2
    q = client.get("/console/cases/", {"list": "open", "q": case.receipt_no.lower()})
    assert q.context["page"].paginator.count == 1
    for bad in ({"region": "abc"}, {"kind": "nope"}, {"list": "zzz"}, {"page": "-1"}):
        assert client.get("/console/cases/", bad).status_code == 200


def test_worklist_htmx_returns_only_the_results(case: Case, town_operator: User) -> None:
    response = client_for(town_operator).get(
        "/console/cases/",
        {"list": "open"},
        headers={"HX-Request": "true", "HX-Target": "case-results"},
    )
    body = response.content.decode()
    assert "<html" not in body and case.receipt_no in body


def test_worklist_roles(case: Case, grid_worker: User, env_handler: User) -> None:
    assert client_for(grid_worker).get("/console/cases/").status_code == 403
    assert client_for(env_handler).get("/console/cases/").status_code == 403
    assert client_for(None).get("/console/cases/").status_code == 302


def test_unit_worklist(
    case: Case, town_operator: User, env_handler: User, street_handler: User
) -> None:
    operator = client_for(town_operator)
    act(operator, case, "accept")
    act(operator, case, "dispatch", lead_opt="")
    response = client_for(env_handler).get("/console/cases/unit/")
    assert response.status_code == 200
    assert case.receipt_no in response.content.decode()
    counts = dict((b.key, n) for b, n in response.context["buckets"])
    assert counts == {"pending": 1, "signed": 0, "objected": 0, "replied": 0}
    co = client_for(street_handler).get("/console/cases/unit/?status=bogus")
    assert case.receipt_no in co.content.decode()  # the catalogue's co-unit
    assert client_for(town_operator).get("/console/cases/unit/").status_code == 403


# ------------------------------------------------------------------ the case page


def test_case_page_shows_the_case_masked(case: Case, town_operator: User) -> None:
    response = client_for(town_operator).get(f"/console/cases/{case.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "张*" in body and "139****5678" in body and PHONE not in body
    assert "登记" in body  # timeline
    assert response["Cache-Control"] == "no-store"


def test_out_of_scope_case_is_404_like_a_missing_one(case: Case, outsider: User) -> None:
    client = client_for(outsider)
    out = client.get(f"/console/cases/{case.pk}/")
    missing = client.get("/console/cases/999999/")
    assert out.status_code == missing.status_code == 404
    assert case.receipt_no not in out.content.decode()
    assert act(client, case, "accept").status_code == 404
    assert client.post(f"/console/cases/{case.pk}/attachments/").status_code == 404
    party = case.parties.get()
    url = f"/console/cases/{case.pk}/parties/{party.pk}/reveal/"
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_actions_offered_are_the_engines(
    case: Case, town_operator: User, county_leader: User
) -> None:
    names = offered(client_for(town_operator), case)
    assert set(names) == {
        "answer_directly",
        "transfer_emergency",
        "refer_channel",
        "reject",
        "accept",
        "supervise",
    }
    assert offered(client_for(county_leader), case) == []  # reads, acts nowhere


def test_whole_hotline_journey_through_the_pages(
    case: Case, town_operator: User, env_handler: User, street_handler: User, units: Units
) -> None:
    operator, env, street = (client_for(u) for u in (town_operator, env_handler, street_handler))
    assert act(operator, case, "accept").status_code == 302
    assert "dispatch" in offered(operator, case)
    response = act(
        operator, case, "dispatch", lead_opt=units.env.pk, co_units=[units.street.pk], task="查处"
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(case=case).count() == 2
    assert offered(env, case) == ["sign", "object"]
    assert offered(street, case) == ["sign", "object"]
    assert act(env, case, "sign").status_code == 302
    assert act(street, case, "sign").status_code == 302
    assert offered(street, case) == ["reply"]
    assert act(street, case, "reply", reply="已配合巡查", resolved_req="yes").status_code == 302
    assert act(env, case, "start").status_code == 302
    assert set(offered(env, case)) == {"request_extension", "pause", "reply"}
    assert act(env, case, "reply", reply="已责令停工", resolved_req="yes").status_code == 302
    assert act(operator, case, "approve_reply", note="").status_code == 302
    assert "callback" in offered(operator, case)
    response = act(operator, case, "callback", satisfaction="dissatisfied", acted="yes", note="")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "handling"
    assert "退单/退回" in operator.get("/console/cases/?list=returned").content.decode()
    assert operator.get("/console/cases/?list=returned").context["page"].paginator.count == 1
    assert act(env, case, "reply", reply="已彻底整改", resolved_req="yes").status_code == 302
    act(operator, case, "approve_reply", note="")
    assert operator.get("/console/cases/?list=callback").context["page"].paginator.count == 1
    act(operator, case, "callback", satisfaction="satisfied", resolved_opt="yes", acted="yes")
    case.refresh_from_db()
    assert case.status == "closed" and case.resolved is True
    page = operator.get(f"/console/cases/{case.pk}/").content.decode()
    for label in ("派单", "签收", "协办签收", "协办反馈", "答复（办结反馈）", "回访"):
        assert label in page


def test_refusals_are_chinese_pages_not_500(
    case: Case, town_operator: User, county_leader: User, env_handler: User
) -> None:
    operator = client_for(town_operator)
    stale = operator.post(
        f"/console/cases/{case.pk}/act/accept/", {"accept-version": case.version + 5}
    )
    assert stale.status_code == 409
    assert "该事项已被他人更新" in stale.content.decode()
    wrong_state = act(operator, case, "sign")
    assert wrong_state.status_code == 409
    assert "当前允许的操作" in wrong_state.content.decode()
    missing_reason = act(operator, case, "reject", reason="")
    assert missing_reason.status_code == 422
    assert "请填写此项" in missing_reason.content.decode()
    no_version = operator.post(f"/console/cases/{case.pk}/act/accept/", {"accept-version": "x"})
    assert no_version.status_code == 422
    assert operator.post(f"/console/cases/{case.pk}/act/nonsense/").status_code == 404
    leader = act(client_for(county_leader), case, "accept")
    assert leader.status_code == 403
    assert "没有办理权限" in leader.content.decode()
    assert act(client_for(env_handler), case, "accept").status_code == 404  # not assigned
    case.refresh_from_db()
    assert case.status == "registered"


def test_dispatch_to_a_unit_that_does_not_serve_the_area_is_refused(
    case: Case, town_operator: User, units: Units
) -> None:
    operator = client_for(town_operator)
    act(operator, case, "accept")
    response = act(operator, case, "dispatch", lead_opt=units.other.pk)
    assert response.status_code == 422
    assert "单位无效" in response.content.decode()


def test_reveal_is_audited_and_limited(case: Case, town_operator: User, env_handler: User) -> None:
    party = case.parties.get()
    url = f"/console/cases/{case.pk}/parties/{party.pk}/reveal/"
    operator = client_for(town_operator)
    assert operator.post(url, {"reason": ""}).status_code == 422
    response = operator.post(url, {"reason": "回访核实身份"})
    assert response.status_code == 200
    assert PHONE in response.content.decode() and "张三" in response.content.decode()
    entry = AuditEntry.objects.filter(action="case.party_reveal").latest("pk")
    assert entry.outcome == "success" and entry.reason == "回访核实身份"
    assert PHONE not in str(entry.data)
    act(operator, case, "accept")
    act(operator, case, "dispatch", lead_opt="")
    handler = client_for(env_handler).post(url, {"reason": "想看"})
    assert handler.status_code == 403 and PHONE not in handler.content.decode()
    assert AuditEntry.objects.filter(action="case.party_reveal", outcome="denied").count() == 1


def test_complainant_is_withheld_from_the_unit_complained_about(
    territory: Territory, town_operator: User, env_handler: User, units: Units
) -> None:
    case = register(town_operator, territory.grid_a1, respondent_unit=units.env).case
    client = client_for(town_operator)
    act(client, case, "accept")
    act(client, case, "dispatch", lead_opt="")
    body = client_for(env_handler).get(f"/console/cases/{case.pk}/").content.decode()
    assert "（保密）" in body and "张*" not in body and "139****5678" not in body


def test_upload_checks_the_file(case: Case, town_operator: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(town_operator)
    url = f"/console/cases/{case.pk}/attachments/"
    ok = client.post(url, {"file": SimpleUploadedFile("现场.png", PNG, "image/png")})
    assert ok.status_code == 302
    assert case.attachments.count() == 1
    fake = SimpleUploadedFile("x.jpg", b"<html><script>1</script></html>", "image/jpeg")
    bad = client.post(url, {"file": fake})
    assert bad.status_code == 422 and "不支持的文件类型" in bad.content.decode()
    assert client.post(url, {}).status_code == 422
    assert "现场.png" in client.get(f"/console/cases/{case.pk}/").content.decode()


def test_merged_case_offers_unmerge(case: Case, territory: Territory, town_operator: User) -> None:
    from fengqiao.cases.actions import do_merge

    child = register(town_operator, territory.grid_a1, phone="13800000001").case
    do_merge(child, into=case, actor=town_operator)
    client = client_for(town_operator)
    assert offered(client, child) == ["unmerge"]
    assert act(client, child, "unmerge", reason_opt="误并").status_code == 302
    child.refresh_from_db()
    assert child.status == "registered" and child.parent_id is None


def test_supervise_from_the_page(case: Case, town_operator: User) -> None:
    client = client_for(town_operator)
    assert act(client, case, "supervise", level=2, reason="群众多次来电").status_code == 302
    case.refresh_from_db()
    assert case.supervision_level == 2
    assert act(client, case, "supervise", level=9, reason="x").status_code == 422


def test_nav_shows_the_case_pages_by_role(
    territory: Territory, town_operator: User, env_handler: User, grid_worker: User
) -> None:
    def keys(user: User) -> set[str]:
        response = client_for(user).get("/")
        return {link.key for link in response.context["console"].nav}

    assert {"cases", "intake"} <= keys(town_operator)
    assert keys(env_handler) == {"unit"}
    assert {"report", "tasks"} <= keys(grid_worker) and "cases" not in keys(grid_worker)
    leader = make_user("city_leader", Role.LEADER, territory.city, can_act=False)
    assert "cases" in keys(leader) and "intake" not in keys(leader)


def _dispatched(case: Case, operator: User, units: Units, lead: int | None = None) -> None:
    client = client_for(operator)
    assert act(client, case, "accept").status_code == 302
    assert act(client, case, "dispatch", lead_opt=lead or "").status_code == 302


def test_handler_objects_and_the_centre_rules(
    case: Case, town_operator: User, env_handler: User, units: Units
) -> None:
    _dispatched(case, town_operator, units)
    env, operator = client_for(env_handler), client_for(town_operator)
    assert act(env, case, "object", reason="").status_code == 422
    assert act(env, case, "object", reason="噪声源为建筑工地，属住建部门").status_code == 302
    assert set(offered(operator, case)) == {"redispatch", "uphold", "supervise"}
    assert operator.get("/console/cases/?list=returned").context["page"].paginator.count == 1
    assert act(operator, case, "uphold", reason="属环保职责").status_code == 302
    assert offered(env, case) == ["sign"]  # locked: may not object again (rule 11)
    refused = env.post(
        f"/console/cases/{case.pk}/act/object/",
        {"object-version": Case.objects.get(pk=case.pk).version, "object-reason": "再退"},
    )
    assert refused.status_code == 409 and "首接负责制" in refused.content.decode()


def test_redispatch_moves_the_case_to_another_unit(
    case: Case, town_operator: User, env_handler: User, units: Units
) -> None:
    _dispatched(case, town_operator, units)
    act(client_for(env_handler), case, "object", reason="不属本单位")
    operator = client_for(town_operator)
    assert act(operator, case, "redispatch", lead="", reason="改派").status_code == 422
    assert (
        act(operator, case, "redispatch", lead=units.housing.pk, reason="改派").status_code == 302
    )
    case.refresh_from_db()
    assert case.lead_unit == units.housing
    assert client_for(env_handler).get(f"/console/cases/{case.pk}/").status_code == 404


def test_extension_and_pause_through_the_pages(
    case: Case, town_operator: User, env_handler: User, units: Units
) -> None:
    _dispatched(case, town_operator, units)
    env, operator = client_for(env_handler), client_for(town_operator)
    act(env, case, "sign")
    act(env, case, "start")
    case.refresh_from_db()
    due = case.due_at
    assert due is not None
    early = act(
        env, case, "request_extension", reason="需现场检测", requested_due_at="2000-01-01T10:00"
    )
    assert early.status_code == 422 and "须晚于当前时限" in early.content.decode()
    bad_date = act(env, case, "request_extension", reason="需现场检测", requested_due_at="明天")
    assert bad_date.status_code == 422 and "请输入有效的日期和时间" in bad_date.content.decode()
    assert act(env, case, "request_extension", reason="需现场检测").status_code == 302
    assert {"approve_extension", "refuse_extension"} <= set(offered(operator, case))
    later = timezone.localtime(due + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    assert (
        act(operator, case, "approve_extension", new_due_at=later, note="同意").status_code == 302
    )
    case.refresh_from_db()
    assert case.due_at is not None and case.due_at > due
    assert "延期申请" in operator.get(f"/console/cases/{case.pk}/").content.decode()
    assert act(env, case, "pause", reason="等待群众提供材料").status_code == 302
    assert "暂停计时中" in env.get(f"/console/cases/{case.pk}/").content.decode()
    assert act(env, case, "resume").status_code == 302
    case.refresh_from_db()
    assert case.status == "handling" and case.paused_at is None


def test_triage_endings(territory: Territory, town_operator: User, units: Units) -> None:
    client = client_for(town_operator)
    answered = register(town_operator, territory.grid_a1, phone="13800000011").case
    assert act(client, answered, "answer_directly", answer="已告知办理流程").status_code == 302
    answered.refresh_from_db()
    assert answered.status == "answered" and offered(client, answered) == ["archive"]
    moved = register(town_operator, territory.grid_a1, phone="13800000012").case
    assert act(client, moved, "transfer_emergency", service="119", reason_opt="").status_code == 302
    referred = register(town_operator, territory.grid_a1, phone="13800000013").case
    assert (
        act(client, referred, "refer_channel", channel_to="人民法院", reason_opt="").status_code
        == 302
    )
    rejected = register(town_operator, territory.grid_a1, phone="13800000014").case
    assert act(client, rejected, "reject", reason="不属受理范围").status_code == 302
    assert act(client, rejected, "archive").status_code == 302
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"answered", "transferred", "referred", "archived"} <= statuses
    assert client.get("/console/cases/?list=open").context["page"].paginator.count == 0


def test_co_unit_objection_is_noted_and_the_case_stays(
    case: Case, town_operator: User, street_handler: User, units: Units
) -> None:
    _dispatched(case, town_operator, units)
    street = client_for(street_handler)
    assert act(street, case, "object", reason="非本单位职责").status_code == 302
    case.refresh_from_db()
    assert case.status == "dispatched"
    assert offered(street, case) == []
    assert (
        "协办异议" in client_for(town_operator).get(f"/console/cases/{case.pk}/").content.decode()
    )


def test_time_left_words() -> None:
    from datetime import UTC, datetime

    from fengqiao.console.case_pages import time_left

    now = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    assert time_left(None, now) == ""
    assert time_left(now + timedelta(days=2, hours=3), now) == "剩余 2 天 3 小时"
    assert time_left(now + timedelta(hours=5, minutes=7), now) == "剩余 5 小时 7 分"
    assert time_left(now + timedelta(seconds=20), now) == "剩余 1 分钟"
    assert time_left(now - timedelta(days=1, hours=2), now) == "已超期 1 天 2 小时"


def test_grid_event_machine_actions_on_the_page(
    territory: Territory, grid_worker: User, town_operator: User, units: Units
) -> None:
    found = register(
        grid_worker,
        territory.grid_a1,
        kind="grid_event",
        channel="grid_patrol",
        category="WG03",
        phone="",
    ).case
    worker = client_for(grid_worker)
    assert set(offered(worker, found)) == {"resolve_on_site", "report"}
    assert act(worker, found, "report", reason_opt="").status_code == 302
    assert offered(worker, found) == []
    assert "dispatch" in offered(client_for(town_operator), found)

"""More of what the case pages show: clocks and time left, per-unit deadlines, timeline words,
sorting, read-only viewers, AC-10 on the page, attachment downloads, grid tasks and the
citizen's key dates."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions import (
    AssignmentDraft,
    do_accept,
    do_approve_reply,
    do_attach,
    do_callback,
    do_dispatch,
    do_raise_supervision,
    do_reply,
    do_sign,
    do_start,
)
from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import Units
from fengqiao.console.tests.cases_helpers import client_for, offered, register
from fengqiao.console.tests.test_case_pages import PNG
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db


def _dispatched(territory: Territory, operator: User, **kw: object) -> Case:
    case = register(operator, territory.grid_a1, **kw).case  # type: ignore[arg-type]
    case = do_accept(case, actor=operator)
    return do_dispatch(case, actor=operator, lead=None)


def test_clock_panel_shows_deadline_basis_and_time_left(
    territory: Territory, town_operator: User, units: Units
) -> None:
    case = _dispatched(territory, town_operator)
    assert case.due_at is not None
    response = client_for(town_operator).get(f"/console/cases/{case.pk}/")
    body = response.content.decode()
    assert timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") in body
    assert response.context["time_left"].startswith("剩余")
    assert case.due_basis and case.due_basis[:10] in body
    # each assignment carries its own deadline and time left
    rows = response.context["assignments"]
    assert len(rows) == 2 and all(left.startswith("剩余") for _a, left in rows)


def test_overdue_case_says_so(territory: Territory, town_operator: User, units: Units) -> None:
    case = _dispatched(territory, town_operator)
    Case.objects.filter(pk=case.pk).update(
        due_at=timezone.now() - timedelta(hours=5), is_overdue=True
    )
    response = client_for(town_operator).get(f"/console/cases/{case.pk}/")
    assert response.context["time_left"].startswith("已超期")
    assert "已超期" in response.content.decode()


def test_timeline_speaks_chinese(territory: Territory, town_operator: User, units: Units) -> None:
    case = _dispatched(territory, town_operator)
    do_attach(case, actor=town_operator, name="a.png", data=PNG)
    do_raise_supervision(case, level=1, actor=town_operator, reason="群众催问")
    steps = client_for(town_operator).get(f"/console/cases/{case.pk}/").context["timeline"]
    labels = [s.label for s in steps]
    assert labels == ["登记", "转派单", "派单", "上传附件", "督办"]
    dispatch = steps[2]
    assert dispatch.moved and dispatch.from_label == "待派单"
    assert dispatch.to_label == "已派单（待签收）"
    assert not steps[3].moved
    assert steps[4].reason == "群众催问"


def test_worklist_sorts_by_deadline_with_undated_last(
    territory: Territory, town_operator: User, units: Units
) -> None:
    soon = register(town_operator, territory.grid_a1, phone="13800000021").case
    later = register(town_operator, territory.grid_a1, phone="13800000022").case
    undated = register(town_operator, territory.grid_a1, phone="13800000023").case
    now = timezone.now()
    Case.objects.filter(pk=soon.pk).update(due_at=now + timedelta(hours=2))
    Case.objects.filter(pk=later.pk).update(due_at=now + timedelta(days=2))
    client = client_for(town_operator)

    def order(sort: str) -> list[str]:
        response = client.get("/console/cases/", {"list": "open", "sort": sort})
        return [row[0].receipt_no for row in response.context["rows"]]

    assert order("due") == [soon.receipt_no, later.receipt_no, undated.receipt_no]
    assert order("-due") == [later.receipt_no, soon.receipt_no, undated.receipt_no]
    assert order("-received")[0] == undated.receipt_no
    assert order("nonsense") == order("due")


def test_leader_reads_without_forms(
    territory: Territory, town_operator: User, county_leader: User, units: Units
) -> None:
    case = register(town_operator, territory.grid_a1).case
    response = client_for(county_leader).get(f"/console/cases/{case.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["can_reveal"] is False and response.context["can_upload"] is False
    assert "/reveal/" not in body and '/attachments/"' not in body
    assert "当前没有您可以办理的操作" in body
    assert "139****5678" in body


def test_respondent_unit_may_not_unmask_or_see_the_complainant(
    territory: Territory, town_operator: User, env_handler: User, units: Units
) -> None:
    case = register(town_operator, territory.grid_a1, respondent_unit=units.env).case
    case = do_accept(case, actor=town_operator)
    do_dispatch(case, actor=town_operator, lead=None)
    handler = client_for(env_handler)
    page = handler.get(f"/console/cases/{case.pk}/")
    party = page.context["parties"][0].party
    assert party.withheld and party.name == "（保密）"
    url = f"/console/cases/{case.pk}/parties/{party.id}/reveal/"
    assert f'action="{url}"' not in page.content.decode()
    denied = handler.post(url, {"reason": "核实"})
    assert denied.status_code == 403 and "张三" not in denied.content.decode()
    listed = handler.get("/console/cases/unit/").content.decode()
    assert "张*" not in listed


def test_attachment_links_download_through_the_scoped_api(
    territory: Territory, town_operator: User, outsider: User, units: Units
) -> None:
    case = register(town_operator, territory.grid_a1).case
    client = client_for(town_operator)
    client.post(
        f"/console/cases/{case.pk}/attachments/",
        {"file": SimpleUploadedFile("现场.png", PNG, "image/png")},
    )
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    match = re.search(r'href="(/api/v1/cases/\d+/attachments/\d+)"', page)
    assert match
    download = client.get(match.group(1))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert download["Content-Disposition"].startswith("attachment")
    assert client_for(outsider).get(match.group(1)).status_code == 404


def test_grid_tasks_leave_out_closed_cases_and_sort_by_deadline(
    territory: Territory, grid_worker: User, town_operator: User, units: Units
) -> None:
    first = register(town_operator, territory.grid_a1, phone="13800000031").case
    second = register(town_operator, territory.grid_a1, phone="13800000032").case
    closed = register(town_operator, territory.grid_a1, phone="13800000033").case
    Case.objects.filter(pk=second.pk).update(due_at=timezone.now() + timedelta(hours=1))
    Case.objects.filter(pk=closed.pk).update(is_open=False, status="answered")
    rows = client_for(grid_worker).get("/console/grid/tasks/").context["rows"]
    assert [c.receipt_no for c, _left in rows] == [second.receipt_no, first.receipt_no]


def test_grid_worker_sees_a_case_of_their_grid_but_not_the_next(
    territory: Territory, grid_worker: User, town_operator: User, units: Units
) -> None:
    mine = register(town_operator, territory.grid_a1).case
    other = register(town_operator, territory.grid_a2, phone="13800000041").case
    client = client_for(grid_worker)
    assert client.get(f"/console/cases/{mine.pk}/").status_code == 200
    assert offered(client, mine) == []  # a 12345 order: nothing for the grid worker to do
    assert client.get(f"/console/cases/{other.pk}/").status_code == 404


def test_portal_track_shows_key_dates_and_no_names(
    territory: Territory, town_operator: User, env_handler: User, units: Units
) -> None:
    client = Client()
    data = {
        "idempotency_key": "6f1c1c2e-2d2c-4f43-9f55-3c1c1c2e2d2c",
        "name": "李四",
        "phone": "13700002222",
        "region": territory.village.code,
        "description": "小区路灯坏了一个月没人修",
        "confidential": "on",
    }
    body = client.post("/portal/", data).content.decode()
    receipt = re.search(r"data-receipt>([A-Z0-9]+)<", body)
    code = re.search(r"data-code>([A-Z0-9]+)<", body)
    assert receipt and code and "data-print" in body
    case = Case.objects.get(receipt_no=receipt.group(1))
    assert case.has_flag("confidential") and case.category is None
    case = do_accept(case, actor=town_operator)
    case = do_dispatch(case, actor=town_operator, lead=AssignmentDraft(unit=units.env))
    case = do_start(do_sign(case, actor=env_handler), actor=env_handler)
    case = do_reply(case, actor=env_handler, reply="已更换路灯", resolved=True)
    case = do_approve_reply(case, actor=town_operator)
    do_callback(case, actor=town_operator, satisfaction="satisfied", resolved=True)
    page = client.post("/portal/track/", {"receipt_no": receipt.group(1), "code": code.group(1)})
    view = page.context["view"]
    assert view.closed_at is not None and view.due_at is not None
    steps = [s.step for s in view.steps]
    assert steps[0] == "已受理" and steps[-1] == "已办结"
    text = page.content.decode()
    assert "已更换路灯" in text and "env_handler" not in text and "town_operator" not in text
    assert view.can_rate is False and "评价办理结果" not in text


def test_unit_worklist_follows_the_assignment(
    territory: Territory, town_operator: User, env_handler: User, units: Units
) -> None:
    case = _dispatched(territory, town_operator)
    client = client_for(env_handler)

    def listed(status: str) -> list[str]:
        response = client.get("/console/cases/unit/", {"status": status})
        return [a.case.receipt_no for a, _left in response.context["rows"]]

    assert listed("pending") == [case.receipt_no] and listed("signed") == []
    case = do_sign(case, actor=env_handler)
    assert listed("pending") == [] and listed("signed") == [case.receipt_no]
    case = do_start(case, actor=env_handler)
    do_reply(case, actor=env_handler, reply="已处理", resolved=True)
    assert listed("replied") == [case.receipt_no]
    counts = dict((b.key, n) for b, n in client.get("/console/cases/unit/").context["buckets"])
    assert counts == {"pending": 0, "signed": 0, "objected": 0, "replied": 1}


def test_intake_page_wires_the_check_panel(territory: Territory, town_operator: User) -> None:
    body = client_for(town_operator).get("/console/cases/new/").content.decode()
    assert 'hx-post="/console/cases/new/check/"' in body
    assert 'hx-target="#intake-check"' in body
    assert 'name="idempotency_key"' in body and 'type="hidden"' in body
    assert 'aria-live="polite"' in body


def test_grid_report_page_is_phone_ready(territory: Territory, grid_worker: User) -> None:
    body = client_for(grid_worker).get("/console/grid/report/").content.decode()
    assert 'class="phone"' in body and "data-idempotent-report" in body
    assert 'capture="environment"' in body and 'accept="image/*"' in body
    assert "data-locate" in body and 'enctype="multipart/form-data"' in body
    grids = re.findall(r'<option value="(\d{15})"', body)
    assert grids == [territory.grid_a1.code]  # only the worker's own grid


def test_reveal_by_an_operator_of_another_township_is_404(
    territory: Territory, town_operator: User, units: Units
) -> None:
    from fengqiao.accounts.models import Role
    from fengqiao.audit.models import AuditEntry
    from fengqiao.testing import make_user

    case = register(town_operator, territory.grid_a1).case
    party = case.parties.get()
    neighbour = make_user("west_operator", Role.OPERATOR, territory.other_town)
    url = f"/console/cases/{case.pk}/parties/{party.pk}/reveal/"
    assert client_for(neighbour).post(url, {"reason": "好奇"}).status_code == 404
    assert not AuditEntry.objects.filter(action="case.party_reveal").exists()


def test_dispatch_form_lists_only_units_that_serve_the_area(
    territory: Territory, town_operator: User, units: Units
) -> None:
    from fengqiao.console.case_ops import ActionForm, serving_units

    case = do_accept(register(town_operator, territory.grid_a1).case, actor=town_operator)
    served = set(serving_units(case))
    assert {units.env, units.street, units.housing} <= served
    assert units.other not in served  # 七里河区's bureau does not serve 城关区
    form = ActionForm(case=case, action="dispatch")
    assert "城关区生态环境分局" in str(form["lead_opt"].help_text)  # the catalogue's suggestion
    page = client_for(town_operator).get(f"/console/cases/{case.pk}/").content.decode()
    assert "七里河区住建局" not in page and "派单目录推荐" in page

"""并单 beyond the basics: merged cases are counted once in open work and never offered as
duplicates again; who may merge; what is kept and written; unmerge restores the exact state."""

from __future__ import annotations

from typing import Any

import pytest

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Case, CaseTransition
from fengqiao.cases.tests.conftest import Api, Units

NOISE = "秦安路工地夜间施工噪声扰民，持续到凌晨两点"


@pytest.fixture
def ops(api_for: Any, town_operator: User) -> Api:
    result: Api = api_for(town_operator)
    return result


def _open_ids(api: Api) -> list[int]:
    return [r["id"] for r in api.get("/api/v1/cases/", open="true", limit=100).json()["items"]]


def test_three_calls_about_one_noise_are_one_open_case(ops: Api, units: Units) -> None:
    parent = ops.create(description=NOISE).json()["id"]
    children = [
        ops.create(description=NOISE, channel=channel).json()["id"]
        for channel in ("hotline_web", "hotline_phone")
    ]
    # before merging, the intake screen offers the others as possible duplicates
    offered = [r["case"]["id"] for r in ops.get(f"/api/v1/cases/{parent}/duplicates").json()]
    assert sorted(offered) == sorted(children)
    for child in children:
        assert ops.act(child, "merge", {"into_id": parent, "reason": "同一诉求"}).status_code == 200
    # open work counts the matter once; every original stays in the full list
    assert _open_ids(ops) == [parent]
    everything = ops.get("/api/v1/cases/", limit=100).json()
    assert everything["count"] == 3
    merged = ops.get("/api/v1/cases/", status="merged").json()["items"]
    assert sorted(r["id"] for r in merged) == sorted(children)
    # and a merged case is never offered as a duplicate again
    assert ops.get(f"/api/v1/cases/{parent}/duplicates").json() == []
    draft = ops.post(
        "/api/v1/cases/duplicates",
        {"description": NOISE, "region_code": "620102001001001", "category_code": "RX0501"},
    ).json()
    assert [r["case"]["id"] for r in draft] == [parent]
    # each original keeps its own channel, receipt number and dates
    rows = Case.objects.filter(pk__in=children).order_by("pk")
    assert [c.channel for c in rows] == ["hotline_web", "hotline_phone"]
    assert all(c.parent_id == parent and c.received_at and c.receipt_no for c in rows)
    assert sorted(ops.case(parent)["merged_children"]) == [c.receipt_no for c in rows]


def test_merge_writes_both_timelines_and_the_audit(ops: Api, units: Units) -> None:
    parent = ops.create(description=NOISE).json()["id"]
    child = ops.create(description=NOISE).json()["id"]
    ops.act(child, "accept")
    ops.act(child, "merge", {"into_id": parent, "reason": "同一诉求"})
    parent_case, child_case = Case.objects.get(pk=parent), Case.objects.get(pk=child)
    merge = CaseTransition.objects.get(case=child_case, action="merge")
    assert (merge.from_status, merge.to_status) == ("pending_dispatch", "merged")
    assert merge.data == {"parent": parent_case.receipt_no, "restore": "pending_dispatch"}
    merge_in = CaseTransition.objects.get(case=parent_case, action="merge_in")
    assert merge_in.data == {"child": child_case.receipt_no}
    assert merge_in.from_status == merge_in.to_status == "registered"
    assert AuditEntry.objects.filter(action="case.merge", object_id=str(child)).count() == 1
    assert AuditEntry.objects.filter(action="case.merge_in", object_id=str(parent)).count() == 1
    # the parent's own state and version are untouched
    assert (parent_case.status, parent_case.version) == ("registered", 1)
    # unmerge restores the state it had, not the machine's initial one
    undone = ops.act(child, "unmerge", {"reason": "不是同一工地"})
    assert undone.json()["status"] == "pending_dispatch"
    assert CaseTransition.objects.filter(case=parent_case, action="unmerge_out").count() == 1
    assert Case.objects.get(pk=child).parent is None
    assert sorted(_open_ids(ops)) == sorted([parent, child])


def test_only_the_centre_merges(
    ops: Api, api_for: Any, grid_worker: User, county_leader: User, units: Units
) -> None:
    parent = ops.create(description=NOISE).json()["id"]
    child = ops.create(description=NOISE).json()["id"]
    worker = api_for(grid_worker)
    refused = worker.act(child, "merge", {"into_id": parent})
    assert refused.status_code == 403 and "受理/调度人员" in refused.json()["detail"]
    # a leader sees both but acts on neither
    assert api_for(county_leader).act(child, "merge", {"into_id": parent}).status_code == 403
    assert Case.objects.get(pk=child).status == "registered"


def test_no_merging_into_a_case_out_of_scope(
    ops: Api, api_for: Any, outsider: User, units: Units
) -> None:
    mine = ops.create(description=NOISE).json()["id"]
    theirs = api_for(outsider).create(description=NOISE, region_code="620103001001001").json()["id"]
    # another county's case is "missing" to this operator, exactly like a wrong id
    hidden = ops.act(mine, "merge", {"into_id": theirs})
    missing = ops.act(mine, "merge", {"into_id": 987654})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert Case.objects.get(pk=mine).status == "registered"


def test_merge_refusals_name_the_reason(ops: Api, units: Units) -> None:
    parent = ops.create(description=NOISE).json()["id"]
    child = ops.create(description=NOISE).json()["id"]
    other = ops.create(description=NOISE).json()["id"]
    ops.act(child, "merge", {"into_id": parent})
    # a parent with children is not merged away
    away = ops.act(parent, "merge", {"into_id": other})
    assert away.status_code == 409 and "已有并入的事项" in away.json()["detail"]
    # a closed case takes no children
    ops.act(other, "answer", {"answer": "已当场答复"})
    third = ops.create(description=NOISE).json()["id"]
    closed = ops.act(third, "merge", {"into_id": other})
    assert closed.status_code == 409 and "未办结" in closed.json()["detail"]
    # a stale version is refused like any other transition
    stale = ops.post(f"/api/v1/cases/{third}/merge", {"version": 7, "into_id": parent})
    assert stale.status_code == 409 and stale.json()["errors"][0]["field"] == "version"
    # a case that is not merged cannot be unmerged
    assert ops.act(third, "unmerge").status_code == 409
    assert Case.objects.get(pk=third).parent is None


def test_a_merged_case_accepts_no_workflow_action(ops: Api, units: Units) -> None:
    parent = ops.create(description=NOISE).json()["id"]
    child = ops.create(description=NOISE).json()["id"]
    ops.act(child, "merge", {"into_id": parent})
    for action, body in (
        ("accept", {}),
        ("reject", {"reason": "重复"}),
        ("answer", {"answer": "已答复"}),
        ("archive", {}),
    ):
        response = ops.act(child, action, body)
        assert response.status_code == 409, action
        error = response.json()
        assert "已并单" in error["detail"] and error["errors"][0]["allowed"] == []
    # the detail offers none of the machine's actions, only the way out of the merge
    assert ops.case(child)["allowed_actions"] == [{"value": "unmerge", "label": "撤销并单"}]
    assert ops.act(child, "unmerge", {}).status_code == 200
    assert "unmerge" not in {a["value"] for a in ops.case(child)["allowed_actions"]}

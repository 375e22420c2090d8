"""The demo history of the 统计看板 (console/demo_stats.py) on the test territory, its grids
marked as demo grids: the rollups equal a recomputation from the raw rows (timelines
included), the dashboard shows non-zero trends and 同比, the cases look like cases (category
titles, an address, an encrypted party, a timeline ending in their status), only recent ones
stay open, their pages open with the timeline and the masked party, and a second run adds
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse

from fengqiao.accounts.models import Role
from fengqiao.cases.models import Assignment, Case, CaseTransition, Party
from fengqiao.cases.workflow import MERGED, machine_for
from fengqiao.console import demo_history, demo_stats
from fengqiao.core.pii import blind_index
from fengqiao.regions.models import Level, Region
from fengqiao.reports import sync
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import Unit

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def history(territory: Territory) -> int:
    Region.objects.filter(level=Level.GRID).update(source="demo")
    return demo_stats.populate_history(cases=800, today=TODAY)


def test_history_is_consistent_and_dressed(territory: Territory, history: int) -> None:
    assert history == 800
    assert Case.objects.count() == 800
    assert sync.differences() == []
    assert not Case.objects.filter(title="基准测试事项").exists()
    assert not Case.objects.exclude(description=demo_stats.DESCRIPTION).exists()
    receipts = list(Case.objects.values_list("receipt_no", flat=True))
    assert len(set(receipts)) == 800
    assert all(r[:2] in {"RX", "WG", "TJ", "XF", "JQ"} and r[10:] >= "90001" for r in receipts)
    latest = Case.objects.order_by("-received_at").first()
    assert latest is not None and latest.received_at.date() < TODAY
    # units only in the territory's counties and townships, with DEMO- codes
    assert Unit.objects.exclude(code__startswith="DEMO-").count() == 0
    assert Unit.objects.filter(region=territory.county).count() == 8
    assert demo_stats.populate_history(cases=800, today=TODAY) == 0
    # (one generated history per test: it takes a while on SQLite)
    _only_recent_cases_stay_open()
    _every_case_has_a_party_and_a_timeline()
    _dashboard_has_something_to_show(territory)
    _generated_case_pages_open(territory)
    _closed_case_page_shows_its_story(territory)


def _only_recent_cases_stay_open() -> None:
    end = dt.datetime.combine(TODAY, dt.time(0), dt.UTC)
    cutoff = end - dt.timedelta(days=demo_stats.OPEN_DAYS + 1)
    assert not Case.objects.filter(is_open=True, received_at__lt=cutoff).exists()
    open_cases = Case.objects.filter(is_open=True).count()
    assert 0 < open_cases <= 20  # a handful of 800 (the hand-made demo adds its own)
    closed = Case.objects.filter(is_open=False).exclude(status=MERGED)
    assert not closed.filter(closed_at__isnull=True).exists()
    assert not closed.filter(is_overdue=True).exists()
    # a closed order was called back and rated; 按期办结率 and 满意率 stay realistic
    orders = closed.filter(kind="hotline", lead_unit__isnull=False)
    assert orders.exists()
    assert not orders.filter(callback_at__isnull=True).exists()
    assert not orders.filter(satisfaction="").exists()
    due = closed.filter(due_at__isnull=False)
    on_time = due.filter(closed_at__lte=F("due_at")).count() / due.count()
    assert 0.75 < on_time < 0.99
    ratings = list(orders.values_list("satisfaction", flat=True))
    assert 0.8 < sum(r in ("satisfied", "basic") for r in ratings) / len(ratings) < 1
    # open petitions waiting for their organ are `routed`, the petition machine's state
    machine = machine_for("petition")
    assert machine is not None
    for status in Case.objects.filter(kind="petition").values_list("status", flat=True):
        assert status in machine.states or status == MERGED


def _every_case_has_a_party_and_a_timeline() -> None:
    assert not Case.objects.filter(parties__isnull=True).exists()
    assert not Case.objects.filter(transitions__isnull=True).exists()
    assert not Case.objects.filter(address="").exists()
    assert not Party.objects.filter(phone_index="").exists()
    # the party's name and phone are encrypted at rest, and readable through the field
    party = Party.objects.order_by("pk").first()
    assert party is not None and party.phone.startswith("1990932") and len(party.phone) == 11
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone FROM cases_party WHERE id = %s", [party.pk])
        stored_name, stored_phone = cursor.fetchone()
    assert party.name not in stored_name and party.phone not in stored_phone
    # disputes have both sides
    dispute = Case.objects.filter(kind="dispute").exclude(status=MERGED).first()
    assert dispute is not None
    assert set(dispute.parties.values_list("role", flat=True)) == {"complainant", "respondent"}
    # each timeline starts with 登记 at the receipt, moves through the case's machine and
    # ends in its status; a closed case reaches its end state at its closing time
    steps: dict[int, list[tuple[str, str, str, dt.datetime, dict[str, object]]]] = {}
    for case_id, action, source, target, at, data in CaseTransition.objects.order_by(
        "case_id", "at", "pk"
    ).values_list("case_id", "action", "from_status", "to_status", "at", "data"):
        steps.setdefault(case_id, []).append((action, source, target, at, data))
    rows = Case.objects.values_list(
        "pk", "kind", "status", "received_at", "closed_at", "satisfaction", "is_open"
    )
    for pk, kind, status, received_at, closed_at, satisfaction, is_open in rows:
        machine = machine_for(kind)
        assert machine is not None
        timeline = steps[pk]
        assert timeline[0][0] == "register" and timeline[0][3] == received_at
        moves = [s for s in timeline if s[1] != s[2]]
        state = timeline[0][2]
        for action, source, target, _, _ in moves:
            assert source == state, (pk, timeline)
            spec = machine.action(action)
            if action != "merge":
                assert spec is not None and source in spec.sources and target in spec.targets
            state = target
        assert state == status, (pk, timeline)
        if not is_open and status != MERGED:
            assert moves[-1][3] == closed_at
        callbacks = [s for s in timeline if s[0] == "callback"]
        if callbacks:
            assert callbacks[0][4]["satisfaction"] == satisfaction
    # the lead unit's reply on every finished dispatched case
    replied = Assignment.objects.filter(case__is_open=False, role="lead")
    assert replied.exists() and not replied.filter(reply="").exists()
    assert not replied.filter(replied_at__isnull=True).exists()


def _dashboard_has_something_to_show(territory: Territory) -> None:
    leader = make_user("demo_like_leader", Role.LEADER, territory.province, can_act=False)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(leader)
    url = reverse("console:dashboard_region", kwargs={"pk": territory.province.pk})
    response = client.get(url + "?period=2026-10")
    assert response.status_code == 200
    trend = response.context["trend"]
    assert all(int(m["received"]["value"]) > 0 for m in trend)
    cards = {c.id: c for c in response.context["cards"]}
    assert cards["received"].yoy != "无可比数据" and cards["received"].mom != "无可比数据"
    assert cards["on_time_rate"].text != "—"
    year = client.get(url + "?period=2026&rank=satisfaction_rate")
    units = year.context["rankings"][1]
    assert units.rows  # the demo units of the province's cases are listed


def _generated_case_pages_open(territory: Territory) -> None:
    operator = make_user("demo_like_operator", Role.OPERATOR, territory.province)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    for kind in ("hotline", "grid_event", "dispute", "petition"):
        for is_open in (True, False):
            case = Case.objects.filter(kind=kind, is_open=is_open).first()
            if case is None:
                continue
            response = client.get(reverse("console:case_detail", kwargs={"pk": case.pk}))
            assert response.status_code == 200, (kind, is_open)
            assert case.receipt_no in response.content.decode()


def _closed_case_page_shows_its_story(territory: Territory) -> None:
    operator = make_user("demo_like_operator2", Role.OPERATOR, territory.province)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    case = (
        Case.objects.filter(kind="hotline", status="closed", lead_unit__isnull=False)
        .order_by("pk")
        .first()
    )
    assert case is not None
    party = case.parties.get()
    response = client.get(reverse("console:case_detail", kwargs={"pk": case.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    for label in (
        "登记",
        "转派单",
        "派单",
        "签收",
        "开始办理",
        "答复（办结反馈）",
        "审核通过",
        "回访",
    ):
        assert label in page, label
    assert case.lead_unit is not None and case.lead_unit.name in page
    assignment = case.assignments.get()
    assert assignment.reply and assignment.reply in page
    # the party, masked: the surname and 199****, never the name or the number
    assert f"{party.name[0]}{'*' * (len(party.name) - 1)}" in page
    assert f"199****{party.phone[-4:]}" in page
    assert party.name not in page and party.phone not in page


def test_timeline_of_a_late_open_order() -> None:
    """An overdue open order: 超期 at its deadline and one 催办 a week, in the state it
    was in then; a late closed one gets the 超期 note before it closes."""
    received = dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)
    due = dt.datetime(2026, 11, 8, 15, 59, 59, tzinfo=dt.UTC)
    case = demo_history.CaseRow(
        pk=7, kind="hotline", channel="hotline_phone", status="handling", received=received,
        closed=None, due=due, resolved=None, satisfaction="", is_overdue=True, supervision=2,
        parent=None,
    )  # fmt: skip
    lead = demo_history.LeadRow(
        unit=3, code="DEMO-ENV-620102", assigned=received + dt.timedelta(hours=1),
        signed=received + dt.timedelta(hours=5),
    )  # fmt: skip
    steps = demo_history.timeline(case, lead, 1).steps
    actions = [s[1] for s in steps]
    assert actions == [
        "register", "accept", "dispatch", "sign", "start", "mark_overdue", "supervise",
        "supervise",
    ]  # fmt: skip
    assert [s[3] for s in steps[-3:]] == ["handling"] * 3
    assert steps[-1][0] - steps[-2][0] == dt.timedelta(days=7)
    assert steps[2][6]["lead"] == "DEMO-ENV-620102"
    closed = case._replace(
        status="closed", closed=due + dt.timedelta(days=2), resolved=True,
        satisfaction="basic", is_overdue=False, supervision=0,
    )  # fmt: skip
    late = demo_history.timeline(closed, lead, 1)
    actions = [s[1] for s in late.steps]
    # signed on the 1st, closed on the 10th: the reply (85 % of the way) came after the deadline
    assert actions[-4:] == ["mark_overdue", "reply", "approve_reply", "callback"]
    assert late.steps[-4][2:4] == ("handling", "handling")
    assert late.steps[-1][6] == {"satisfaction": "basic", "resolved": True}
    assert late.reply_at is not None and late.reply


def test_merged_and_direct_cases() -> None:
    received = dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC)
    merged = demo_history.CaseRow(
        pk=8, kind="grid_event", channel="grid_patrol", status=MERGED, received=received,
        closed=None, due=None, resolved=None, satisfaction="", is_overdue=False, supervision=0,
        parent="WG2026050190001",
    )  # fmt: skip
    steps = demo_history.timeline(merged, None, 1).steps
    assert [(s[1], s[2], s[3]) for s in steps] == [
        ("register", "found", "found"),
        ("merge", "found", MERGED),
    ]
    assert steps[1][6]["parent"] == "WG2026050190001"
    answered = merged._replace(
        kind="hotline", status="answered", closed=received + dt.timedelta(minutes=9),
        parent=None, resolved=True,
    )  # fmt: skip
    steps = demo_history.timeline(answered, None, 1).steps
    assert [s[1] for s in steps] == ["register", "answer_directly"]
    assert steps[-1][0] == answered.closed and steps[-1][5]
    declined = answered._replace(kind="dispute", status="declined")
    lead = demo_history.LeadRow(4, "DEMO-TW-620102001", received + dt.timedelta(minutes=4), None)
    steps = demo_history.timeline(declined, lead, 2).steps
    assert [s[1:4] for s in steps[1:]] == [
        ("dispatch", "registered", "dispatched"), ("decline", "dispatched", "declined"),
    ]  # fmt: skip
    assert steps[-1][4] == 4  # by the committee
    refused = answered._replace(kind="petition", status="not_accepted")
    assert demo_history.timeline(refused, None, 1).steps[-1][1] == "refuse"
    assert demo_history.timeline(answered._replace(status="registered", closed=None), None, 1)


def test_addresses_and_people() -> None:
    assert demo_stats._address("畅家巷社区居委会", 5) == "畅家巷社区6号楼"
    assert demo_stats._address("李家庄村民委员会", 3) == "李家庄村4组"
    assert demo_stats._address(None, 3) == ""
    name, phone = demo_history._person(12)
    assert (name, phone) == demo_history._person(12)  # the same caller every time
    assert phone == "19909321012" and 2 <= len(name) <= 3


def test_nothing_without_demo_grids(territory: Territory) -> None:
    assert demo_stats.populate_history(cases=50, today=TODAY) == 0
    assert not Case.objects.exists()


def _row(**fields: object) -> demo_history.CaseRow:
    received = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    base: dict[str, object] = {
        "pk": 11, "kind": "hotline", "channel": "hotline_phone", "status": "closed",
        "received": received, "closed": received + dt.timedelta(days=5),
        "due": received + dt.timedelta(days=7), "resolved": True, "satisfaction": "satisfied",
        "is_overdue": False, "supervision": 0, "parent": None,
    }  # fmt: skip
    base.update(fields)
    return demo_history.CaseRow(**base)  # type: ignore[arg-type]


def _lead(row: demo_history.CaseRow, signed: bool = True) -> demo_history.LeadRow:
    assigned = row.received + dt.timedelta(hours=2)
    return demo_history.LeadRow(9, "DEMO-X", assigned, assigned + dt.timedelta(hours=3) if signed
                                else None)  # fmt: skip


def _moves(t: demo_history.Timeline) -> list[tuple[str, str, str]]:
    return [(s[1], s[2], s[3]) for s in t.steps]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"kind": "grid_event", "channel": "grid_patrol", "due": None, "satisfaction": ""},
            [("register", "found", "found"), ("report", "found", "reported"),
             ("dispatch", "reported", "dispatched"), ("sign", "dispatched", "handling"),
             ("reply", "handling", "handled"), ("close", "handled", "closed")],
        ),
        (
            {"kind": "dispute", "status": "performed", "satisfaction": ""},
            [("register", "registered", "registered"),
             ("dispatch", "registered", "dispatched"), ("accept", "dispatched", "accepted"),
             ("assign_mediator", "accepted", "assigned"),
             ("hold_session", "assigned", "mediating"),
             ("record_outcome", "mediating", "agreed"),
             ("close_performance", "agreed", "performed")],
        ),
        (
            {"kind": "dispute", "status": "terminated", "resolved": False, "satisfaction": ""},
            [("register", "registered", "registered"),
             ("dispatch", "registered", "dispatched"), ("accept", "dispatched", "accepted"),
             ("assign_mediator", "accepted", "assigned"),
             ("hold_session", "assigned", "mediating"),
             ("record_outcome", "mediating", "failed"), ("terminate", "failed", "terminated")],
        ),
        (
            {"kind": "petition", "status": "concluded", "channel": "letter"},
            [("register", "registered", "registered"), ("dispatch", "registered", "routed"),
             ("sign", "routed", "accepted"), ("decide", "accepted", "decided"),
             ("conclude", "decided", "concluded")],
        ),
        (
            {"kind": "police_referral", "channel": "police"},
            [("register", "registered", "registered"),
             ("accept", "registered", "pending_dispatch"),
             ("dispatch", "pending_dispatch", "dispatched"), ("sign", "dispatched", "signed"),
             ("start", "signed", "handling"), ("reply", "handling", "replied"),
             ("approve_reply", "replied", "reviewed"), ("callback", "reviewed", "closed")],
        ),
    ],
)  # fmt: skip
def test_each_machine_from_receipt_to_end(
    fields: dict[str, object], expected: list[tuple[str, str, str]]
) -> None:
    row = _row(**fields)
    t = demo_history.timeline(row, _lead(row), 2 if row.kind == "dispute" else 1)
    assert _moves(t) == expected
    machine = machine_for(row.kind)
    assert machine is not None
    for _, action, source, target, *_ in t.steps[1:]:
        spec = machine.action(action)
        assert spec is not None and source in spec.sources and target in spec.targets
    times = [s[0] for s in t.steps]
    assert times == sorted(times) and times[0] == row.received and times[-1] == row.closed
    assert t.steps[0][6]["parties"] == (2 if row.kind == "dispute" else 1)
    # the unit's reply lies between the sign-for and the end, and says what happened
    signed = _lead(row).signed
    assert signed is not None and t.reply_at is not None and signed < t.reply_at < row.closed
    assert t.reply in {text for texts in demo_history.REPLIES.values() for text in texts}
    # the unit's steps carry the unit, the centre's do not
    assert t.steps[1][4] is None and any(s[4] == 9 for s in t.steps)


@pytest.mark.parametrize(
    ("kind", "status", "last"),
    [
        ("hotline", "dispatched", "dispatched"),
        ("grid_event", "dispatched", "dispatched"),
        ("dispute", "dispatched", "dispatched"),
        ("petition", "routed", "routed"),
    ],
)
def test_open_cases_waiting_for_the_sign_for(kind: str, status: str, last: str) -> None:
    row = _row(kind=kind, status=status, closed=None, resolved=None, satisfaction="")
    t = demo_history.timeline(row, _lead(row, signed=False), 1)
    assert t.steps[-1][3] == last and t.steps[-1][1] == "dispatch"
    assert t.steps[-1][6]["lead"] == "DEMO-X" and t.reply_at is None


def test_parties_are_encrypted_and_indexed(db: None) -> None:
    parties = demo_history._Parties()
    row = _row()
    parties.add(row, "complainant", 5)
    parties.add(row, "respondent", 5)  # the same person: the index is computed once
    first, second = parties.rows
    name, phone = demo_history._person(5)
    assert first[3] != name and first[4] != phone  # ciphertext, not the plaintext
    assert first[5] == second[5] == blind_index(phone) and len(parties.index) == 1
    assert first[-1] == row.received

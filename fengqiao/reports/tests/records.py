"""Hand-made disputes and petitions with their app records (mediation.Dispute,
petitions.Petition and Recommendation) written directly, so a test states every date and
number and its right answer; the real providers (reports/providers.py) read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.mediation.models import Dispute
from fengqiao.petitions.models import Matter, Petition, Recommendation
from fengqiao.regions.models import Region
from fengqiao.reports.models import SyncQueue
from fengqiao.reports.tests.desk import CST
from fengqiao.units.models import Category, Unit

API = "/api/v1/reports"
_numbers = count(1)


def when(day: str, clock: str = "10:00") -> dt.datetime:
    """Local (Beijing) time; `day` may carry its own clock: "2026-12-31 23:30"."""
    if " " in day:
        day, clock = day.split(" ")
    return dt.datetime.fromisoformat(f"{day}T{clock}:00").replace(tzinfo=CST)


def _case(kind: str, region: Region, category: str, received: str, **fields: Any) -> Case:
    closed = fields.pop("closed", None)
    no = fields.pop("no", None) or f"R{next(_numbers):06d}"
    case = Case.objects.create(
        receipt_no=no,
        kind=kind,
        channel=fields.pop("channel", "walk_in"),
        title=fields.pop("title", "测试"),
        description="测试",
        region=Region.objects.get(pk=region.pk),
        category=Category.objects.get(code=category),
        received_at=when(received),
        is_open=closed is None,
        closed_at=when(closed) if closed else None,
        **fields,
    )
    SyncQueue.objects.create(case_id=case.pk)
    return case


def dispute(
    region: Region,
    category: str,
    received: str,
    *,
    source: str = "application",
    outcome: str = "",
    outcome_on: str | None = None,
    amount: str | None = None,
    criminal: int | None = None,
    group: int | None = None,
    kind: str = "dispute",
    **fields: Any,
) -> Case:
    """A dispute case and its mediation record; `criminal` / `group` are the head counts of
    防止民转刑 / 防止群体性上访 (None: not prevented)."""
    succeeded = outcome in ("success", "partial")
    status = fields.pop("status", "agreed" if succeeded else "failed" if outcome else "mediating")
    case = _case(kind, region, category, received, status=status, resolved=succeeded or None,
                 **fields)  # fmt: skip
    Dispute.objects.create(
        case=case,
        source=source,
        outcome=outcome,
        outcome_at=when(outcome_on) if outcome_on else None,
        agreement_amount=Decimal(amount) if amount is not None else None,
        prevented_criminal=criminal is not None,
        prevented_criminal_people=criminal or 0,
        prevented_group_petition=group is not None,
        prevented_group_petition_people=group or 0,
    )
    return case


def petition(
    region: Region,
    category: str,
    received: str,
    *,
    channel: str = "letter",
    about: Unit | None = None,
    routed: str = "",
    routed_on: str | None = None,
    supervised: int = 0,
    closed: str | None = None,
    due: str | None = None,
    **fields: Any,
) -> Case:
    """A petition case and its petition record (the unit complained about kept on the
    record only, as the petition app does for every type but accusations)."""
    engine_channel = {"online": "online_petition", "visit": "petition_visit"}.get(
        channel, "letter" if channel == "letter" else "other"
    )
    case = _case(
        "petition", region, category, received, channel=engine_channel,
        status="concluded" if closed else "accepted", closed=closed,
        due_at=when(due, "23:59") if due else None, supervision_level=supervised,
        resolved=True if closed else None, **fields,
    )  # fmt: skip
    Petition.objects.create(
        case=case,
        matter=Matter.objects.create(),
        channel=channel,
        about_unit=about,
        routing_mode=routed,
        routed_at=when(routed_on) if routed_on else None,
    )
    return case


def recommend(
    case: Case, issuer: Unit, to_unit: Unit, made: str, adopted: bool | None = None
) -> Recommendation:
    row = Recommendation.objects.create(
        case=case,
        kind="improve_work",
        issuer=issuer,
        to_unit=to_unit,
        content="建议加强噪声执法（含张三 13912345678 的来信情况）",
        made_at=when(made),
        adopted=adopted,
        answered_at=when(made) if adopted is not None else None,
    )
    SyncQueue.objects.create(case_id=case.pk)
    return row


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def get(user: User, path: str, status: int = 200, **params: Any) -> Any:
    response = client(user).get(f"{API}{path}", params)
    assert response.status_code == status, response.content
    return response.json() if response["Content-Type"].startswith("application/json") else response


def values(row: Any) -> list[Any]:
    """A table row's cell values."""
    return [cell.value for cell in row.cells]


def by_label(result: Any) -> dict[str, list[Any]]:
    return {row.label: values(row) for row in [*result.rows, result.total]}

"""Helpers for the case pages' tests: register cases through the cases app's own action."""

from __future__ import annotations

from typing import Any

from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.cases.actions import CaseDraft, PartyDraft, Registered, do_register
from fengqiao.cases.models import Case
from fengqiao.regions.models import Region
from fengqiao.units.models import Category

PHONE = "13912345678"


def register(
    actor: User | None,
    region: Region,
    *,
    description: str = "夜间施工噪声扰民，持续到凌晨两点",
    category: str = "RX0501",
    phone: str = PHONE,
    kind: str = "hotline",
    channel: str = "hotline_phone",
    **extra: Any,
) -> Registered:
    draft = CaseDraft(
        kind=kind,
        channel=channel,
        description=description,
        region=region,
        category=Category.objects.get(code=category),
        parties=[PartyDraft(role="complainant", name="张三", phone=phone)] if phone else [],
        **extra,
    )
    return do_register(draft, actor=actor)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def act(client: Client, case: Case, action: str, **fields: Any) -> Any:
    """POST an action form of the case page with the version the page would show."""
    case.refresh_from_db()
    data = {f"{action}-version": case.version}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(f"/console/cases/{case.pk}/act/{action}/", data)


def offered(client: Client, case: Case) -> list[str]:
    """The action names the case page offers (its forms' buttons)."""
    response = client.get(f"/console/cases/{case.pk}/")
    assert response.status_code == 200
    return [op.name for op in response.context["offered"]]

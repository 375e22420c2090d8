"""Writes made from the 区划与网格 page that the regions app has no action for: the descriptive
attributes of a village or grid, audited in the same transaction. Grid workers are changed
with `fengqiao.regions.actions.do_update_grid_worker`.

Only the attributes listed in EDITABLE_REGION_FIELDS may change here: names, codes and the tree
itself change through versioned RegionChange actions in the regions app, never by editing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fengqiao.accounts.models import Role, User
from fengqiao.audit.actions import record
from fengqiao.audit.models import Outcome
from fengqiao.cases.access import redacts_complainants
from fengqiao.cases.actions.engine import CENTRE_ROLES, acts_in_region
from fengqiao.cases.models import Case, Party, PartyRole
from fengqiao.regions.models import Level, Region

EDITABLE_REGION_FIELDS: dict[int, tuple[str, ...]] = {
    Level.VILLAGE: ("urban_rural", "households"),
    Level.GRID: ("grid_type", "households"),
}


def editable_fields(region: Region) -> tuple[str, ...]:
    return EDITABLE_REGION_FIELDS.get(region.level, ())


@transaction.atomic
def do_update_region_attributes(
    region: Region, *, actor: User, changes: dict[str, Any], actor_region: str = ""
) -> Region:
    """Change a village's or grid's descriptive attributes; other fields are refused."""
    allowed = editable_fields(region)
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"fields not editable at level {region.level}: {sorted(unknown)}")
    locked = Region.objects.select_for_update().get(pk=region.pk)
    before = {name: getattr(locked, name) for name in changes}
    changed = {name: value for name, value in changes.items() if before[name] != value}
    if changed:
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changed))
        record(
            "region.update",
            actor=actor,
            obj=locked,
            role=Role.REGION_ADMIN,
            region_code=actor_region,
            data={
                "before": {name: before[name] for name in changed},
                "after": changed,
            },
        )
    return locked


@transaction.atomic
def do_reveal_party(case: Case, party: Party, *, actor: User, reason: str) -> bool:
    """显示 one party of a case in full: only an operator of the case's region, never the
    complainant to the unit complained about (AC-10). Granted or refused, it leaves an audit
    row (PII-01), exactly as the cases API's reveal endpoint does."""
    allowed = acts_in_region(actor, case, CENTRE_ROLES) and not (
        party.role == PartyRole.COMPLAINANT and redacts_complainants(case, actor)
    )
    return _reveal_recorded(case, party, actor=actor, reason=reason, allowed=allowed, via="console")


@transaction.atomic
def do_reveal_dispute_party(case: Case, party: Party, *, actor: User, reason: str) -> bool:
    """显示 one party of a dispute on the mediator's page: an operator of the region (as on
    the case page), or a 调解员 of the body holding the dispute, or a mediator assigned to it
    (PII-02: mediators unmask in their own work). Never the complainant to the unit complained
    about (AC-10). Granted or refused, it leaves the same audit row as the case page."""
    from fengqiao.accounts.scope import holds_role
    from fengqiao.cases.actions.engine import active_lead
    from fengqiao.cases.models import user_unit_ids
    from fengqiao.mediation.models import MediatorAssignment

    lead = active_lead(case)
    body = (
        lead is not None
        and lead.unit_id in user_unit_ids(actor, act=True)
        and holds_role(actor, Role.MEDIATOR, act=True)
    )
    assigned = MediatorAssignment.objects.filter(
        case=case, released_at__isnull=True, mediator__user=actor, mediator__is_active=True
    ).exists()
    allowed = (acts_in_region(actor, case, CENTRE_ROLES) or body or assigned) and not (
        party.role == PartyRole.COMPLAINANT and redacts_complainants(case, actor)
    )
    return _reveal_recorded(
        case, party, actor=actor, reason=reason, allowed=allowed, via="console.mediation"
    )


def _reveal_recorded(
    case: Case, party: Party, *, actor: User, reason: str, allowed: bool, via: str
) -> bool:
    """The audit row of a 显示, granted or refused (PII-01), as the cases API writes it."""
    record(
        "case.party_reveal",
        actor=actor,
        obj=case,
        outcome=Outcome.SUCCESS if allowed else Outcome.DENIED,
        reason=reason,
        data={"party_id": party.pk, "role": party.role, "via": via},
        region_code=case.region.code,
    )
    return allowed


@transaction.atomic
def do_fetch_agreement(case: Case, *, actor: User, number: str, fmt: str, allowed: bool) -> bool:
    """Record a fetch of the 调解协议书 (allowed or refused), exactly as the mediation API's
    document endpoint does ("mediation.agreement_document"); returns `allowed`."""
    record(
        "mediation.agreement_document",
        actor=actor,
        obj=case,
        outcome=Outcome.SUCCESS if allowed else Outcome.DENIED,
        data={"agreement": number, "format": fmt, "via": "console"},
        region_code=case.region.code,
    )
    return allowed

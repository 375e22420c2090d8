"""Registering a case: receipt number, parties (encrypted), clock, timeline, audit, outbox."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fengqiao.accounts.models import BUSINESS_ROLES, User
from fengqiao.accounts.scope import scope_paths
from fengqiao.cases import deadlines
from fengqiao.cases.actions.engine import enqueue, note
from fengqiao.cases.errors import Invalid, NotAllowed, field_error
from fengqiao.cases.models import Case, Party, ReceiptCounter, RiskColour
from fengqiao.cases.workflow import Kind, is_open_state, machine_for
from fengqiao.core.crypto import provider
from fengqiao.core.pii import blind_index
from fengqiao.regions.models import Level, Region
from fengqiao.units.models import Category, Unit

RECEIPT_PREFIX = {
    Kind.HOTLINE: "RX",
    Kind.GRID_EVENT: "WG",
    Kind.DISPUTE: "TJ",
    Kind.PETITION: "XF",
    Kind.COURT_REFERRAL: "SF",
    Kind.POLICE_REFERRAL: "JQ",
}
# No 0/O, 1/I/L: the code is read out over the phone and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


@dataclass
class PartyDraft:
    """A party as submitted (plaintext until it reaches the encrypted columns)."""

    role: str
    party_type: str = "person"
    name: str = ""
    phone: str = ""
    id_number: str = ""
    address: str = ""


@dataclass
class CaseDraft:
    """A validated submission, ready to register (the API builds it; no I/O here)."""

    kind: str
    channel: str
    description: str
    region: Region
    title: str = ""
    request_type: str = ""
    category: Category | None = None
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    people_count: int | None = None
    amount: Decimal | None = None
    urgency: str = "normal"
    risk_colour: str = ""
    flags: list[str] = field(default_factory=list)
    respondent_unit: Unit | None = None
    parties: list[PartyDraft] = field(default_factory=list)
    received_at: datetime | None = None
    external_ref: str = ""


@dataclass(frozen=True)
class Registered:
    """The new case and the citizen's tracking code (shown once, stored only as a hash)."""

    case: Case
    verification_code: str


def next_receipt_no(kind: str, at: datetime) -> str:
    """受理编号 such as RX2026093000017: kind prefix, local date, the day's sequence.

    Must run inside the registering transaction: the counter row stays locked until commit,
    so two registrations never read the same number."""
    day = timezone.localtime(at).strftime("%Y%m%d")
    key = f"{RECEIPT_PREFIX.get(Kind(kind), 'QT')}{day}"
    if not ReceiptCounter.objects.filter(key=key).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(key=key, last=1)
        except IntegrityError:
            ReceiptCounter.objects.filter(key=key).update(last=F("last") + 1)
    last = ReceiptCounter.objects.get(key=key).last
    return f"{key}{last:05d}"


def code_hash(receipt_no: str, code: str) -> str:
    return provider().hmac_sm3(f"{receipt_no}:{code.strip().upper()}".encode()).hex()


def code_matches(case: Case, code: str) -> bool:
    return bool(case.verification_hash) and hmac.compare_digest(
        case.verification_hash, code_hash(case.receipt_no, code)
    )


def _check_scope(draft: CaseDraft, actor: User | None) -> None:
    if actor is None:
        return
    paths = scope_paths(actor, act=True, roles=BUSINESS_ROLES)
    if not any(draft.region.path.startswith(p) for p in paths):
        raise NotAllowed(
            "所选区划不在您的办理范围内。",
            "The region is outside your scope.",
            [field_error("region", "不在您的办理范围内", "outside your scope")],
        )


@transaction.atomic
def do_register(draft: CaseDraft, *, actor: User | None) -> Registered:
    """Register one matter through the single front door: number it, encrypt its parties,
    start its clock, and write the timeline, audit and outbox rows in one transaction."""
    machine = machine_for(draft.kind)
    if machine is None:
        raise Invalid(
            "该类事项的流程尚未启用。",
            "This kind of case is not enabled yet.",
            [field_error("kind", "流程尚未启用", "no workflow registered")],
        )
    _check_scope(draft, actor)
    now = timezone.now()
    received_at = draft.received_at or now
    case = Case(
        receipt_no=next_receipt_no(draft.kind, now),
        kind=draft.kind,
        channel=draft.channel,
        request_type=draft.request_type,
        category=draft.category,
        title=(draft.title or draft.description)[:30],
        description=draft.description,
        region=draft.region,
        grid=draft.region if draft.region.level == Level.GRID else None,
        address=draft.address,
        latitude=draft.latitude,
        longitude=draft.longitude,
        people_count=draft.people_count,
        amount=draft.amount,
        urgency=draft.urgency,
        risk_colour=draft.risk_colour,
        flags=sorted(set(draft.flags)),
        respondent_unit=draft.respondent_unit,
        status=machine.initial,
        is_open=is_open_state(draft.kind, machine.initial),
        received_at=received_at,
        external_ref=draft.external_ref,
        created_by=actor,
    )
    due = deadlines.start_clock(case, event="received", at=received_at)
    for name, value in (due.fields() if due else {}).items():
        setattr(case, name, value)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    case.verification_hash = code_hash(case.receipt_no, code)
    case.save()
    for party in draft.parties:
        Party.objects.create(
            case=case,
            role=party.role,
            party_type=party.party_type,
            name=party.name,
            phone=party.phone,
            phone_index=blind_index(party.phone) if party.phone else "",
            id_number=party.id_number.upper(),
            id_index=blind_index(party.id_number) if party.id_number else "",
            address=party.address,
        )
    note(
        case,
        "register",
        actor=actor,
        data={
            "channel": case.channel,
            "kind": case.kind,
            "parties": len(draft.parties),
            "due_at": case.due_at.isoformat() if case.due_at else None,
        },
    )
    enqueue("case.registered", case=case, recipient=f"region:{case.region.code}")
    if case.risk_colour == RiskColour.RED:
        # Rule 8: a red risk is reported at once, to the county centre and above.
        county = case.region.ancestors().filter(level=Level.COUNTY).first()
        enqueue(
            "case.red_risk",
            case=case,
            recipient=f"region:{(county or case.region).code}",
            payload={"risk_colour": "red"},
        )
    return Registered(case=case, verification_code=code)

"""The 调解协议书's contents as plain data (rule 25), in the shape of the documents app's
`MediationAgreementData` (field for field), so the document layer renders it without reading
models. The signing copy carries the parties' full names and addresses: who may fetch it is
decided by the API (the mediating body and the region's operators) and every fetch is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from fengqiao.cases.models import PartyRole, PartyType
from fengqiao.mediation.models import Agreement, MediatorAssignment

COPIES_SOURCE = "人民调解法 第二十九条（domain-rules 规则25）"
ROLE_WORDS = {
    PartyRole.COMPLAINANT: "申请人",
    PartyRole.RESPONDENT: "被申请人",
    PartyRole.THIRD: "第三人",
}


@dataclass(frozen=True)
class AgreementParty:
    name: str
    role: str
    contact: str = ""
    address: str = ""
    id_number: str = ""
    representative: str = ""


@dataclass(frozen=True)
class AgreementCopies:
    count: int
    source: str = COPIES_SOURCE


@dataclass(frozen=True)
class AgreementData:
    """Mirrors `fengqiao.documents.kinds.mediation.MediationAgreementData`."""

    number: str
    committee: str
    parties: list[AgreementParty]
    facts: str
    disputed_points: str
    responsibility: str
    terms: list[str]
    performance_manner: str
    performance_deadline: date | str
    copies: AgreementCopies
    signed_on: date
    performance_place: str = ""
    mediators: list[str] = field(default_factory=list)
    oral: bool = False


def agreement_data(agreement: Agreement) -> AgreementData:
    """The agreement as the document prints it (full party details: the signing copy)."""
    case = agreement.case
    parties = [
        AgreementParty(
            name=p.name,
            role=ROLE_WORDS.get(PartyRole(p.role), "当事人"),
            contact=p.phone,
            address=p.address,
            id_number=p.id_number if p.party_type == PartyType.PERSON else "",
            representative="" if p.party_type == PartyType.PERSON else "（法定代表人）",
        )
        for p in case.parties.filter(role__in=[PartyRole.COMPLAINANT, PartyRole.RESPONDENT])
    ]
    mediators = [
        row.mediator.name
        for row in MediatorAssignment.objects.filter(stage=agreement.stage)
        .select_related("mediator")
        .order_by("-presiding", "pk")
    ]
    signed = agreement.effective_at or agreement.reached_at
    return AgreementData(
        number=agreement.number,
        committee=agreement.org.name,
        parties=parties,
        facts=agreement.facts,
        disputed_points=agreement.disputed_points,
        responsibility=agreement.responsibility,
        terms=agreement.term_list,
        performance_manner=agreement.performance_manner,
        performance_deadline=agreement.performance_deadline or "协议生效后",
        copies=AgreementCopies(count=agreement.copies),
        signed_on=timezone.localtime(signed).date(),
        performance_place=agreement.performance_place,
        mediators=mediators or [""],
        oral=agreement.form == "oral",
    )

"""The 调解协议书 (rule 25) as a `fengqiao.documents` document: the agreement's contents become
a `MediationAgreementData`, the documents app's template lays it out, its renderers make the
.docx and .pdf (with the embedded CJK font). Nothing is rendered here.

Personal information on the printed copy: the parties' names and addresses are printed in full
(the agreement must identify them); phones are masked and ID numbers left out. Who may fetch it
is decided by the API (the mediating body and the region's operators), and every fetch is audited.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from fengqiao.cases.models import PartyRole, PartyType
from fengqiao.core.pii import mask_phone
from fengqiao.documents.kinds.mediation import (
    Copies,
    MediationAgreementData,
    Party,
    mediation_agreement,
)
from fengqiao.documents.model import Document
from fengqiao.mediation.models import Agreement, AgreementForm, MediatorAssignment

COPIES_SOURCE = "人民调解法 第二十九条（domain-rules 规则25）"
ROLE_WORDS = {
    PartyRole.COMPLAINANT: "申请人",
    PartyRole.RESPONDENT: "被申请人",
    PartyRole.THIRD: "第三人",
}


def agreement_data(agreement: Agreement) -> MediationAgreementData:
    """The agreement as the document prints it."""
    case = agreement.case
    parties = [
        Party(
            name=p.name,
            role=ROLE_WORDS.get(PartyRole(p.role), "当事人"),
            contact=mask_phone(p.phone),
            address=p.address,
            representative="" if p.party_type == PartyType.PERSON else "（法定代表人）",
        )
        for p in case.parties.filter(
            role__in=[PartyRole.COMPLAINANT, PartyRole.RESPONDENT]
        ).order_by("pk")
    ]
    mediators = [
        row.mediator.name
        for row in MediatorAssignment.objects.filter(stage=agreement.stage)
        .select_related("mediator")
        .order_by("-presiding", "pk")
    ]
    signed = agreement.effective_at or agreement.reached_at
    return MediationAgreementData(
        number=agreement.number,
        committee=agreement.org.name,
        parties=parties,
        facts=agreement.facts,
        disputed_points=agreement.disputed_points,
        responsibility=agreement.responsibility,
        terms=agreement.term_list,
        performance_manner=agreement.performance_manner,
        performance_deadline=agreement.performance_deadline or "协议生效后即时",
        copies=Copies(count=agreement.copies, source=COPIES_SOURCE),
        signed_on=timezone.localtime(signed).date(),
        performance_place=agreement.performance_place,
        mediators=tuple(mediators) or ("",),
    )


def agreement_document(agreement: Agreement) -> Document:
    """The 人民调解协议书; an oral agreement prints as its written record (口头协议登记)."""
    document = mediation_agreement(agreement_data(agreement))
    if agreement.form == AgreementForm.ORAL:
        document = replace(document, title="人民调解口头协议登记表")
    return document

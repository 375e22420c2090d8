"""Registering a 信访事项 (第十七—二十二条): every item is entered; a group visit elects at
most the statutory number of representatives; the same matter is recognised, and refused
with its reason when it may not be accepted again (第十九条, 第三十五—三十六条)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions import CaseDraft, Registered, do_register
from fengqiao.cases.actions.engine import move
from fengqiao.cases.errors import Invalid, field_error
from fengqiao.cases.models import Case, PartyRole
from fengqiao.cases.workflow import Kind
from fengqiao.core.pii import blind_index
from fengqiao.petitions.actions.common import CITATION, bureau_for, is_above, set_matter, tell
from fengqiao.petitions.models import (
    CASE_CHANNEL,
    Matter,
    MatterStage,
    NoticeKind,
    NoticeMode,
    Petition,
    PetitionChannel,
    PetitionType,
)
from fengqiao.procedures.actions import do_start_timer
from fengqiao.procedures.numbers import statutory_number
from fengqiao.units.models import Unit

REGISTER_ROUTE = "petition.register_route"


@dataclass
class PetitionDraft:
    """The petition side of a submission."""

    channel: str
    petition_type: str = ""
    received_by: Unit | None = None
    same_matter_as: Case | None = None
    is_group: bool = False


def matter_key(draft: CaseDraft) -> str:
    """The same petitioner (ID number, else phone) on the same subject (category and the unit
    complained about) — a keyed hash, never the plaintext."""
    who = next(
        (
            p.id_number or p.phone
            for p in draft.parties
            if p.role == PartyRole.COMPLAINANT and (p.id_number or p.phone)
        ),
        "",
    )
    if not who:
        return ""
    category = draft.category.code if draft.category else ""
    unit = draft.respondent_unit.code if draft.respondent_unit else ""
    subject = f"{category}|{unit}"
    return blind_index(f"matter|{who}|{subject}")


def _check_group(draft: CaseDraft, details: PetitionDraft) -> None:
    """第二十条: a group visit elects representatives, at most the statutory number."""
    if details.channel != PetitionChannel.VISIT:
        return
    limit = statutory_number(
        "petition.max_visit_representatives", region=draft.region, on=timezone.localdate()
    )
    representatives = sum(1 for p in draft.parties if p.role == PartyRole.COMPLAINANT)
    if representatives > limit.as_int:
        raise Invalid(
            f"多人采用走访形式提出同一信访事项的，应当推选代表，代表人数不超过{limit.as_int}人（{limit.citation}）。",
            f"A group visit may send at most {limit.as_int} representatives.",
            [
                field_error(
                    "parties",
                    f"代表不超过{limit.as_int}人",
                    f"at most {limit.as_int} representatives",
                )
            ],
        )


def _matter(draft: CaseDraft, details: PetitionDraft) -> tuple[Matter, bool]:
    if details.same_matter_as is not None:
        existing = (
            Petition.objects.filter(case=details.same_matter_as).select_related("matter").first()
        )
        if existing is not None:
            return existing.matter, True
    key = matter_key(draft)
    if key:
        found = Matter.objects.filter(key=key).order_by("-pk").first()
        if found is not None:
            return found, True
    return Matter.objects.create(key=key), False


def refusal_for(matter: Matter, receiver: Unit | None, *, new: Case | None = None) -> str:
    """Why the same matter may not be accepted now; empty when it may (an earlier submission
    that was not accepted, with nothing open, does not block a new one). `new` is the
    submission being registered: it does not block itself."""
    if matter.stage == MatterStage.FINAL:
        return (
            f"该信访事项已经复核，信访人以同一事实和理由提出的，不再受理（{CITATION}第三十六条）。"
        )
    if matter.stage in (MatterStage.DECIDED, MatterStage.REVIEWED):
        return (
            "该信访事项已出具处理（复查）意见；不服的，可在收到意见之日起规定期限内请求复查或复核"
            f"（{CITATION}第三十五、三十六条），不作为新的信访事项受理。"
        )
    if matter.stage == MatterStage.CLOSED:
        return (
            "该信访事项已办结或已导入相应法定程序，信访人以同一事实和理由提出的，不再作为新的"
            f"信访事项受理（{CITATION}第三十一、三十五条）。"
        )
    others = Case.objects.filter(petition__matter=matter, is_open=True)
    if new is not None:
        others = others.exclude(pk=new.pk)
    if not others.exists():
        return ""
    region = matter.handling_region
    if receiver is not None and region is not None and is_above(receiver.region, region):
        return f"该信访事项正在下级机关受理或办理中，上级机关不予受理（{CITATION}第十九条）。"
    return "该信访事项正在受理、办理中，不重复受理；可凭查询码查询办理进度。"


@transaction.atomic
def do_register_petition(
    draft: CaseDraft, details: PetitionDraft, *, actor: User | None
) -> Registered:
    """登记: enter the item (every item is registered, 第二十一条), start the 15-day clock for
    转送/交办 (rule 17) — or, for a matter that may not be accepted again, register it and
    refuse it at once with the reason, told to the petitioner."""
    if details.channel not in PetitionChannel.values:
        raise Invalid(
            "信访形式无效。", "Invalid channel.", [field_error("channel", "取值无效", "invalid")]
        )
    _check_group(draft, details)
    draft.kind = Kind.PETITION
    draft.channel = CASE_CHANNEL[PetitionChannel(details.channel)]
    receiver = details.received_by or bureau_for(draft.region)
    matter, seen = _matter(draft, details)
    about = draft.respondent_unit
    if details.petition_type != PetitionType.ACCUSATION:
        # Only the accused is withheld from (AC-10); an organ handling a claim about its own
        # decision needs to know who asks. The unit stays on the record for statistics.
        draft.respondent_unit = None
    registered = do_register(draft, actor=actor)
    case = registered.case
    petition = Petition.objects.create(
        case=case,
        matter=matter,
        channel=details.channel,
        petition_type=details.petition_type,
        received_by=receiver,
        about_unit=about,
        is_group=details.is_group,
    )
    refusal = refusal_for(matter, receiver, new=case) if seen else ""
    if refusal:
        move(
            case,
            "refuse_repeat",
            actor=None,
            reason=refusal,
            data={"matter": matter.pk},
            fields={"resolved": False},
        )
        Petition.objects.filter(pk=petition.pk).update(refusal_reason=refusal[:500])
        tell(case, NoticeKind.NON_ACCEPTANCE, NoticeMode.WRITTEN, refusal, unit=receiver)
        return Registered(
            case=Case.objects.get(pk=case.pk), verification_code=registered.verification_code
        )
    set_matter(
        petition, stage=MatterStage.OPEN, region=receiver.region if receiver else case.region
    )
    do_start_timer(
        case,
        REGISTER_ROUTE,
        start=case.received_at,
        actor=actor,
        primary=True,
        context="registration",
    )
    return registered

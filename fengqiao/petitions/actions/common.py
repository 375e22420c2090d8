"""Helpers shared by the petition actions: the petition record, the matter, notices."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from fengqiao.cases.actions.engine import enqueue
from fengqiao.cases.errors import Invalid, field_error
from fengqiao.cases.models import Case, ReceiptCounter
from fengqiao.cases.workflow import Kind
from fengqiao.petitions.models import (
    CASE_CHANNEL,
    Matter,
    MatterStage,
    Notice,
    Petition,
    PetitionChannel,
)
from fengqiao.regions.models import Region
from fengqiao.units.models import Unit, UnitType

CITATION = "《信访工作条例》"


def require_petition(case: Case) -> None:
    if case.kind != Kind.PETITION:
        raise Invalid(
            "该事项不是信访事项。",
            "This case is not a petition.",
            [field_error("kind", "非信访事项", "not a petition")],
        )


def petition_of(case: Case) -> Petition:
    """The case's petition record (created with defaults for an item registered through the
    generic intake, so every petition has one)."""
    require_petition(case)
    row = Petition.objects.filter(case=case).select_related("matter").first()
    if row is not None:
        return row
    channel = next(
        (k for k, v in CASE_CHANNEL.items() if v == case.channel), PetitionChannel.LETTER
    )
    return Petition.objects.create(case=case, matter=Matter.objects.create(), channel=channel)


def set_matter(
    petition: Petition, *, stage: str | None = None, region: Region | None = None
) -> None:
    values: dict[str, object] = {"updated_at": timezone.now()}
    if stage is not None:
        values["stage"] = stage
    if region is not None:
        values["handling_region"] = region
    Matter.objects.filter(pk=petition.matter_id).update(**values)


def close_matter(case: Case) -> None:
    petition = Petition.objects.filter(case=case).first()
    if petition is not None:
        Matter.objects.filter(pk=petition.matter_id).exclude(stage=MatterStage.FINAL).update(
            stage=MatterStage.CLOSED, updated_at=timezone.now()
        )


def tell(case: Case, kind: str, mode: str, content: str, *, unit: Unit | None) -> Notice:
    """A notice to the petitioner: a key date on the query page, and an outbox message
    (SMS or letter by the backend; ids and the kind only)."""
    notice = Notice.objects.create(
        case=case,
        kind=kind,
        mode=mode,
        sent_at=timezone.now(),
        content=content[:1000],
        sent_by=unit,
    )
    enqueue(
        "petition.notice",
        case=case,
        recipient=f"petitioner:{case.receipt_no}",
        payload={"notice_id": notice.pk, "kind": kind},
    )
    return notice


def bureau_for(region: Region) -> Unit | None:
    """The nearest 信访部门 on the region's line (the deepest ancestor-or-self that has one)."""
    ids = [r.pk for r in region.ancestors()]
    units = Unit.objects.filter(
        unit_type=UnitType.PETITION_BUREAU, is_active=True, region_id__in=ids
    )
    return max(units, key=lambda u: u.region.level, default=None)


def document_number(organ: Unit, kind: str) -> str:
    year = timezone.localtime().year
    key = f"XF{organ.pk}-{year}"[:20]
    if not ReceiptCounter.objects.filter(key=key).update(last=F("last") + 1):
        ReceiptCounter.objects.get_or_create(key=key, defaults={"last": 0})
        ReceiptCounter.objects.filter(key=key).update(last=F("last") + 1)
    last = ReceiptCounter.objects.get(key=key).last
    return f"{organ.name}{kind}〔{year}〕{last}号"


def is_above(upper: Region, lower: Region) -> bool:
    """`upper` is a proper ancestor of `lower` (a higher level on the same line)."""
    return lower.path.startswith(upper.path) and upper.pk != lower.pk

"""Looking up a statutory number (`StatutoryNumber`) in force for a region on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from fengqiao.procedures.models import StatutoryNumber
from fengqiao.regions.models import Region
from fengqiao.rules.errors import RuleNotFound
from fengqiao.rules.resolve import ancestor_ids, in_force


@dataclass(frozen=True)
class Number:
    """A value with the words that cite it in a message or a document."""

    code: str
    value: Decimal
    unit: str
    citation: str

    @property
    def as_int(self) -> int:
        return int(self.value)


def statutory_number(code: str, *, region: Region | None, on: dt.date) -> Number:
    """The most specific (deepest region, then latest) version in force; RuleNotFound when the
    deployment lacks the row (a configuration error, reported with the code)."""
    chain = ancestor_ids(region)
    rows = list(
        StatutoryNumber.objects.filter(code=code)
        .filter(in_force(on))
        .filter(Q(region__isnull=True) | Q(region_id__in=chain))
    )
    if not rows:
        raise RuleNotFound(f"没有代码为“{code}”的法定数值。", f"No statutory number {code!r}.")

    def depth(row: StatutoryNumber) -> int:
        return 0 if row.region_id is None else chain.index(row.region_id) + 1

    best = max(rows, key=lambda r: (depth(r), r.effective_from, r.version))
    return Number(code=code, value=best.value, unit=best.unit, citation=best.citation)

"""Dispatch suggestions from the 派单目录 (rule 11: dispatch follows the catalogue).

The catalogue is versioned per region subtree (`units.CatalogueVersion`). For a case we take,
for every region on its path (the case's own region first, then each ancestor), the latest
catalogue version in force today, and look for an entry for the case's category — or, failing
that, its parent category — at the nearest region. The nearest region wins; at the same
region an exact category beats its parent; a more local catalogue beats a wider one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from fengqiao.regions.models import Region
from fengqiao.units.models import CatalogueEntry, CatalogueVersion, Category, Unit


@dataclass(frozen=True)
class Suggestion:
    """The catalogue's answer: a lead unit, its co-units, and the entry it came from."""

    lead_unit: Unit
    co_units: list[Unit]
    entry: CatalogueEntry
    basis: str


def _effective_catalogues(regions: list[Region], on: date) -> list[CatalogueVersion]:
    rows = (
        CatalogueVersion.objects.filter(region__in=regions, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        .order_by("region_id", "-version")
    )
    latest: dict[int, CatalogueVersion] = {}
    for row in rows:
        latest.setdefault(row.region_id, row)
    return list(latest.values())


def suggest(
    category: Category | None, region: Region, *, on: date | None = None
) -> Suggestion | None:
    """The catalogue's lead and co-units for `category` at `region`, or None."""
    if category is None:
        return None
    on = on or timezone.localdate()
    chain = list(region.ancestors())  # root first, the region itself last
    depth = {r.pk: len(chain) - 1 - i for i, r in enumerate(chain)}  # 0 = the region itself
    catalogues = _effective_catalogues(chain, on)
    if not catalogues:
        return None
    categories = [category.pk] + ([category.parent_id] if category.parent_id else [])
    entries = (
        CatalogueEntry.objects.filter(
            catalogue__in=catalogues, region__in=chain, category_id__in=categories
        )
        .select_related("lead_unit", "catalogue", "catalogue__region", "region")
        .prefetch_related("co_units")
    )
    ranked = sorted(
        entries,
        key=lambda e: (
            depth[e.region_id],
            0 if e.category_id == category.pk else 1,
            -e.catalogue.region.level,
        ),
    )
    for entry in ranked:
        if not entry.lead_unit.is_active:
            continue
        co_units = [u for u in entry.co_units.all() if u.is_active and u.pk != entry.lead_unit_id]
        basis = (
            f"{entry.catalogue.region.name}派单目录 v{entry.catalogue.version}："
            f"{entry.category.name} @ {entry.region.name}"
        )
        return Suggestion(entry.lead_unit, co_units, entry, basis)
    return None

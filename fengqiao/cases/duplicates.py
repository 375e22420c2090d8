"""“Possible duplicates” for the intake screen (并单 candidates).

A candidate must be:
- in the same township subtree as the new matter (the region's 乡镇/街道 ancestor, or the
  region itself when it is a township or above), and visible to the user;
- of the same category, or a sibling under the same parent category;
- received within CASES_DUPLICATE_WINDOW_DAYS either side;
- within CASES_DUPLICATE_RADIUS_M metres when both have a GPS point (great-circle distance);
- similar in text: the Jaccard index of the two descriptions' character bigrams (after
  removing whitespace and punctuation) is at least CASES_DUPLICATE_MIN_SIMILARITY. Bigrams
  suit Chinese, which has no spaces between words, and need no dictionary.

Candidates are ranked by similarity, plus 0.2 when they are within the radius.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from fengqiao.cases import conf
from fengqiao.cases.models import Case, CaseQuerySet
from fengqiao.cases.workflow import MERGED
from fengqiao.regions.models import Level, Region
from fengqiao.units.models import Category

MAX_SCANNED = 300
MAX_RETURNED = 10


def bigrams(text: str) -> set[str]:
    chars = [
        c
        for c in unicodedata.normalize("NFKC", text).lower()
        if not c.isspace() and not unicodedata.category(c).startswith("P")
    ]
    if len(chars) < 2:
        return set(chars)
    return {chars[i] + chars[i + 1] for i in range(len(chars) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard index of the character bigrams of `a` and `b` (0.0 … 1.0)."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Candidate:
    case: Case
    score: float
    similarity: float
    distance_m: float | None


def _area(region: Region) -> Region:
    if region.level <= Level.TOWNSHIP:
        return region
    return region.ancestors().filter(level=Level.TOWNSHIP).first() or region


def candidates(
    visible: CaseQuerySet,
    *,
    region: Region,
    category: Category | None,
    received_at: datetime,
    description: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    exclude_pk: int | None = None,
) -> list[Candidate]:
    """Visible cases that may be the same matter, best first."""
    window = timedelta(days=conf.duplicate_window_days())
    qs = visible.filter(
        region__path__startswith=_area(region).path,
        received_at__gte=received_at - window,
        received_at__lte=received_at + window,
    ).exclude(status=MERGED)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if category is not None:
        same = Q(category=category)
        if category.parent_id:
            same |= Q(category__parent_id=category.parent_id)
        qs = qs.filter(same)
    radius, threshold = conf.duplicate_radius_m(), conf.duplicate_min_similarity()
    found: list[Candidate] = []
    for other in qs.select_related("region", "category").order_by("-received_at")[:MAX_SCANNED]:
        sim = similarity(description, other.description)
        if sim < threshold:
            continue
        dist = None
        if None not in (latitude, longitude, other.latitude, other.longitude):
            dist = distance_m(
                float(latitude),  # type: ignore[arg-type]
                float(longitude),  # type: ignore[arg-type]
                float(other.latitude),  # type: ignore[arg-type]
                float(other.longitude),  # type: ignore[arg-type]
            )
            if dist > radius:
                continue
        score = sim + (0.2 if dist is not None else 0.0)
        found.append(Candidate(other, round(score, 3), round(sim, 3), dist))
    found.sort(key=lambda c: c.score, reverse=True)
    return found[:MAX_RETURNED]

"""Which clock rule applies: `resolve_rule(code, region=..., on=...)`.

Precedence (docs/clocks.md §4), among the rules with this code that are in force on `on` and
whose region is national or an ancestor-or-self of the case's region:

1. statutory rules (`is_statutory`) before any non-statutory one: a local working target never
   replaces a time limit set by law or regulation for the same step;
2. then the most specific region (the deepest in the tree; national is the least specific);
3. then a rule for the case's category before a rule for all categories;
4. then the latest `effective_from`, then the highest version.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fengqiao.regions.models import Region
from fengqiao.rules.errors import RuleNotFound
from fengqiao.rules.models import ClockRule


def ancestor_ids(region: Region | None) -> list[int]:
    """Primary keys from the root down to the region itself (empty for national)."""
    if region is None:
        return []
    return [int(part) for part in region.path.strip("/").split("/") if part]


def in_force(on: dt.date) -> Q:
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def applicable_rules(
    code: str, *, region: Region | None, on: dt.date, category: str = ""
) -> list[ClockRule]:
    """Every rule that could govern the code here and now, best first."""
    chain = ancestor_ids(region)
    categories = {"", category}
    rules = list(
        ClockRule.objects.filter(code=code, category__in=categories)
        .filter(in_force(on))
        .filter(Q(region__isnull=True) | Q(region_id__in=chain))
    )

    def depth(rule: ClockRule) -> int:
        return 0 if rule.region_id is None else chain.index(rule.region_id) + 1

    rules.sort(
        key=lambda r: (r.is_statutory, depth(r), r.category != "", r.effective_from, r.version),
        reverse=True,
    )
    return rules


def resolve_rule(code: str, *, region: Region | None, on: dt.date, category: str = "") -> ClockRule:
    """The rule that governs `code` for a case in `region` on date `on` (see module docstring).

    Raises `RuleNotFound` with a message naming what was looked for."""
    rules = applicable_rules(code, region=region, on=on, category=category)
    if rules:
        return rules[0]
    where = f"{region.name}（{region.code}）" if region is not None else "全国"
    if not ClockRule.objects.filter(code=code).exists():
        raise RuleNotFound(f"没有代码为“{code}”的时限规则。", f"No clock rule with code {code!r}.")
    raise RuleNotFound(
        f"时限规则“{code}”在{on.isoformat()}对{where}没有生效的版本。",
        f"Clock rule {code!r} has no version in force on {on.isoformat()} for "
        f"{region.code if region is not None else 'national scope'}.",
    )

"""Where it happened, for the citizen portal: county → township → village (社区/村) lists.

Only villages that have grids are listed (a request there can be handled by someone on the
spot); townships and counties are those above such villages. The lists narrow as the citizen
chooses: with htmx the block is redrawn on each change, without JavaScript a button in the
form redraws the page with the narrower lists (nothing is submitted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fengqiao.regions.models import Level, Region

# The same cap as the old single list: a portal page stays light even on a national tree.
MAX_VILLAGES = 5000


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    township_code: str
    township_name: str
    county_code: str
    county_name: str


@dataclass
class Places:
    """The three lists for the current choice, and the choice itself (normalised)."""

    county: str = ""
    township: str = ""
    village: str = ""
    counties: list[tuple[str, str]] = field(default_factory=list)
    townships: list[tuple[str, str]] = field(default_factory=list)
    villages: list[tuple[str, str]] = field(default_factory=list)


def portal_villages() -> list[Village]:
    """Villages with at least one current grid, with their township and county."""
    rows = (
        Region.objects.filter(level=Level.VILLAGE, retired_on__isnull=True)
        .filter(children__level=Level.GRID, children__retired_on__isnull=True)
        .values_list(
            "code",
            "name",
            "parent__code",
            "parent__name",
            "parent__parent__code",
            "parent__parent__name",
            "parent__parent__parent__name",
            "path",
        )
        .distinct()
        .order_by("path")[:MAX_VILLAGES]
    )
    out = []
    for code, name, t_code, t_name, c_code, c_name, city, _path in rows:
        county_name = f"{city} {c_name}" if city else c_name or ""
        out.append(Village(code, name, t_code or "", t_name or "", c_code or "", county_name))
    return out


def _unique(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for code, name in pairs:
        if code and code not in seen:
            seen[code] = name
    return list(seen.items())


def places(county: str = "", township: str = "", village: str = "") -> Places:
    """The lists for a (possibly partial, possibly inconsistent) choice: a village fixes its
    township and county; a township fixes its county; unknown codes are dropped."""
    all_villages = portal_villages()
    by_code = {v.code: v for v in all_villages}
    chosen = by_code.get(village)
    if chosen is not None:
        county, township = chosen.county_code, chosen.township_code
    else:
        village = ""
    townships_all = {v.township_code: v for v in all_villages}
    if township in townships_all:
        county = townships_all[township].county_code
    else:
        township = ""
    counties = _unique([(v.county_code, v.county_name) for v in all_villages])
    if county not in dict(counties):
        county, township, village = "", "", ""
    out = Places(county=county, township=township, village=village, counties=counties)
    if county:
        out.townships = _unique(
            [(v.township_code, v.township_name) for v in all_villages if v.county_code == county]
        )
    if township:
        out.villages = [(v.code, v.name) for v in all_villages if v.township_code == township]
    return out

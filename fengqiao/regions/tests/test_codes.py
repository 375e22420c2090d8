"""Division and grid codes: domain-rules §1.3 and §10 rules 1–3."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.regions import codes
from fengqiao.regions.codes import Severity
from fengqiao.regions.models import Level, UrbanRural


def keys(code: str, **context: object) -> set[str]:
    return {issue.key for issue in codes.validate_code(code, **context)}  # type: ignore[arg-type]


def error_keys(code: str, **context: object) -> set[str]:
    issues = codes.validate_code(code, **context)  # type: ignore[arg-type]
    return {issue.key for issue in issues if issue.is_error}


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("620000000000", Level.PROVINCE),
        ("620100000000", Level.CITY),
        ("620102000000", Level.COUNTY),
        ("620102001000", Level.TOWNSHIP),
        ("620102001001", Level.VILLAGE),
        ("620102001001001", Level.GRID),
        ("620200001000", Level.TOWNSHIP),  # 嘉峪关 (MCA): township directly under the city
        ("620200001001", Level.VILLAGE),
    ],
)
def test_level_follows_the_non_zero_segments(code: str, level: Level) -> None:
    assert codes.level_of(code) == level
    assert not error_keys(code, level=level)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "62010200100",  # 11 digits
        "6201020010001",  # 13 digits
        "62010200100X",
        "000000000000",  # no province
        "620000001000",  # township under a zero city
        "620002000000",  # county under a zero city
        "620102000001",  # village under a zero township
        "620102001000001",  # grid under a township, not a village
    ],
)
def test_malformed_codes_have_no_level(code: str) -> None:
    assert codes.level_of(code) is None
    assert error_keys(code)


def test_shape_errors_are_specific_and_in_chinese() -> None:
    assert keys("") == {"missing"}
    assert keys("62-102") == {"not_digits"}
    (issue,) = codes.validate_code("6201")
    assert issue.key == "bad_length" and "12 位" in issue.message and issue.is_error
    assert keys("990000000000") == {"bad_province"}


def test_level_mismatch_is_an_error() -> None:
    (issue,) = codes.validate_code("620102001000", level=Level.VILLAGE)
    assert issue.key == "level_mismatch"
    assert "乡镇（街道）" in issue.message and "村（社区）" in issue.message


@pytest.mark.parametrize(
    ("segment", "kind"),
    [(1, "街道"), (99, "街道"), (100, "镇"), (199, "镇"), (200, "乡"), (399, "乡"), (400, "类似")],
)
def test_township_segment_ranges(segment: int, kind: str) -> None:
    code = f"620102{segment:03d}000"
    assert codes.township_kind(code).startswith(kind)
    assert not error_keys(code, level=Level.TOWNSHIP)


@pytest.mark.parametrize("segment", [600, 750, 999])
def test_township_segment_beyond_599_is_an_error(segment: int) -> None:
    assert error_keys(f"620102{segment:03d}000") == {"township_range"}


@pytest.mark.parametrize(
    ("segment", "severity"),
    [
        (1, None),
        (199, None),
        (200, None),
        (399, None),
        (400, Severity.WARNING),
        (598, Severity.WARNING),
    ],
)
def test_village_segment_ranges(segment: int, severity: Severity | None) -> None:
    issues = codes.validate_code(f"620102001{segment:03d}", level=Level.VILLAGE)
    assert [issue.severity for issue in issues] == ([severity] if severity else [])


def test_village_kind_follows_rule_1() -> None:
    assert codes.village_kind("621121103001") == "居民委员会（社区）"
    assert codes.village_kind("621121103201") == "村民委员会"
    assert error_keys("621121103600") == {"village_range"}


def test_city_and_county_pairs_outside_the_rule_only_warn() -> None:
    # 71–89 city pairs are not in the rule (secondary source): a warning, never an error.
    assert keys("627500000000") == {"city_range"}
    assert not error_keys("627500000000")
    assert keys("429000000000") == {"city_range"}  # 省直辖县级行政区划 (real data)
    assert keys("620119000000") == {"county_range"}  # county pair 19 is in no range
    assert not error_keys("620119000000")


def test_real_exceptions_are_tolerated() -> None:
    assert not keys("620171000000")  # 兰州新区: pair 71 sits in the 21–80 block
    assert not keys("620201000000")  # NBS placeholder county of 嘉峪关市
    assert keys("620200001000") == {"county_zero"}  # MCA 嘉峪关: warning only
    assert not error_keys("620200001000", level=Level.TOWNSHIP)


def test_grid_codes() -> None:
    assert codes.grid_code("620102001001", 7) == "620102001001007"
    assert not keys("620102001001007", level=Level.GRID, parent="620102001001")
    assert error_keys("620102001001000") == {"grid_sequence"}
    assert error_keys("620102001000001") == {"grid_village"}
    with pytest.raises(ValueError, match="001–999"):
        codes.grid_code("620102001001", 1000)


def test_parent_codes() -> None:
    assert codes.parent_code("620000000000") is None
    assert codes.parent_code("620100000000") == "620000000000"
    assert codes.parent_code("620102000000") == "620100000000"
    assert codes.parent_code("620102001000") == "620102000000"
    assert codes.parent_code("620200001000") == "620200000000"
    assert codes.parent_code("620102001001") == "620102001000"
    assert codes.parent_code("620102001001001") == "620102001001"
    assert codes.parent_code("bad") is None


def test_child_prefix_invariant() -> None:
    assert codes.carries_prefix("620102001001", "620102001000")
    assert codes.carries_prefix("620102001001", "620100000000")  # any ancestor
    assert not codes.carries_prefix("620103001001", "620102001000")
    assert not codes.carries_prefix("620102001000", "620102001000")  # not strictly above
    assert not codes.carries_prefix("620102000000", "620102001000")  # parent below child
    (issue,) = codes.validate_code("620103001001", parent="620102001000")
    assert issue.key == "parent_prefix" and "620102001" in issue.message


def test_name_contradicting_the_segment_is_a_warning() -> None:
    assert keys("620102001000", name="某某镇") == {"name_kind"}
    assert not keys("620102101000", name="某某镇")
    assert keys("620102001201", name="某某社区居委会") == {"name_kind"}
    assert not keys("620102001201", name="某某村村民委员会")
    assert not error_keys("620102001000", name="某某镇")


def test_urban_rural_codes_rule_2() -> None:
    for value in UrbanRural.values:
        assert not keys("620102001001", urban_rural=value)
    assert keys("620102001001", urban_rural="130") == {"urban_rural"}
    assert keys("620102001000", urban_rural="111") == {"urban_rural_level"}


def test_ensure_valid_raises_with_all_errors_and_returns_warnings() -> None:
    with pytest.raises(codes.CodeError) as caught:
        codes.ensure_valid("620103001001", level=Level.TOWNSHIP, parent="620102001000")
    assert {issue.key for issue in caught.value.issues} == {"level_mismatch", "parent_prefix"}
    assert "不以上级代码" in str(caught.value)
    warnings = codes.ensure_valid("620200001000")
    assert [w.key for w in warnings] == ["county_zero"]
    assert codes.is_valid("620102001001", level=Level.VILLAGE)
    assert not codes.is_valid("620102001001", level=Level.GRID)


def test_every_range_table_names_its_source() -> None:
    tables = [
        codes.CITY_PAIR_RANGES,
        codes.COUNTY_PAIR_RANGES,
        codes.TOWNSHIP_SEGMENT_RANGES,
        codes.VILLAGE_SEGMENT_RANGES,
        (codes.GRID_SEQUENCE_RANGE,),
    ]
    for table in tables:
        for entry in table:
            assert entry.source and entry.low <= entry.high
        # ranges inside one table never overlap
        spans = sorted((e.low, e.high) for e in table)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))


# --------------------------------------------------------------- property tests

provinces = st.sampled_from(sorted(set(codes.PROVINCE_CODES) - {"71", "81", "82"}))
cities = st.integers(1, 70)
counties = st.integers(1, 99).filter(lambda n: n not in (19, 20))
townships = st.integers(1, 599)
villages = st.integers(1, 399)
grid_seqs = st.integers(1, 999)


@st.composite
def chains(draw: st.DrawFn) -> list[str]:
    """A valid code at every level from province to grid, each the parent of the next."""
    p, c, d = draw(provinces), draw(cities), draw(counties)
    t, v, g = draw(townships), draw(villages), draw(grid_seqs)
    return [
        f"{p}0000000000",
        f"{p}{c:02d}00000000",
        f"{p}{c:02d}{d:02d}000000",
        f"{p}{c:02d}{d:02d}{t:03d}000",
        f"{p}{c:02d}{d:02d}{t:03d}{v:03d}",
        f"{p}{c:02d}{d:02d}{t:03d}{v:03d}{g:03d}",
    ]


@given(chains())
def test_generated_chains_validate_and_link(chain: list[str]) -> None:
    for level, code in enumerate(chain, start=1):
        assert codes.level_of(code) == level
        parent = chain[level - 2] if level > 1 else None
        issues = codes.validate_code(code, level=level, parent=parent)
        assert not codes.errors(issues), issues
        assert codes.parent_code(code) == parent
        for ancestor in chain[: level - 1]:
            assert codes.carries_prefix(code, ancestor)
        assert codes.significant_prefix(code) == code[: codes.PREFIX_LENGTH[level]]


@given(chains(), st.integers(0, 14), st.sampled_from("0123456789"))
def test_changing_a_digit_breaks_the_link_or_keeps_it_consistent(
    chain: list[str], position: int, digit: str
) -> None:
    grid = chain[-1]
    mutated = grid[:position] + digit + grid[position + 1 :]
    village = chain[-2]
    linked = not codes.errors(codes.validate_code(mutated, level=Level.GRID, parent=village))
    # A mutated grid still links to the village only if its first 12 digits are unchanged.
    assert linked == (mutated[:12] == village and mutated[12:] != "000")


@given(st.text(alphabet="0123456789X-", max_size=16))
def test_validation_never_crashes(text: str) -> None:
    issues = codes.validate_code(text)
    assert all(issue.message for issue in issues)
    if codes.level_of(text) is None:
        assert codes.errors(issues)

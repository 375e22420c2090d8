"""GPS point → grid, for grid workers' reports.

The point-in-polygon lookup belongs to the regions app (`fengqiao/regions/geo.py`, shapely
STRtree over the grid boundaries). This hook is the cases app's only call into it; until
that module exists, no point resolves and the client must send an explicit region code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fengqiao.regions.models import Level, Region

# Names the regions app may give its lookup; the first one found is used.
_LOOKUP_NAMES = ("grid_at", "grid_for_point", "locate_grid", "find_grid")


def _lookup() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("fengqiao.regions.geo")
    except ImportError:
        return None
    for name in _LOOKUP_NAMES:
        function = getattr(module, name, None)
        if callable(function):
            return function  # type: ignore[no-any-return]
    return None


def grid_for_point(latitude: Decimal, longitude: Decimal) -> Region | None:
    """The grid that contains the point, or None when unknown or not resolvable."""
    lookup = _lookup()
    if lookup is None:
        return None
    found = lookup(float(latitude), float(longitude))
    if isinstance(found, Region) and found.level == Level.GRID:
        return found
    return None

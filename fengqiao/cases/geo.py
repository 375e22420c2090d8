"""GPS point → grid, for grid workers' reports.

The point-in-polygon lookup belongs to the regions app (`fengqiao.regions.geo.locate`, a
shapely STRtree over the grids' boundaries; GeoJSON order, longitude first). This module is
the cases app's only call into it. Scope is checked by the intake afterwards, so a point in
someone else's grid is answered "outside your scope" (403) rather than "no grid".
"""

from __future__ import annotations

from decimal import Decimal

from fengqiao.regions import geo
from fengqiao.regions.models import Region


def grid_for_point(latitude: Decimal, longitude: Decimal) -> Region | None:
    """The grid that covers the point, or None when it lies outside every grid."""
    return geo.locate(float(longitude), float(latitude)).grid

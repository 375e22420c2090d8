"""Demo data for the console (DEMO ONLY): display names for the demo logins, a region
administrator, and the demo grid worker's login linked to a grid. The territory, grids and grid
workers come from `fengqiao.regions.demo`. Running it twice adds nothing twice.
"""

from __future__ import annotations

from django.db import transaction

from fengqiao.accounts.models import User
from fengqiao.regions.models import (
    GridAssignment,
    GridWorker,
)

# Display names for the demo logins (the accounts demo creates the logins themselves).
DEMO_NAMES = {
    "demo_grid": "马小红",
    "demo_operator": "李晓东",
    "demo_handler": "王建国",
    "demo_mediator": "陈桂英",
    "demo_leader": "赵振华",
    "demo_regionadmin": "孙明辉",
}


def _logins() -> None:
    for username, name in DEMO_NAMES.items():
        User.objects.filter(username=username, first_name="").update(first_name=name)
    grid_user = User.objects.filter(username="demo_grid").first()
    first = GridAssignment.objects.filter(grid__code="620102001001001", is_chief=True).first()
    if grid_user is not None and first is not None and not hasattr(grid_user, "grid_worker"):
        GridWorker.objects.filter(pk=first.worker_id, user__isnull=True).update(
            user=grid_user, name=DEMO_NAMES["demo_grid"]
        )


@transaction.atomic
def populate_console_demo() -> None:
    """Give the demo logins display names and link the demo grid worker to grid 001."""
    _logins()

"""All writes of the regions app: `do_*` functions, each `@transaction.atomic` with a
keyword-only `actor` and an audit row in the same transaction.

- `territory`: division imports, versioned changes (create, rename, re-parent, split, merge,
  retire) and boundaries;
- `workers`: grid workers and grid chiefs.
"""

from fengqiao.regions.actions.territory import (
    RegionChangeError,
    do_create_region,
    do_import_regions,
    do_merge,
    do_rename,
    do_reparent,
    do_retire,
    do_set_boundary,
    do_split,
    name_on,
    resolve_code,
)
from fengqiao.regions.actions.workers import (
    WORKER_FIELDS,
    WorkerSpec,
    do_import_grid_workers,
    do_set_chief,
    do_update_grid_worker,
    is_valid_phone,
)

__all__ = [
    "WORKER_FIELDS",
    "RegionChangeError",
    "WorkerSpec",
    "do_create_region",
    "do_import_grid_workers",
    "do_import_regions",
    "do_merge",
    "do_rename",
    "do_reparent",
    "do_retire",
    "do_set_boundary",
    "do_set_chief",
    "do_split",
    "do_update_grid_worker",
    "is_valid_phone",
    "name_on",
    "resolve_code",
]

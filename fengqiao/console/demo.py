"""Demo data for the console (DEMO ONLY), on top of the regions demo (`fengqiao.regions.demo`).

The regions demo imports Gansu (real codes and names down to villages) and generates grids and
grid workers under two townships. For 区域概览 to show something at each level, this adds grids
and grid workers under a few more townships — in real villages, with invented grid names,
households, workers and phones (199-0932 block), all marked `source="demo"` — plus the login
`demo_regionadmin`, Chinese display names for the demo logins, and a link from `demo_grid` to
the grid worker who is chief of its grid. Idempotent: running it twice adds nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.console.demo_cases import populate_case_demo
from fengqiao.console.demo_mediation import populate_mediation_demo
from fengqiao.console.demo_stats import populate_history
from fengqiao.regions import actions, codes
from fengqiao.regions.bulk import NodeSpec
from fengqiao.regions.models import GridAssignment, GridType, GridWorker, Level, Region

DEMO_SOURCE = "demo"
# Townships whose first villages get demo grids: three more 城关区 subdistricts, one in
# 七里河区, and one each in 天水市秦州区 and 酒泉市肃州区, so every level has several bars.
EXTRA_TOWNSHIPS = (
    "620102002000",
    "620102003000",
    "620102004000",
    "620103002000",
    "620502001000",
    "620902001000",
)
VILLAGES_PER_TOWNSHIP = 3
SURNAMES = "陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋"
GIVEN = ("玉梅", "春生", "淑芬", "永红", "明辉", "雪梅", "振华", "立新", "爱琴", "建军", "小燕")
NUMERALS = "一二三四"

EXTRA_LOGINS = [("demo_regionadmin", Role.REGION_ADMIN, "620102000000", True)]
DISPLAY_NAMES = {
    "demo_operator": "李晓东",
    "demo_handler": "刘海燕",
    "demo_mediator": "陈桂英",
    "demo_leader": "赵振华",
    "demo_regionadmin": "孙明辉",
    "demo_sysadmin": "系统管理员（演示）",
    "demo_secadmin": "安全管理员（演示）",
    "demo_auditadmin": "审计管理员（演示）",
}


def _grid_specs() -> list[NodeSpec]:
    specs: list[NodeSpec] = []
    for township in EXTRA_TOWNSHIPS:
        parent = Region.objects.filter(code=township).first()
        # by parent id (the FK index): a join on the parent's code lets PostgreSQL pick a
        # nested loop over the whole table right after the bulk import, before ANALYZE
        villages = Region.objects.filter(
            parent=parent, level=Level.VILLAGE, retired_on__isnull=True
        ).order_by("code")[:VILLAGES_PER_TOWNSHIP]
        for index, village in enumerate(villages):
            count = 2 + (int(village.code) + index) % 3  # two to four grids per village
            for seq in range(1, count + 1):
                code = codes.grid_code(village.code, seq)
                fields = {
                    "grid_type": GridType.BASIC,
                    "households": 300 + (int(code) % 7) * 30,  # the usual urban norm (rule 5)
                    "source": DEMO_SOURCE,
                }
                specs.append(
                    NodeSpec(code, f"第{NUMERALS[seq - 1]}网格", Level.GRID, village.code, fields)
                )
    return specs


def _worker_specs(grid_codes: list[str]) -> list[actions.WorkerSpec]:
    """A chief for every grid and a second, part-time worker on every third grid."""
    specs: list[actions.WorkerSpec] = []
    for index, grid in enumerate(sorted(grid_codes)):
        for member in range(2 if index % 3 == 0 else 1):
            serial = index * 2 + member
            specs.append(
                actions.WorkerSpec(
                    number=f"{grid}{member + 1:02d}",
                    name=SURNAMES[serial % len(SURNAMES)] + GIVEN[serial % len(GIVEN)],
                    phone=f"1990932{serial:04d}",
                    grid_codes=(grid,),
                    is_chief=member == 0,
                    is_full_time=member == 0,
                )
            )
    return specs


def _logins() -> None:
    for username, role, code, can_act in EXTRA_LOGINS:
        region = Region.objects.get(code=code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=settings.DEMO_PASSWORD, region=region
            )
        RoleAssignment.objects.get_or_create(
            user=user, role=role, region=region, defaults={"can_act": can_act}
        )
    for username, name in DISPLAY_NAMES.items():
        User.objects.filter(username=username, first_name="").update(first_name=name)
    # demo_grid is the 网格长 of its grid: link the account to that grid worker.
    grid_user = User.objects.filter(username="demo_grid").first()
    chief = GridAssignment.objects.filter(grid__code="620102001001001", is_chief=True).first()
    if grid_user is not None and chief is not None:
        if not GridWorker.objects.filter(user=grid_user).exists():
            GridWorker.objects.filter(pk=chief.worker_id, user__isnull=True).update(user=grid_user)
        worker = GridWorker.objects.filter(user=grid_user).first()
        if worker is not None and not grid_user.first_name:
            User.objects.filter(pk=grid_user.pk).update(first_name=worker.name)


@transaction.atomic
def populate_console_demo() -> list[tuple[str, str, str]]:
    """Add the console's demo data; returns the extra logins (username, role label, code)."""
    specs = _grid_specs()
    actions.do_import_regions(specs, actor=None, source="console demo grids")
    existing = set(GridWorker.objects.values_list("number", flat=True))
    workers = [w for w in _worker_specs([s.code for s in specs]) if w.number not in existing]
    if workers:
        actions.do_import_grid_workers(workers, actor=None, source="console demo")
    _logins()
    populate_case_demo()
    populate_history()
    populate_mediation_demo()
    return [(username, Role(role).label, code) for username, role, code, _ in EXTRA_LOGINS]

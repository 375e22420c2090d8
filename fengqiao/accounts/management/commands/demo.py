"""`fengqiao demo`: a small Gansu territory with one login per role (DEMO ONLY, AUTH-01)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.console.demo import populate_console_demo
from fengqiao.regions.demo import build_demo_territory
from fengqiao.regions.models import Region

DEMO_LOGINS = [
    ("demo_grid", Role.GRID_WORKER, "620102001001001", True),
    ("demo_operator", Role.OPERATOR, "620102000000", True),
    ("demo_handler", Role.HANDLER, "620102000000", True),
    ("demo_mediator", Role.MEDIATOR, "620102001000", True),
    ("demo_leader", Role.LEADER, "620000000000", False),
    ("demo_regionadmin", Role.REGION_ADMIN, "620102000000", True),
    ("demo_sysadmin", Role.SYSTEM_ADMIN, "620000000000", True),
    ("demo_secadmin", Role.SECURITY_ADMIN, "620000000000", True),
    ("demo_auditadmin", Role.AUDIT_ADMIN, "620000000000", True),
]


class Command(BaseCommand):
    help = "生成演示数据（甘肃省区划、网格、单位、每个角色一个演示账号）"

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            self._territory()
            self._logins()
            populate_console_demo()
        self.stdout.write(
            self.style.WARNING("演示账号（仅供演示，生产环境不会创建任何默认账号）：")
        )
        for username, role, code, _ in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {Role(role).label:<10} {code}")
        self.stdout.write(f"  密码：{settings.DEMO_PASSWORD}")

    def _territory(self) -> None:
        build_demo_territory(self.stdout)

    def _logins(self) -> None:
        for username, role, code, can_act in DEMO_LOGINS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=settings.DEMO_PASSWORD)
            RoleAssignment.objects.get_or_create(
                user=user,
                role=role,
                region=Region.objects.get(code=code),
                defaults={"can_act": can_act},
            )

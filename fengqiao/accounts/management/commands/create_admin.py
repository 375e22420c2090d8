"""`fengqiao create-admin USERNAME --role … --region CODE`: the first 等保 administrators.

AUTH-01: migrations create no accounts; this command, run by the server operator, creates an
administrator with a one-time password that must be changed at first login.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fengqiao.accounts.actions import do_bootstrap_admin
from fengqiao.accounts.models import ADMIN_ROLES, Role
from fengqiao.core.errors import ActionError
from fengqiao.regions.models import Region


class Command(BaseCommand):
    help = "创建系统管理员、安全管理员或审计管理员（一次性密码，首次登录须修改）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="登录名")
        parser.add_argument(
            "--role", required=True, choices=sorted(r.value for r in ADMIN_ROLES), help="角色"
        )
        parser.add_argument("--region", required=True, help="管辖区划代码，如 620000000000")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"区划代码不存在：{options['region']}（请先导入区划）")
        try:
            user, password = do_bootstrap_admin(
                username=options["username"], role=options["role"], region=region
            )
        except ActionError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(
            f"已创建 {Role(options['role']).label} {user.username}（{region.name} {region.code}）"
        )
        self.stdout.write(f"一次性密码：{password}")
        self.stdout.write("首次登录后必须修改密码；此密码不会再次显示。")

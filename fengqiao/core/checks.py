"""Deployment checks registered with Django's check framework (WEB-01, REL-01, SOD-03, FAULT-06,
AUTH-06).

`fengqiao check --deploy` fails on any of these Errors in production."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db import connection

UNSAFE_PG = {
    "fsync": {"on"},
    "full_page_writes": {"on"},
    "synchronous_commit": {"on", "remote_write", "remote_apply"},
}


@checks.register(checks.Tags.database, deploy=True)
def check_durability(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    """REL-01: a receipt number is shown only after a durable commit."""
    errors: list[checks.CheckMessage] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            level = cursor.fetchone()[0]
            if level < 2:  # 2 = FULL, 3 = EXTRA
                message = "SQLite 未设置 synchronous=FULL，提交可能丢失。"
                errors.append(checks.Error(message, id="fengqiao.E001"))
        elif connection.vendor == "postgresql":
            for name, allowed in UNSAFE_PG.items():
                cursor.execute(f"SHOW {name}")
                value = cursor.fetchone()[0]
                if value not in allowed:
                    errors.append(
                        checks.Error(
                            f"PostgreSQL {name}={value} 不能保证已确认的提交不丢失。",
                            hint=f"设置 {name} 为 {' / '.join(sorted(allowed))}。",
                            id="fengqiao.E002",
                        )
                    )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    """FAULT-06, CRY: production runs on PostgreSQL with a real SM4 key; SOD-03: no superuser;
    AUTH-06: the second factor is required."""
    errors: list[checks.CheckMessage] = []
    if settings.DEBUG:
        return errors
    if connection.vendor == "sqlite":
        errors.append(
            checks.Error("生产环境不能使用嵌入式 SQLite，请设置 DATABASE_URL。", id="fengqiao.E003")
        )
    if not settings.SM4_KEY:
        errors.append(checks.Error("未设置 FENGQIAO_SM4_KEY。", id="fengqiao.E004"))
    if not settings.AUDIT_CHECKPOINT_KEY:
        errors.append(
            checks.Error(
                "未设置 FENGQIAO_AUDIT_CHECKPOINT_KEY（审计检查点签名密钥）。", id="fengqiao.E006"
            )
        )
    if not settings.FENGQIAO_MFA_REQUIRED:
        errors.append(
            checks.Error(
                "未启用多因素认证（FENGQIAO_MFA_REQUIRED=0），工作人员仅凭密码即可登录。",
                hint="生产环境须启用：删除 FENGQIAO_MFA_REQUIRED 或设为 1（AUTH-06）。",
                id="fengqiao.E007",
            )
        )
    from fengqiao.accounts.models import User

    if User.objects.filter(is_superuser=True, is_active=True).exists():
        errors.append(
            checks.Error(
                "存在启用的超级用户账号，违反三权分立。",
                hint="停用超级用户，改用系统/安全/审计管理员角色。",
                id="fengqiao.E005",
            )
        )
    return errors

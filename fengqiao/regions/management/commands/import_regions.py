"""`fengqiao import-regions`: real division data, or a CSV / GeoJSON file of regions or workers.

    fengqiao import-regions                      # Gansu (62): MCA levels 1–4 + NBS villages
    fengqiao import-regions --province 11 --no-villages
    fengqiao import-regions --file towns.csv --kind township
    fengqiao import-regions --file grids.geojson --kind grid
    fengqiao import-regions --file workers.csv --kind grid_worker

Idempotent for the division data (existing codes are left alone); all-or-nothing for files,
with one Chinese message per bad row and a non-zero exit code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from fengqiao.accounts.models import User
from fengqiao.regions import actions, divisions, fileimport
from fengqiao.regions.bulk import BuildResult, MissingParent, refresh_statistics
from fengqiao.regions.models import Level, Region


class Command(BaseCommand):
    help = "导入区划代码（民政部 1–4 级 + 国家统计局村级），或导入 CSV/GeoJSON 文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", default="62", help="省级代码两位，默认 62（甘肃）")
        parser.add_argument("--no-villages", action="store_true", help="只导入 1–4 级")
        parser.add_argument("--file", type=Path, help="CSV 或 GeoJSON 文件")
        parser.add_argument("--kind", choices=fileimport.KINDS, help="文件内容类型")
        parser.add_argument("--actor", help="记入审计日志的操作人用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["actor"])
        try:
            if options["file"]:
                self._file(options["file"], options["kind"], actor)
            else:
                self._divisions(options["province"], not options["no_villages"], actor)
        except (MissingParent, actions.RegionChangeError, DatabaseError) as exc:
            raise CommandError(f"导入失败，未写入任何数据：{exc}") from None

    def _actor(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        return user

    def _divisions(self, province: str, with_villages: bool, actor: User | None) -> None:
        if len(province) != 2 or not province.isdigit():
            raise CommandError("--province 应为两位数字，如 62。")
        self.stdout.write(f"读取区划数据（省级代码 {province}）…")
        plan = divisions.plan_divisions(province, with_villages=with_villages)
        if not plan.specs:
            raise CommandError("；".join(plan.notes) or "没有可导入的数据。")
        if with_villages and divisions.load_nbs(province) is None:
            self.stdout.write(f"  未附带省级代码 {province} 的统计用村级数据，只导入 1–4 级。")
        for level in (1, 2, 3, 4, 5):
            mca, nbs = (
                plan.count(level, divisions.SOURCE_MCA),
                plan.count(level, divisions.SOURCE_NBS),
            )
            if mca or nbs:
                self.stdout.write(f"  {Level(level).label}：民政部 {mca}，仅统计用 {nbs}")
        self.stdout.write(
            f"  乡镇按名称匹配后采用统计用代码（与民政部代码不同）：{plan.matched_renumbered}"
        )
        for note in plan.notes:
            self.stdout.write(self.style.WARNING(f"  注意：{note}"))
        self.stdout.write("写入数据库…")
        result = actions.do_import_regions(
            plan.specs,
            actor=actor,
            source=f"MCA2025+NBS2023:{province}",
            progress=self.stdout.write,
        )
        self._report(result)
        refresh_statistics()
        self._summary(province)

    def _file(self, path: Path, kind: str | None, actor: User | None) -> None:
        if kind is None:
            if path.suffix.lower() != ".geojson":
                raise CommandError("导入 CSV 文件时必须用 --kind 指定类型。")
            kind = "grid"
        try:
            rows, unit = fileimport.read_file(path)
            if kind == "grid_worker":
                workers = fileimport.check_workers(rows, unit)
            else:
                specs = fileimport.check_regions(kind, rows, unit)
        except fileimport.FileRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"文件“{path.name}”有 {len(exc.errors)} 处错误，未导入任何数据。"
            ) from None
        source = f"{path.name} sha256:{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"
        if kind == "grid_worker":
            created = actions.do_import_grid_workers(workers, actor=actor, source=source)
            self.stdout.write(self.style.SUCCESS(f"已导入网格员 {len(created)} 名。"))
            return
        result = actions.do_import_regions(specs, actor=actor, source=source)
        self._report(result)
        refresh_statistics()

    def _report(self, result: BuildResult) -> None:
        created = "，".join(
            f"{Level(level).label} {n}" for level, n in sorted(result.created.items())
        )
        self.stdout.write(self.style.SUCCESS(f"新建：{created or '无（已是最新）'}"))
        self.stdout.write(f"已存在且一致：{result.unchanged}")
        if result.differing:
            sample = "、".join(result.differing[:10])
            self.stdout.write(
                self.style.WARNING(
                    f"已存在但名称或上级不同（未修改，请用区划变更功能处理）："
                    f"{len(result.differing)} 个，如 {sample}"
                )
            )

    def _summary(self, province: str) -> None:
        self.stdout.write(f"汇总（省级代码 {province}，数据库现有，不含已撤销）：")
        active = Region.objects.active().filter(code__startswith=province)
        for level in (1, 2, 3, 4, 5, 6):
            rows = active.filter(level=level)
            total = rows.count()
            if total:
                nbs_only = rows.filter(source=divisions.SOURCE_NBS).count()
                extra = f"（其中仅统计用 {nbs_only}）" if nbs_only and level < 5 else ""
                self.stdout.write(f"  {Level(level).label}：{total}{extra}")

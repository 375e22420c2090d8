"""Registrations made once at start-up: the sweep steps (rollup sync, scheduled packs) and
the export generators. The cases sweep and the documents registry are generic: reports
plugs into them without either importing reports."""

from __future__ import annotations

from datetime import datetime


def sync_step(now: datetime) -> int:
    """Sweep step: sync whatever the on-commit sync left in the queue."""
    from fengqiao.reports.sync import sync

    return sync()


def packs_step(now: datetime) -> int:
    """Sweep step: generate the report packs whose period has ended."""
    from fengqiao.reports.packs import run_due

    return run_due(now)


def install() -> None:
    from fengqiao.cases import sweep
    from fengqiao.reports import providers
    from fengqiao.reports.exports import register_generators

    providers.install()
    sweep.register_step("reports.sync", sync_step)
    sweep.register_step("reports.packs", packs_step)
    register_generators()

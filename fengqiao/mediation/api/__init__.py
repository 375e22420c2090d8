"""The mediation API under /api/v1/mediation/: intake, reading, transitions, configuration."""

from __future__ import annotations

from ninja import Router

from fengqiao.api import api


def build_router() -> Router:
    from fengqiao.cases.api import on_case_error
    from fengqiao.cases.errors import CaseError
    from fengqiao.mediation.api import config, intake, read, transitions

    api.exception_handler(CaseError)(on_case_error)
    router = Router()
    router.add_router("", intake.router)
    router.add_router("", read.router)
    router.add_router("", transitions.router)
    router.add_router("", config.router)
    return router

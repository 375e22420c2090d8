"""The mediation API under /api/v1/mediation/: intake, reading, transitions, configuration."""

from __future__ import annotations

from ninja import Router


def build_router() -> Router:
    from fengqiao.mediation.api import config, intake, read, transitions

    router = Router()
    assert read.router is intake.router  # one router for GET and POST /disputes
    router.add_router("", intake.router)
    router.add_router("", transitions.router)
    router.add_router("", config.router)
    return router

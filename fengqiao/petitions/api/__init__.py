"""The petitions API under /api/v1/petitions/: the public door (online submission, tracking
by query code, rating), staff intake, reading, transitions and recommendations."""

from __future__ import annotations

from ninja import Router


def build_router() -> Router:
    from fengqiao.petitions.api import public, read, recommend, transitions

    router = Router()
    router.add_router("/public", public.router)
    router.add_router("", read.router)  # staff intake and reads share one router
    router.add_router("", transitions.router)
    router.add_router("", recommend.router)
    return router

"""Fixtures for the mediator workspace's tests: the mediation app's bodies (village and
township committees, a court, the diversion route) and a village committee mediator whose
login is linked to the committee's 调解员 profile, plus a dispute sent to that committee."""

from __future__ import annotations

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import Mediator
from fengqiao.mediation.tests.conftest import (  # noqa: F401
    Bodies,
    _keys,
    bodies,
    court_clerk,
    villager,
)
from fengqiao.mediation.tests.helpers import draft
from fengqiao.procedures.testing import sm4_key  # noqa: F401
from fengqiao.testing import Territory


@pytest.fixture
def mediator(bodies: Bodies, villager: User) -> Mediator:  # noqa: F811
    """The village committee's mediator, linked to the villager login."""
    row = bodies.mediators["village"]
    row.user = villager
    row.name = "陈桂英"
    row.save(update_fields=["user", "name"])
    return row


@pytest.fixture
def dispute(territory: Territory, grid_worker: User, bodies: Bodies) -> Case:  # noqa: F811
    """A neighbours' dispute a grid worker sent to the village committee (dispatched)."""
    return m.do_intake_dispute(
        draft(territory.grid_a1), m.DisputeDraft(org=bodies.village), actor=grid_worker
    ).case

"""Every word the case pages take from the cases app has an English translation, and the
demo adds no cases when the shipped taxonomies are missing."""

from __future__ import annotations

import pytest
from django.utils import translation

from fengqiao.cases import models as m
from fengqiao.cases.workflow import MERGED_LABEL, Kind, machine_for
from fengqiao.console.case_ops import CO_LABELS, OPS
from fengqiao.console.case_pages import NOTE_LABELS
from fengqiao.console.labels import CHOICE_LABELS, tr

CHOICES = [
    Kind,
    m.Channel,
    m.RequestType,
    m.Urgency,
    m.RiskColour,
    m.Satisfaction,
    m.SupervisionLevel,
    m.AssignmentRole,
    m.AssignmentStatus,
    m.PartyRole,
    m.ExtensionStatus,
]


def _case_words() -> set[str]:
    words = {MERGED_LABEL, *NOTE_LABELS.values(), *CO_LABELS.values()}
    words |= {op.label for op in OPS.values() if op.label}
    for kind in ("hotline", "grid_event"):
        machine = machine_for(kind)
        assert machine is not None
        words |= set(machine.states.values()) | {a.label for a in machine.actions}
    for choices in CHOICES:
        words |= {str(label) for _value, label in choices.choices if label}
    return words


def test_every_case_word_is_listed_for_translation() -> None:
    listed = {str(label) for label in CHOICE_LABELS}
    assert _case_words() - listed == set()


def test_every_case_word_has_english() -> None:
    with translation.override("en"):
        untranslated = sorted(w for w in _case_words() if tr(w) == w)
    assert untranslated == []
    with translation.override("en"):
        assert tr("已派单（待签收）") == "Dispatched (to sign for)"
        assert tr("审核通过（待回访）") == "Reviewed (awaiting callback)"
    with translation.override("zh-hans"):
        assert tr("已派单（待签收）") == "已派单（待签收）"


@pytest.mark.django_db
def test_demo_cases_need_the_taxonomies(territory: object) -> None:
    from fengqiao.accounts.models import Role
    from fengqiao.cases.models import Case
    from fengqiao.console.demo_cases import populate_case_demo
    from fengqiao.regions.models import Region
    from fengqiao.testing import make_user
    from fengqiao.units.models import Category

    county = Region.objects.get(code="620102000000")
    grid = Region.objects.get(code="620102001001001")
    make_user("demo_operator", Role.OPERATOR, county)
    make_user("demo_handler", Role.HANDLER, county)
    make_user("demo_grid", Role.GRID_WORKER, grid)
    Category.objects.filter(code="WG05").delete()
    assert populate_case_demo() == 0
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_case_desk_and_page_read_in_english(territory: object) -> None:
    from fengqiao.accounts.models import Role
    from fengqiao.cases.actions import do_accept
    from fengqiao.cases.tests.conftest import ensure_reference_data
    from fengqiao.console.tests.cases_helpers import client_for, register
    from fengqiao.regions.models import Region
    from fengqiao.testing import make_user

    ensure_reference_data()
    town = Region.objects.get(code="620102001000")
    grid = Region.objects.get(code="620102001001001")
    operator = make_user("en_operator", Role.OPERATOR, town)
    case = do_accept(register(operator, grid).case, actor=operator)
    client = client_for(operator)
    client.cookies["django_language"] = "en"
    desk = client.get("/console/cases/?list=open").content.decode()
    assert "To dispatch" in desk and "待派单" not in desk
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    for words in ("12345 work order", "12345 phone", "Normal", "Dispatch"):
        assert words in page, words
    assert "Accept for dispatch" in page  # the timeline's step, from the machine's label


@pytest.mark.django_db
def test_portal_reads_in_english(territory: object) -> None:
    from django.test import Client

    client = Client()
    client.cookies["django_language"] = "en"
    submit = client.get("/portal/").content.decode()
    assert "Tell us" in submit and "Your name" in submit and "Describe your request" in submit
    track = client.get("/portal/track/").content.decode()
    assert "Receipt number" in track and "Code" in track
    missing = client.post("/portal/track/", {"receipt_no": "RX2000010100001", "code": "ABCDEFGH"})
    assert missing.status_code == 404

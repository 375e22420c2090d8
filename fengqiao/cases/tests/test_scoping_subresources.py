"""The scoping oracle over the case endpoints that are neither list nor detail (issue 3 "Done
when": attachments and the duplicate query; AC-01, AC-02).

Random worlds come from the foundation's property test (`world_specs`, `build`): a region
forest, users with random grants, and one case per anchor (`fengqiao.testing_scope`). Each
case gets an attachment. For every user the oracle says which cases are visible; then

- an attachment downloads (200) exactly when its case is visible, else 404 like a missing one;
- a case's duplicate list answers 404 for an invisible case and never names an invisible case;
- the intake screen's duplicate query, for a draft in any region, returns exactly the visible
  cases among all the candidates an unscoped query would find.
"""

from __future__ import annotations

import tempfile

from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from fengqiao.accounts.models import User
from fengqiao.accounts.tests.test_scoping_property import WorldSpec, build, world_specs
from fengqiao.cases import duplicates
from fengqiao.cases.actions import do_attach
from fengqiao.cases.models import Attachment, Case
from fengqiao.testing_scope import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ATTACHMENTS = tempfile.mkdtemp(prefix="fengqiao-scope-")


def visible_cases(world: World, user: User) -> set[int]:
    """The oracle: cases whose region lies under one of the user's live business grants."""
    rows = Case.objects.values_list("pk", "region_id")
    return {pk for pk, region_id in rows if world.sees(user.pk, region_id)}


@override_settings(CASES_ATTACHMENT_DIR=ATTACHMENTS)
class CaseSubresourceScopingTest(TestCase):
    """Each hypothesis example runs in its own transaction, rolled back afterwards."""

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(world_specs())
    def test_attachments_and_duplicates_follow_the_oracle(self, spec: WorldSpec) -> None:
        world, users = build(spec)
        for n, case in enumerate(Case.objects.order_by("pk")):
            do_attach(case, actor=None, name=f"照片{n}.png", data=PNG + bytes([n]))  # type: ignore[arg-type]
        for user in users:
            if user.pk not in world.active_users:
                continue
            self.client.force_login(user)
            expected = visible_cases(world, user)
            self.check_attachments(expected, user)
            self.check_case_duplicates(expected, user)
            self.check_draft_duplicates(expected, user)

    def check_attachments(self, expected: set[int], user: User) -> None:
        missing = self.client.get("/api/v1/cases/999999/attachments/999999")
        assert missing.status_code == 404
        for attachment in Attachment.objects.select_related("case"):
            url = f"/api/v1/cases/{attachment.case_id}/attachments/{attachment.pk}"
            response = self.client.get(url)
            if attachment.case_id in expected:
                assert response.status_code == 200, (user.username, url)
                assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
            else:
                assert response.status_code == 404, (user.username, url)
                assert response.content == missing.content

    def check_case_duplicates(self, expected: set[int], user: User) -> None:
        missing = self.client.get("/api/v1/cases/999999/duplicates")
        for case in Case.objects.all():
            response = self.client.get(f"/api/v1/cases/{case.pk}/duplicates")
            if case.pk not in expected:
                assert response.status_code == 404, (user.username, case.pk)
                assert response.content == missing.content
                continue
            assert response.status_code == 200
            named = {item["case"]["id"] for item in response.json()}
            assert named <= expected - {case.pk}, (user.username, case.pk, named)

    def check_draft_duplicates(self, expected: set[int], user: User) -> None:
        for case in Case.objects.select_related("region"):
            draft = {"region_code": case.region.code, "description": case.description}
            response = self.client.post(
                "/api/v1/cases/duplicates", draft, content_type="application/json"
            )
            assert response.status_code == 200, response.content
            named = {item["case"]["id"] for item in response.json()}
            everyone = duplicates.candidates(
                Case.objects.all(),
                region=case.region,
                category=None,
                received_at=timezone.now(),
                description=case.description,
            )
            assert named == {c.case.pk for c in everyone} & expected, (user.username, named)

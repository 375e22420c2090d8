"""The one hook into the cases engine: a `post_save` receiver on `CaseTransition`. Every
action writes a timeline row in its own transaction (architecture: "every step is one action
function that … writes the timeline row"), so queueing the case there, in the same
transaction, catches every change without the cases app importing reports."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from fengqiao.cases.models import CaseTransition
from fengqiao.reports.models import SyncQueue


@receiver(post_save, sender=CaseTransition, dispatch_uid="reports.queue_case")
def queue_case(
    sender: type[CaseTransition], instance: CaseTransition, created: bool, **kwargs: Any
) -> None:
    """Queue the case for a rollup sync; sync it as soon as the action commits."""
    if not created or kwargs.get("raw"):
        return
    case_id = instance.case_id
    from fengqiao.reports.sync import record_area, sync_after_commit

    if instance.action == "register":
        record_area(case_id, instance.case.region.path)
    SyncQueue.objects.create(case_id=case_id)

    transaction.on_commit(lambda: sync_after_commit(case_id))

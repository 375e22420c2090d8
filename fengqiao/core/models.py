"""Platform models shared by every app: the transactional outbox (REL-04).

The outbox was born in the cases app; it moved here (docs/adr/0005) because the accounts app's
AUTH-09 notices and every business app write to it. Its table is still `cases_outbox`: the
move changed Django's model state only (`SeparateDatabaseAndState` in cases 0006 and core
0001), never the rows.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q


class Outbox(models.Model):
    """REL-04: a side effect to deliver, inserted in the business transaction. The sweep
    claims a row with a conditional UPDATE, delivers it at least once, then marks it; the
    consumer dedupes by `id`. Payloads carry ids and masked text only, never PII. `case` is
    set for a case's messages (the reverse accessor `case.outbox_set`), empty otherwise."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(max_length=60)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL)
    recipient = models.CharField("接收方", max_length=80, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    available_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "cases_outbox"  # the table it was created with (cases 0001): rows kept
        verbose_name = "待发送通知"
        verbose_name_plural = "待发送通知"
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["available_at"],
                condition=Q(delivered_at__isnull=True),
                name="outbox_undelivered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.recipient}"

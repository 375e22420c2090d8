"""The platform outbox (REL-04, AUTH-09) after its move from the cases app: same table, same
rows, `enqueue` in the caller's transaction, the sweep still drains it, and the migration
path from a database at the previous migrations keeps the rows (state-only migrations)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases import outbox as delivery
from fengqiao.cases.models import Notification
from fengqiao.core import outbox
from fengqiao.core.models import Outbox
from fengqiao.testing import Territory

BEFORE: list[tuple[str, str | None]] = [("cases", "0005_worklist_index"), ("core", None)]
AFTER = [("cases", "0006_move_outbox_to_core"), ("core", "0001_outbox_from_cases")]
SQL_FRAME = {"BEGIN;", "COMMIT;"}


def test_the_model_lives_in_core_on_the_old_table() -> None:
    assert Outbox._meta.app_label == "core" and Outbox._meta.db_table == "cases_outbox"
    assert apps.get_model("core", "Outbox") is Outbox
    with pytest.raises(LookupError):
        apps.get_model("cases", "Outbox")
    # no model of any app points at the outbox (the inbox keeps a plain uuid, not a key)
    pointing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is Outbox and not field.auto_created
    ]
    assert pointing == []


@pytest.mark.django_db
def test_enqueue_writes_in_the_callers_transaction(territory: Territory) -> None:
    message = outbox.enqueue("account.mfa", recipient="user:1", payload={"event": "x"})
    assert message.case_id is None and message.available_at <= timezone.now()
    assert Outbox.objects.get(pk=message.pk).payload == {"event": "x"}
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("account.mfa", recipient="user:2")
        raise RuntimeError
    assert list(Outbox.objects.values_list("recipient", flat=True)) == ["user:1"]


@pytest.mark.django_db
def test_the_sweep_delivers_a_platform_message_once(grid_worker: User) -> None:
    message = outbox.enqueue("account.mfa", recipient=f"user:{grid_worker.pk}")
    assert delivery.deliver_pending().delivered == 1
    assert delivery.deliver_pending().delivered == 0
    inbox = Notification.objects.get(outbox_id=message.pk)
    assert inbox.topic == "account.mfa" and inbox.case_id is None
    assert Outbox.objects.get(pk=message.pk).delivered_at is not None


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    yield MigrationExecutor(connection)
    # leave the test database fully migrated for the tests that follow
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_previous_migrations_keeps_its_outbox_rows(
    executor: MigrationExecutor,
) -> None:
    executor.migrate(BEFORE)
    old_state = executor.loader.project_state(("cases", "0005_worklist_index")).apps
    OldOutbox = old_state.get_model("cases", "Outbox")
    with pytest.raises(LookupError):
        old_state.get_model("core", "Outbox")
    row_id = uuid.uuid4()
    OldOutbox.objects.create(
        id=row_id, topic="account.mfa", recipient="user:7", available_at=timezone.now()
    )

    forward = MigrationExecutor(connection)
    plan = forward.migration_plan(AFTER)
    assert [(m.app_label, m.name) for m, _ in plan] == AFTER
    for app_label, name in AFTER:  # state only: `sqlmigrate` prints no statement
        printed = io.StringIO()
        call_command("sqlmigrate", app_label, name, stdout=printed)
        lines = [line for line in printed.getvalue().splitlines() if line.strip()]
        assert "-- (no-op)" in lines, (app_label, lines)
        assert [s for s in lines if not s.startswith("--") and s not in SQL_FRAME] == []
    forward.migrate(AFTER)
    new_state = forward.loader.project_state(AFTER).apps
    NewOutbox = new_state.get_model("core", "Outbox")
    assert NewOutbox.objects.get(pk=row_id).recipient == "user:7"
    assert Outbox.objects.filter(pk=row_id).exists()

"""AUD-03: database triggers that refuse UPDATE, DELETE and TRUNCATE on the audit table.

On PostgreSQL the application role should also hold only INSERT and SELECT on the table
(docs/deployment.md); the triggers are the second line. `suspended()` lifts them for the test
suite's table flushes and the tamper probes only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

INSTALL = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_auditentry "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
        "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_auditentry "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$;",
        "CREATE OR REPLACE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE "
        "ON audit_auditentry FOR EACH ROW EXECUTE FUNCTION audit_append_only();",
        "CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditentry "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();",
    ],
}
REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_no_update;",
        "DROP TRIGGER IF EXISTS audit_no_delete;",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditentry;",
        "DROP TRIGGER IF EXISTS audit_no_update_delete ON audit_auditentry;",
    ],
}


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in INSTALL.get(connection.vendor, []):
            cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in REMOVE.get(connection.vendor, []):
            cursor.execute(sql)


@contextmanager
def suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    remove(connection)
    try:
        yield
    finally:
        install(connection)

"""Database triggers that make the transparency log append-only where it is stored.

Entries, Merkle nodes and checkpoints can only be inserted; the log head's size can only grow
and its row cannot be deleted. An UPDATE, DELETE (or, on PostgreSQL, TRUNCATE) of those tables
raises in the database itself, whatever code (or person with SQL access) tries it. Someone who
can drop the triggers can still rewrite the log: that is what ``parvis monitor`` detects from
outside.
"""

from __future__ import annotations

from typing import Any

APPEND_ONLY_TABLES = (
    "certification_logentry",
    "certification_merklenode",
    "certification_checkpoint",
)
HEAD_TABLE = "certification_loghead"
MESSAGE = "the transparency log is append-only"


def _sqlite_create() -> list[str]:
    statements = []
    for table in APPEND_ONLY_TABLES:
        for action in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    statements.append(
        f"CREATE TRIGGER {HEAD_TABLE}_forward BEFORE UPDATE ON {HEAD_TABLE} "
        f"WHEN NEW.size < OLD.size OR NEW.id != OLD.id "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    statements.append(
        f"CREATE TRIGGER {HEAD_TABLE}_no_delete BEFORE DELETE ON {HEAD_TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    return statements


def _sqlite_drop() -> list[str]:
    names = [f"{table}_no_{verb}" for table in APPEND_ONLY_TABLES for verb in ("update", "delete")]
    names += [f"{HEAD_TABLE}_forward", f"{HEAD_TABLE}_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def _postgres_create() -> list[str]:
    statements = [
        "CREATE OR REPLACE FUNCTION certification_refuse() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
        "END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION certification_head_forward() RETURNS trigger AS $$ "
        "BEGIN IF NEW.size < OLD.size OR NEW.id <> OLD.id THEN "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
        "END IF; RETURN NEW; END; $$ LANGUAGE plpgsql",
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION certification_refuse()"
        )
    for table in (*APPEND_ONLY_TABLES, HEAD_TABLE):
        statements.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION certification_refuse()"
        )
    statements += [
        f"CREATE TRIGGER {HEAD_TABLE}_forward BEFORE UPDATE ON {HEAD_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION certification_head_forward()",
        f"CREATE TRIGGER {HEAD_TABLE}_no_delete BEFORE DELETE ON {HEAD_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION certification_refuse()",
    ]
    return statements


def _postgres_drop() -> list[str]:
    statements = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in APPEND_ONLY_TABLES]
    statements += [
        f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}" for t in (*APPEND_ONLY_TABLES, HEAD_TABLE)
    ]
    statements += [
        f"DROP TRIGGER IF EXISTS {HEAD_TABLE}_forward ON {HEAD_TABLE}",
        f"DROP TRIGGER IF EXISTS {HEAD_TABLE}_no_delete ON {HEAD_TABLE}",
        "DROP FUNCTION IF EXISTS certification_refuse()",
        "DROP FUNCTION IF EXISTS certification_head_forward()",
    ]
    return statements


_SQL = {
    "sqlite": (_sqlite_create, _sqlite_drop),
    "postgresql": (_postgres_create, _postgres_drop),
}


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def guard_create(connection: Any) -> None:
    """Install the append-only triggers (no-op on a database vendor without support)."""
    if connection.vendor in _SQL:
        _run(connection, _SQL[connection.vendor][0]())


def guard_drop(connection: Any) -> None:
    """Remove the triggers: for a migration's reverse, or a test simulating an attacker."""
    if connection.vendor in _SQL:
        _run(connection, _SQL[connection.vendor][1]())

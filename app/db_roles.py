"""PostgreSQL roles: the owner that migrates, and the role the application connects as.

The owner of a table can disable its triggers, so an application that connected as the
owner could switch off the audit trail's append-only triggers and rewrite it. The
application therefore connects as its own role (DATABASE_URL), while migrations run as
the owner (DUMAS_MIGRATE_DATABASE_URL in docker-compose.yml). The application role gets
ordinary rights on every table, now and on tables later migrations create, except on the
audit tables, where it may only INSERT and SELECT: no UPDATE, DELETE, TRUNCATE, and, not
being the owner, no ALTER TABLE ... DISABLE TRIGGER."""
from sqlalchemy import text
from sqlalchemy.engine import Connection

APPEND_ONLY_TABLES = ("audit_events", "audit_seals")


def grant_app_role(connection: Connection, role: str) -> None:
    """Give `role` (which must exist) the application's rights. Run as the tables' owner."""
    name = connection.dialect.identifier_preparer.quote(role)
    for statement in (
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {name}",
        *(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM {name}"
          for table in APPEND_ONLY_TABLES),
    ):
        connection.execute(text(statement))

"""PostgreSQL: the audit tables refuse TRUNCATE, and the role the application connects as
may only append to them. The migration (run as the owner) grants that role its rights
when DUMAS_DB_APP_ROLE names it; a fresh database is migrated that way here."""
import uuid

import flask_migrate
import pytest
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.extensions import db
from app.services.audit_trail.audit import record_event
from app.services.audit_trail.audit_seals import PERIODIC, seal_chains, verify_audit
from tests.helpers.audit_case import build_case


def _postgresql_only(url: str) -> None:
    if not url.startswith("postgresql"):
        pytest.skip("roles and TRUNCATE triggers are PostgreSQL's")


def test_truncate_of_the_audit_tables_is_refused(app_context, staff, database_url):
    _postgresql_only(database_url)
    case_id = build_case(close=False)
    seal_chains(reason=PERIODIC)
    for statement in ("TRUNCATE audit_events", "TRUNCATE audit_seals", "TRUNCATE cases CASCADE",
                      "DELETE FROM audit_seals", "UPDATE audit_seals SET reason = 'x'"):
        with pytest.raises(DBAPIError, match="is append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    verdict = verify_audit(everything=True)
    assert verdict.ok and verdict.sealed[f"case:{case_id}"] > 0


@pytest.fixture
def migrated_with_app_role(database_url):
    """A new database migrated by the owner with DUMAS_DB_APP_ROLE set, and that role."""
    _postgresql_only(database_url)
    role, name = f"dumas_app_{uuid.uuid4().hex[:8]}", f"dumas_roles_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-only", "DUMAS_TIMERS": "off",
              "DUMAS_AUDIT_SEAL_KEY": "test-only-seal-key", "DUMAS_AUDIT_SEAL_LOG": "", "DUMAS_DB_APP_ROLE": role}
    app = create_app(config)
    try:
        with app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()
        yield app, role
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_the_app_role_may_append_to_the_audit_trail_and_nothing_more(migrated_with_app_role):
    app, role = migrated_with_app_role
    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def _as_app_role(dbapi_connection, _record):  # what connecting as that role gives
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f'SET ROLE "{role}"')

        # The application's work goes on: an event appended, the chains sealed and read back.
        record_event(case=None, action="uji.peran_aplikasi", actor="sistem")
        db.session.commit()
        assert seal_chains(reason=PERIODIC).chains == 1
        assert verify_audit(everything=True).ok
        for table in ("audit_events", "audit_seals"):
            for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}", f"TRUNCATE {table}"):
                with pytest.raises(DBAPIError, match=f"permission denied for table {table}"):
                    db.session.execute(text(statement))
                db.session.rollback()
            trigger = "audit_events_append_only" if table == "audit_events" else "audit_seals_append_only"
            for statement in (f"ALTER TABLE {table} DISABLE TRIGGER {trigger}", f"ALTER TABLE {table} DISABLE TRIGGER ALL",
                              f"DROP TRIGGER {trigger} ON {table}"):
                with pytest.raises(DBAPIError, match=f"must be owner of (table|relation) {table}"):
                    db.session.execute(text(statement))
                db.session.rollback()
        # Ordinary tables stay writable, including one a later migration adds (as the owner).
        owner = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with owner.begin() as conn:
            conn.execute(text("CREATE TABLE later_table (id serial PRIMARY KEY, note text)"))
        owner.dispose()
        db.session.execute(text("UPDATE organisations SET name = name"))
        db.session.execute(text("INSERT INTO later_table (note) VALUES ('boleh')"))
        db.session.commit()
        assert db.session.scalar(text("SELECT current_user")) == role


def test_granting_a_role_that_does_not_exist_says_so(app_context, runner, database_url):
    _postgresql_only(database_url)
    result = runner.invoke(args=["audit", "grant-app-role", "peran_tidak_ada"])
    assert result.exit_code == 1
    assert "Hak tidak dapat diberikan kepada peran peran_tidak_ada: role \"peran_tidak_ada\" does not exist" \
        in result.output

"""Fixtures shared by every test.

Every test that uses `app` runs twice: on SQLite (the embedded default) and on
PostgreSQL (the scaled-out shape). Each backend gets two databases built by the Alembic
migrations once per session: an empty one, and one with the shipped organisations, the
demo units and the five SOPs deployed (`sop_models`).

A test runs inside one database transaction that is rolled back at its end
(tests/helpers/rolled_back.py): services commit as usual, and the next test finds the
database as the session left it. Tests whose writes must be seen by another connection
(a live server, Celery workers, threads with sessions of their own, a second process,
a database that goes away) are marked `committed`: they run on the empty database with
real commits, and its tables are emptied after each of them.
Set DUMAS_TEST_BACKENDS=sqlite to skip PostgreSQL on a machine without it; CI runs both.
"""
import os
import uuid
from contextlib import contextmanager

import flask_migrate
import pytest
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.extensions import db
from app.models import Organisation, ProcessVersion
from app.services.administration.demo import (
    ACCOUNTS,
    DEMO_PASSWORD,
    ORGANISATION,
    other_sop_accounts,
    seed_reference_data,
)
from app.services.definitions.processes import deploy_directory
from app.services.organisation.accounts import create_user, ensure_unit
from app.services.organisation.calendar import forget_cached_calendars
from tests.helpers.rolled_back import install as install_rolled_back
from tests.helpers.rolled_back import rolled_back
from tests.helpers.settings import BACKENDS, FIXTURE_MODELS, POSTGRES_ADMIN_URL, ROOT
from tests.helpers.settings import app_config as _config

# Under pytest-xdist (scripts/test.sh runs two workers) each worker gets a Redis database of
# its own, so rate counters and Celery queues of tests running side by side never meet.
# DUMAS_TEST_REDIS_DB_BASE moves that range (worker N uses base + N), so that two suites
# can run on one machine without sharing queues.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and "DUMAS_TEST_REDIS_URL" not in os.environ:
    _base = int(os.environ.get("DUMAS_TEST_REDIS_DB_BASE", "9"))
    os.environ["DUMAS_TEST_REDIS_URL"] = f"redis://127.0.0.1:6379/{_base + int(_XDIST_WORKER[2:]) % 7}"


def _migrate(database_url: str) -> None:
    app = create_app(_config(database_url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@contextmanager
def _new_database(backend: str, tmp_path_factory):
    """A database built by the migrations, dropped at the end of the session."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'dumas.sqlite'}"
        _migrate(url)
        yield url
        return
    name = f"dumas_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """The empty database of this backend."""
    with _new_database(request.param, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def deployed_database(database_url, tmp_path_factory):
    """(url, {process key: version id}) of this backend's second database, where the
    shipped organisations, the demo units and the five SOPs are deployed once."""
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with _new_database(backend, tmp_path_factory) as url:
        app = create_app(_config(url))
        with app.app_context():
            seed_reference_data()
            versions = {v.definition.key: v.id for v in deploy_directory(ROOT, deployed_by="test")}
            enable_objections_and_anonymous_reports()
            db.session.remove()
            db.engine.dispose()
        forget_cached_calendars()
        yield url, versions


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # As the owner (a superuser here): replica mode skips the triggers that refuse
        # TRUNCATE on the audit tables, for this transaction only.
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


def committed(request) -> bool:
    """Whether this test commits for real (marked `committed`) instead of rolling back."""
    return request.node.get_closest_marker("committed") is not None


install_rolled_back()


@pytest.fixture
def app(request, database_url):
    # Calendars are cached per process, keyed by a revision number that a rollback
    # takes back: no test may see the previous one's.
    forget_cached_calendars()
    if committed(request):
        app = create_app(_config(database_url))
        yield app
        forget_cached_calendars()
        with app.app_context():
            db.session.remove()
            _empty_tables()
            db.engine.dispose()
        return
    url = request.getfixturevalue("deployed_database")[0] if "sop_models" in request.fixturenames else database_url
    app = create_app(_config(url))
    with rolled_back(app):
        yield app
    forget_cached_calendars()


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sop_models(request, app_context):
    """The real bpmn/, dmn/ and forms/ of the project, deployed, with the shipped
    organisations and the demo units (app/services/administration/demo.py) that forms refer to.
    {process key: its version}."""
    if committed(request):
        seed_reference_data()
        versions = {v.definition.key: v for v in deploy_directory(ROOT, deployed_by="test")}
        enable_objections_and_anonymous_reports()
        return versions
    _, version_ids = request.getfixturevalue("deployed_database")
    return {key: db.session.get(ProcessVersion, version_id) for key, version_id in version_ids.items()}


def enable_objections_and_anonymous_reports() -> None:
    """SOP 000 and 001 default to no anonymous reports and no objection period (the
    owner's settings, app/services/organisation/org_settings.py). Most tests walk those paths with
    both on, as a process owner may choose; tests of the defaults reset the setting
    (tests/processes/test_owner_settings.py)."""
    for code in ("bsn", "katingan"):
        organisation = db.session.get(Organisation, code)
        organisation.process_settings = {"anonymous_reports": True, "objection_days": 10}
    db.session.commit()
    forget_cached_calendars()


@pytest.fixture
def test_models(app_context):
    """Small models made for engine tests (tests/fixtures/models), deployed, with the
    one unit they route to."""
    ensure_unit(code="Unit A", name="Unit A")
    return {v.definition.key: v for v in deploy_directory(FIXTURE_MODELS, deployed_by="test")}


@pytest.fixture
def staff(sop_models):
    """The SOPs deployed, the demo units, and one account per staff role of SOP 000 (see
    app/services/administration/demo.py: admin, kepala, tatausaha, unit.dpspk, unit.akreditasi, ...)."""
    return {
        username: create_user(username=username, password=DEMO_PASSWORD, roles=[role], unit_code=unit,
                              organisation_code=ORGANISATION)
        for username, role, unit in ACCOUNTS
    }


@pytest.fixture
def every_staff(staff):
    """Also one demo account per staff lane of every other SOP: `<organisation>.<lane>`,
    e.g. `katingan.inspektur` (app/services/administration/demo.py)."""
    for username, role, organisation, unit in other_sop_accounts():
        staff[username] = create_user(username=username, password=DEMO_PASSWORD, roles=[role], unit_code=unit,
                                      organisation_code=organisation)
    return staff


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = DEMO_PASSWORD):
        return self._client.post("/masuk", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/keluar")


@pytest.fixture
def auth(client):
    return AuthActions(client)

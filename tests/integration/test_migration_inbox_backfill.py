"""Migration e5b8c2d7f3a1 fills the task index's new columns and the cases' next deadline
from the rows a database already holds, on both databases."""
import uuid
from datetime import datetime, timedelta, timezone

import flask_migrate
import pytest
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.extensions import db
from app.models import Case, TaskIndexEntry
from app.services.administration.demo import seed_reference_data
from app.services.definitions.processes import deploy_directory
from tests.helpers.complaints import file_complaint
from tests.helpers.settings import BACKENDS, POSTGRES_ADMIN_URL, ROOT
from tests.helpers.settings import app_config as _config

BEFORE = "7d3b5e2a9c14"


@pytest.fixture(params=BACKENDS)
def fresh_url(request, tmp_path):
    """A database of its own: this test migrates down and up, which the shared one must not."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'backfill.sqlite'}"
        return
    name = f"dumas_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_existing_tasks_and_cases_get_their_copies_and_next_deadline(fresh_url):
    app = create_app(_config(fresh_url))
    with app.app_context():
        flask_migrate.upgrade()
        seed_reference_data()
        deploy_directory(ROOT, deployed_by="test")
        db.session.commit()
        cases = [file_complaint(judul="Satu"), file_complaint(instansi="katingan", judul="Dua")]
        due = datetime.now(timezone.utc) + timedelta(days=5)
        db.session.execute(db.update(TaskIndexEntry).where(TaskIndexEntry.case_id == cases[0].id).values(due_at=due))
        db.session.execute(db.update(TaskIndexEntry).where(TaskIndexEntry.case_id == cases[1].id).values(due_at=None))
        expected = {c.id: (c.organisation_code, c.process_version.definition.key) for c in cases}
        first, second = (c.id for c in cases)
        db.session.commit()
        db.session.remove()

        flask_migrate.downgrade(revision=BEFORE)  # the columns are gone with their values
        flask_migrate.upgrade()

        rows = db.session.execute(text("SELECT case_id, organisation_code, process_key FROM task_index")).all()
        assert {case_id: (org, key) for case_id, org, key in rows} == expected
        assert expected[second][0] == "katingan" and expected[first][1] == "sop_000"
        nexts = {c.id: c.next_due_at for c in db.session.scalars(db.select(Case))}
        assert nexts == {first: due, second: None}
        db.session.remove()
        db.engine.dispose()

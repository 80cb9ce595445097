"""The scale fixture (bench/scale/) on a small N: the replicated cases keep their audit
chains, their foreign keys and their place in the inbox. PostgreSQL only: the
replication is PostgreSQL SQL."""
import random

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import Case
from app.services.administration.demo import DEMO_PASSWORD
from app.services.audit_trail.audit_chain import verify_chains
from app.services.casework.workflow_state import tracking_number_for
from app.services.intake.complaints import Upload, submit_complaint
from bench.scale.replicate import replicate
from bench.scale.seed import make_seeds

COMPLAINT = {"nama_lengkap": "Siti Rahmawati", "nik": "3171014506900002", "email": "siti@example.id",
             "no_hp": "081234567890", "pekerjaan": "Wiraswasta", "alamat": "Jl. Melati 5", "jenis": "pengaduan",
             "lokasi_kejadian": "Jakarta", "terlapor": "Petugas loket"}
EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def postgres_only(app_context):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("bench/scale builds PostgreSQL databases only")


@pytest.mark.committed
def test_replicated_cases_verify_and_show_in_the_inbox(postgres_only, every_staff, client):
    make_seeds(per_sop=2, rng=random.Random(4))
    # One seed surely waiting at Admin Inspektorat's first step, whatever the walks did.
    submit_complaint(raw={**COMPLAINT, "judul": "Pungutan di loket", "uraian": "Biaya tanpa kuitansi."},
                     uploads=[Upload("bukti.pdf", EVIDENCE)])
    seed_ids = list(db.session.scalars(db.select(Case.id).order_by(Case.id)))
    replicate(seed_ids, total=50, recent_open=1.0, old_open=1.0)  # every replica a copy of an open seed

    cases = db.session.scalars(db.select(Case)).all()
    assert len(cases) == 50
    assert [c.tracking_number for c in cases] == [tracking_number_for(c) for c in cases]
    reports = verify_chains(everything=True)
    assert {r.chain for r in reports} >= {f"case:{i}" for i in range(1, 51)}
    assert [r.chain for r in reports if not r.ok] == []
    for table in ("complaints", "task_index", "timer_index", "audit_events", "case_search", "case_records"):
        orphans = db.session.scalar(text(
            f"SELECT count(*) FROM {table} x WHERE x.case_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = x.case_id)"))
        assert orphans == 0, table
    replicated = set(db.session.scalars(text(
        "SELECT t.engine_task_id FROM task_index t JOIN cases c ON c.id = t.case_id "
        "WHERE c.organisation_code = 'bsn' AND t.role = 'Admin Inspektorat' AND c.id > :last"),
        {"last": max(seed_ids)}))
    db.session.remove()

    token = client.post("/api/v1/auth/token", json={"username": "admin", "password": DEMO_PASSWORD}).get_json()["token"]
    listed = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).get_json()
    shown = {item.get("id") or item.get("task_id") for item in listed["items"]}
    assert replicated and replicated & shown

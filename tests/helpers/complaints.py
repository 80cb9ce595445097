"""Shared steps for integration tests."""
import re

from app.extensions import db
from app.models import Case
from app.services.intake.complaints import Upload, submit_complaint

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
COMPLAINANT = {
    "nama_lengkap": "Budi Santoso",
    "nik": "3273011204850003",
    "email": "budi.santoso@example.id",
    "no_hp": "+6281311112222",
    "pekerjaan": "Guru",
    "alamat": "Jl. Kenanga 7, Bandung",
    "jenis": "pengaduan",
    "judul": "Pungutan liar di loket",
    "uraian": "Petugas meminta biaya tambahan tanpa kuitansi.",
    "lokasi_kejadian": "Jakarta",
    "terlapor": "Petugas loket",
}


def file_complaint(**overrides) -> Case:
    case, _ = submit_complaint(raw={**COMPLAINANT, **overrides}, uploads=[Upload("bukti.pdf", PDF)])
    return case


def current_task_id(case_id: int) -> str:
    db.session.expire_all()
    [task] = db.session.get(Case, case_id).tasks
    return task.engine_task_id


def task_links(html: str) -> list[str]:
    return re.findall(r'href="/tugas/([0-9a-f-]{36})"', html)


def let_objection_period_pass(case_id: int) -> Case:
    """Nobody objects to the outcome (SOP 000, 001, 002): the objection period runs out."""
    from datetime import datetime, timedelta, timezone

    from app.services.casework.events import move_deadline
    from app.services.casework.timers import fire_case_timers

    move_deadline(case_id=case_id, element_id="ev_batas_keberatan", due_at=datetime.now(timezone.utc) - timedelta(minutes=1),
                  reason="Uji: masa keberatan lewat.", actor="uji")
    assert fire_case_timers(case_id=case_id)
    db.session.expire_all()
    return db.session.get(Case, case_id)

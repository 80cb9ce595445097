"""Six SOP 000 complaints taken through the real services to where a half-yearly report
and the SLA dashboard have something to count; time moves with the deadline helpers
(move_deadline, fire_due_timers), never with sleep."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.models import Case, Complaint
from app.services.casework.cases import complete_task
from app.services.casework.events import move_deadline
from app.services.casework.timers import fire_due_timers
from tests.helpers.complaints import file_complaint

VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}
REVIEW = {"inti_masalah": "Dugaan pungutan liar.", "peraturan_terkait": "PP 94/2021.", "memo": "Memo telaah."}
FOLLOW_UP = {"kegiatan": ["klarifikasi"], "hasil_tindak_lanjut": "Terbukti sebagian."}
UNIT_REPORT = {"laporan_tindak_lanjut": "Pelaksana telah diberi pembinaan."}
FORWARD = {"instansi_tujuan": "katingan", "nomor_surat": "13/IT/2026", "tanggal_surat": "2026-11-21"}


@dataclass(frozen=True)
class Scenario:
    supervisory_met: Case  # A: berkadar pengawasan; the Tata Usaha's step done in time
    unit_missed: Case  # B: aspirasi to bsn-dpspk; the unit's step done after its deadline
    confidential_dropped: Case  # C: rahasia, tidak logis: not followed up
    forwarded: Case  # D: not ours: forwarded to Katingan, which runs its SOP here
    unit_at_risk: Case  # E: bsn-akreditasi; due tomorrow-ish
    unit_overdue: Case  # F: bsn-dpspk; the deadline passed and escalated


def _reload(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def _complete(case: Case, element_id: str, data: dict, actor: str) -> Case:
    [task] = [t for t in _reload(case.id).tasks if t.element_id == element_id]
    complete_task(task_id=task.engine_task_id, data=data, actor=actor)
    return _reload(case.id)


def _reviewed(*, jenis: str, logis=True, berkadar=False, kewenangan=True, unit: str | None = None) -> Case:
    case = file_complaint(jenis=jenis)
    case = _complete(case, "tugas_verifikasi", VERIFIED, "admin")
    review = {**REVIEW, "logis": logis, "berkadar_pengawasan": berkadar, "kewenangan": kewenangan}
    if unit:
        review["unit_tujuan"] = unit
    return _complete(case, "tugas_telaah", review, "kepala")


def build_scenario() -> Scenario:
    now = datetime.now(timezone.utc)
    a = _reviewed(jenis="pengaduan", berkadar=True)
    a = _complete(a, "tugas_tindak_lanjut_pengawasan", FOLLOW_UP, "tatausaha")

    b = _reviewed(jenis="aspirasi", unit="bsn-dpspk")
    move_deadline(case_id=b.id, element_id="tenggat_tugas_tindak_lanjut_unit", due_at=now - timedelta(minutes=5),
                  reason="Uji: terlambat", actor="uji")
    b = _complete(b, "tugas_tindak_lanjut_unit", UNIT_REPORT, "unit.dpspk")

    c = file_complaint(jenis="permintaan_informasi")
    # The public form's confidentiality choice belongs to another change; the column exists.
    db.session.scalars(db.select(Complaint).where(Complaint.case_id == c.id)).one().confidentiality = "rahasia"
    db.session.commit()
    c = _complete(c, "tugas_verifikasi", VERIFIED, "admin")
    c = _complete(c, "tugas_telaah", {**REVIEW, "logis": False, "berkadar_pengawasan": False, "kewenangan": True},
                  "kepala")

    d = _reviewed(jenis="pengaduan", berkadar=True, kewenangan=False)
    d = _complete(d, "tugas_salurkan_instansi_lain", FORWARD, "kepala")

    e = _reviewed(jenis="pengaduan", unit="bsn-akreditasi")
    move_deadline(case_id=e.id, element_id="tenggat_tugas_tindak_lanjut_unit", due_at=now + timedelta(hours=20),
                  reason="Uji: hampir jatuh tempo", actor="uji")

    f = _reviewed(jenis="pengaduan", unit="bsn-dpspk")
    move_deadline(case_id=f.id, element_id="tenggat_tugas_tindak_lanjut_unit", due_at=now - timedelta(seconds=1),
                  reason="Uji: waktunya tiba", actor="uji")
    # F's deadline fires; E's reminder (two working days before its moved deadline) is due too.
    assert fire_due_timers() == 2
    return Scenario(*(_reload(x.id) for x in (a, b, c, d, e, f)))

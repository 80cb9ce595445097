"""A SOP 000 case that goes through every kind of audited event: complaint with a file,
verification, review (a DMN decision), the unit's follow-up with a claim, a reminder, a
missed deadline with its escalation, an extension with its reason, and the closing.
Used by the audit and PDF tests and by bench/pdf_bench.py."""
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.models import Case, Complaint
from app.services.casework.cases import claim_task, complete_task, unclaim_task
from app.services.casework.events import move_deadline
from app.services.casework.timers import fire_due_timers
from tests.helpers.complaints import file_complaint, let_objection_period_pass

VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}
REVIEW = {
    "inti_masalah": "Dugaan pungutan liar pada layanan sertifikasi.",
    "peraturan_terkait": "PP 94/2021 tentang Disiplin PNS.",
    "memo": "Memo Kepala Inspektorat atas hasil penelaahan.",
    "logis": True, "berkadar_pengawasan": False, "kewenangan": True, "unit_tujuan": "bsn-dpspk",
}
ESCALATION = {"tindakan_eskalasi": "teguran", "catatan_eskalasi": "Pelaksana ditegur; diminta selesai minggu ini."}
UNIT_REPORT = {"laporan_tindak_lanjut": "Pelaksana telah diberi pembinaan."}
CLOSING = {"ringkasan_untuk_pengadu": "Pengaduan telah ditindaklanjuti oleh unit kerja."}
UNIT_TASK = "tugas_tindak_lanjut_unit"
EXTENSION_REASON = "Menunggu keterangan saksi dari unit lain"


def task_of(case_id: int, element_id: str) -> str:
    db.session.expire_all()
    return next(t.engine_task_id for t in db.session.get(Case, case_id).tasks if t.element_id == element_id)


def _fire(case_id: int, element_id: str) -> None:
    past = datetime.now(timezone.utc) - timedelta(seconds=1)
    move_deadline(case_id=case_id, element_id=element_id, due_at=past, reason="Uji: waktunya tiba", actor="uji")
    assert fire_due_timers() == 1


def _remind(case_id: int) -> None:
    """The deadline policy's reminder (two working days before): swept at its time."""
    remind_at = db.session.get(Case, case_id).timer.due_at
    assert fire_due_timers(now=remind_at + timedelta(seconds=1)) == 1


def build_case(*, confidentiality: str = "biasa", extensions: int = 1, claims: int = 1, close: bool = True) -> int:
    """The case's id. `extensions` and `claims` repeat those steps to lengthen the trail."""
    case_id = file_complaint().id
    if confidentiality != "biasa":
        db.session.execute(db.update(Complaint).where(Complaint.case_id == case_id)
                           .values(confidentiality=confidentiality))
        db.session.commit()
    complete_task(task_id=task_of(case_id, "tugas_verifikasi"), data=VERIFIED, actor="admin")
    complete_task(task_id=task_of(case_id, "tugas_telaah"), data=REVIEW, actor="kepala")
    unit_task = task_of(case_id, UNIT_TASK)
    for _ in range(claims):
        claim_task(task_id=unit_task, actor="unit.dpspk")
        unclaim_task(task_id=unit_task, actor="unit.dpspk")
    claim_task(task_id=unit_task, actor="unit.dpspk")
    _remind(case_id)
    _fire(case_id, "tenggat_tugas_tindak_lanjut_unit")
    complete_task(task_id=task_of(case_id, "eskalasi_tugas_tindak_lanjut_unit"), data=ESCALATION, actor="kepala")
    for n in range(extensions):
        move_deadline(case_id=case_id, element_id="tenggat_tugas_tindak_lanjut_unit",
                      due_at=datetime.now(timezone.utc) + timedelta(days=7 + n), reason=EXTENSION_REASON,
                      actor="kepala")
    if close:
        complete_task(task_id=unit_task, data=UNIT_REPORT, actor="unit.dpspk")
        complete_task(task_id=task_of(case_id, "tugas_penyelesaian"), data=CLOSING, actor="admin")
        let_objection_period_pass(case_id)  # nobody objects: the case closes
    return case_id

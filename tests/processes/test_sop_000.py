"""SOP 000 (Inspektorat BSN) walked through the service layer: every path of the
diagram and every rule of its routing table, on both databases."""
import itertools
from datetime import datetime, timezone

import pytest

from app.engine.scripts import add_working_days
from app.extensions import db
from app.models import AuditEvent, Case, CaseRecord
from app.services.casework.cases import complete_task, start_case
from app.services.casework.events import deliver_message
from tests.helpers.walk import fire_reminder, let_objection_period_pass, pass_deadline
from tests.helpers.walk import work as _work

VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}
REVIEW_TEXT = {
    "inti_masalah": "Dugaan pungutan liar pada layanan sertifikasi.",
    "peraturan_terkait": "PP 94/2021 tentang Disiplin PNS.",
    "memo": "Memo Kepala Inspektorat atas hasil penelaahan.",
}
UNIT = "bsn-dpspk"  # Deputi Bidang Penerapan Standar dan Penilaian Kesesuaian


def _review(logis, berkadar_pengawasan, kewenangan):
    data = {**REVIEW_TEXT, "logis": logis, "berkadar_pengawasan": berkadar_pengawasan, "kewenangan": kewenangan}
    if logis and kewenangan and not berkadar_pengawasan:
        data["unit_tujuan"] = UNIT
    return data


def _file_complaint() -> Case:
    return start_case(
        process_key="sop_000",
        data={"jenis": "pengaduan"},
        title="Dugaan pungutan liar",
        actor="pengadu",
    )


def _actions(case: Case) -> list[str]:
    return [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id))]


def _reached(case: Case) -> list[str]:
    return [e.element_id for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "event.reached").order_by(AuditEvent.id))]


def _to_routing(case: Case, review: dict) -> Case:
    assert case.status == "verifikasi"
    case = _work(case, element_id="tugas_verifikasi", lane="Admin Inspektorat", data=VERIFIED, actor="admin")
    assert case.status == "penelaahan"
    return _work(case, element_id="tugas_telaah", lane="Kepala Inspektorat", data=review, actor="kepala")


def test_incomplete_report_is_not_processed(sop_models):
    case = _file_complaint()
    case = _work(
        case,
        element_id="tugas_verifikasi",
        lane="Admin Inspektorat",
        data={"lengkap": False, "lokasi_kasus": "Bandung", "catatan_verifikasi": "Nomor KTP tidak terbaca."},
        actor="admin",
    )
    assert (case.completed, case.status, case.tasks) == (True, "tidak_lengkap", [])


def test_supervisory_complaint_goes_through_tata_usaha_and_the_head(sop_models):
    case = _to_routing(_file_complaint(), _review(True, True, True))
    assert case.status == "tindak_lanjut"
    case = _work(
        case,
        element_id="tugas_tindak_lanjut_pengawasan",
        lane="Tata Usaha Inspektorat",
        data={"kegiatan": ["klarifikasi", "pemeriksaan"], "hasil_tindak_lanjut": "Terbukti sebagian."},
        actor="tatausaha",
    )
    case = _work(
        case,
        element_id="tugas_tanggapan_kepala",
        lane="Kepala Inspektorat",
        data={"bentuk_tindak_lanjut": "audit_investigasi", "laporan_tindak_lanjut": "Audit investigasi dilaksanakan."},
        actor="kepala",
    )
    assert case.status == "penyampaian_hasil"
    case = _work(
        case,
        element_id="tugas_penyelesaian",
        lane="Admin Inspektorat",
        data={"ringkasan_untuk_pengadu": "Pengaduan terbukti; sanksi dijatuhkan."},
        actor="admin",
    )
    assert (case.completed, case.status, case.tasks) == (False, "jawaban_disampaikan", [])
    case = let_objection_period_pass(case)
    assert (case.completed, case.status, case.tasks) == (True, "selesai", [])
    reached = {e.element_id for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "event.reached"))}
    assert {"ev_selesai", "ev_rekap_semesteran"} <= reached


def test_non_supervisory_complaint_goes_to_the_chosen_unit(sop_models):
    case = _to_routing(_file_complaint(), _review(True, False, True))
    case = _work(
        case,
        element_id="tugas_tindak_lanjut_unit",
        lane="Unit Eselon II",
        org_unit=UNIT,
        data={"laporan_tindak_lanjut": "Petugas loket telah diberi pembinaan."},
        actor="unit",
    )
    case = _work(
        case,
        element_id="tugas_penyelesaian",
        lane="Admin Inspektorat",
        data={"ringkasan_untuk_pengadu": "Ditindaklanjuti unit kerja."},
        actor="admin",
    )
    assert (case.completed, case.status) == (False, "jawaban_disampaikan")
    case = let_objection_period_pass(case)
    assert (case.completed, case.status) == (True, "selesai")


def test_complaint_outside_bsn_authority_is_sent_to_the_other_agency(sop_models):
    case = _to_routing(_file_complaint(), _review(True, True, False))
    assert case.status == "penyaluran"
    case = _work(
        case,
        element_id="tugas_salurkan_instansi_lain",
        lane="Kepala Inspektorat",
        data={"instansi_tujuan": "ombudsman", "nomor_surat": "12/IT/2026", "tanggal_surat": "2026-11-20"},
        actor="kepala",
    )
    assert (case.completed, case.status) == (True, "diteruskan_instansi_lain")
    # The Ombudsman does not run its SOP here: the forward is an outgoing letter on record.
    titles = [r.title for r in db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case.id))]
    assert "Surat penerusan kepada Ombudsman Republik Indonesia" in titles
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 1


def test_forwarding_to_an_agency_hosted_here_starts_a_linked_case_there(sop_models):
    case = _to_routing(_file_complaint(), _review(True, True, False))
    case = _work(
        case,
        element_id="tugas_salurkan_instansi_lain",
        lane="Kepala Inspektorat",
        data={"instansi_tujuan": "katingan", "nomor_surat": "13/IT/2026", "tanggal_surat": "2026-11-21"},
        actor="kepala",
    )
    linked = db.session.scalars(db.select(Case).where(Case.source_case_id == case.id)).one()
    assert (linked.organisation_code, linked.process_version.definition.key) == ("katingan", "sop_001")
    assert linked.tasks, "the receiving agency's SOP waits at its first task"
    letter = db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case.id,
                                                            CaseRecord.title.like("Surat penerusan%"))).one()
    assert {"label": "Nomor kasus di instansi tujuan", "value": linked.tracking_number} in letter.content


def test_implausible_complaint_is_not_followed_up(sop_models):
    case = _to_routing(_file_complaint(), _review(False, True, True))
    assert (case.completed, case.status, case.tasks) == (True, "tidak_ditindaklanjuti", [])


EXPECTED_ROUTE = {
    (True, True, True): "pengawasan",
    (True, False, True): "unit_kerja",
    (True, True, False): "instansi_lain",
    (True, False, False): "instansi_lain",
    (False, True, True): "tidak_ditindaklanjuti",
    (False, False, True): "tidak_ditindaklanjuti",
    (False, True, False): "tidak_ditindaklanjuti",
    (False, False, False): "tidak_ditindaklanjuti",
}
FIRST_STOP = {
    "pengawasan": ("tugas_tindak_lanjut_pengawasan", "tindak_lanjut"),
    "unit_kerja": ("tugas_tindak_lanjut_unit", "tindak_lanjut"),
    "instansi_lain": ("tugas_salurkan_instansi_lain", "penyaluran"),
    "tidak_ditindaklanjuti": (None, "tidak_ditindaklanjuti"),
}


@pytest.mark.parametrize(
    "logis,berkadar,kewenangan", list(itertools.product([True, False], repeat=3)), ids=lambda v: str(v)[0]
)
def test_every_routing_rule(sop_models, logis, berkadar, kewenangan):
    route = EXPECTED_ROUTE[(logis, berkadar, kewenangan)]
    case = _to_routing(_file_complaint(), _review(logis, berkadar, kewenangan))

    [decision] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "decision.evaluated")
    ).all()
    assert decision.data_before == {"logis": logis, "berkadar_pengawasan": berkadar, "kewenangan": kewenangan}
    assert decision.data_after == {"rute": route}
    element_id, status = FIRST_STOP[route]
    assert [t.element_id for t in case.tasks] == ([element_id] if element_id else [])
    assert case.status == status


def test_the_audit_trail_tells_the_whole_story(sop_models):
    case = _to_routing(_file_complaint(), _review(False, False, False))
    assert _actions(case) == [
        "case.started",
        "event.reached",  # 1. Pengaduan dilaporkan, in the Pengadu lane
        "task.created",
        "case.status_changed",
        "task.completed",
        "task.created",
        "case.status_changed",
        "task.completed",
        "decision.evaluated",
        "event.reached",
        "case.status_changed",
        "case.closed",
    ]
    completed = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "task.completed")
    ).all()
    assert [(e.actor, e.lane) for e in completed] == [("admin", "Admin Inspektorat"), ("kepala", "Kepala Inspektorat")]
    assert completed[0].data_after == VERIFIED
    assert completed[0].data_before == {"lengkap": None, "lokasi_kasus": None}


# -- 7a: the complainant objects (keberatan) -------------------------------------------


def _answered_by_the_unit() -> Case:
    case = _to_routing(_file_complaint(), _review(True, False, True))
    case = _work(case, element_id="tugas_tindak_lanjut_unit", lane="Unit Eselon II", org_unit=UNIT,
                 data={"laporan_tindak_lanjut": "Petugas loket telah dibina."}, actor="unit")
    return _work(case, element_id="tugas_penyelesaian", lane="Admin Inspektorat",
                 data={"ringkasan_untuk_pengadu": "Ditindaklanjuti unit kerja."}, actor="admin")


def _objected(case: Case) -> Case:
    deliver_message(case_id=case.id, message="keberatan_diajukan", payload={"alasan": "Belum selesai."}, actor="pengadu")
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_the_outcome_waits_ten_working_days_for_an_objection(sop_models):
    before = datetime.now(timezone.utc)
    case = _answered_by_the_unit()
    assert (case.completed, case.status, case.tasks) == (False, "jawaban_disampaikan", [])
    assert case.timer.element_id == "ev_batas_keberatan"
    assert case.timer.due_at == add_working_days(before, 10)
    assert "ev_rekap_semesteran" in _reached(case)  # the half-yearly report does not wait


def test_an_objection_goes_to_the_kepala_inspektorat_with_its_own_deadline(sop_models):
    case = _objected(_answered_by_the_unit())
    [task] = case.tasks
    assert (task.element_id, task.lane, case.status) == ("tugas_keberatan", "Kepala Inspektorat", "keberatan")
    assert (task.deadline_element, task.extend_role) == ("tenggat_tugas_keberatan", "Kepala Inspektorat")
    assert task.due_at == add_working_days(datetime.now(timezone.utc), 10)
    assert case.timer.element_id == "pengingat:tugas_keberatan"
    case = _work(case, element_id="tugas_keberatan", lane="Kepala Inspektorat", actor="kepala",
                 data={"keberatan_diterima": False, "tanggapan_keberatan": "Tindak lanjut sudah sesuai ketentuan."})
    assert (case.completed, case.status, case.tasks) == (True, "selesai", [])
    assert _reached(case)[-1] == "ev_keberatan_ditanggapi"
    assert "ev_selesai" not in _reached(case)


def test_a_late_answer_to_an_objection_is_escalated_and_the_case_still_ends(sop_models):
    case = fire_reminder(_objected(_answered_by_the_unit()))
    assert "deadline.reminded" in _actions(case)
    case = pass_deadline(case, "tenggat_tugas_keberatan")
    assert {(t.element_id, t.lane) for t in case.tasks} == {
        ("tugas_keberatan", "Kepala Inspektorat"), ("eskalasi_tugas_keberatan", "Kepala Inspektorat")}
    escalation = next(t for t in case.tasks if t.element_id == "eskalasi_tugas_keberatan")
    complete_task(task_id=escalation.engine_task_id, actor="kepala",
                  data={"tindakan_eskalasi": "ambil_alih", "catatan_eskalasi": "Diambil alih."})
    case = _work(case, element_id="tugas_keberatan", lane="Kepala Inspektorat", actor="kepala",
                 data={"keberatan_diterima": True, "tanggapan_keberatan": "Keberatan diterima; diperiksa ulang."})
    assert (case.completed, case.status) == (True, "selesai")

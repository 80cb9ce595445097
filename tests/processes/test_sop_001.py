"""SOP 001 (Inspektorat Kabupaten Katingan) walked through the service layer: every path
of the diagram and every rule of its routing table, on both databases."""
import itertools
from datetime import datetime, timezone

import pytest

from app.engine.scripts import add_working_days
from app.extensions import db
from app.models import AuditEvent, Case, CaseRecord
from app.services.casework.cases import complete_task, start_case
from app.services.casework.events import deliver_message
from app.services.definitions.forms import FormValidationError
from app.services.organisation.accounts import ensure_unit
from tests.helpers.walk import fire_reminder, let_objection_period_pass, pass_deadline
from tests.helpers.walk import work as _work

PELAPOR, INSPEKTORAT, INSPEKTUR = "Pelapor", "Inspektorat", "Inspektur"
SEKRETARIAT = "Sekretariat Inspektorat"
UNIT_KERJA = "Pejabat Eselon II/Unit Kerja Terlapor"
KEPALA_INSTANSI_LAIN, INSTANSI_LAIN = "Kepala Instansi Lain", "Instansi Lain"

UNIT = "katingan-dpmd"
VERIFIED = {"lengkap": True, "terlapor": "kepala_desa", "lokasi_kasus": "Desa Tumbang Samba, Katingan Tengah"}
REVIEW_TEXT = {
    "inti_masalah": "Dugaan pemotongan bantuan langsung tunai dana desa oleh kepala desa.",
    "peraturan_terkait": "Permendesa PDTT 7/2023 tentang rincian prioritas penggunaan dana desa.",
    "hasil_penelaahan": "Laporan hasil penelaahan pengaduan.",
}


@pytest.fixture
def katingan(sop_models):
    """SOP 001 deployed, with one Eselon II unit of the regency to route to."""
    ensure_unit(code=UNIT, name="Dinas Pemberdayaan Masyarakat dan Desa", organisation="katingan")
    db.session.commit()
    return sop_models["sop_001"]


def _review(logis, berkadar_pengawasan, kewenangan):
    return {**REVIEW_TEXT, "logis": logis, "berkadar_pengawasan": berkadar_pengawasan, "kewenangan": kewenangan}


def _file_complaint() -> Case:
    return start_case(process_key="sop_001", data={"jenis": "pengaduan"}, title="Pemotongan BLT dana desa", actor="pelapor")


def _reached(case: Case) -> list[tuple[str, str]]:
    """The events the case passed, with their lanes, in order."""
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action == "event.reached")
        .order_by(AuditEvent.id)
    )
    return [(e.element_id, e.lane) for e in events]


def _to_routing(case: Case, review: dict) -> Case:
    assert case.status == "verifikasi"
    case = _work(case, element_id="tugas_verifikasi", lane=INSPEKTORAT, data=VERIFIED, actor="inspektorat")
    assert case.status == "penelaahan"
    return _work(case, element_id="tugas_telaah", lane=INSPEKTUR, data=review, actor="inspektur")


def _deliver(case: Case) -> Case:
    """Step 7: the Inspektorat sends the follow-up report; step 9: the half-yearly report
    does not wait for the objection period (7a)."""
    assert case.status == "penyampaian_hasil"
    case = _work(
        case,
        element_id="tugas_penyampaian",
        lane=INSPEKTORAT,
        data={"ringkasan_untuk_pelapor": "Pengaduan terbukti; kepala desa diberi sanksi dan dana dikembalikan."},
        actor="inspektorat",
    )
    assert (case.completed, case.status, case.tasks) == (False, "jawaban_disampaikan", [])
    assert ("ev_rekap_semesteran", INSPEKTUR) in _reached(case)
    return case


def _close(case: Case) -> Case:
    """Step 7, then nobody objects within the 10 working days of 7a."""
    case = let_objection_period_pass(_deliver(case))
    assert (case.completed, case.status, case.tasks) == (True, "selesai", [])
    assert {("ev_selesai", PELAPOR), ("ev_rekap_semesteran", INSPEKTUR)} <= set(_reached(case))
    return case


def test_incomplete_report_is_not_processed(katingan):
    case = _file_complaint()
    case = _work(
        case,
        element_id="tugas_verifikasi",
        lane=INSPEKTORAT,
        data={**VERIFIED, "lengkap": False, "catatan_verifikasi": "Bukti pendukung tidak dilampirkan."},
        actor="inspektorat",
    )
    assert (case.completed, case.status, case.tasks) == (True, "tidak_lengkap", [])
    assert _reached(case)[-1] == ("ev_tidak_lengkap", PELAPOR)


def test_supervisory_complaint_goes_through_the_secretariat_and_the_inspektur(katingan):
    case = _to_routing(_file_complaint(), _review(True, True, True))
    assert case.status == "tindak_lanjut"
    case = _work(
        case,
        element_id="tugas_tindak_lanjut_pengawasan",
        lane=SEKRETARIAT,
        data={"kegiatan": ["klarifikasi", "konfirmasi", "pemeriksaan"], "hasil_tindak_lanjut": "Pemotongan terbukti."},
        actor="sekretariat",
    )
    assert case.status == "tindak_lanjut"
    case = _work(
        case,
        element_id="tugas_tanggapan_inspektur",
        lane=INSPEKTUR,
        data={"bentuk_tindak_lanjut": "audit_tujuan_tertentu", "laporan_tindak_lanjut": "Audit dengan tujuan tertentu."},
        actor="inspektur",
    )
    case = _close(case)
    titles = {r.title for r in db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case.id))}
    assert {"Laporan hasil verifikasi", "Laporan audit / laporan penanganan tindak lanjut"} <= titles


def _to_unit(review: dict) -> Case:
    case = _to_routing(_file_complaint(), review)
    assert case.status == "penelaahan"
    case = _work(
        case,
        element_id="tugas_salurkan_unit",
        lane=INSPEKTUR,
        data={"unit_tujuan": UNIT, "memo": "Mohon ditindaklanjuti secara intern dalam 14 hari kerja."},
        actor="inspektur",
    )
    assert case.status == "tindak_lanjut"
    return _work(
        case,
        element_id="tugas_tindak_lanjut_unit",
        lane=UNIT_KERJA,
        org_unit=UNIT,
        data={"laporan_tindak_lanjut": "Kepala desa telah dibina; potongan dikembalikan kepada penerima."},
        actor="unit.dpmd",
    )


def test_non_supervisory_complaint_goes_to_the_chosen_unit_with_a_copy_to_the_inspektur(katingan):
    case = _to_unit(_review(True, False, True))
    assert ("ev_tembusan_inspektur", INSPEKTUR) in _reached(case)
    _close(case)


def test_implausible_complaint_is_followed_up_by_the_unit_as_sop_001_says(katingan):
    """SOP 001 has no "tidak logis: tidak ditindaklanjuti" rule (SOP 000 has): the
    implausible complaint goes to the Eselon II unit, even with supervisory content."""
    case = _to_unit(_review(False, True, True))
    assert ("ev_tembusan_inspektur", INSPEKTUR) in _reached(case)
    _close(case)


def test_complaint_outside_the_inspectorate_authority_is_sent_to_the_competent_agency(katingan):
    case = _to_routing(_file_complaint(), _review(True, True, False))
    assert case.status == "penyaluran"
    case = _work(
        case,
        element_id="tugas_salurkan_instansi_lain",
        lane=INSPEKTUR,
        data={
            "instansi_tujuan": "kemendagri",
            "nomor_surat": "700/045/INSP/2026",
            "tanggal_surat": "2026-11-23",
            "memo": "Substansi pengaduan merupakan kewenangan Kementerian Dalam Negeri.",
        },
        actor="inspektur",
    )
    assert (case.completed, case.status, case.tasks) == (True, "diteruskan_instansi_lain", [])
    assert _reached(case)[-2:] == [
        ("ev_diterima_kepala_instansi_lain", KEPALA_INSTANSI_LAIN),
        ("ev_diteruskan_instansi_lain", INSTANSI_LAIN),
    ]
    forwarded = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "case.forwarded")
    ).one()
    assert (forwarded.element_id, forwarded.data_after["organisation"]) == ("ev_diteruskan_instansi_lain", "kemendagri")


def test_routing_to_a_unit_needs_the_unit(katingan):
    case = _to_routing(_file_complaint(), _review(True, False, True))
    [task] = case.tasks
    with pytest.raises(FormValidationError) as error:
        complete_task(task_id=task.engine_task_id, data={"memo": "Tanpa unit."}, actor="inspektur")
    assert set(error.value.errors) == {"unit_tujuan"}


# Every combination, as rute_001.dmn decides it (rules 1-8 in order).
EXPECTED_ROUTE = {
    (True, True, True): "pengawasan",
    (True, False, True): "unit_kerja",
    (False, True, True): "unit_kerja",
    (False, False, True): "unit_kerja",
    (True, True, False): "instansi_lain",
    (True, False, False): "instansi_lain",
    (False, True, False): "instansi_lain",
    (False, False, False): "instansi_lain",
}
FIRST_STOP = {
    "pengawasan": ("tugas_tindak_lanjut_pengawasan", SEKRETARIAT, "tindak_lanjut"),
    "unit_kerja": ("tugas_salurkan_unit", INSPEKTUR, "penelaahan"),
    "instansi_lain": ("tugas_salurkan_instansi_lain", INSPEKTUR, "penyaluran"),
}


@pytest.mark.parametrize(
    "logis,berkadar,kewenangan", list(itertools.product([True, False], repeat=3)), ids=lambda v: str(v)[0]
)
def test_every_routing_rule(katingan, logis, berkadar, kewenangan):
    route = EXPECTED_ROUTE[(logis, berkadar, kewenangan)]
    case = _to_routing(_file_complaint(), _review(logis, berkadar, kewenangan))

    [decision] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "decision.evaluated")
    ).all()
    assert decision.data_before == {"logis": logis, "berkadar_pengawasan": berkadar, "kewenangan": kewenangan}
    assert decision.data_after == {"rute": route}
    element_id, lane, status = FIRST_STOP[route]
    assert [(t.element_id, t.lane) for t in case.tasks] == [(element_id, lane)]
    assert case.status == status


# -- 7a: the reporter objects (keberatan); the Inspektur answers ------------------------


def _delivered_by_the_unit() -> Case:
    return _deliver(_to_unit(_review(True, False, True)))


def _objected(case: Case) -> Case:
    deliver_message(case_id=case.id, message="keberatan_diajukan", payload={"alasan": "Dana belum kembali."},
                    actor="pelapor")
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_without_objection_the_case_ends_after_ten_working_days(katingan):
    before = datetime.now(timezone.utc)
    case = _delivered_by_the_unit()
    assert case.timer.element_id == "ev_batas_keberatan"
    assert case.timer.due_at == add_working_days(before, 10)
    assert ("ev_selesai", PELAPOR) not in _reached(case)
    case = let_objection_period_pass(case)
    assert (case.completed, case.status, case.tasks) == (True, "selesai", [])
    assert _reached(case)[-1] == ("ev_selesai", PELAPOR)


def test_an_objection_goes_to_the_inspektur_with_its_own_deadline(katingan):
    case = _objected(_delivered_by_the_unit())
    [task] = case.tasks
    assert (task.element_id, task.lane, task.form_key, case.status) == (
        "tugas_keberatan", INSPEKTUR, "penanganan_keberatan_001", "keberatan")
    assert (task.deadline_element, task.extend_role) == ("tenggat_tugas_keberatan", INSPEKTUR)
    assert task.due_at == add_working_days(datetime.now(timezone.utc), 10)
    assert case.timer.element_id == "pengingat:tugas_keberatan"
    case = _work(case, element_id="tugas_keberatan", lane=INSPEKTUR, actor="inspektur",
                 data={"keberatan_diterima": False, "tanggapan_keberatan": "Dana telah dikembalikan; bukti terlampir."})
    assert (case.completed, case.status, case.tasks) == (True, "selesai", [])
    assert _reached(case)[-1] == ("ev_keberatan_ditanggapi", PELAPOR)
    assert ("ev_selesai", PELAPOR) not in _reached(case)
    titles = {r.title for r in db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case.id))}
    assert "Tanggapan atas keberatan pelapor" in titles


def test_a_late_answer_to_an_objection_is_reminded_then_escalated_to_the_inspektur(katingan):
    case = fire_reminder(_objected(_delivered_by_the_unit()))
    reminded = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "deadline.reminded")).all()
    assert [(e.element_id, e.lane) for e in reminded] == [("tugas_keberatan", INSPEKTUR)]
    case = pass_deadline(case, "tenggat_tugas_keberatan")
    assert {(t.element_id, t.lane, t.form_key) for t in case.tasks} == {
        ("tugas_keberatan", INSPEKTUR, "penanganan_keberatan_001"),
        ("eskalasi_tugas_keberatan", INSPEKTUR, "eskalasi_tenggat")}
    assert case.status == "keberatan"
    escalation = next(t for t in case.tasks if t.element_id == "eskalasi_tugas_keberatan")
    complete_task(task_id=escalation.engine_task_id, actor="inspektur",
                  data={"tindakan_eskalasi": "ambil_alih", "catatan_eskalasi": "Ditangani langsung minggu ini."})
    case = _work(case, element_id="tugas_keberatan", lane=INSPEKTUR, actor="inspektur",
                 data={"keberatan_diterima": True, "tanggapan_keberatan": "Keberatan diterima; unit diminta menindaklanjuti."})
    assert (case.completed, case.status) == (True, "selesai")
    assert ("ev_keberatan_ditanggapi", PELAPOR) in set(_reached(case))
    titles = {r.title for r in db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case.id))}
    assert "Catatan eskalasi" in titles

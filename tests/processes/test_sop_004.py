"""SOP 004 (Kementerian Sekretariat Negara: monitoring the follow-up of complaints
forwarded to other agencies) walked through the service layer: every path of the
diagram and every rule of its decision table, on both databases.

The planner picks the monitored cases (`kasus_dipantau`, a `forwarded_cases` field)
from complaints forwarded to another agency, so each walk first forwards real SOP 000
complaints and uses their ids."""
import itertools
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from app.extensions import db
from app.models import AuditEvent, Case, CaseRecord
from app.services.casework.cases import complete_task, start_case
from app.services.casework.events import extend_task_deadline, fire_due_timers, move_deadline
from app.services.casework.workflow_state import load_instance
from app.services.definitions.forms import FormValidationError
from app.services.organisation.access import NotAllowed
from app.services.organisation.accounts import create_user
from app.services.organisation.calendar import calendar_for

ROOT = Path(__file__).resolve().parents[2]

PERENCANA = "Perencana Program dan Penyusun Laporan"
KASUBBID = "Kepala Subbidang"
KABID = "Kepala Bidang"
ASDEP = "Asdep Dumas"
DEPUTI = "Deputi Hublemmas"
TIM = "Tim Pemantauan"
PPK = "Pejabat Pembuat Komitmen"
BIRO_KEUANGAN = "Kepala Biro Keuangan"
INSTANSI = "Instansi Terkait"

DISCUSSION = {"catatan_pembahasan": "Fokus pada pengaduan yang belum ditanggapi lebih dari 60 hari."}
PROPOSAL = {"hasil_pembahasan": "Dua instansi diprioritaskan.", "usulan_susunan_tim": "Kabid II (ketua), Kasubbid IIA, dua analis."}
MEMORANDUM = {
    "tujuan_perjalanan": "Klarifikasi tindak lanjut pengaduan di Pemerintah Provinsi Jawa Tengah.",
    "partner_kerja": "Inspektorat Provinsi Jawa Tengah.",
    "mekanisme_kunjungan": ["rapat_koordinasi", "klarifikasi"],
    "prospek_hasil": "Kepastian status tindak lanjut dua pengaduan.",
    "prospek_hubungan": "Jalur koordinasi tetap dengan inspektorat provinsi.",
    "matriks_surat": "Dua surat penerusan pengaduan beserta tanggal dan status tanggapannya.",
    "konsep_surat_tugas": "Tim empat orang, Semarang, 3-6 Maret 2026.",
    "konsep_memo_fasilitas": "Tiket, uang harian dan penginapan untuk empat orang.",
}
SIGNED = {"nomor_surat_tugas": "ST-12/Dumas/2026", "tanggal_surat_tugas": "2026-02-27"}
FUNDING_MEMO = {"nomor_memorandum": "M-7/PPK/2026", "tanggal_memorandum": "2026-02-27", "rincian_fasilitas": "Tiket dan uang harian."}
FACILITIES = {"fasilitas_diterbitkan": "SPPD dan uang muka perjalanan dinas."}
CASE_FILES = {"berkas_diklarifikasi": "Salinan dua surat penerusan dan tanggapan sementara."}
COORDINATION = {"instansi_terkait": "Inspektorat Provinsi Jawa Tengah", "bahan_pemantauan": "Matriks kasus yang dipantau."}
DIRECT = {"kegiatan": ["penyampaian_tugas_fungsi", "diskusi_instansi", "rapat_konsultasi"], "hasil_pemantauan": "Satu kasus selesai, satu dalam proses."}
ELECTRONIC = {"media_komunikasi": ["surel", "telepon"], "informasi_diperoleh": "Instansi sedang memeriksa terlapor."}
LETTER = {"nomor_surat_resmi": "B-31/Dumas/2026", "tanggal_surat_resmi": "2026-03-02", "perihal": "Permintaan informasi tindak lanjut."}
REPORT = {"laporan_substansi": "Satu pengaduan telah ditindaklanjuti; satu masih diperiksa.", "laporan_keuangan": "Rp 18.400.000, bukti terlampir."}
RECEIVED = {"tanggal_laporan_diterima": "2026-03-12"}
MEMO_RECEIVED = {"tanggal_memorandum_diterima": "2026-02-27", "arahan_deputi_memorandum": "Libatkan Inspektorat Provinsi."}
ACCOUNTED = {"tanggal_pertanggungjawaban_diterima": "2026-03-12", "jumlah_biaya": 18400000}


def _forwarded_case_ids(n: int = 2, *, organisation: str = "setneg") -> list[int]:
    """Walk complaints to their "not ours" end: forwarded to another agency.

    The planner is offered only its own organisation's forwarded complaints. Setneg's
    complaint handling does not run here, so each walks SOP 000's path filed under
    `organisation` (Setneg unless a test needs another agency's)."""
    ids = []
    for _ in range(n):
        case = start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title="Di luar kewenangan BSN", actor="pengadu")
        case.organisation_code = organisation
        db.session.commit()
        for element_id, data in (
            ("tugas_verifikasi", {"lengkap": True, "lokasi_kasus": "Semarang"}),
            ("tugas_telaah", {"inti_masalah": "Layanan perizinan daerah.", "peraturan_terkait": "UU 25/2009.",
                              "memo": "Bukan kewenangan BSN.", "logis": True, "berkadar_pengawasan": True,
                              "kewenangan": False}),
            ("tugas_salurkan_instansi_lain", {"instansi_tujuan": "ombudsman",
                                              "nomor_surat": "12/IT/2026", "tanggal_surat": "2026-01-20"}),
        ):
            [task] = _reload(case).tasks
            assert task.element_id == element_id
            complete_task(task_id=task.engine_task_id, data=data, actor="admin")
        case = _reload(case)
        assert (case.completed, case.status) == (True, "diteruskan_instansi_lain")
        ids.append(case.id)
    return ids


def _reload(case: Case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _start() -> Case:
    return start_case(process_key="sop_004", data={}, title="Pemantauan Semester I", actor="perencana")


# Each task's deadline timer: (the step's standard time in working days, or a timedelta for
# the Asdep's 20 minutes; the reminder's lead in working days, or None; the lane that may
# extend it and is escalated to, or None when the miss is only recorded; the task whose
# creation started the step's clock when the step's time is shared by several tasks).
# Steps 2 and 4 are one day for all their tasks together: the Kabid's proposal is due when
# the Kasubbid's discussion was, and every task of step 4 when the team's first one was.
# The Deputi's approval inside step 3 has no time of its own and no timer; the Asdep's 20
# minutes are recorded when missed, not escalated (the SOP involves the Deputi at step 3
# only for monitoring the Asdep carries out).
STEP_2, STEP_4 = "tugas_pembahasan_kasubbid", ("tugas_siapkan_memorandum", "tugas_siapkan_berkas")
DEADLINES = {
    "tugas_telaah_database": (1, 1, KASUBBID, None),
    "tugas_pembahasan_kasubbid": (1, 1, KABID, None),
    "tugas_usulan_tim_kabid": (1, 1, ASDEP, STEP_2),
    "tugas_persetujuan_asdep": (timedelta(minutes=20), None, None, None),
    "tugas_siapkan_berkas": (1, 1, ASDEP, None),
    "tugas_siapkan_memorandum": (1, 1, ASDEP, None),
    "tugas_terima_memorandum_deputi": (1, 1, None, STEP_4),
    "tugas_tandatangan_asdep": (1, 1, DEPUTI, STEP_4),
    "tugas_tandatangan_ppk": (1, 1, DEPUTI, STEP_4),
    "tugas_permohonan_fasilitas": (1, 1, DEPUTI, STEP_4),
    "tugas_terbitkan_fasilitas": (1, 1, None, STEP_4),
    "tugas_koordinasi_instansi": (1, 1, ASDEP, None),
    "tugas_pemantauan_langsung": (4, 1, ASDEP, None),  # "3-4 hari": the deadline at 4, the reminder a day before
    "tugas_hubungi_instansi": (1, 1, ASDEP, None),
    "tugas_surat_resmi_asdep": (1, 1, DEPUTI, None),
    "tugas_susun_laporan": (2, 1, ASDEP, None),
    "tugas_terima_laporan_asdep": (1, 1, DEPUTI, None),
    "tugas_terima_laporan_deputi": (1, 1, None, None),
    "tugas_terima_pertanggungjawaban": (1, 1, DEPUTI, None),
}


def _step_started(case: Case, task) -> datetime:
    """When the task's step began: its own creation, or that of the step's first task."""
    first = DEADLINES[task.element_id][3]
    if first is None:
        return task.created_at
    firsts = (first,) if isinstance(first, str) else first
    created = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "task.created",
        AuditEvent.element_id.in_(firsts)).order_by(AuditEvent.id.desc())).first()
    return created.occurred_at


def _assert_due(case: Case, task) -> None:
    """The task is due at its step's standard time from the step's start: working days in
    the organisation's calendar (the end of the nth working day), or 20 minutes."""
    if task.element_id not in DEADLINES:
        assert (task.due_at, task.deadline_element) == (None, None), task.element_id
        return
    period, _, supervisor, _ = DEADLINES[task.element_id]
    if isinstance(period, timedelta):
        assert abs(task.due_at - (task.created_at + period)) < timedelta(seconds=30), task.element_id
    else:
        started = _step_started(case, task)
        assert task.due_at == calendar_for(case.organisation_code).add_working_days(started, period), task.element_id
    assert task.deadline_element == "tenggat_" + task.element_id.removeprefix("tugas_")
    assert task.extend_role == supervisor


def _work(case: Case, *, element_id: str, lane: str, data: dict, actor: str, beside: tuple[str, ...] = ()) -> Case:
    """Assert the case waits at this task in this lane (and, on a parallel branch, at the
    tasks `beside` it) with its step's deadline, then complete it."""
    case = _reload(case)
    waiting = {t.element_id: t for t in case.tasks}
    assert sorted(waiting) == sorted((element_id, *beside))
    task = waiting[element_id]
    assert (task.lane, task.role, task.org_unit) == (lane, lane, None)
    _assert_due(case, task)
    complete_task(task_id=task.engine_task_id, data=data, actor=actor)
    return _reload(case)


def _plan(case: Case, kasus: list[int], *, basis: str = "telaahan_database") -> Case:
    """Steps 1 and 2."""
    assert case.status == "perencanaan"
    case = _work(case, element_id="tugas_telaah_database", lane=PERENCANA, actor="perencana", data={
        "dasar_pemantauan": basis,
        "kasus_dipantau": kasus,
        "ringkasan_telaahan": "Dua pengaduan yang diteruskan belum mendapat tanggapan.",
        "matriks_rencana": "Instansi, kasus, status tanggapan, rencana pemantauan.",
    })
    assert case.status == "pembahasan"
    case = _work(case, element_id="tugas_pembahasan_kasubbid", lane=KASUBBID, data=DISCUSSION, actor="kasubbid")
    assert case.status == "pembahasan"
    case = _work(case, element_id="tugas_usulan_tim_kabid", lane=KABID, data=PROPOSAL, actor="kabid")
    assert case.status == "persetujuan"
    return case


def _asdep_decides(case: Case, *, approve: bool = True, visit: bool = True, asdep_goes: bool = False) -> Case:
    data = {"tim_disetujui": approve, "arahan_asdep": "Utamakan kasus yang belum ditanggapi."}
    if approve:
        data |= {"perlu_kunjungan_kerja": visit, "asdep_ikut": asdep_goes}
    return _work(case, element_id="tugas_persetujuan_asdep", lane=ASDEP, data=data, actor="asdep")


def _deputy_decides(case: Case, *, approve: bool) -> Case:
    assert case.status == "persetujuan"
    return _work(case, element_id="tugas_persetujuan_deputi", lane=DEPUTI, actor="deputi",
                 data={"deputi_setuju": approve, "arahan_deputi": "Koordinasikan dengan Inspektorat Provinsi."})


def _prepare(case: Case, *, visit: bool, asdep_goes: bool) -> Case:
    """Step 4: direct (memo, letter signed by the Asdep or the PPK, travel funding) or indirect (case files)."""
    assert case.status == "persiapan"
    if visit:
        case = _work(case, element_id="tugas_siapkan_memorandum", lane=TIM, data=MEMORANDUM, actor="tim")
        # 4a 1): the Asdep's memo reaches the Deputi.
        case = _work(case, element_id="tugas_terima_memorandum_deputi", lane=DEPUTI, data=MEMO_RECEIVED, actor="deputi")
        signer = ("tugas_tandatangan_ppk", PPK) if asdep_goes else ("tugas_tandatangan_asdep", ASDEP)
        case = _work(case, element_id=signer[0], lane=signer[1], data=SIGNED, actor="penandatangan")
        case = _work(case, element_id="tugas_permohonan_fasilitas", lane=PPK, data=FUNDING_MEMO, actor="ppk")
        assert case.status == "persiapan"
        case = _work(case, element_id="tugas_terbitkan_fasilitas", lane=BIRO_KEUANGAN, data=FACILITIES, actor="biro")
    else:
        case = _work(case, element_id="tugas_siapkan_berkas", lane=TIM, data=CASE_FILES, actor="tim")
    assert case.status == "koordinasi"
    return case


def _coordinate_and_monitor(case: Case, *, visit: bool) -> Case:
    """Steps 5 and 6."""
    coordination = COORDINATION | ({"surat_tugas_disampaikan": True} if visit else {})
    case = _work(case, element_id="tugas_koordinasi_instansi", lane=TIM, data=coordination, actor="tim")
    [sent] = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.element_id == "ev_instansi_menerima_bahan")).all()
    assert (sent.action, sent.lane) == ("event.reached", INSTANSI)
    assert case.status == "pelaksanaan"
    if visit:
        case = _work(case, element_id="tugas_pemantauan_langsung", lane=TIM, data=DIRECT, actor="tim")
    else:
        case = _work(case, element_id="tugas_hubungi_instansi", lane=TIM, data=ELECTRONIC, actor="tim",
                     beside=("tugas_surat_resmi_asdep",))
        assert case.status == "pelaksanaan"
        case = _work(case, element_id="tugas_surat_resmi_asdep", lane=ASDEP, data=LETTER, actor="asdep")
    assert case.status == "pelaporan"
    return case


def _report(case: Case, *, kasus: list[int], asdep_goes: bool) -> Case:
    """Steps 7 and 8: the substantive report to the Asdep or the Deputi, beside the
    financial accountability to the PPK."""
    [task] = _reload(case).tasks
    assert load_instance(case).task_data(task.engine_task_id)["kasus_dipantau"] == kasus
    case = _work(case, element_id="tugas_susun_laporan", lane=TIM, data=REPORT, actor="tim")
    assert case.status == "penyampaian_laporan"
    receiver = ("tugas_terima_laporan_deputi", DEPUTI) if asdep_goes else ("tugas_terima_laporan_asdep", ASDEP)
    case = _work(case, element_id=receiver[0], lane=receiver[1], data=RECEIVED, actor="penerima",
                 beside=("tugas_terima_pertanggungjawaban",))
    assert (case.completed, case.status) == (False, "penyampaian_laporan")
    # 8a: the report is kept as data for the monthly, half-yearly and yearly reports to the
    # Minister and the President, compiled through the Asdep.
    assert ("ev_bahan_laporan_berkala", ASDEP) in _reached(case)
    case = _work(case, element_id="tugas_terima_pertanggungjawaban", lane=PPK, data=ACCOUNTED, actor="ppk")
    assert (case.completed, case.status, case.tasks) == (True, "selesai", [])
    return case


def _walk_from_approval(case: Case, kasus: list[int], *, visit: bool, asdep_goes: bool) -> Case:
    case = _asdep_decides(case, visit=visit, asdep_goes=asdep_goes)
    if asdep_goes:
        case = _deputy_decides(case, approve=True)
    case = _prepare(case, visit=visit, asdep_goes=asdep_goes)
    case = _coordinate_and_monitor(case, visit=visit)
    return _report(case, kasus=kasus, asdep_goes=asdep_goes)


def _path(case: Case) -> list[str]:
    return [e.element_id for e in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "task.completed")
        .order_by(AuditEvent.id))]


def test_staff_in_the_planner_lane_start_it(sop_models):
    assert sop_models["sop_004"].start_lanes == [PERENCANA]


def test_direct_monitoring_at_division_level(sop_models):
    kasus = _forwarded_case_ids()
    case = _walk_from_approval(_plan(_start(), kasus), kasus, visit=True, asdep_goes=False)
    assert "tugas_persetujuan_deputi" not in _path(case)
    # Each step keeps the SOP's output document of that step on the case.
    titles = [r.title for r in db.session.scalars(
        db.select(CaseRecord).where(CaseRecord.case_id == case.id).order_by(CaseRecord.id))]
    assert titles == [
        "Matrikulasi rencana pemantauan tindak lanjut pengaduan masyarakat",
        "Catatan pembahasan matriks rencana pemantauan",
        "Usulan pembentukan Tim Pemantauan Tindak Lanjut Pengaduan Masyarakat",
        "Arahan dan persetujuan pembentukan Tim Pemantauan",
        "Konsep memorandum Asdep kepada Deputi, konsep surat perintah penugasan dan konsep memorandum "
        "permohonan fasilitas perjalanan dinas",
        "Memorandum Asdep kepada Deputi perihal usulan rencana pelaksanaan pemantauan",
        "Surat perintah penugasan",
        "Memorandum permohonan fasilitas perjalanan dinas kepada Kepala Biro Keuangan",
        "Fasilitas perjalanan dinas",
        "Surat perintah penugasan dan bahan pemantauan yang disampaikan kepada instansi terkait",
        "Catatan hasil pemantauan langsung",
        "Laporan hasil pemantauan",
        "Tanda terima laporan hasil pemantauan",
        "Pertanggungjawaban keuangan pemantauan",
    ]


def test_the_monitoring_report_is_put_on_every_monitored_case(sop_models):
    kasus = _forwarded_case_ids()
    case = _asdep_decides(_plan(_start(), kasus), visit=False, asdep_goes=False)
    case = _coordinate_and_monitor(_prepare(case, visit=False, asdep_goes=False), visit=False)
    _work(case, element_id="tugas_susun_laporan", lane=TIM, data=REPORT, actor="tim")
    for monitored in kasus:
        [record] = db.session.scalars(db.select(CaseRecord).where(
            CaseRecord.case_id == monitored, CaseRecord.origin_case_id == case.id)).all()
        assert (record.title, record.element_id) == ("Laporan hasil pemantauan", "tugas_susun_laporan")
        assert db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.case_id == monitored, AuditEvent.action == "case.monitored")).one()


def test_the_planner_can_only_pick_forwarded_cases(sop_models):
    kasus = _forwarded_case_ids(1)
    not_forwarded = start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title="Masih di BSN", actor="pengadu")
    [forwarded_by_bsn] = _forwarded_case_ids(1, organisation="bsn")
    case = _start()
    [task] = case.tasks
    for foreign in (not_forwarded.id, forwarded_by_bsn):
        with pytest.raises(FormValidationError) as refused:
            complete_task(task_id=task.engine_task_id, actor="perencana", data={
                "dasar_pemantauan": "program_kerja", "kasus_dipantau": [*kasus, foreign],
                "ringkasan_telaahan": "-", "matriks_rencana": "-"})
        assert refused.value.errors == {
            "kasus_dipantau": "Pilih hanya kasus instansi ini yang telah diteruskan ke instansi lain."}


def test_direct_monitoring_by_the_asdep_needs_the_deputy_and_the_ppk_signs(sop_models):
    kasus = _forwarded_case_ids()
    case = _walk_from_approval(_plan(_start(), kasus), kasus, visit=True, asdep_goes=True)
    assert _path(case)[3:6] == ["tugas_persetujuan_asdep", "tugas_persetujuan_deputi", "tugas_siapkan_memorandum"]


def test_indirect_monitoring_at_division_level(sop_models):
    kasus = _forwarded_case_ids()
    case = _walk_from_approval(_plan(_start(), kasus), kasus, visit=False, asdep_goes=False)
    assert not {"tugas_tandatangan_asdep", "tugas_tandatangan_ppk", "tugas_permohonan_fasilitas"} & set(_path(case))


def test_indirect_monitoring_by_the_asdep_reports_to_the_deputy(sop_models):
    kasus = _forwarded_case_ids()
    _walk_from_approval(_plan(_start(), kasus), kasus, visit=False, asdep_goes=True)


def test_a_team_the_asdep_does_not_approve_goes_back_to_the_planner(sop_models):
    kasus = _forwarded_case_ids(3)
    case = _asdep_decides(_plan(_start(), kasus[:2]), approve=False)
    assert [t.element_id for t in case.tasks] == ["tugas_telaah_database"]
    # The planner redrafts, now from the work programme and with a third case, and the
    # new plan is approved.
    case = _plan(case, kasus, basis="program_kerja")
    _walk_from_approval(case, kasus, visit=True, asdep_goes=False)


def test_monitoring_the_deputy_does_not_approve_goes_back_to_the_asdep(sop_models):
    kasus = _forwarded_case_ids()
    case = _asdep_decides(_plan(_start(), kasus), visit=True, asdep_goes=True)
    case = _deputy_decides(case, approve=False)
    assert case.status == "persetujuan"
    # The Asdep now leaves the monitoring at division level: no second Deputi approval.
    case = _asdep_decides(case, visit=False, asdep_goes=False)
    case = _prepare(case, visit=False, asdep_goes=False)
    case = _coordinate_and_monitor(case, visit=False)
    case = _report(case, kasus=kasus, asdep_goes=False)
    assert _path(case).count("tugas_persetujuan_deputi") == 1


EXPECTED_DECISION = {
    (True, False): {"cara_pemantauan": "langsung", "penandatangan_surat_tugas": "asdep", "penerima_laporan": "asdep"},
    (True, True): {"cara_pemantauan": "langsung", "penandatangan_surat_tugas": "ppk", "penerima_laporan": "deputi"},
    (False, False): {"cara_pemantauan": "tidak_langsung", "penandatangan_surat_tugas": "tidak_perlu", "penerima_laporan": "asdep"},
    (False, True): {"cara_pemantauan": "tidak_langsung", "penandatangan_surat_tugas": "tidak_perlu", "penerima_laporan": "deputi"},
}


@pytest.mark.parametrize(
    "visit,asdep_goes", list(itertools.product([True, False], repeat=2)),
    ids=lambda v: "ya" if v else "tidak",
)
def test_every_decision_rule(sop_models, visit, asdep_goes):
    kasus = _forwarded_case_ids(1)
    case = _asdep_decides(_plan(_start(), kasus), visit=visit, asdep_goes=asdep_goes)
    if asdep_goes:
        case = _deputy_decides(case, approve=True)
    [decision] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "decision.evaluated")
    ).all()
    assert (decision.element_id, decision.lane) == ("tugas_tentukan_cara", TIM)
    assert decision.data_before == {"perlu_kunjungan_kerja": visit, "asdep_ikut": asdep_goes}
    assert decision.data_after == EXPECTED_DECISION[(visit, asdep_goes)]
    first = "tugas_siapkan_memorandum" if visit else "tugas_siapkan_berkas"
    assert [(t.element_id, t.lane) for t in case.tasks] == [(first, TIM)]
    assert case.status == "persiapan"


# -- the model itself: the conventions of bpmn/README.md -----------------------------------

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "camunda": "http://camunda.org/schema/1.0/bpmn"}
ISO_DURATION = re.compile(r"^P(\d+D)?(T(\d+H)?(\d+M)?)?$")


def _model():
    return etree.parse(str(ROOT / "bpmn" / "sop_004.bpmn")).getroot()


def _properties(element) -> dict:
    return {p.get("name"): p.get("value") for p in element.iterfind(".//camunda:property", NS)}


def test_every_user_task_has_a_form_a_status_and_a_standard_time():
    for task in _model().iterfind(".//bpmn:userTask", NS):
        props = _properties(task)
        form_key = task.get(f"{{{NS['camunda']}}}formKey")
        if form_key == "eskalasi_tenggat":  # the escalations' shared form: no status, no time
            assert not props and task.get("id").startswith("tugas_eskalasi_"), task.get("id")
            continue
        form = json.loads((ROOT / "forms" / f"{form_key}.json").read_text(encoding="utf-8"))
        assert form["key"] == form_key and form_key.endswith("_004")
        assert {"id", "en"} <= form["output"].keys(), form_key
        assert all({"id", "en"} <= field["label"].keys() for field in form["fields"]), form_key
        assert props.get("status"), task.get("id")
        assert ISO_DURATION.match(props.get("standard_time", "")), task.get("id")
        assert "Waktu baku" in task.findtext("bpmn:documentation", namespaces=NS), task.get("id")


def test_the_monitoring_report_goes_to_every_monitored_case():
    """Step 7's report is recorded on every case in `kasus_dipantau`, which step 1's
    form fills with forwarded cases."""
    model = _model()
    reporting = [t.get("id") for t in model.iterfind(".//bpmn:userTask", NS) if "report_to_cases" in _properties(t)]
    assert reporting == ["tugas_susun_laporan"]
    assert _properties(model.find(".//bpmn:userTask[@id='tugas_susun_laporan']", NS))["report_to_cases"] == "kasus_dipantau"
    plan = json.loads((ROOT / "forms" / "rencana_pemantauan_004.json").read_text(encoding="utf-8"))
    [field] = [f for f in plan["fields"] if f["name"] == "kasus_dipantau"]
    assert (field["type"], field["required"]) == ("forwarded_cases", True)
    report = json.loads((ROOT / "forms" / "laporan_hasil_004.json").read_text(encoding="utf-8"))
    assert report["output"]["id"] == "Laporan hasil pemantauan"


def test_every_task_and_event_has_one_incoming_flow():
    for tag in ("userTask", "businessRuleTask", "intermediateThrowEvent", "endEvent"):
        for element in _model().iterfind(f".//bpmn:{tag}", NS):
            assert len(element.findall("bpmn:incoming", NS)) == 1, element.get("id")


# -- deadlines: reminders, escalations, extensions -------------------------------------------

ESCALATED = {"tindakan_eskalasi": "teguran", "catatan_eskalasi": "Mohon segera diselesaikan."}
LANES = {
    "tugas_telaah_database": PERENCANA, "tugas_pembahasan_kasubbid": KASUBBID, "tugas_usulan_tim_kabid": KABID,
    "tugas_persetujuan_asdep": ASDEP, "tugas_siapkan_berkas": TIM, "tugas_siapkan_memorandum": TIM,
    "tugas_tandatangan_asdep": ASDEP, "tugas_tandatangan_ppk": PPK, "tugas_permohonan_fasilitas": PPK,
    "tugas_terbitkan_fasilitas": BIRO_KEUANGAN, "tugas_terima_memorandum_deputi": DEPUTI,
    "tugas_koordinasi_instansi": TIM, "tugas_pemantauan_langsung": TIM,
    "tugas_hubungi_instansi": TIM, "tugas_surat_resmi_asdep": ASDEP, "tugas_susun_laporan": TIM,
    "tugas_terima_laporan_asdep": ASDEP, "tugas_terima_laporan_deputi": DEPUTI,
    "tugas_terima_pertanggungjawaban": PPK,
}
# The path that reaches each task: (perlu_kunjungan_kerja, asdep_ikut).
ROUTE = {
    "tugas_siapkan_berkas": (False, False), "tugas_hubungi_instansi": (False, False),
    "tugas_surat_resmi_asdep": (False, False), "tugas_tandatangan_ppk": (True, True),
    "tugas_terima_laporan_deputi": (False, True),
}


def _forms(kasus: list[int], visit: bool, asdep_goes: bool) -> dict:
    """Every step's form on the path chosen by the Asdep's two answers."""
    return {
        "tugas_telaah_database": {"dasar_pemantauan": "telaahan_database", "kasus_dipantau": kasus,
                                  "ringkasan_telaahan": "Dua pengaduan belum ditanggapi.", "matriks_rencana": "Matriks."},
        "tugas_pembahasan_kasubbid": DISCUSSION,
        "tugas_usulan_tim_kabid": PROPOSAL,
        "tugas_persetujuan_asdep": {"tim_disetujui": True, "arahan_asdep": "Lanjutkan.",
                                    "perlu_kunjungan_kerja": visit, "asdep_ikut": asdep_goes},
        "tugas_persetujuan_deputi": {"deputi_setuju": True, "arahan_deputi": "Setuju."},
        "tugas_siapkan_memorandum": MEMORANDUM, "tugas_terima_memorandum_deputi": MEMO_RECEIVED,
        "tugas_tandatangan_asdep": SIGNED, "tugas_tandatangan_ppk": SIGNED,
        "tugas_permohonan_fasilitas": FUNDING_MEMO, "tugas_terbitkan_fasilitas": FACILITIES,
        "tugas_siapkan_berkas": CASE_FILES,
        "tugas_koordinasi_instansi": COORDINATION | ({"surat_tugas_disampaikan": True} if visit else {}),
        "tugas_pemantauan_langsung": DIRECT, "tugas_hubungi_instansi": ELECTRONIC, "tugas_surat_resmi_asdep": LETTER,
        "tugas_susun_laporan": REPORT, "tugas_terima_laporan_asdep": RECEIVED, "tugas_terima_laporan_deputi": RECEIVED,
        "tugas_terima_pertanggungjawaban": ACCOUNTED,
    }


def _until(element_id: str) -> tuple[Case, dict]:
    """A monitoring walked along the path through `element_id` until that task waits."""
    forms = _forms(_forwarded_case_ids(1), *ROUTE.get(element_id, (True, False)))
    case = _start()
    while element_id not in {t.element_id for t in _reload(case).tasks}:
        task = _reload(case).tasks[0]
        complete_task(task_id=task.engine_task_id, data=forms[task.element_id], actor="petugas")
    return _reload(case), forms


def _finish(case: Case, forms: dict) -> Case:
    """Complete whatever waits, escalations with a note, until the monitoring ends."""
    while _reload(case).tasks:
        task = _reload(case).tasks[0]
        data = ESCALATED if task.form_key == "eskalasi_tenggat" else forms[task.element_id]
        complete_task(task_id=task.engine_task_id, data=data, actor="petugas")
    case = _reload(case)
    assert (case.completed, case.status) == (True, "selesai")
    return case


def _fire(case: Case, timer: str) -> Case:
    move_deadline(case_id=case.id, element_id=timer, due_at=datetime.now(timezone.utc) - timedelta(seconds=1),
                  reason="Uji: waktunya telah lewat.", actor="test")
    assert fire_due_timers() == 1
    return _reload(case)


def _reached(case: Case) -> list[tuple[str, str]]:
    return [(e.element_id, e.lane) for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "event.reached").order_by(AuditEvent.id))]


def _waiting(case: Case) -> list[tuple[str, str, str]]:
    return sorted((t.element_id, t.lane, t.form_key) for t in _reload(case).tasks)


def _events(case: Case, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == action).order_by(AuditEvent.id)))


REMINDED = [task for task, (_, reminder, _, _) in DEADLINES.items() if reminder is not None]


@pytest.mark.parametrize("element_id", REMINDED)
def test_a_reminder_tells_the_step_s_own_lane(sop_models, element_id):
    """The deadline policy reminds the task's lane a working day before its step's deadline
    (at 6a: the SOP's lower bound, 3 of "3-4 hari"); the task still waits."""
    case, forms = _until(element_id)
    [task] = [t for t in case.tasks if t.element_id == element_id]
    _, days, _, _ = DEADLINES[element_id]
    remind_at = calendar_for(case.organisation_code).working_days_before(task.due_at, days)
    assert task.remind_at == remind_at
    # 6b and 8 wait on two tasks at once, due together: the case's next timer is the first reminder.
    assert case.timer.element_id.startswith("pengingat:") and case.timer.due_at == remind_at
    before = _waiting(case)
    assert fire_due_timers(now=remind_at + timedelta(seconds=1)) == 1
    case = _reload(case)
    reminded = [(e.element_id, e.lane) for e in _events(case, "deadline.reminded")]
    assert (element_id, LANES[element_id]) in reminded
    assert len(reminded) == len(before)
    assert _waiting(case) == before
    _finish(case, forms)


ESCALATED_STEPS = [task for task, (_, _, supervisor, _) in DEADLINES.items() if supervisor is not None]


@pytest.mark.parametrize("element_id", ESCALATED_STEPS)
def test_a_missed_step_is_escalated_to_its_supervisor_and_the_monitoring_still_ends(sop_models, element_id):
    case, forms = _until(element_id)
    key = element_id.removeprefix("tugas_")
    before = _waiting(case)
    status = case.status
    case = _fire(case, f"tenggat_{key}")
    supervisor = DEADLINES[element_id][2]
    assert _waiting(case) == sorted([*before, (f"eskalasi_{element_id}", supervisor, "eskalasi_tenggat")])
    assert case.status == status
    [escalated] = _events(case, "deadline.escalated")
    assert (escalated.element_id, escalated.lane, escalated.data_after["task"]) == (f"tenggat_{key}", supervisor,
                                                                                  element_id)
    case = _finish(case, forms)
    assert [e.element_id for e in _events(case, "deadline.missed")] == [element_id]


@pytest.mark.parametrize("element_id", [t for t, (_, _, s, _) in DEADLINES.items() if s is None])
def test_a_missed_step_without_a_supervisor_in_the_sop_is_recorded(sop_models, element_id):
    """The Kepala Biro Keuangan and the Deputi have no superior in this SOP, and the Asdep's
    20 minutes are not the Deputi's to chase: the miss is recorded and nobody above the
    lane is escalated to: the timer names no lane, so nobody gets an escalation item."""
    case, forms = _until(element_id)
    before = _waiting(case)
    case = _fire(case, "tenggat_" + element_id.removeprefix("tugas_"))
    assert not _events(case, "deadline.escalated")
    assert _waiting(case) == before
    case = _finish(case, forms)
    assert [e.element_id for e in _events(case, "deadline.missed")] == [element_id]


def test_a_late_approval_by_the_asdep_is_recorded_not_escalated(sop_models):
    """Step 3's 20 minutes: no reminder before them, nothing for the Deputi after them."""
    case, forms = _until("tugas_persetujuan_asdep")
    [task] = case.tasks
    assert (case.timer.element_id, case.timer.due_at) == ("tenggat_persetujuan_asdep", task.due_at)
    case = _fire(case, "tenggat_persetujuan_asdep")
    assert DEPUTI not in {t.lane for t in case.tasks}
    assert not _events(case, "deadline.escalated")
    case = _finish(case, forms)
    assert not list(_events(case, "deadline.reminded"))
    assert [e.element_id for e in _events(case, "deadline.missed")] == ["tugas_persetujuan_asdep"]


def test_the_asdep_extends_the_team_s_direct_monitoring_with_a_reason(sop_models):
    case, forms = _until("tugas_pemantauan_langsung")
    [task] = case.tasks
    asdep = create_user(username="asdep.dumas", password="rahasia-uji-123", roles=[ASDEP], organisation_code="setneg")
    until = (task.due_at + timedelta(days=7)).date()
    extend_task_deadline(user=asdep, task_id=task.engine_task_id, until=until,
                         reason="Instansi menjadwalkan ulang rapat koordinasi.")
    case = _reload(case)
    [task] = case.tasks
    assert task.due_at.astimezone(calendar_for("setneg").zone).date() == until
    [moved] = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "deadline.moved")).all()
    assert (moved.element_id, moved.actor, moved.detail) == (
        "tenggat_pemantauan_langsung", "asdep.dumas", "Instansi menjadwalkan ulang rapat koordinasi.")
    assert datetime.fromisoformat(moved.data_after["due_at"]) == task.due_at
    assert fire_due_timers() == 0
    _finish(case, forms)


def test_only_the_supervising_lane_may_extend(sop_models):
    case, _ = _until("tugas_pemantauan_langsung")
    [task] = case.tasks
    team = create_user(username="tim.pemantauan", password="rahasia-uji-123", roles=[TIM], organisation_code="setneg")
    with pytest.raises(NotAllowed):
        extend_task_deadline(user=team, task_id=task.engine_task_id, until=(task.due_at + timedelta(days=7)).date(),
                             reason="Kami butuh waktu.")


def test_every_step_has_one_deadline_shared_by_its_tasks():
    """Each task's deadline is a non-interrupting boundary timer marked `deadline`, naming its
    SOP step and the lane that may extend it; steps 2 and 4 compute their one day once, when
    the step starts, and every task of the step is due at that instant. Nothing else hangs on
    a timer: reminders and escalations are the organisation's deadline policy, not drawn."""
    model = _model()
    shared = {"tugas_usulan_tim_kabid": "batas_pembahasan", "tugas_pembahasan_kasubbid": "batas_pembahasan"}
    shared |= {t: "batas_persiapan" for t, (*_, first) in DEADLINES.items() if first == STEP_4}
    shared |= dict.fromkeys(STEP_4, "batas_persiapan")
    timers = model.findall(".//bpmn:boundaryEvent", NS)
    assert not model.findall(".//bpmn:userTask[@camunda:formKey='eskalasi_tenggat']", NS)
    assert sorted(t.get("attachedToRef") for t in timers) == sorted(DEADLINES)
    for task, (period, _, supervisor, _) in DEADLINES.items():
        key = task.removeprefix("tugas_")
        deadline = model.find(f".//bpmn:boundaryEvent[@id='tenggat_{key}']", NS)
        assert deadline.get("attachedToRef") == task and deadline.get("cancelActivity") == "false"
        assert _properties(deadline).get("deadline") == "true"
        assert _properties(deadline).get("extend_role") == supervisor
        # The timer's only flow closes it ("Lewat batas"); what a passed deadline causes is policy.
        [flow] = model.findall(f".//bpmn:sequenceFlow[@sourceRef='tenggat_{key}']", NS)
        assert model.find(f".//bpmn:endEvent[@id='{flow.get('targetRef')}']", NS) is not None, task
        expression = deadline.findtext(".//bpmn:timeDate", namespaces=NS).strip()
        if task in shared:
            assert expression == shared[task], task
        elif isinstance(period, timedelta):
            assert expression == "tambah_jam(1/3)"
    scripts = {s.get("id"): s.findtext("bpmn:script", namespaces=NS) for s in model.iterfind(".//bpmn:scriptTask", NS)}
    assert sorted(scripts) == ["tugas_mulai_batas_pembahasan", "tugas_mulai_batas_persiapan"]
    assert {script.split(" = ")[0] for script in scripts.values()} == {"batas_pembahasan", "batas_persiapan"}


def test_the_kabid_s_proposal_is_due_when_the_kasubbid_s_discussion_was(sop_models):
    """Step 2's "1 hari" is one day for the Kasubbid and the Kabid together, not 1 + 1."""
    case, forms = _until("tugas_pembahasan_kasubbid")
    [discussion] = case.tasks
    complete_task(task_id=discussion.engine_task_id, data=forms["tugas_pembahasan_kasubbid"], actor="kasubbid")
    [proposal] = _reload(case).tasks
    assert proposal.element_id == "tugas_usulan_tim_kabid"
    assert proposal.due_at == discussion.due_at == calendar_for("setneg").add_working_days(discussion.created_at, 1)


@pytest.mark.parametrize("visit,asdep_goes", [(True, False), (True, True), (False, False)],
                         ids=["langsung", "langsung-asdep", "tidak-langsung"])
def test_every_task_of_step_4_is_due_one_day_after_the_step_began(sop_models, visit, asdep_goes):
    """Step 4's "1 hari" covers all of it: the team's drafts, the Deputi's receipt of the
    memo, the signature, the PPK's funding memo and the Biro's facilities (or the files of
    indirect monitoring), not up to four days one after the other."""
    forms = _forms(_forwarded_case_ids(1), visit, asdep_goes)
    case = _start()
    while _reload(case).status != "persiapan":
        task = _reload(case).tasks[0]
        complete_task(task_id=task.engine_task_id, data=forms[task.element_id], actor="petugas")
    [first] = _reload(case).tasks
    due = calendar_for("setneg").add_working_days(first.created_at, 1)
    seen = []
    while _reload(case).status == "persiapan":
        [task] = _reload(case).tasks
        assert task.due_at == due, task.element_id
        seen.append(task.element_id)
        complete_task(task_id=task.engine_task_id, data=forms[task.element_id], actor="petugas")
    signer = "tugas_tandatangan_ppk" if asdep_goes else "tugas_tandatangan_asdep"
    assert seen == (["tugas_siapkan_memorandum", "tugas_terima_memorandum_deputi", signer, "tugas_permohonan_fasilitas",
                     "tugas_terbitkan_fasilitas"] if visit else ["tugas_siapkan_berkas"])

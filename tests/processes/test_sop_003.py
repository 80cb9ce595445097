"""SOP 003 (BPS Provinsi Kalimantan Timur, via SP4N-LAPOR!) walked through the service
layer: every path of the diagram and every rule of its disposition table, on both
databases; and the standard time of every step, as the diagram declares it."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from app.extensions import db
from app.models import AuditEvent, Case
from app.services.casework.cases import complete_task, start_case
from app.services.casework.events import fire_due_timers, move_deadline
from app.services.organisation.accounts import ensure_unit
from app.services.organisation.calendar import calendar_for
from app.services.organisation.org_settings import update_settings
from tests.helpers.walk import work as _work

ADMIN_NASIONAL, ADMIN_BPS = "Admin Nasional", "Admin BPS Provinsi"
# The one calendar function every "hari" of the diagram goes through (the organisation's
# working-or-calendar choice).
DAYS = "tambah_hari_sop"
PENGHUBUNG, UNIT_KERJA = "Pejabat Penghubung", "Unit Kerja"

UNITS = {
    "bps-kaltim-umum": "Bagian Umum",
    "bps-kaltim-statistik-sosial": "Fungsi Statistik Sosial",
    "bps-kaltim-statistik-produksi": "Fungsi Statistik Produksi",
    "bps-kaltim-distribusi": "Fungsi Statistik Distribusi",
    "bps-kaltim-neraca": "Fungsi Neraca Wilayah dan Analisis Statistik",
    "bps-kaltim-ipds": "Fungsi Integrasi Pengolahan dan Diseminasi Statistik",
}
# disposisi_003, rule by rule: the liaison's complaint type -> the unit that answers.
DISPOSITION = [
    ("layanan_data", "bps-kaltim-ipds"),
    ("statistik_sosial", "bps-kaltim-statistik-sosial"),
    ("statistik_produksi", "bps-kaltim-statistik-produksi"),
    ("statistik_distribusi", "bps-kaltim-distribusi"),
    ("neraca_wilayah", "bps-kaltim-neraca"),
    ("administrasi_umum", "bps-kaltim-umum"),
    ("lainnya", "bps-kaltim-umum"),  # the catch-all, last
]


@pytest.fixture
def bps_kaltim(sop_models):
    """SOP 003 deployed, with the units of BPS Kalimantan Timur its table routes to."""
    for code, name in UNITS.items():
        ensure_unit(code=code, name=name, organisation="bps-kaltim")
    db.session.commit()
    return sop_models["sop_003"]


def _file_report() -> Case:
    return start_case(
        process_key="sop_003", data={"jenis": "pengaduan"}, title="Data kemiskinan kabupaten tidak tersedia", actor="pelapor"
    )


def _reached(case: Case) -> list[tuple[str, str]]:
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action == "event.reached")
        .order_by(AuditEvent.id)
    )
    return [(e.element_id, e.lane) for e in events]


def _verified_nationally(case: Case) -> Case:
    return _work(
        case,
        element_id="tugas_verifikasi_nasional",
        lane=ADMIN_NASIONAL,
        status="verifikasi",
        data={"lengkap": True, "catatan_disposisi": "Diteruskan kepada BPS Provinsi Kalimantan Timur."},
        actor="admin.nasional",
    )


def _to_unit(kategori: str) -> Case:
    """Steps 1-5: a complete report, BPS Kaltim's authority, disposed to the liaison, typed."""
    case = _verified_nationally(_file_report())
    case = _work(
        case,
        element_id="tugas_verifikasi_instansi",
        lane=ADMIN_BPS,
        status="verifikasi",
        data={"kewenangan": True, "catatan_verifikasi": "Laporan tentang data statistik BPS."},
        actor="admin.bps",
    )
    case = _work(
        case,
        element_id="tugas_disposisi_penghubung",
        lane=ADMIN_BPS,
        status="disposisi",
        data={"catatan_disposisi": "Mohon diteruskan ke unit terkait."},
        actor="admin.bps",
    )
    return _work(
        case,
        element_id="tugas_kajian_penghubung",
        lane=PENGHUBUNG,
        status="disposisi",
        data={"kategori": kategori, "kajian": "Pelapor menanyakan ketersediaan data."},
        actor="penghubung",
    )


def _close(case: Case) -> Case:
    case = _work(
        case,
        element_id="tugas_penyelesaian",
        lane=ADMIN_BPS,
        status="penyampaian_hasil",
        data={
            "jejak_tindak_lanjut": "Disposisi ke unit, tanggapan unit diunggah, dikonfirmasi ke Admin Nasional.",
            "ringkasan_untuk_pelapor": "Data kemiskinan kabupaten tersedia di situs BPS Provinsi.",
        },
        actor="admin.bps",
    )
    assert (case.completed, case.status, case.tasks) == (True, "selesai", [])
    assert _reached(case)[-1] == ("ev_selesai", ADMIN_BPS)
    return case


def test_incomplete_report_cannot_be_followed_up(bps_kaltim):
    case = _work(
        _file_report(),
        element_id="tugas_verifikasi_nasional",
        lane=ADMIN_NASIONAL,
        status="verifikasi",
        data={"lengkap": False, "catatan_verifikasi": "Tidak ada uraian kejadian maupun lokasi."},
        actor="admin.nasional",
    )
    assert (case.completed, case.status, case.tasks) == (True, "tidak_lengkap", [])
    assert _reached(case) == [("ev_laporan_masuk", ADMIN_NASIONAL), ("ev_tidak_lengkap", ADMIN_NASIONAL)]


def test_report_outside_bps_authority_goes_back_to_admin_nasional_and_on_to_the_competent_agency(bps_kaltim):
    case = _verified_nationally(_file_report())
    case = _work(
        case,
        element_id="tugas_verifikasi_instansi",
        lane=ADMIN_BPS,
        status="verifikasi",
        data={
            "kewenangan": False,
            "catatan_verifikasi": "Laporan tentang pelayanan KTP elektronik.",
            "alasan_pengembalian": "Administrasi kependudukan adalah kewenangan Dukcapil, bukan BPS.",
        },
        actor="admin.bps",
    )
    case = _work(
        case,
        element_id="tugas_disposisi_ulang",
        lane=ADMIN_NASIONAL,
        status="dikembalikan_ke_admin_nasional",
        data={"instansi_tujuan": "kemendagri", "catatan_disposisi": "Ke Ditjen Dukcapil."},
        actor="admin.nasional",
    )
    assert (case.completed, case.status, case.tasks) == (True, "diteruskan_instansi_lain", [])
    assert _reached(case)[-1] == ("ev_diteruskan_instansi_lain", ADMIN_NASIONAL)
    forwarded = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "case.forwarded")
    ).one()
    assert (forwarded.element_id, forwarded.data_after["organisation"]) == ("ev_diteruskan_instansi_lain", "kemendagri")


def test_the_unit_answers_and_the_admin_closes_the_report(bps_kaltim):
    case = _to_unit("statistik_sosial")
    case = _work(
        case,
        element_id="tugas_tanggapan_unit",
        lane=UNIT_KERJA,
        org_unit="bps-kaltim-statistik-sosial",
        status="tindak_lanjut",
        data={"dapat_menanggapi": True, "tanggapan": "Data kemiskinan kabupaten terbit setiap Juli di situs BPS."},
        actor="unit.sosial",
    )
    _close(case)


def test_the_admin_answers_when_the_unit_cannot(bps_kaltim):
    case = _to_unit("neraca_wilayah")
    case = _work(
        case,
        element_id="tugas_tanggapan_unit",
        lane=UNIT_KERJA,
        org_unit="bps-kaltim-neraca",
        status="tindak_lanjut",
        data={"dapat_menanggapi": False, "alasan_tidak_menanggapi": "Data yang ditanyakan dikelola fungsi lain."},
        actor="unit.neraca",
    )
    case = _work(
        case,
        element_id="tugas_intervensi_admin",
        lane=ADMIN_BPS,
        status="tindak_lanjut",
        data={"tanggapan": "Admin menjawab berdasarkan publikasi Provinsi Kalimantan Timur Dalam Angka."},
        actor="admin.bps",
    )
    _close(case)


@pytest.mark.parametrize("kategori,unit", DISPOSITION, ids=[k for k, _ in DISPOSITION])
def test_every_disposition_rule(bps_kaltim, kategori, unit):
    case = _to_unit(kategori)

    [decision] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "decision.evaluated")
    ).all()
    assert (decision.element_id, decision.lane) == ("tugas_tentukan_unit", PENGHUBUNG)
    assert (decision.data_before, decision.data_after) == ({"kategori": kategori}, {"unit_tujuan": unit})
    assert [(t.element_id, t.lane, t.org_unit) for t in case.tasks] == [("tugas_tanggapan_unit", UNIT_KERJA, unit)]
    assert case.status == "tindak_lanjut"


STANDARD_TIMES = {
    "ev_laporan_masuk": "PT15M",  # 1. 15 menit
    "tugas_verifikasi_nasional": "P3D",  # 2. 3 hari
    "tugas_verifikasi_instansi": "P3D",  # 3. 3 hari
    "tugas_disposisi_penghubung": "P5D",  # 4. 5 hari
    "tugas_kajian_penghubung": "P5D",  # 5. 5 hari
    "tugas_tanggapan_unit": "P10D",  # 6. 10 hari
    "tugas_penyelesaian": "PT1H",  # 7. 1 jam
}


def test_every_step_declares_the_sop_standard_time():
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "camunda": "http://camunda.org/schema/1.0/bpmn"}
    root = etree.parse(str(Path(__file__).resolve().parents[2] / "bpmn" / "sop_003.bpmn")).getroot()
    declared = {
        prop.getparent().getparent().getparent().get("id"): prop.get("value")
        for prop in root.iterfind(".//camunda:property[@name='standard_time']", ns)
    }
    assert declared == STANDARD_TIMES


# -- deadlines: timers, reminders, escalations, the admin's intervention --------------------

ESCALATED = {"tindakan_eskalasi": "teguran", "catatan_eskalasi": "Mohon segera diselesaikan."}
# The main path's forms, step by step (a complete report, BPS's authority, a unit that answers).
MAIN_PATH = {
    "tugas_verifikasi_nasional": {"lengkap": True, "catatan_disposisi": "Diteruskan kepada BPS Kaltim."},
    "tugas_verifikasi_instansi": {"kewenangan": True, "catatan_verifikasi": "Laporan tentang data BPS."},
    "tugas_disposisi_penghubung": {"catatan_disposisi": "Mohon diteruskan ke unit terkait."},
    "tugas_kajian_penghubung": {"kategori": "statistik_sosial", "kajian": "Pelapor menanyakan data."},
    "tugas_tanggapan_unit": {"dapat_menanggapi": True, "tanggapan": "Data terbit setiap Juli."},
    "tugas_intervensi_admin": {"tanggapan": "Admin menjawab berdasarkan publikasi BPS."},
    "tugas_penyelesaian": {"jejak_tindak_lanjut": "Dijawab dan dicatat.", "ringkasan_untuk_pelapor": "Data tersedia."},
}
# Each step's deadline timer: (task, timer, working days (the default "hari") or hours, the lane
# that may extend it and is escalated to, or None when a miss is only recorded).
DEADLINES = [
    ("tugas_verifikasi_nasional", "tenggat_verifikasi_nasional", 3, None),
    ("tugas_verifikasi_instansi", "tenggat_verifikasi_instansi", 3, ADMIN_NASIONAL),
    ("tugas_disposisi_penghubung", "tenggat_disposisi_penghubung", 5, ADMIN_NASIONAL),
    ("tugas_kajian_penghubung", "tenggat_kajian_penghubung", 5, ADMIN_BPS),
    ("tugas_tanggapan_unit", "tenggat_tanggapan_unit", 10, ADMIN_BPS),
    ("tugas_penyelesaian", "tenggat_penyelesaian", timedelta(hours=1), None),
]
# Reminders of the deadline policy: (task, working days before the deadline, the task's lane).
REMINDERS = [
    ("tugas_verifikasi_nasional", 1, ADMIN_NASIONAL),
    ("tugas_verifikasi_instansi", 1, ADMIN_BPS),
    ("tugas_disposisi_penghubung", 2, ADMIN_BPS),
    ("tugas_kajian_penghubung", 2, PENGHUBUNG),
    ("tugas_tanggapan_unit", 2, UNIT_KERJA),
]
ESCALATIONS = [(task, timer, lane) for task, timer, _, lane in DEADLINES if lane]


def _reload(case: Case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _task(case: Case, element_id: str):
    [task] = [t for t in _reload(case).tasks if t.element_id == element_id]
    return task


def _waiting(case: Case) -> list[tuple[str, str, str | None]]:
    return sorted((t.element_id, t.role, t.form_key) for t in _reload(case).tasks)


def _until(element_id: str) -> Case:
    """A report walked along the main path until `element_id` waits."""
    case = _file_report()
    while True:
        [task] = _reload(case).tasks
        if task.element_id == element_id:
            return _reload(case)
        complete_task(task_id=task.engine_task_id, data=MAIN_PATH[task.element_id], actor="petugas")


def _finish(case: Case) -> Case:
    """Complete whatever waits (escalations with a note, steps with their forms) until the end."""
    while _reload(case).tasks:
        task = _reload(case).tasks[0]
        data = ESCALATED if task.form_key == "eskalasi_tenggat" else MAIN_PATH[task.element_id]
        complete_task(task_id=task.engine_task_id, data=data, actor="petugas")
    case = _reload(case)
    assert (case.completed, case.status) == (True, "selesai")
    return case


def _fire(case: Case, timer: str) -> Case:
    move_deadline(case_id=case.id, element_id=timer, due_at=datetime.now(timezone.utc) - timedelta(seconds=1),
                  reason="Uji: waktunya telah lewat.", actor="test")
    assert fire_due_timers() == 1
    return _reload(case)


def _events(case: Case, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("element_id,timer,period,extend_role", DEADLINES, ids=[d[0] for d in DEADLINES])
def test_every_step_is_due_at_its_standard_time(bps_kaltim, element_id, timer, period, extend_role):
    # "hari" are working days unless the organisation chooses calendar days (ambiguity 3).
    case = _until(element_id)
    task = _task(case, element_id)
    if isinstance(period, timedelta):
        assert abs(task.due_at - (task.created_at + period)) < timedelta(seconds=30)
    else:
        assert task.due_at == calendar_for("bps-kaltim").add_working_days(task.created_at, period)
    assert (task.deadline_element, task.extend_role) == (timer, extend_role)


def test_every_step_counts_calendar_days_when_the_organisation_chooses_them(bps_kaltim):
    """One choice for every step: the organisation's `working_days` setting."""
    update_settings(organisation_code="bps-kaltim", changes={"working_days": False}, actor="pemilik")
    for element_id, _, period, _ in DEADLINES:
        case = _until(element_id)
        task = _task(case, element_id)
        expected = task.created_at + (period if isinstance(period, timedelta) else timedelta(days=period))
        if isinstance(period, timedelta):
            assert abs(task.due_at - expected) < timedelta(seconds=30), element_id
        else:  # "n hari": the end of the nth calendar day in the organisation's zone
            zone = calendar_for("bps-kaltim").zone
            assert task.due_at.astimezone(zone).date() == expected.astimezone(zone).date(), element_id


def test_every_timer_goes_through_the_one_calendar_function():
    """Every "hari" of the diagram is counted the same way: the organisation's choice."""
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    root = etree.parse(str(Path(__file__).resolve().parents[2] / "bpmn" / "sop_003.bpmn")).getroot()
    expressions = sorted(t.text.strip() for t in root.iterfind(".//bpmn:timeDate", ns))
    assert expressions == sorted([f"{DAYS}(3)", f"{DAYS}(3)", f"{DAYS}(5)", f"{DAYS}(5)", f"{DAYS}(10)", "tambah_jam(1)"])


@pytest.mark.parametrize("element_id,days_before,lane", REMINDERS, ids=[r[0] for r in REMINDERS])
def test_a_reminder_tells_the_step_s_own_lane(bps_kaltim, element_id, days_before, lane):
    case = _until(element_id)
    task = _task(case, element_id)
    assert case.timer.element_id == f"pengingat:{element_id}"
    assert case.timer.due_at == calendar_for("bps-kaltim").working_days_before(task.due_at, days_before)
    assert fire_due_timers(now=case.timer.due_at + timedelta(seconds=1)) == 1
    case = _reload(case)
    [reminded] = _events(case, "deadline.reminded")
    assert (reminded.element_id, reminded.lane) == (element_id, lane)
    assert [(t.element_id, t.due_at) for t in case.tasks] == [(element_id, task.due_at)]
    _finish(case)


@pytest.mark.parametrize("element_id,timer,lane", ESCALATIONS, ids=[e[0] for e in ESCALATIONS])
def test_a_missed_step_is_escalated_and_the_step_stays(bps_kaltim, element_id, timer, lane):
    case = _until(element_id)
    step = _task(case, element_id)
    status = case.status
    case = _fire(case, timer)
    # The policy's escalation item waits for the supervising lane; the step stays with its own.
    assert _waiting(case) == sorted([(element_id, step.role, step.form_key),
                                     (f"eskalasi_{element_id}", lane, "eskalasi_tenggat")])
    assert case.status == status
    [escalated] = _events(case, "deadline.escalated")
    assert (escalated.element_id, escalated.lane, escalated.data_after["task"]) == (timer, lane, element_id)
    case = _finish(case)
    assert [e.element_id for e in _events(case, "deadline.missed")] == [element_id]


@pytest.mark.parametrize("element_id,timer", [
    ("tugas_verifikasi_nasional", "tenggat_verifikasi_nasional"),
    ("tugas_penyelesaian", "tenggat_penyelesaian"),
])
def test_a_missed_step_without_a_supervisor_is_recorded(bps_kaltim, element_id, timer):
    # Nobody above Admin Nasional in this SOP; an hour late closing needs nobody's action:
    # the timer names no lane, so the miss is recorded and nobody gets an escalation item.
    case = _until(element_id)
    case = _fire(case, timer)
    assert [t.element_id for t in case.tasks] == [element_id]
    assert not _events(case, "deadline.escalated")
    case = _finish(case)
    assert [e.element_id for e in _events(case, "deadline.missed")] == [element_id]


def test_after_ten_days_without_an_answer_the_admin_is_told_and_the_unit_keeps_its_task(bps_kaltim):
    case = _until("tugas_tanggapan_unit")
    unit = _task(case, "tugas_tanggapan_unit")
    case = _fire(case, "tenggat_tanggapan_unit")
    assert _waiting(case) == [("eskalasi_tugas_tanggapan_unit", ADMIN_BPS, "eskalasi_tenggat"),
                              ("tugas_tanggapan_unit", UNIT_KERJA, "tanggapan_unit_003")]
    assert _task(case, "tugas_tanggapan_unit").org_unit == unit.org_unit
    assert not _events(case, "task.interrupted")
    # The admin notes the intervention (a reminder to the unit); the unit answers, late.
    complete_task(task_id=_task(case, "eskalasi_tugas_tanggapan_unit").engine_task_id, data=ESCALATED,
                  actor="admin.bps")
    case = _work(_reload(case), element_id="tugas_tanggapan_unit", lane=UNIT_KERJA, org_unit=unit.org_unit,
                 status="tindak_lanjut", data=MAIN_PATH["tugas_tanggapan_unit"], actor="unit.sosial")
    case = _close(case)
    assert [e.element_id for e in _events(case, "deadline.missed")] == ["tugas_tanggapan_unit"]
    assert "tugas_intervensi_admin" not in {e.element_id for e in _events(case, "task.completed")}


def test_the_owner_may_have_the_admin_take_over_after_ten_days(bps_kaltim):
    update_settings(organisation_code="bps-kaltim", actor="pemilik",
                    changes={"deadline_policy": {"steps": {"tenggat_tanggapan_unit": {"interrupt": True}}}})
    case = _fire(_until("tugas_tanggapan_unit"), "tenggat_tanggapan_unit")
    # The unit's task now belongs to Admin BPS Provinsi, who answers in the unit's place.
    task = _task(case, "tugas_tanggapan_unit")
    assert task.role == ADMIN_BPS
    [interrupted] = _events(case, "task.interrupted")
    assert (interrupted.element_id, interrupted.data_before["role"], interrupted.data_after["role"]) == (
        "tugas_tanggapan_unit", UNIT_KERJA, ADMIN_BPS)
    complete_task(task_id=task.engine_task_id, actor="admin.bps",
                  data={"dapat_menanggapi": True, "tanggapan": "Admin menjawab: data terbit setiap Juli."})
    complete_task(task_id=_task(case, "eskalasi_tugas_tanggapan_unit").engine_task_id, data=ESCALATED,
                  actor="admin.bps")
    _close(_reload(case))


def test_the_admin_can_give_the_unit_more_time_before_the_ten_days_pass(bps_kaltim):
    case = _until("tugas_tanggapan_unit")
    later = datetime.now(timezone.utc) + timedelta(days=14)
    move_deadline(case_id=case.id, element_id="tenggat_tanggapan_unit", due_at=later,
                  reason="Unit menunggu data dari kabupaten.", actor="admin.bps")
    case = _reload(case)
    assert _task(case, "tugas_tanggapan_unit").due_at == later
    moved = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "deadline.moved")).one()
    assert (moved.element_id, moved.actor, moved.detail) == (
        "tenggat_tanggapan_unit", "admin.bps", "Unit menunggu data dari kabupaten.")
    assert moved.data_after == {"due_at": later.isoformat()}
    # The reminder moved with the deadline; nothing is due now.
    assert fire_due_timers() == 0
    _finish(case)

"""SOP 002 (DPMDPPKB via SP4N-LAPOR!) walked through the service layer: every path of
the diagram to its end, and every rule of its two tables (klasifikasi_002, tenggat_002),
on both databases."""
import itertools
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.engine.scripts import add_working_days
from app.extensions import db
from app.models import AuditEvent, Case, CaseRecord
from app.services.casework.cases import complete_task, start_case
from app.services.casework.events import deliver_message, extend_task_deadline, fire_due_timers, move_deadline
from app.services.organisation.accounts import create_user, ensure_unit
from app.services.organisation.calendar import calendar_for
from tests.helpers.sop_002 import RECEIVED, UNIT_PEMDES, _liaison, _review
from tests.helpers.walk import fire_reminder, let_objection_period_pass
from tests.helpers.walk import work as _work

PEJABAT_PENGELOLA = "Pejabat Pengelola Pengaduan"
ADMIN = "Admin Instansi"
PENGHUBUNG = "Pejabat Penghubung"
UNIT_KB = "dpmdppkb-kb"


@pytest.fixture
def dpmdppkb(sop_models):
    for code, name in ((UNIT_PEMDES, "Bidang Pemerintahan Desa"), (UNIT_KB, "Bidang Keluarga Berencana")):
        ensure_unit(code=code, name=name, organisation="dpmdppkb")
    return sop_models["sop_002"]


def _file(jenis="pengaduan") -> Case:
    return start_case(process_key="sop_002", data={"jenis": jenis}, title="Dana desa belum cair", actor="pengadu")


def _received(jenis="pengaduan") -> Case:
    """A complaint taken in by the officer (steps 1, 2 and 3 n), waiting for the admin's review."""
    case = _file(jenis)
    assert case.status == "diterima"
    case = _work(case, element_id="tugas_terima_catat", lane=PEJABAT_PENGELOLA, data=RECEIVED, actor="petugas")
    assert case.status == "penelaahan"
    return case


def _reviewed(case: Case, review: dict) -> Case:
    return _work(case, element_id="tugas_telaah_admin", lane=ADMIN, data=review, actor="admin")


def _audit(case: Case, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _reached(case: Case) -> list[str]:
    return [e.element_id for e in _audit(case, "event.reached")]


def _forwards(case: Case) -> list[tuple[str, str]]:
    return [(e.data_after["kind"], e.data_after["organisation"]) for e in _audit(case, "case.forwarded")]


def _decisions(case: Case, element_id: str) -> list[AuditEvent]:
    return [e for e in _audit(case, "decision.evaluated") if e.element_id == element_id]


def _closed(case: Case, status: str, end_event: str) -> None:
    assert (case.completed, case.status, case.tasks) == (True, status, [])
    assert _reached(case)[-1] == end_event


# -- every path to its end ------------------------------------------------------------


def test_the_officer_records_the_complaint_before_the_admin_reviews_it(dpmdppkb):
    # The start event stands in the officer's lane: staff start offline entries (3 n).
    assert dpmdppkb.start_lanes == [PEJABAT_PENGELOLA]
    assert dpmdppkb.unit_scoped_lanes == [PENGHUBUNG]
    case = _file()
    [task] = case.tasks
    assert (task.element_id, task.lane, case.status) == ("tugas_terima_catat", PEJABAT_PENGELOLA, "diterima")
    assert _reached(case) == ["ev_pengaduan_disampaikan"]
    case = _received()
    [record] = db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case.id)).all()
    assert record.title == "Pengaduan tercatat di SP4N-LAPOR!"
    assert {"label": "Kanal pengaduan", "value": "Telepon / call center"} in record.content


def test_an_aspiration_is_answered_directly_by_the_admin(dpmdppkb):
    case = _reviewed(_received("aspirasi"), _review(jenis="aspirasi", direspon_admin=True))
    assert case.status == "tindak_lanjut"
    case = _work(
        case,
        element_id="tugas_jawab_aspirasi",
        lane=ADMIN,
        data={"respon_admin": "Terima kasih; usulan dibahas pada musrenbang desa."},
        actor="admin",
    )
    _closed(case, "selesai", "ev_aspirasi_dijawab")
    assert _forwards(case) == []


def test_a_complete_complaint_is_verified_and_answered_by_the_liaison(dpmdppkb):
    case = _reviewed(_received(), _review())
    assert case.status == "tindak_lanjut"
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data=_liaison(berkadar_pengawasan=True, pemeriksaan_lapangan=True),
        actor="penghubung.pemdes",
    )
    [decision] = _decisions(case, "tugas_tenggat")
    assert decision.data_after == {"kelas_tenggat": "60_hari_kerja", "tenggat_hari_kerja": 60}
    case = _work(
        case,
        element_id="tugas_respon_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data={"respon": "Dana tahap II cair setelah laporan realisasi tahap I diterima."},
        actor="penghubung.pemdes",
    )
    _closed(let_objection_period_pass(case), "selesai", "ev_selesai")


def test_a_liaison_returns_what_is_not_theirs_and_the_admin_routes_it_again(dpmdppkb):
    case = _reviewed(_received(), _review(unit=UNIT_KB))
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_KB,
        data=_liaison(kewenangan=False),
        actor="penghubung.kb",
    )
    # Point 5: back to the Admin Instansi's review, through the merge before it.
    assert case.status == "penelaahan"
    assert _decisions(case, "tugas_tenggat") == []
    case = _reviewed(case, _review(unit=UNIT_PEMDES))
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data=_liaison(normatif=True),
        actor="penghubung.pemdes",
    )
    case = _work(
        case,
        element_id="tugas_respon_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data={"respon": "Dijawab dengan ketentuan Permendes."},
        actor="penghubung.pemdes",
    )
    _closed(let_objection_period_pass(case), "selesai", "ev_selesai")
    assert [d.data_after["rute"] for d in _decisions(case, "tugas_klasifikasi")] == ["penghubung", "penghubung"]


def test_a_returned_complaint_that_no_division_owns_goes_to_admin_nasional(dpmdppkb):
    case = _reviewed(_received(), _review())
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data=_liaison(kewenangan=False),
        actor="penghubung.pemdes",
    )
    case = _reviewed(case, _review(kewenangan=False))
    _closed(case, "diteruskan_admin_nasional", "ev_diteruskan_admin_nasional")


def test_a_complaint_outside_dpmdppkb_authority_is_handed_to_admin_nasional(dpmdppkb):
    case = _reviewed(_received(), _review(kewenangan=False))
    _closed(case, "diteruskan_admin_nasional", "ev_diteruskan_admin_nasional")
    [end] = [e for e in _audit(case, "event.reached") if e.element_id == "ev_diteruskan_admin_nasional"]
    assert end.lane == "Admin Nasional"
    assert _forwards(case) == [("penerusan", "lapor-nasional")]


def test_misconduct_by_officials_is_coordinated_with_apip_and_the_case_goes_on(dpmdppkb):
    """Step 3 m "berkoordinasi dengan APIP": a copy to APIP; DPMDPPKB's liaison goes on."""
    case = _reviewed(_received(), _review(penyalahgunaan=True))
    [copy] = [e for e in _audit(case, "event.reached") if e.element_id == "ev_diteruskan_apip"]
    assert copy.lane == "APIP"
    assert _forwards(case) == [("tembusan", "apip")]
    assert (case.completed, case.status) == (False, "tindak_lanjut")
    [task] = case.tasks
    assert (task.element_id, task.lane, task.org_unit) == ("tugas_verifikasi_penghubung", PENGHUBUNG, UNIT_PEMDES)


def test_a_copy_goes_to_another_agency_and_the_case_goes_on(dpmdppkb):
    case = _reviewed(_received(), _review(lintas_instansi=True))
    assert "ev_tembusan" in _reached(case)
    assert _forwards(case) == [("tembusan", "kemendagri")]
    [task] = case.tasks
    assert (task.element_id, task.lane, task.org_unit, case.completed) == (
        "tugas_verifikasi_penghubung", PENGHUBUNG, UNIT_PEMDES, False
    )


def test_no_copy_is_sent_while_the_data_are_incomplete(dpmdppkb):
    case = _reviewed(_received(), _review(lengkap=False, lintas_instansi=True))
    assert "ev_tembusan" not in _reached(case)
    assert _forwards(case) == []
    [task] = case.tasks
    assert (task.element_id, task.lane, case.status) == ("tugas_minta_kelengkapan", ADMIN, "menunggu_kelengkapan")


def _waiting_for_data() -> Case:
    case = _reviewed(_received(), _review(lengkap=False))
    case = _work(
        case,
        element_id="tugas_minta_kelengkapan",
        lane=ADMIN,
        data={"data_yang_diminta": "Fotokopi KTP dan bukti pengajuan pencairan."},
        actor="admin",
    )
    assert (case.completed, case.status, case.tasks) == (False, "menunggu_kelengkapan", [])
    return case


def test_incomplete_data_are_asked_for_with_a_ten_working_day_deadline(dpmdppkb):
    before = datetime.now(timezone.utc)
    case = _waiting_for_data()
    assert case.timer.element_id == "ev_batas_kelengkapan"
    assert case.timer.due_at.astimezone(timezone.utc) == add_working_days(before, 10).astimezone(timezone.utc)


def test_the_complainant_answers_and_the_admin_reviews_again(dpmdppkb):
    case = _waiting_for_data()
    case = deliver_message(
        case_id=case.id,
        message="kelengkapan_diterima",
        payload={"keterangan": "KTP dan bukti pengajuan terlampir."},
        actor="pengadu",
    )
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    [task] = case.tasks
    assert (task.element_id, task.lane, case.status) == ("tugas_telaah_admin", ADMIN, "penelaahan")
    # The ten working days stopped; the new review's own three working days run.
    now = datetime.now(timezone.utc)
    assert task.due_at == add_working_days(now, 3)
    assert case.timer.due_at == add_working_days(now, 2)  # its reminder
    assert "ev_kelengkapan_diterima" in _reached(case)
    case = _reviewed(case, _review(jenis="aspirasi", direspon_admin=True))
    case = _work(case, element_id="tugas_jawab_aspirasi", lane=ADMIN, data={"respon_admin": "Dijawab."}, actor="admin")
    _closed(case, "selesai", "ev_aspirasi_dijawab")


def test_without_an_answer_in_ten_working_days_the_complaint_is_archived(dpmdppkb):
    case = _waiting_for_data()
    assert fire_due_timers() == 0
    move_deadline(
        case_id=case.id,
        element_id="ev_batas_kelengkapan",
        due_at=datetime.now(timezone.utc) - timedelta(minutes=1),
        reason="Uji: sepuluh hari kerja telah lewat.",
        actor="test",
    )
    assert fire_due_timers() == 1
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    _closed(case, "diarsipkan", "ev_diarsipkan")
    assert "ev_kelengkapan_diterima" not in _reached(case)


# -- every rule of klasifikasi_002 ------------------------------------------------------

JENIS = ("pengaduan", "aspirasi", "permintaan_informasi")


def expected_route(jenis, lengkap, kewenangan, penyalahgunaan, direspon_admin) -> str:
    """The precedence the table documents, written out independently of it."""
    if not kewenangan:
        return "admin_nasional"  # l
    if penyalahgunaan:
        return "apip"  # m
    if not lengkap:
        return "minta_kelengkapan"  # j
    if jenis == "aspirasi" and direspon_admin:
        return "jawab_admin"  # h
    return "penghubung"  # g (and h: an aspiration the admin does not answer is forwarded)


FIRST_STOP = {
    "admin_nasional": (None, "diteruskan_admin_nasional"),
    "apip": ("tugas_verifikasi_penghubung", "tindak_lanjut"),  # a copy to APIP; the liaison goes on
    "minta_kelengkapan": ("tugas_minta_kelengkapan", "menunggu_kelengkapan"),
    "jawab_admin": ("tugas_jawab_aspirasi", "tindak_lanjut"),
    "penghubung": ("tugas_verifikasi_penghubung", "tindak_lanjut"),
}
ROUTING_CASES = [
    (jenis, lengkap, kewenangan, penyalahgunaan, direspon)
    for jenis, lengkap, kewenangan, penyalahgunaan in itertools.product(JENIS, *[(True, False)] * 3)
    # direspon_admin is asked for aspirations only; otherwise the form leaves it out.
    for direspon in ((True, False) if jenis == "aspirasi" else (None,))
]


def test_the_routing_cases_cover_every_combination():
    assert len(ROUTING_CASES) == 8 + 8 + 8 * 2
    assert {expected_route(*c) for c in ROUTING_CASES} == set(FIRST_STOP)


@pytest.mark.parametrize(
    "jenis,lengkap,kewenangan,penyalahgunaan,direspon_admin",
    ROUTING_CASES,
    ids=lambda v: {True: "Y", False: "N", None: "-"}.get(v, v) if not isinstance(v, str) else v,
)
def test_every_routing_rule(dpmdppkb, jenis, lengkap, kewenangan, penyalahgunaan, direspon_admin):
    route = expected_route(jenis, lengkap, kewenangan, penyalahgunaan, direspon_admin)
    case = _reviewed(
        _received(jenis),
        _review(
            jenis=jenis, lengkap=lengkap, kewenangan=kewenangan, penyalahgunaan=penyalahgunaan, direspon_admin=direspon_admin
        ),
    )
    [decision] = _decisions(case, "tugas_klasifikasi")
    assert decision.data_before == {
        "kewenangan": kewenangan,
        "penyalahgunaan_aparatur": penyalahgunaan,
        "lengkap": lengkap,
        "jenis": jenis,
        "direspon_admin": direspon_admin,
    }
    assert decision.data_after == {"rute": route}
    element_id, status = FIRST_STOP[route]
    assert [t.element_id for t in case.tasks] == ([element_id] if element_id else [])
    assert (case.status, case.completed) == (status, element_id is None)


# -- every rule of tenggat_002 ------------------------------------------------------------


def expected_deadline(jenis, normatif, berkadar_pengawasan, pemeriksaan_lapangan) -> int:
    """Jangka waktu 1-3 with the precedence the table documents."""
    if jenis == "permintaan_informasi" or normatif:
        return 5  # 1: information requests and normative complaints
    if berkadar_pengawasan and pemeriksaan_lapangan:
        return 60  # 3
    return 14  # 2: not supervisory and/or no field inspection


@pytest.mark.parametrize(
    "jenis,normatif,berkadar,lapangan",
    list(itertools.product(JENIS, *[(True, False)] * 3)),
    ids=lambda v: {True: "Y", False: "N"}.get(v, v) if not isinstance(v, str) else v,
)
def test_every_deadline_rule(dpmdppkb, jenis, normatif, berkadar, lapangan):
    days = expected_deadline(jenis, normatif, berkadar, lapangan)
    case = _received(jenis)
    received_by_liaison = datetime.now(timezone.utc)
    case = _reviewed(case, _review(jenis=jenis, direspon_admin=False if jenis == "aspirasi" else None))
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data=_liaison(normatif=normatif, berkadar_pengawasan=berkadar, pemeriksaan_lapangan=lapangan),
        actor="penghubung.pemdes",
    )
    [decision] = _decisions(case, "tugas_tenggat")
    assert decision.data_before == {
        "jenis": jenis,
        "normatif": normatif,
        "berkadar_pengawasan": berkadar,
        "pemeriksaan_lapangan": lapangan,
    }
    assert decision.data_after == {"kelas_tenggat": f"{days}_hari_kerja", "tenggat_hari_kerja": days}
    [task] = case.tasks
    assert (task.element_id, task.lane, task.org_unit) == ("tugas_respon_penghubung", PENGHUBUNG, UNIT_PEMDES)
    # The class's working days, counted from the receipt by the liaison (before verification).
    assert _due_in_working_days(task, received_by_liaison, days)
    assert (task.deadline_element, task.extend_role) == ("tenggat_respon_penghubung", ADMIN)
    assert case.timer.due_at in {add_working_days(received_by_liaison, days - 2),
                                 add_working_days(datetime.now(timezone.utc), days - 2)}


# -- deadlines: timers, reminders, escalations, extensions ---------------------------------

ADMIN_NASIONAL = "Admin Nasional"
ESCALATED = {"tindakan_eskalasi": "teguran", "catatan_eskalasi": "Mohon segera diselesaikan."}


def _reload(case: Case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _waiting(case: Case) -> list[tuple[str, str, str | None]]:
    return sorted((t.element_id, t.lane, t.form_key) for t in _reload(case).tasks)


def _fire(case: Case, timer: str) -> Case:
    """Let one timer come due (a controlled clock) and fire it."""
    move_deadline(
        case_id=case.id, element_id=timer, due_at=datetime.now(timezone.utc) - timedelta(seconds=1),
        reason="Uji: waktunya telah lewat.", actor="test",
    )
    assert fire_due_timers() == 1
    return _reload(case)


def _task(case: Case, element_id: str):
    [task] = [t for t in _reload(case).tasks if t.element_id == element_id]
    return task


def _due_in_working_days(task, before: datetime, days: int) -> bool:
    """The task is due at the end of the `days`-th working day after it was created (the
    test brackets the creation by `before` and now, in case midnight passes)."""
    after = datetime.now(timezone.utc)
    return task.due_at in {add_working_days(before, days), add_working_days(after, days)}


def test_the_admin_review_is_due_three_working_days_after_the_complaint_was_received(dpmdppkb):
    """"atas pengaduan yang diterima paling lama 3 (tiga) hari kerja": from receipt (the
    case's start), not from when the officer passed it on."""
    before = datetime.now(timezone.utc)
    case = _file()
    received_at = case.created_at
    case = _work(case, element_id="tugas_terima_catat", lane=PEJABAT_PENGELOLA, data=RECEIVED, actor="petugas")
    task = _task(case, "tugas_telaah_admin")
    assert task.due_at == add_working_days(received_at, 3) or _due_in_working_days(task, before, 3)
    assert (task.deadline_element, task.extend_role) == ("tenggat_telaah_admin", PEJABAT_PENGELOLA)
    # The case's next timer is the policy's reminder, a working day earlier (remind_before 1).
    assert (case.timer.element_id, case.timer.due_at) == (
        "pengingat:tugas_telaah_admin", calendar_for("dpmdppkb").working_days_before(task.due_at, 1))


def test_the_admin_is_reminded_and_the_review_still_waits(dpmdppkb):
    case = _received()
    due = _task(case, "tugas_telaah_admin").due_at
    case = fire_reminder(case)
    [event] = _audit(case, "deadline.reminded")
    assert (event.element_id, event.lane) == ("tugas_telaah_admin", ADMIN)
    assert _waiting(case) == [("tugas_telaah_admin", ADMIN, "telaah_002")]
    assert (_task(case, "tugas_telaah_admin").due_at, case.status, case.completed) == (due, "penelaahan", False)


def test_a_late_review_is_escalated_inside_dpmdppkb_and_the_case_goes_on(dpmdppkb):
    """The Admin Instansi's late review goes to the Pejabat Pengelola Pengaduan of
    DPMDPPKB (step 2), not to Admin Nasional."""
    case = _fire(_received(), "tenggat_telaah_admin")
    assert _waiting(case) == [
        ("eskalasi_tugas_telaah_admin", PEJABAT_PENGELOLA, "eskalasi_tenggat"),
        ("tugas_telaah_admin", ADMIN, "telaah_002"),
    ]
    assert case.status == "penelaahan"  # the escalation carries no status of its own
    escalation = _task(case, "eskalasi_tugas_telaah_admin")
    complete_task(task_id=escalation.engine_task_id, data=ESCALATED, actor="petugas")
    case = _reload(case)
    assert [e.lane for e in _audit(case, "deadline.escalated")] == [PEJABAT_PENGELOLA]
    assert _waiting(case) == [("tugas_telaah_admin", ADMIN, "telaah_002")]
    # The review was not taken away: the admin finishes it and the case ends as before.
    case = _reviewed(case, _review(jenis="aspirasi", direspon_admin=True))
    case = _work(case, element_id="tugas_jawab_aspirasi", lane=ADMIN, data={"respon_admin": "Dijawab."}, actor="admin")
    _closed(case, "selesai", "ev_aspirasi_dijawab")


def test_an_escalated_review_stays_overdue_and_its_late_completion_is_recorded(dpmdppkb):
    case = _fire(_received(), "tenggat_telaah_admin")
    task = _task(case, "tugas_telaah_admin")
    assert task.due_at < datetime.now(timezone.utc)
    assert (task.deadline_element, task.extend_role) == ("tenggat_telaah_admin", PEJABAT_PENGELOLA)
    complete_task(task_id=task.engine_task_id, data=_review(kewenangan=False), actor="admin")
    [missed] = _audit(case, "deadline.missed")
    assert missed.element_id == "tugas_telaah_admin"


def test_the_supervisor_accepts_a_reason_after_the_escalation_and_extends_the_review(dpmdppkb):
    case = _fire(_received(), "tenggat_telaah_admin")
    supervisor = create_user(username="pengelola", password="rahasia-uji-123", roles=[PEJABAT_PENGELOLA],
                             organisation_code="dpmdppkb")
    escalation = _task(case, "eskalasi_tugas_telaah_admin")
    complete_task(task_id=escalation.engine_task_id, actor=supervisor.username,
                  data={"tindakan_eskalasi": "alasan_diterima", "catatan_eskalasi": "Pengadu sulit dihubungi."})
    until = (datetime.now(timezone.utc) + timedelta(days=7)).date()
    extend_task_deadline(user=supervisor, task_id=_task(case, "tugas_telaah_admin").engine_task_id, until=until,
                         reason="Pengadu sulit dihubungi.")
    case = _reload(case)
    task = _task(case, "tugas_telaah_admin")
    assert task.due_at.astimezone(ZoneInfo("Asia/Jakarta")).date() == until
    moved = _audit(case, "deadline.moved")[-1]  # the first is the test's clock
    assert (moved.element_id, moved.actor, moved.detail) == ("tenggat_telaah_admin", "pengelola",
                                                             "Pengadu sulit dihubungi.")
    complete_task(task_id=task.engine_task_id, data=_review(kewenangan=False), actor="admin")
    assert [e.action for e in _audit(case, "deadline.met")] == ["deadline.met"]
    _closed(_reload(case), "diteruskan_admin_nasional", "ev_diteruskan_admin_nasional")


def test_the_case_ends_once_the_main_path_and_the_escalation_are_both_done(dpmdppkb):
    case = _fire(_received(), "tenggat_telaah_admin")
    review = _task(case, "tugas_telaah_admin")
    complete_task(task_id=review.engine_task_id, data=_review(kewenangan=False), actor="admin")
    case = _reload(case)
    # Handed to Admin Nasional, but the escalation still waits for its note.
    assert (case.completed, _waiting(case)) == (False, [("eskalasi_tugas_telaah_admin", PEJABAT_PENGELOLA,
                                                          "eskalasi_tenggat")])
    escalation = _task(case, "eskalasi_tugas_telaah_admin")
    complete_task(task_id=escalation.engine_task_id, data=ESCALATED, actor="petugas")
    case = _reload(case)
    assert (case.completed, case.status, case.tasks) == (True, "diteruskan_admin_nasional", [])


def test_an_extension_moves_the_review_deadline_and_is_audited(dpmdppkb):
    case = _received()
    later = add_working_days(datetime.now(timezone.utc), 5)
    move_deadline(case_id=case.id, element_id="tenggat_telaah_admin", due_at=later,
                  reason="Pengadu sedang dihubungi untuk klarifikasi.", actor="admin.nasional")
    case = _reload(case)
    assert _task(case, "tugas_telaah_admin").due_at == later
    [moved] = _audit(case, "deadline.moved")
    assert (moved.element_id, moved.actor, moved.detail) == (
        "tenggat_telaah_admin", "admin.nasional", "Pengadu sedang dihubungi untuk klarifikasi."
    )
    assert moved.data_after == {"due_at": later.isoformat()}
    assert fire_due_timers() == 0


def _with_liaison(**answers) -> tuple[Case, datetime]:
    """A complaint received by the PEMDES liaison (the clock starts) and verified by them."""
    case = _received()
    before = datetime.now(timezone.utc)
    case = _reviewed(case, _review())
    assert _task(case, "tugas_verifikasi_penghubung").due_at is None  # the class is not known yet
    case = _work(case, element_id="tugas_verifikasi_penghubung", lane=PENGHUBUNG, org_unit=UNIT_PEMDES,
                 data=_liaison(**answers), actor="penghubung.pemdes")
    return case, before


def test_the_liaison_is_reminded_then_escalated_to_the_admin_who_sent_it(dpmdppkb):
    case, _ = _with_liaison(normatif=True)
    case = fire_reminder(case)
    [reminded] = _audit(case, "deadline.reminded")
    assert (reminded.element_id, reminded.lane, reminded.data_after["org_unit"]) == (
        "tugas_respon_penghubung", PENGHUBUNG, UNIT_PEMDES)
    assert _waiting(case) == [("tugas_respon_penghubung", PENGHUBUNG, "respon_penghubung_002")]
    case = _fire(case, "tenggat_respon_penghubung")
    assert _waiting(case) == [
        ("eskalasi_tugas_respon_penghubung", ADMIN, "eskalasi_tenggat"),
        ("tugas_respon_penghubung", PENGHUBUNG, "respon_penghubung_002"),
    ]
    assert _task(case, "tugas_respon_penghubung").org_unit == UNIT_PEMDES
    assert _task(case, "eskalasi_tugas_respon_penghubung").org_unit is None
    escalation = _task(case, "eskalasi_tugas_respon_penghubung")
    complete_task(task_id=escalation.engine_task_id, data=ESCALATED, actor="admin")
    response = _task(case, "tugas_respon_penghubung")
    complete_task(task_id=response.engine_task_id, data={"respon": "Dijawab dengan Permendes."}, actor="penghubung.pemdes")
    _closed(let_objection_period_pass(case), "selesai", "ev_selesai")


def test_a_liaison_returning_the_complaint_stops_its_clock_and_the_next_liaison_gets_a_new_one(dpmdppkb):
    case = _reviewed(_received(), _review(unit=UNIT_KB))
    case = _work(case, element_id="tugas_verifikasi_penghubung", lane=PENGHUBUNG, org_unit=UNIT_KB,
                 data=_liaison(kewenangan=False), actor="penghubung.kb")
    assert case.timer.element_id == "pengingat:tugas_telaah_admin"  # only the admin's new review runs
    before = datetime.now(timezone.utc)
    case = _reviewed(case, _review(unit=UNIT_PEMDES))
    case = _work(case, element_id="tugas_verifikasi_penghubung", lane=PENGHUBUNG, org_unit=UNIT_PEMDES,
                 data=_liaison(), actor="penghubung.pemdes")
    assert _due_in_working_days(_task(case, "tugas_respon_penghubung"), before, 14)


# -- 4a) the complainant objects to the liaison's response (keberatan) ----------------------


def _responded() -> Case:
    case, _ = _with_liaison(normatif=True)
    return _work(case, element_id="tugas_respon_penghubung", lane=PENGHUBUNG, org_unit=UNIT_PEMDES,
                 data={"respon": "Dijawab dengan Permendes."}, actor="penghubung.pemdes")


def test_the_response_waits_ten_working_days_for_an_objection(dpmdppkb):
    before = datetime.now(timezone.utc)
    case = _responded()
    assert (case.completed, case.status, case.tasks) == (False, "jawaban_disampaikan", [])
    assert case.timer.element_id == "ev_batas_keberatan"
    assert case.timer.due_at == add_working_days(before, 10)


def test_an_objection_goes_to_the_admin_instansi_and_a_late_answer_to_admin_nasional(dpmdppkb):
    case = deliver_message(case_id=_responded().id, message="keberatan_diajukan",
                           payload={"alasan": "Dana tetap belum cair."}, actor="pengadu")
    task = _task(case, "tugas_keberatan")
    assert (task.lane, task.org_unit, _reload(case).status) == (ADMIN, None, "keberatan")
    assert (task.deadline_element, task.extend_role) == ("tenggat_tugas_keberatan", "Admin Nasional")
    assert _due_in_working_days(task, datetime.now(timezone.utc), 10)
    case = _fire(fire_reminder(case), "tenggat_tugas_keberatan")
    assert [e.element_id for e in _audit(case, "deadline.reminded")] == ["tugas_keberatan"]
    assert _waiting(case) == [("eskalasi_tugas_keberatan", "Admin Nasional", "eskalasi_tenggat"),
                              ("tugas_keberatan", ADMIN, "penanganan_keberatan_002")]
    complete_task(task_id=_task(case, "eskalasi_tugas_keberatan").engine_task_id, data=ESCALATED, actor="nasional")
    complete_task(task_id=_task(case, "tugas_keberatan").engine_task_id, actor="admin",
                  data={"keberatan_diterima": True, "tanggapan_keberatan": "Pencairan dipercepat."})
    _closed(_reload(case), "selesai", "ev_keberatan_ditanggapi")

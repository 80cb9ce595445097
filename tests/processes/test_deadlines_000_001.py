"""The deadlines of SOP 000 and SOP 001 (bpmn/README.md, "Deadlines in the diagrams"),
walked through the service layer on both databases.

Six deadlines, each the step's one non-interrupting boundary timer marked `deadline`;
the reminder before it and the escalation after it are the organisation's deadline
policy (app/services/casework/deadline_policy.py), not drawn:
- SOP 000 step 5: 90 days from receipt by the Tata Usaha, on step 4's task and again on
  step 5's task: a script task (`tugas_mulai_batas_pengawasan`) computes the due time and
  reminder once, at receipt, so both tasks are due at the same instant; SOP 001 step 5: 60
  days from receipt by the Sekretariat, likewise;
- SOP 000 and 001 step 6: 14 working days from receipt by the unit, "kecuali ada alasan
  yang dapat diterima" (an extension by the supervising lane).
A passed deadline gives the supervising lane an escalation item; the late task stays
where it was. Timers are fired as in production: a timer moved into the past, then the
sweep (`fire_due_timers`); a reminder by sweeping at its time (`now=`)."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.models import AuditEvent, Case, CaseRecord
from app.services.casework.cases import complete_task, start_case
from app.services.casework.events import extend_task_deadline, move_deadline
from app.services.casework.timers import fire_due_timers
from app.services.organisation.access import NotAllowed
from app.services.organisation.accounts import create_user, ensure_unit
from app.services.organisation.calendar import calendar_for

ESCALATION_DATA = {"tindakan_eskalasi": "teguran", "catatan_eskalasi": "Pelaksana ditegur; diminta selesai minggu ini."}
PASSWORD = "kata-sandi-uji-panjang"


@dataclass(frozen=True)
class Span:
    """One deadline: how to reach its task, the timers on it, and how the case ends."""

    sop: str
    organisation: str
    task: str
    lane: str
    org_unit: str | None
    days: int
    working_days: bool
    supervisor: str  # the supervising lane: gets the escalation, may extend
    to_task: tuple  # (element id, data) completed in order to reach the task
    task_data: dict
    after_task: tuple  # (element id, data) completed after the task, to the end
    worker: str | None = None  # a role that works on the task but may not extend (default: the lane)

    @property
    def short(self) -> str:
        return self.task.removeprefix("tugas_tindak_lanjut_").removeprefix("tugas_")

    @property
    def deadline(self) -> str:
        return f"tenggat_{self.task}"

    @property
    def reminder(self) -> str:
        """The timer index's name for the policy's reminder of this task."""
        return f"pengingat:{self.task}"

    @property
    def escalation(self) -> str:
        """The escalation item the policy opens (not a diagram element)."""
        return f"eskalasi_{self.task}"

    def due_after(self, start: datetime, days: int) -> datetime:
        if self.working_days:
            return calendar_for(self.organisation).add_working_days(start, days)
        return start + timedelta(days=days)


def _review_000(berkadar: bool) -> dict:
    review = {
        "inti_masalah": "Dugaan pungutan liar pada layanan sertifikasi.",
        "peraturan_terkait": "PP 94/2021 tentang Disiplin PNS.",
        "memo": "Memo Kepala Inspektorat atas hasil penelaahan.",
        "logis": True, "berkadar_pengawasan": berkadar, "kewenangan": True,
    }
    return review if berkadar else {**review, "unit_tujuan": "bsn-dpspk"}


def _review_001(berkadar: bool) -> dict:
    return {
        "inti_masalah": "Dugaan pemotongan bantuan langsung tunai dana desa oleh kepala desa.",
        "peraturan_terkait": "Permendesa PDTT 7/2023 tentang rincian prioritas penggunaan dana desa.",
        "hasil_penelaahan": "Laporan hasil penelaahan pengaduan.",
        "logis": True, "berkadar_pengawasan": berkadar, "kewenangan": True,
    }


VERIFIED_000 = ("tugas_verifikasi", {"lengkap": True, "lokasi_kasus": "Jakarta"})
VERIFIED_001 = ("tugas_verifikasi", {"lengkap": True, "terlapor": "kepala_desa", "lokasi_kasus": "Katingan Tengah"})
CLOSE_000 = ("tugas_penyelesaian", {"ringkasan_untuk_pengadu": "Pengaduan telah ditindaklanjuti."})
CLOSE_001 = ("tugas_penyampaian", {"ringkasan_untuk_pelapor": "Pengaduan telah ditindaklanjuti."})
FOLLOW_UP = {"kegiatan": ["klarifikasi", "pemeriksaan"], "hasil_tindak_lanjut": "Terbukti sebagian."}
UNIT_REPORT = {"laporan_tindak_lanjut": "Pelaksana telah diberi pembinaan."}
ANSWER_000 = ("tugas_tanggapan_kepala", {"bentuk_tindak_lanjut": "audit_investigasi",
                                         "laporan_tindak_lanjut": "Audit investigasi dilaksanakan."})
ANSWER_001 = ("tugas_tanggapan_inspektur", {"bentuk_tindak_lanjut": "audit_tujuan_tertentu",
                                            "laporan_tindak_lanjut": "Audit dengan tujuan tertentu."})

SPANS = [
    Span(
        sop="sop_000", organisation="bsn", task="tugas_tindak_lanjut_pengawasan", lane="Tata Usaha Inspektorat",
        org_unit=None, days=90, working_days=False, supervisor="Kepala Inspektorat",
        to_task=(VERIFIED_000, ("tugas_telaah", _review_000(True))), task_data=FOLLOW_UP,
        after_task=(ANSWER_000, CLOSE_000),
    ),
    Span(
        sop="sop_000", organisation="bsn", task="tugas_tindak_lanjut_unit", lane="Unit Eselon II",
        org_unit="bsn-dpspk", days=14, working_days=True, supervisor="Kepala Inspektorat",
        to_task=(VERIFIED_000, ("tugas_telaah", _review_000(False))), task_data=UNIT_REPORT,
        after_task=(CLOSE_000,),
    ),
    Span(
        sop="sop_001", organisation="katingan", task="tugas_tindak_lanjut_pengawasan", lane="Sekretariat Inspektorat",
        org_unit=None, days=60, working_days=False, supervisor="Inspektur",
        to_task=(VERIFIED_001, ("tugas_telaah", _review_001(True))), task_data=FOLLOW_UP,
        after_task=(ANSWER_001, CLOSE_001),
    ),
    Span(
        sop="sop_001", organisation="katingan", task="tugas_tindak_lanjut_unit",
        lane="Pejabat Eselon II/Unit Kerja Terlapor", org_unit="katingan-dpmd", days=14, working_days=True,
        supervisor="Inspektur",
        to_task=(VERIFIED_001, ("tugas_telaah", _review_001(False)),
                 ("tugas_salurkan_unit", {"unit_tujuan": "katingan-dpmd", "memo": "Mohon ditindaklanjuti."})),
        task_data=UNIT_REPORT, after_task=(CLOSE_001,),
    ),
    # Step 5 (the answer): the same 90 / 60 days from receipt, carried over from step 4.
    Span(
        sop="sop_000", organisation="bsn", task="tugas_tanggapan_kepala", lane="Kepala Inspektorat",
        org_unit=None, days=90, working_days=False, supervisor="Kepala Inspektorat",
        to_task=(VERIFIED_000, ("tugas_telaah", _review_000(True)), ("tugas_tindak_lanjut_pengawasan", FOLLOW_UP)),
        task_data=ANSWER_000[1], after_task=(CLOSE_000,), worker="Tata Usaha Inspektorat",
    ),
    Span(
        sop="sop_001", organisation="katingan", task="tugas_tanggapan_inspektur", lane="Inspektur",
        org_unit=None, days=60, working_days=False, supervisor="Inspektur",
        to_task=(VERIFIED_001, ("tugas_telaah", _review_001(True)), ("tugas_tindak_lanjut_pengawasan", FOLLOW_UP)),
        task_data=ANSWER_001[1], after_task=(CLOSE_001,), worker="Sekretariat Inspektorat",
    ),
]
SPAN_IDS = [f"{s.sop}-{s.short}" for s in SPANS]
per_span = pytest.mark.parametrize("span", SPANS, ids=SPAN_IDS)


@pytest.fixture
def models(sop_models):
    """Both SOPs deployed, with SOP 001's Eselon II unit (SOP 000's comes with the demo units)."""
    ensure_unit(code="katingan-dpmd", name="Dinas Pemberdayaan Masyarakat dan Desa", organisation="katingan")
    db.session.commit()
    return sop_models


def _reload(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def _complete(case: Case, element_id: str, data: dict, actor: str = "petugas") -> Case:
    [task] = [t for t in _reload(case.id).tasks if t.element_id == element_id]
    complete_task(task_id=task.engine_task_id, data=data, actor=actor)
    return _reload(case.id)


def _to_task(span: Span) -> Case:
    case = start_case(process_key=span.sop, data={"jenis": "pengaduan"}, title="Uji batas waktu", actor="pengadu")
    for element_id, data in span.to_task:
        case = _complete(case, element_id, data)
    [task] = case.tasks
    assert (task.element_id, task.lane, task.org_unit) == (span.task, span.lane, span.org_unit)
    return case


def _finish(case: Case, span: Span) -> Case:
    case = _complete(case, span.task, span.task_data)
    for element_id, data in span.after_task:
        case = _complete(case, element_id, data)
    if case.timer is not None and case.timer.element_id == "ev_batas_keberatan":
        case = _fire(case, "ev_batas_keberatan")  # nobody objects to the outcome (7a)
    return case


def _remind(case: Case) -> Case:
    """Sweep at the reminder's time (the engine's own timers are not due yet)."""
    assert case.timer.element_id.startswith("pengingat:")
    assert fire_due_timers(now=case.timer.due_at + timedelta(seconds=1)) == 1
    return _reload(case.id)


def _fire(case: Case, element_id: str) -> Case:
    past = datetime.now(timezone.utc) - timedelta(seconds=1)
    move_deadline(case_id=case.id, element_id=element_id, due_at=past, reason="Uji: waktunya tiba", actor="uji")
    assert fire_due_timers() == 1
    return _reload(case.id)


def _events(case: Case, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == action).order_by(AuditEvent.id)
    ))


@per_span
def test_the_task_is_due_when_the_sop_says_and_the_reminder_comes_first(models, span):
    started = datetime.now(timezone.utc)
    case = _to_task(span)
    [task] = case.tasks  # the timers wait beside the task; they are not tasks
    assert abs(task.due_at - span.due_after(started, span.days)) < timedelta(minutes=1)
    assert (task.deadline_element, task.extend_role) == (span.deadline, span.supervisor)
    assert case.timer.element_id == span.reminder
    two_working_days_before = calendar_for(span.organisation).working_days_before(task.due_at, 2)
    assert case.timer.due_at == two_working_days_before
    if span.working_days:  # "2 hari kerja sebelum" 14 hari kerja: the end of the 12th working day
        assert abs(case.timer.due_at - span.due_after(started, span.days - 2)) < timedelta(minutes=1)
    [created] = [e for e in _events(case, "task.created") if e.element_id == span.task]
    assert created.data_after["due_at"] == task.due_at.isoformat()


@per_span
def test_the_reminder_reaches_the_task_lane_and_the_task_still_waits(models, span):
    case = _to_task(span)
    due_at = case.tasks[0].due_at
    case = _remind(case)
    [reminded] = _events(case, "deadline.reminded")
    assert (reminded.element_id, reminded.lane) == (span.task, span.lane)
    assert reminded.data_after["due_at"] == due_at.isoformat()
    assert [(t.element_id, t.lane, t.due_at) for t in case.tasks] == [(span.task, span.lane, due_at)]
    assert case.timer.element_id == span.deadline  # the deadline itself is still to come
    assert fire_due_timers(now=case.timer.due_at - timedelta(seconds=1)) == 0  # reminded once
    assert case.status == "tindak_lanjut"


@per_span
def test_a_passed_deadline_escalates_to_the_supervising_lane_and_the_case_still_ends(models, span):
    case = _fire(_to_task(span), span.deadline)
    waiting = {t.element_id: t for t in case.tasks}
    assert set(waiting) == {span.task, span.escalation}
    assert (waiting[span.task].lane, waiting[span.task].org_unit) == (span.lane, span.org_unit)
    escalation = waiting[span.escalation]
    assert (escalation.lane, escalation.role, escalation.form_key, escalation.org_unit) == (
        span.supervisor, span.supervisor, "eskalasi_tenggat", None)
    assert escalation.escalation_of == span.deadline
    assert case.status == "tindak_lanjut"
    assert case.timer is None  # the reminder of a passed deadline is dropped, not sent late
    [escalated] = _events(case, "deadline.escalated")
    assert (escalated.element_id, escalated.lane, escalated.data_after["task"]) == (span.deadline, span.supervisor,
                                                                                  span.task)
    assert not _events(case, "deadline.reminded")

    case = _complete(case, span.escalation, ESCALATION_DATA, actor="atasan")
    assert (span.escalation, span.supervisor) in [(e.element_id, e.lane) for e in _events(case, "task.completed")]
    records = db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case.id))
    assert "Catatan eskalasi" in {r.title for r in records}

    case = _finish(case, span)
    assert (case.completed, case.status, case.tasks, case.timer) == (True, "selesai", [], None)


@per_span
def test_the_case_closes_only_once_an_open_escalation_is_recorded(models, span):
    """The escalation is a path of its own: the case does not end while it waits."""
    case = _finish(_fire(_to_task(span), span.deadline), span)
    assert "ev_selesai" in [e.element_id for e in _events(case, "event.reached")]
    assert [t.element_id for t in case.tasks] == [span.escalation]
    assert case.completed is False

    case = _complete(case, span.escalation, ESCALATION_DATA, actor="atasan")
    assert (case.completed, case.status, case.tasks) == (True, "selesai", [])


@per_span
def test_an_accepted_reason_moves_the_deadline_and_is_audited(models, span):
    case = _to_task(span)
    [task] = case.tasks
    before = task.due_at
    later = before + timedelta(days=7)
    move_deadline(case_id=case.id, element_id=span.deadline, due_at=later,
                  reason="Menunggu dokumen dari pihak ketiga", actor="atasan")
    case = _reload(case.id)
    assert case.tasks[0].due_at == later
    [moved] = _events(case, "deadline.moved")
    assert (moved.element_id, moved.actor, moved.detail) == (span.deadline, "atasan", "Menunggu dokumen dari pihak ketiga")
    assert (moved.data_before, moved.data_after) == ({"due_at": before.isoformat()}, {"due_at": later.isoformat()})


@per_span
def test_only_the_supervising_lane_may_extend(models, span):
    """"kecuali ada alasan yang dapat diterima": the supervisor accepts the reason."""
    case = _to_task(span)
    [task] = case.tasks
    worker = create_user(username="pelaksana", password=PASSWORD, roles=[span.worker or span.lane], unit_code=span.org_unit,
                         organisation_code=span.organisation)
    with pytest.raises(NotAllowed):
        extend_task_deadline(user=worker, task_id=task.engine_task_id, until=task.due_at.date() + timedelta(days=5),
                             reason="Beban kerja tinggi")
    supervisor = create_user(username="atasan", password=PASSWORD, roles=[span.supervisor],
                             organisation_code=span.organisation)
    until = task.due_at.date() + timedelta(days=5)
    extend_task_deadline(user=supervisor, task_id=task.engine_task_id, until=until, reason="Saksi kunci sedang dinas luar")
    case = _reload(case.id)
    assert case.tasks[0].due_at.astimezone(calendar_for(span.organisation).zone).date() == until
    assert [(e.element_id, e.actor) for e in _events(case, "deadline.moved")] == [(span.deadline, "atasan")]


@per_span
def test_completing_in_time_records_the_deadline_met(models, span):
    case = _complete(_to_task(span), span.task, span.task_data)
    [outcome] = [e for e in _events(case, "deadline.met") if e.element_id == span.task]
    assert outcome.lane == span.lane
    assert not _events(case, "deadline.missed")
    assert span.escalation not in [t.element_id for t in case.tasks]


@per_span
def test_completing_after_the_deadline_records_it_missed(models, span):
    """The deadline has passed but the sweep has not fired it yet."""
    case = _to_task(span)
    past = datetime.now(timezone.utc) - timedelta(minutes=5)
    move_deadline(case_id=case.id, element_id=span.deadline, due_at=past, reason="Uji: terlambat", actor="uji")
    case = _complete(case, span.task, span.task_data)
    [outcome] = [e for e in _events(case, "deadline.missed") if e.element_id == span.task]
    assert outcome.data_after["due_at"] == past.isoformat()
    assert span.task not in [e.element_id for e in _events(case, "deadline.met")]
    assert fire_due_timers() == 0  # completing the task cancelled its timers


def test_a_task_completed_after_its_escalation_records_the_deadline_missed(models):
    span = SPANS[1]  # SOP 000, the unit's 14 working days
    case = _fire(_to_task(span), span.deadline)
    case = _complete(case, span.task, span.task_data)
    assert [e.element_id for e in _events(case, "deadline.missed")] == [span.task]


def test_a_deadline_extended_after_it_fired_counts_the_late_task_as_on_time(models):
    """The escalation accepted the reason for delay; the supervisor then extends."""
    span = SPANS[1]
    case = _fire(_to_task(span), span.deadline)
    later = datetime.now(timezone.utc) + timedelta(days=3)
    move_deadline(case_id=case.id, element_id=span.deadline, due_at=later, reason="Alasan diterima", actor="kepala")
    case = _complete(case, span.task, span.task_data)
    assert [e.element_id for e in _events(case, "deadline.met")] == [span.task]
    assert fire_due_timers() == 0  # a fired deadline does not fire again


STEP_4_TO_5 = [(SPANS[0], SPANS[4]), (SPANS[2], SPANS[5])]


@pytest.mark.parametrize(("step_4", "step_5"), STEP_4_TO_5, ids=["sop_000", "sop_001"])
def test_the_answer_is_due_at_the_same_instant_as_step_4_counted_from_receipt(models, step_4, step_5):
    """The SOP's 90 / 60 days run from receipt by the Tata Usaha / Sekretariat and cover
    steps 4 and 5: step 5 inherits step 4's due time and so its reminder; it does not restart them."""
    case = _to_task(step_4)
    [task] = case.tasks
    due_4, reminder_4 = task.due_at, case.timer.due_at
    assert case.timer.element_id == step_4.reminder
    case = _complete(case, step_4.task, step_4.task_data)
    [task] = case.tasks
    assert (task.element_id, task.lane) == (step_5.task, step_5.lane)
    assert (task.deadline_element, task.extend_role) == (step_5.deadline, step_5.supervisor)
    assert task.due_at == due_4
    assert (case.timer.element_id, case.timer.due_at) == (step_5.reminder, reminder_4)
    assert reminder_4 == calendar_for(step_4.organisation).working_days_before(due_4, 2)


@pytest.mark.parametrize(("step_4", "step_5"), STEP_4_TO_5, ids=["sop_000", "sop_001"])
def test_a_late_step_4_escalates_and_step_5_is_watched_again(models, step_4, step_5):
    """Step 4's escalation is recorded; the answer that follows has its own timers, routed
    like step 4's (reminder in the task's lane, escalation to the same supervising lane)."""
    case = _fire(_to_task(step_4), step_4.deadline)
    case = _complete(case, step_4.escalation, ESCALATION_DATA, actor="atasan")
    case = _complete(case, step_4.task, step_4.task_data)
    assert [t.element_id for t in case.tasks] == [step_5.task]
    case = _fire(case, step_5.deadline)
    waiting = {t.element_id: t for t in case.tasks}
    assert set(waiting) == {step_5.task, step_5.escalation}
    assert waiting[step_5.escalation].lane == step_5.supervisor == step_4.supervisor
    case = _complete(case, step_5.escalation, ESCALATION_DATA, actor="atasan")
    case = _finish(case, step_5)
    assert (case.completed, case.status, case.tasks, case.timer) == (True, "selesai", [], None)

"""The process owner's per-organisation settings (issue 14, item 3), each with the SOP's
default, changing behaviour as documented: anonymous reports, the objection period,
"hari" as working or calendar days, and the deadline policy (reminder lead, escalation
lane, interruption). Edited in the browser by the process owner and audited."""
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.models import AuditEvent, Case, Organisation
from app.services.casework.cases import start_case
from app.services.intake.complaints import ComplaintInvalid, validate_complaint
from app.services.organisation.accounts import PROCESS_OWNER_ROLE, create_user, ensure_system_roles
from app.services.organisation.calendar import calendar_for, forget_cached_calendars
from app.services.organisation.org_settings import settings_for, update_settings
from tests.helpers.complaints import COMPLAINANT
from tests.helpers.walk import fire_reminder, pass_deadline
from tests.helpers.walk import work as _work

VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}
REVIEW = {"inti_masalah": "Pungutan liar.", "peraturan_terkait": "PP 94/2021.", "memo": "Memo.", "logis": True,
          "kewenangan": True}
UNIT = "bsn-dpspk"


@pytest.fixture
def sop_defaults(sop_models):
    """The shipped organisations with no choice made: each SOP's own defaults."""
    for organisation in db.session.scalars(db.select(Organisation)):
        organisation.process_settings = None
    db.session.commit()
    forget_cached_calendars()
    return sop_models


def _to_unit() -> Case:
    case = start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title="Uji pengaturan", actor="pengadu")
    case = _work(case, element_id="tugas_verifikasi", lane="Admin Inspektorat", data=VERIFIED, actor="admin")
    return _work(case, element_id="tugas_telaah", lane="Kepala Inspektorat", actor="kepala",
                 data={**REVIEW, "berkadar_pengawasan": False, "unit_tujuan": UNIT})


def test_each_sop_declares_its_defaults(sop_defaults):
    for code in ("bsn", "katingan"):  # SOP 000 and 001: identity mandatory, no objection period
        settings = settings_for(code)
        assert (settings["anonymous_reports"], settings["objection_days"], settings["working_days"]) == (False, 0, False)
    settings = settings_for("dpmdppkb")  # SP4N-LAPOR!: anonymous allowed, 10 working days to object
    assert (settings["anonymous_reports"], settings["objection_days"], settings["working_days"]) == (True, 10, True)


def test_without_an_objection_period_the_case_ends_selesai_when_the_result_is_delivered(sop_defaults):
    case = _work(_to_unit(), element_id="tugas_tindak_lanjut_unit", lane="Unit Eselon II", org_unit=UNIT,
                 data={"laporan_tindak_lanjut": "Selesai dibina."}, actor="unit")
    case = _work(case, element_id="tugas_penyelesaian", lane="Admin Inspektorat", actor="admin",
                 data={"ringkasan_untuk_pengadu": "Ditindaklanjuti unit kerja."})
    assert (case.completed, case.status, case.timer) == (True, "selesai", None)
    reached = db.session.scalars(db.select(AuditEvent.element_id).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "event.reached")).all()
    assert "ev_selesai_tanpa_keberatan" in reached and "ev_batas_keberatan" not in reached


def test_an_objection_period_chosen_by_the_owner_is_waited_for(sop_defaults):
    update_settings(organisation_code="bsn", changes={"objection_days": 5}, actor="pemilik")
    case = _work(_to_unit(), element_id="tugas_tindak_lanjut_unit", lane="Unit Eselon II", org_unit=UNIT,
                 data={"laporan_tindak_lanjut": "Selesai dibina."}, actor="unit")
    case = _work(case, element_id="tugas_penyelesaian", lane="Admin Inspektorat", actor="admin",
                 data={"ringkasan_untuk_pengadu": "Ditindaklanjuti unit kerja."})
    assert (case.completed, case.status, case.timer.element_id) == (False, "jawaban_disampaikan", "ev_batas_keberatan")
    assert case.timer.due_at <= calendar_for("bsn").add_working_days(datetime.now(timezone.utc), 5)
    assert case.timer.due_at > calendar_for("bsn").add_working_days(datetime.now(timezone.utc), 4)


def test_anonymous_reports_are_refused_where_the_sop_requires_identity(sop_defaults):
    anonymous = {**COMPLAINANT, "kerahasiaan": "anonim"}
    with pytest.raises(ComplaintInvalid) as refused:
        validate_complaint(anonymous, [])
    assert "tidak menerima laporan anonim" in refused.value.errors["kerahasiaan"]
    update_settings(organisation_code="bsn", changes={"anonymous_reports": True}, actor="pemilik")
    try:
        validate_complaint(anonymous, [])
    except ComplaintInvalid as exc:
        assert "kerahasiaan" not in exc.errors


def test_hari_counts_working_days_when_the_owner_chooses_so(sop_defaults):
    started = datetime.now(timezone.utc)
    case = _work(_work(start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title="Uji", actor="pengadu"),
                       element_id="tugas_verifikasi", lane="Admin Inspektorat", data=VERIFIED, actor="admin"),
                 element_id="tugas_telaah", lane="Kepala Inspektorat", actor="kepala",
                 data={**REVIEW, "berkadar_pengawasan": True})
    assert abs(case.tasks[0].due_at - (started + timedelta(days=90))) < timedelta(minutes=1)  # default: calendar
    update_settings(organisation_code="bsn", changes={"working_days": True}, actor="pemilik")
    case = _work(_work(start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title="Uji", actor="pengadu"),
                       element_id="tugas_verifikasi", lane="Admin Inspektorat", data=VERIFIED, actor="admin"),
                 element_id="tugas_telaah", lane="Kepala Inspektorat", actor="kepala",
                 data={**REVIEW, "berkadar_pengawasan": True})
    assert case.tasks[0].due_at == calendar_for("bsn").add_working_days(case.tasks[0].created_at, 90)


def test_the_deadline_policy_sets_the_reminder_the_escalation_lane_and_interruption(sop_defaults):
    update_settings(organisation_code="bsn", actor="pemilik", changes={"deadline_policy": {
        "remind_before": 5,
        "steps": {"tenggat_tugas_tindak_lanjut_unit": {"escalate_to": "Admin Inspektorat", "interrupt": True}}}})
    case = _to_unit()
    [task] = case.tasks
    assert case.timer.due_at == calendar_for("bsn").working_days_before(task.due_at, 5)
    case = fire_reminder(case)
    case = pass_deadline(case, "tenggat_tugas_tindak_lanjut_unit")
    waiting = {t.element_id: t for t in case.tasks}
    escalation = waiting["eskalasi_tugas_tindak_lanjut_unit"]
    assert (escalation.lane, escalation.role) == ("Admin Inspektorat", "Admin Inspektorat")
    late = waiting["tugas_tindak_lanjut_unit"]
    assert (late.lane, late.role, late.claimed_by) == ("Unit Eselon II", "Admin Inspektorat", None)  # taken over
    [interrupted] = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "task.interrupted")).all()
    assert interrupted.data_after == {"role": "Admin Inspektorat"}


def test_the_owner_edits_the_settings_in_the_browser_and_each_change_is_audited(sop_defaults, client, auth):
    ensure_system_roles()
    create_user(username="pemilik", password="kata-sandi-pemilik-1", roles=[PROCESS_OWNER_ROLE])
    create_user(username="biasa", password="kata-sandi-biasa-12", roles=["Admin Inspektorat"], organisation_code="bsn")
    auth.login("biasa", "kata-sandi-biasa-12")
    assert client.get("/admin/model/pengaturan/bsn").status_code == 404
    auth.logout()
    auth.login("pemilik", "kata-sandi-pemilik-1")
    page = client.get("/admin/model/pengaturan/bsn").get_data(as_text=True)
    assert "Menerima laporan anonim" in page and "bawaan SOP" in page and "14 hari kerja" in page
    response = client.post("/admin/model/pengaturan/bsn", data={
        "anonymous_reports": "ya", "objection_days": "10", "working_days": "kalender", "remind_before": "3",
        "escalate_to": "", "interrupt": "", "escalate_to-tenggat_tugas_tindak_lanjut_unit": "Admin Inspektorat",
    })
    assert response.status_code == 302
    settings = settings_for("bsn")
    assert (settings["anonymous_reports"], settings["objection_days"], settings["working_days"]) == (True, 10, False)
    assert settings["deadline_policy"] == {"remind_before": 3, "steps": {
        "tenggat_tugas_tindak_lanjut_unit": {"escalate_to": "Admin Inspektorat"}}}
    [changed] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "organisation.settings_changed"))
    assert (changed.actor, changed.detail) == ("pemilik", "bsn")
    assert changed.data_before["anonymous_reports"] is False and changed.data_after["anonymous_reports"] is True
    bad = client.post("/admin/model/pengaturan/bsn", data={"objection_days": "0", "escalate_to": "Bukan Lajur"},
                      follow_redirects=True)
    assert "bukan jalur (lane)" in bad.get_data(as_text=True)

"""The deadline policy as staff meet it in the browser: a passed deadline puts an
escalation item in the supervising lane's inbox (and the heads' "Tim" tab); the head opens
it, records what was done, and the case's trail says reminded, escalated and recorded."""
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.models import AuditEvent, Case
from app.services.casework.cases import complete_task
from app.services.casework.events import move_deadline
from app.services.casework.timers import fire_due_timers
from tests.helpers.audit_case import REVIEW, UNIT_TASK, VERIFIED, task_of
from tests.helpers.complaints import file_complaint, task_links


def test_a_head_finds_the_escalation_in_the_inbox_and_records_it(staff, client, auth):
    case_id = file_complaint().id
    complete_task(task_id=task_of(case_id, "tugas_verifikasi"), data=VERIFIED, actor="admin")
    complete_task(task_id=task_of(case_id, "tugas_telaah"), data=REVIEW, actor="kepala")
    reminder_at = db.session.get(Case, case_id).timer.due_at
    assert fire_due_timers(now=reminder_at + timedelta(seconds=1)) == 1
    move_deadline(case_id=case_id, element_id="tenggat_tugas_tindak_lanjut_unit",
                  due_at=datetime.now(timezone.utc) - timedelta(seconds=1), reason="Uji: lewat", actor="uji")
    assert fire_due_timers() == 1
    escalation = task_of(case_id, "eskalasi_tugas_tindak_lanjut_unit")

    auth.login("kepala")
    assert escalation in task_links(client.get("/tugas").get_data(as_text=True))
    team = client.get("/tugas?tab=tim").get_data(as_text=True)  # the heads' view of their organisation's work
    assert "Eskalasi: 6. Menindaklanjuti di unit kerja lewat batas waktu" in team
    page = client.get(f"/tugas/{escalation}").get_data(as_text=True)
    assert "Eskalasi: 6. Menindaklanjuti di unit kerja lewat batas waktu" in page
    response = client.post(f"/tugas/{escalation}", data={"tindakan_eskalasi": "teguran",
                                                         "catatan_eskalasi": "Unit ditegur."})
    assert response.status_code == 303
    db.session.expire_all()
    assert [t.element_id for t in db.session.get(Case, case_id).tasks] == [UNIT_TASK]
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case_id))]
    assert {"deadline.reminded", "deadline.escalated"} <= set(actions)
    timeline = client.get(f"/kasus/{case_id}").get_data(as_text=True)
    assert "Pengingat batas waktu" in timeline and "Eskalasi batas waktu" in timeline

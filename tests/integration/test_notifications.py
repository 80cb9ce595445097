"""Emails to the complainant, through the outbox and a real local SMTP server."""
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.models import AuditEvent, Complaint, Document, Notification
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.intake.complaints import Upload, submit_complaint
from app.services.mail.notifications import send_due_notifications
from tests.helpers.complaints import COMPLAINANT, PDF
from tests.helpers.smtp_server import LocalSmtpServer, body
from tests.helpers.walk import work


@pytest.fixture
def smtp(app):
    server = LocalSmtpServer().start()
    app.config.update(DUMAS_SMTP_HOST="127.0.0.1", DUMAS_SMTP_PORT=server.port, DUMAS_MAIL_FROM="dumas@bsn.example")
    yield server
    server.stop()


def _file(lang="id", **overrides):
    case, access_code = submit_complaint(raw={**COMPLAINANT, **overrides}, uploads=[Upload("bukti.pdf", PDF)], lang=lang)
    return case, access_code


def _events(action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_complainant_gets_a_receipt_with_the_tracking_number_but_not_the_access_code(sop_models, smtp):
    case, access_code = _file()
    assert send_due_notifications() == 1
    [message] = smtp.received
    assert message["X-Envelope-To"] == COMPLAINANT["email"]
    assert message["From"] == "dumas@bsn.example"
    assert case.tracking_number in message["Subject"] and "Pengaduan diterima" in message["Subject"]
    text = body(message)
    assert case.tracking_number in text and COMPLAINANT["judul"] in text
    assert access_code not in text and access_code not in message["Subject"]
    assert COMPLAINANT["nama_lengkap"] not in text and COMPLAINANT["nik"] not in text
    [sent] = _events("notification.sent")
    assert sent.case_id == case.id and sent.data_after["kind"] == "received"
    assert COMPLAINANT["email"] not in str(sent.data_after)  # the address never enters the audit trail
    assert send_due_notifications() == 0  # sent once


def test_a_complaint_filed_in_english_is_answered_in_english(sop_models, smtp):
    case, _ = _file(lang="en")
    send_due_notifications()
    [message] = smtp.received
    assert message["Subject"] == f"Complaint received: {case.tracking_number}"
    assert "We have received your complaint" in body(message)


def test_the_web_form_queues_the_receipt_in_the_same_transaction(app, sop_models, smtp, client):
    app.config["DUMAS_MIN_FILL_SECONDS"] = 0
    response = client.post("/lapor", data={**COMPLAINANT, "instansi": "bsn"})
    assert response.status_code == 302
    [notification] = db.session.scalars(db.select(Notification)).all()
    assert notification.status == "queued" and notification.kind == "received"
    send_due_notifications()
    assert notification.case_id is not None and len(smtp.received) == 1


def test_no_email_address_means_no_message(sop_models, smtp):
    case, _ = _file()
    complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).one()
    complaint.email = ""  # e.g. a report by letter or an anonymous one without a contact
    record_event(case=case, action="case.status_changed", actor=SYSTEM_ACTOR, data_after={"status": "penelaahan"})
    db.session.commit()
    assert [n.kind for n in db.session.scalars(db.select(Notification))] == ["received"]


def test_status_changes_and_closing_reach_the_complainant(sop_models, smtp):
    case, _ = _file()
    case = work(case, element_id="tugas_verifikasi", lane="Admin Inspektorat",
                data={"lengkap": True, "lokasi_kasus": "Jakarta"}, actor="admin", status="verifikasi")
    send_due_notifications()
    subjects = [m["Subject"] for m in smtp.received]
    assert subjects == [f"Pengaduan diterima: {case.tracking_number}",
                        f"Status pengaduan {case.tracking_number}: Penelaahan"]
    assert "sedang ditelaah" in body(smtp.received[1])


def test_an_incomplete_report_closing_sends_one_message_not_two(sop_models, smtp):
    case, _ = _file()
    work(case, element_id="tugas_verifikasi", lane="Admin Inspektorat",
         data={"lengkap": False, "lokasi_kasus": "Bandung", "catatan_verifikasi": "KTP tidak terbaca."}, actor="admin")
    send_due_notifications()
    [_, closing] = smtp.received
    assert closing["Subject"] == f"Penanganan pengaduan {case.tracking_number} selesai: Tidak lengkap"
    # Staff notes stay internal.
    assert "KTP tidak terbaca" not in body(closing)


def test_missing_data_request_carries_what_is_missing(sop_models, smtp):
    case, _ = _file(lang="en")
    send_due_notifications()
    record_event(case=case, action="case.status_changed", actor=SYSTEM_ACTOR,
                 data_before={"status": "verifikasi"}, data_after={"status": "menunggu_kelengkapan"})
    record_event(case=case, action="complainant.info_requested", actor="admin",
                 data_after={"missing": "A legible copy of the receipt."})
    db.session.commit()
    send_due_notifications()
    [_, request] = smtp.received  # the status change is not announced a second time
    assert request["Subject"] == f"Complaint {case.tracking_number}: missing data requested"
    assert "A legible copy of the receipt." in body(request)


def test_a_rolled_back_use_case_leaves_no_message(sop_models, smtp):
    case, _ = _file()
    before = db.session.scalar(db.select(db.func.count(Notification.id)))
    record_event(case=case, action="case.status_changed", actor=SYSTEM_ACTOR, data_after={"status": "penelaahan"})
    db.session.flush()
    db.session.rollback()
    record_event(case=None, action="calendar.working_week_set", actor="sysadmin", data_after={})
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == before


def test_without_a_mail_server_messages_stay_queued(app, sop_models):
    app.config["DUMAS_SMTP_HOST"] = ""
    _file()
    assert send_due_notifications() == 0
    [notification] = db.session.scalars(db.select(Notification)).all()
    assert (notification.status, notification.attempts) == ("queued", 0)


def test_an_smtp_outage_keeps_the_message_queued_until_a_retry_gets_through(app, sop_models):
    server = LocalSmtpServer()  # its port, with nothing listening yet
    app.config.update(DUMAS_SMTP_HOST="127.0.0.1", DUMAS_SMTP_PORT=server.port)
    case, _ = _file()
    now = datetime.now(timezone.utc)
    assert send_due_notifications(now=now) == 0
    db.session.expire_all()
    [notification] = db.session.scalars(db.select(Notification)).all()
    assert (notification.status, notification.attempts) == ("queued", 1)
    assert notification.next_attempt_at == now + timedelta(seconds=30)
    [failed] = _events("notification.failed")
    assert failed.data_after["attempt"] == 1 and COMPLAINANT["email"] not in (failed.detail or "")
    server.start()
    try:
        assert send_due_notifications(now=now + timedelta(seconds=10)) == 0  # backing off
        assert server.received == []
        assert send_due_notifications(now=now + timedelta(seconds=31)) == 1
        [message] = server.received
        assert case.tracking_number in message["Subject"]
    finally:
        server.stop()
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).status == "sent"


def test_backoff_doubles_and_gives_up_after_the_last_attempt(app, sop_models):
    from app.services.mail.notifications import MAX_ATTEMPTS

    app.config.update(DUMAS_SMTP_HOST="127.0.0.1", DUMAS_SMTP_PORT=LocalSmtpServer().port)
    _file()
    now = datetime.now(timezone.utc)
    waits = []
    for _ in range(MAX_ATTEMPTS):
        send_due_notifications(now=now)
        db.session.expire_all()
        notification = db.session.scalars(db.select(Notification)).one()
        waits.append(notification.next_attempt_at - now)
        now = notification.next_attempt_at
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert notification.status == "failed" and notification.attempts == MAX_ATTEMPTS
    assert _events("notification.failed")[-1].data_after["given_up"] is True


def test_a_new_complaint_is_nothing_until_commit(sop_models, smtp):
    """Nothing half-stored: a refused submission leaves no message and no case."""
    from app.services.intake.complaints import ComplaintInvalid

    with pytest.raises(ComplaintInvalid):
        _file(nik="123")
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Complaint.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 0

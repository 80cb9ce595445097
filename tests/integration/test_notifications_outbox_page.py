"""The system administrator reads the outbox when no mail server is configured."""
from datetime import datetime, timezone

from app.extensions import db
from app.models import AuditEvent, Complaint, Notification
from app.services.mail.notifications import MAX_ATTEMPTS, send_due_notifications
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles
from tests.helpers.complaints import COMPLAINANT, file_complaint
from tests.helpers.smtp_server import LocalSmtpServer


def _sysadmin(auth):
    ensure_system_roles()
    create_user(username="sysadmin", password="dumas-demo", roles=[SYSTEM_ADMIN_ROLE])
    auth.login("sysadmin")


def test_queued_messages_are_readable_on_the_outbox_page(app, client, staff, auth):
    app.config["DUMAS_SMTP_HOST"] = ""
    case = file_complaint()
    _sysadmin(auth)
    html = client.get("/admin/kotak-keluar").get_data(as_text=True)
    assert "Server email belum diatur" in html
    assert f"Pengaduan diterima: {case.tracking_number}" in html
    assert "Petugas akan memeriksa kelengkapannya." in html  # the body, readable
    assert COMPLAINANT["email"] in html  # an ordinary report: its address may be shown
    assert "menunggu dikirim (1)" in html
    assert 'href="/admin/kotak-keluar"' in client.get("/admin/kalender").get_data(as_text=True)


def test_the_address_of_an_anonymous_or_confidential_complainant_is_masked(client, staff, auth):
    for level in ("anonim", "rahasia"):
        case = file_complaint(judul=f"Laporan {level}")
        complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).one()
        complaint.confidentiality = level
    db.session.commit()
    _sysadmin(auth)
    html = client.get("/admin/kotak-keluar").get_data(as_text=True)
    assert COMPLAINANT["email"] not in html
    assert html.count("b***@e***") == 2


def test_only_the_system_administrator_opens_the_outbox(client, staff, auth):
    file_complaint()
    auth.login("admin")
    assert client.get("/admin/kotak-keluar").status_code == 404
    [notification] = db.session.scalars(db.select(Notification)).all()
    assert client.post(f"/admin/kotak-keluar/{notification.id}/kirim-ulang").status_code == 404


def test_a_failed_message_is_sent_again_from_the_page(app, client, staff, auth):
    server = LocalSmtpServer()
    app.config.update(DUMAS_SMTP_HOST="127.0.0.1", DUMAS_SMTP_PORT=server.port)
    case = file_complaint()
    notification = db.session.scalars(db.select(Notification)).one()
    notification.attempts = MAX_ATTEMPTS - 1
    db.session.commit()
    send_due_notifications()
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).status == "failed"
    _sysadmin(auth)
    html = client.get("/admin/kotak-keluar?status=failed").get_data(as_text=True)
    assert "gagal" in html and "ConnectionRefusedError" in html and "kirim ulang" in html
    response = client.post(f"/admin/kotak-keluar/{notification.id}/kirim-ulang", follow_redirects=True)
    assert "Pesan dijadwalkan untuk dikirim ulang." in response.get_data(as_text=True)
    server.start()
    try:
        assert send_due_notifications(now=datetime.now(timezone.utc)) == 1
        assert case.tracking_number in server.received[0]["Subject"]
    finally:
        server.stop()
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case.id))]
    assert actions[-3:] == ["notification.failed", "notification.requeued", "notification.sent"]

"""Staff get a daily digest of new and due tasks; the embedded thread sends by itself."""
from datetime import datetime, timedelta, timezone

import pytest

from app.background import start_notification_thread
from app.extensions import db
from app.models import Notification, TaskIndexEntry
from app.services.mail.notifications import queue_staff_digests, send_due_notifications
from tests.helpers.complaints import file_complaint
from tests.helpers.smtp_server import LocalSmtpServer, body

WIB = timezone(timedelta(hours=7))
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=WIB)  # a working day at bsn


@pytest.fixture
def smtp(app):
    server = LocalSmtpServer().start()
    app.config.update(DUMAS_SMTP_HOST="127.0.0.1", DUMAS_SMTP_PORT=server.port, DUMAS_DIGEST_HOUR=0)
    yield server
    server.stop()


def test_an_officer_gets_one_digest_a_day_of_new_and_overdue_tasks(staff, smtp):
    staff["admin"].email = "admin@inspektorat.example"
    staff["kepala"].email = "kepala@inspektorat.example"
    fresh = file_complaint(judul="Laporan baru")
    late = file_complaint(judul="Laporan lama")
    for case, created, due in ((fresh, MONDAY_8 - timedelta(hours=3), MONDAY_8 + timedelta(days=9)),
                               (late, MONDAY_8 - timedelta(days=5), MONDAY_8 - timedelta(days=1))):
        [task] = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.case_id == case.id)).all()
        task.created_at, task.due_at = created, due
    db.session.commit()

    assert queue_staff_digests(now=MONDAY_8) == 2
    assert queue_staff_digests(now=MONDAY_8 + timedelta(hours=5)) == 0  # once a day
    send_due_notifications()
    # The head of the inspectorate has no task: nothing sent to them.
    [digest] = [m for m in smtp.received if "Ringkasan tugas" in m["Subject"]]
    assert digest["X-Envelope-To"] == "admin@inspektorat.example"
    assert "1 baru, 1 mendekati/lewat batas waktu" in digest["Subject"]
    text = body(digest)
    new_part, due_part = text.split("Tugas yang batas waktunya")
    assert fresh.tracking_number in new_part and late.tracking_number not in new_part
    assert late.tracking_number in due_part and "TERLAMBAT" in due_part
    kinds = {n.recipient: n.status for n in db.session.scalars(db.select(Notification).where(Notification.kind == "digest"))}
    assert kinds == {"admin@inspektorat.example": "sent", "kepala@inspektorat.example": "skipped"}


def test_no_digest_before_its_hour_nor_on_a_day_off(app, staff, smtp):
    app.config["DUMAS_DIGEST_HOUR"] = 7
    staff["admin"].email = "admin@inspektorat.example"
    file_complaint()
    assert queue_staff_digests(now=MONDAY_8 - timedelta(days=1)) == 0  # Sunday
    assert queue_staff_digests(now=MONDAY_8 - timedelta(hours=2)) == 0  # 06:00
    assert queue_staff_digests(now=MONDAY_8 - timedelta(hours=1)) == 1  # 07:00


@pytest.mark.committed  # the sender thread has a session and a connection of its own
def test_the_embedded_thread_sends_without_celery(app, sop_models, smtp):
    stop = start_notification_thread(app, interval=0.2)
    try:
        tracking_number = file_complaint().tracking_number
        db.session.remove()
        [message] = smtp.wait_for(1)
        assert message["Subject"] == f"Pengaduan diterima: {tracking_number}"
    finally:
        stop()

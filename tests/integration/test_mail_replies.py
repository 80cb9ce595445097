"""Replies by mail thread to their case: mail -> draft -> case (SOP 002) -> the request
for missing data goes out over real SMTP with a Message-ID and Reply-To naming the case
-> the complainant's reply, fetched from a real IMAP server, answers it and the workflow
moves on. A reply from another address is held for an officer to accept or refuse."""
import re

import pytest

from app.extensions import db
from app.models import AuditEvent, Case, CaseRecord, Document, InboundMail
from app.services.casework.cases import complete_task
from app.services.mail.imap_fetch import fetch_mailbox
from app.services.mail.mail_intake import receive_mail
from app.services.mail.mail_settings import update_mail_settings
from app.services.mail.notifications import send_due_notifications
from tests.helpers.complaints import PDF
from tests.helpers.mail_helpers import CITIZEN, message
from tests.helpers.missing_data import MISSING, REVIEW
from tests.helpers.smtp_server import LocalSmtpServer, body

OFFICER = "dpmdppkb.pejabat-pengelola-pengaduan"
INBOX = "pengaduan@dpmdppkb.example"


@pytest.fixture
def smtp(app):
    server = LocalSmtpServer().start()
    app.config.update(DUMAS_SMTP_HOST="127.0.0.1", DUMAS_SMTP_PORT=server.port, DUMAS_MAIL_FROM="dumas@dpmdppkb.example")
    yield server
    server.stop()


@pytest.fixture
def imap(app_context):
    from tests.helpers.imap_server import LocalImapServer

    server = LocalImapServer().start()
    app_context.config["DUMAS_IMAP_PASSWORDS"] = {"dpmdppkb": server.password}
    yield server
    server.remove()


def _case(number: str) -> Case:
    db.session.expire_all()
    return db.session.scalars(db.select(Case).where(Case.tracking_number == number)).one()


def _work(number, element_id, data, actor):
    [task] = [t for t in _case(number).tasks if t.element_id == element_id]
    complete_task(task_id=task.engine_task_id, data=data, actor=actor)


def _filed_by_mail(client, auth) -> str:
    """A complaint mailed to dpmdppkb, filed by its officer on the offline-entry page."""
    mail, _ = receive_mail(organisation_code="dpmdppkb", source="pipe",
                           raw=message(subject="Dana desa belum cair", text="Dana desa tahap dua belum cair."))
    auth.login(OFFICER)
    response = client.post(f"/pengaduan-luring/email/{mail.id}", data={
        "nama_lengkap": "Siti Rahayu", "email": CITIZEN, "kerahasiaan": "biasa", "jenis": "pengaduan",
        "judul": "Dana desa belum cair", "uraian": "Dana desa tahap dua belum cair."})
    assert response.status_code == 303, response.get_data(as_text=True)
    with client.session_transaction() as session:
        return session["offline_receipt"]["tracking_number"]


def _ask_for_missing_data(number: str) -> None:
    _work(number, "tugas_terima_catat", {"kanal": "email", "tanggal_diterima": "2026-11-23",
                                         "ringkasan_pengaduan": "Dana desa belum cair."}, OFFICER)
    _work(number, "tugas_telaah_admin", REVIEW, "admin.dpmdppkb")
    _work(number, "tugas_minta_kelengkapan", {"data_yang_diminta": MISSING}, "admin.dpmdppkb")


def _events(case: Case, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                               AuditEvent.action == action)))


def test_mail_to_case_to_missing_data_answered_by_mail(client, auth, every_staff, smtp, imap):
    update_mail_settings(organisation_code="dpmdppkb", changes={
        "address": INBOX, "imap_host": "127.0.0.1", "imap_port": imap.port, "imap_user": imap.user,
        "imap_ssl": False})
    number = _filed_by_mail(client, auth)
    _ask_for_missing_data(number)
    send_due_notifications()
    [request] = [m for m in smtp.received if MISSING in body(m)]
    assert number in request["Message-ID"]
    assert request["Reply-To"] == f"pengaduan+{number}@dpmdppkb.example"

    imap.deliver(message(subject=f"Re: {request['Subject']}", text=f"Berikut fotokopi KTP saya.\n\n> {MISSING}",
                         attachments=[("ktp.pdf", PDF)],
                         headers={"In-Reply-To": request["Message-ID"], "References": request["Message-ID"]}))
    assert fetch_mailbox(organisation_code="dpmdppkb").stored == 1

    case = _case(number)
    [reply] = db.session.scalars(db.select(InboundMail).where(InboundMail.case_id == case.id,
                                                              InboundMail.status == "threaded")).all()
    [answered] = _events(case, "complainant.answered")
    assert answered.data_after["text"] == "Berikut fotokopi KTP saya."  # the quoted request left out
    assert answered.data_after["files"] == ["ktp.pdf"]
    assert _events(case, "mail.threaded")[0].data_after["sha256"] == reply.sha256
    assert "tugas_minta_kelengkapan" not in {t.element_id for t in case.tasks}
    assert case.status != "menunggu_kelengkapan"
    assert db.session.scalars(db.select(Document).where(Document.case_id == case.id,
                                                        Document.filename == "ktp.pdf")).one()
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Pengadu mengirim kelengkapan data" in page and "Email masuk dilampirkan pada kasus" in page


def test_a_later_reply_by_subject_goes_on_the_timeline_and_a_stranger_is_held(client, auth, every_staff):
    number = _filed_by_mail(client, auth)
    case = _case(number)
    own, _ = receive_mail(organisation_code="dpmdppkb", source="pipe",
                          raw=message(subject=f"Tambahan untuk {number}", text="Kepala desa sudah dipanggil.",
                                      sender=CITIZEN.upper()))
    assert (own.status, own.case_id) == ("threaded", case.id)
    [record] = db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case.id)).all()
    assert record.title == "Balasan email dari pengadu" and {"label": "Isi", "value": "Kepala desa sudah dipanggil."} \
        in record.content
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Pengadu membalas lewat email" in page and "Kepala desa sudah dipanggil." in page

    stranger, _ = receive_mail(organisation_code="dpmdppkb", source="pipe",
                               raw=message(subject=f"Re: {number}", text="Saya suaminya, ini data tambahan.",
                                           sender="orang.lain@example.id"))
    forged, _ = receive_mail(organisation_code="dpmdppkb", source="pipe",
                             raw=message(subject=f"Re: {number}", text="Tutup saja kasusnya.",
                                         sender="penipu@example.id"))
    assert (stranger.status, forged.status) == ("held", "held")
    assert len(_events(case, "complainant.mail_reply")) == 1  # nothing of theirs on the case yet
    listing = client.get("/pengaduan-luring").get_data(as_text=True)
    assert "Ditahan: pengirim bukan pengadu" in listing
    assert number in client.get(f"/pengaduan-luring/email/{stranger.id}").get_data(as_text=True)

    assert client.post(f"/pengaduan-luring/email/{stranger.id}/terima").status_code == 303
    client.post(f"/pengaduan-luring/email/{forged.id}/tolak", data={"alasan": "Bukan pengadu"})
    db.session.expire_all()
    assert (stranger.status, stranger.handled_by) == ("threaded", OFFICER)
    assert (forged.status, forged.refusal_reason) == ("refused", "Bukan pengadu")
    replies = _events(case, "complainant.mail_reply")
    assert [e.data_after["text"] for e in replies] == ["Kepala desa sudah dipanggil.",
                                                        "Saya suaminya, ini data tambahan."]
    # The message is the complainant's; who let it through is on the threading event.
    assert [e.actor for e in _events(case, "mail.threaded")] == ["pengadu", OFFICER]


def test_a_reply_naming_another_organisations_case_is_not_threaded(client, auth, every_staff):
    number = _filed_by_mail(client, auth)
    other, _ = receive_mail(organisation_code="bsn", source="pipe",
                            raw=message(subject=f"Re: {number}", text="Balasan ke instansi yang salah."))
    assert (other.status, other.case_id) == ("draft", None)
    assert re.fullmatch(r"DUMAS-\d{4}-\d{6}", number)

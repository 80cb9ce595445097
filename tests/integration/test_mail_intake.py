"""Mail received for an organisation: fetched from a real IMAP server (Dovecot) or piped
in by an MTA, stored as it arrived (hashed in the audit chain) before it is read, once
per Message-ID, and never dropped."""
import hashlib
import os
import time

import pytest

from app.background import start_mail_thread
from app.extensions import db
from app.models import AuditEvent, InboundMail, Organisation
from app.services.mail.imap_fetch import MailboxUnavailable, fetch_all_mailboxes, fetch_mailbox
from app.services.mail.mail_intake import parsed_mail, receive_mail
from app.services.mail.mail_settings import update_mail_settings
from app.services.organisation.organisations import ensure_known_organisations
from tests.helpers.complaints import PDF
from tests.helpers.mail_helpers import CITIZEN, message, running_mailbox, with_attachment


@pytest.fixture
def imap(app_context):
    yield from running_mailbox(app_context)


def _stored() -> list[InboundMail]:
    return list(db.session.scalars(db.select(InboundMail).order_by(InboundMail.id)))


def _received_events() -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "mail.received")))


def test_each_kind_of_message_is_stored_as_received_hashed_and_only_then_marked_seen(imap):
    indonesian = "Pengaduan: jalan rusak di Desa Tumbang Sangai — mohon segera diperbaiki"
    big_pdf = PDF + os.urandom(7_900_000)
    malformed = (b"From: warga@example.id\r\nSubject: rusak\r\nMessage-ID: <rusak-1@example.id>\r\n"
                 b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"tidak-ada\"\r\n\r\n"
                 b"--batas-lain\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                 b"@@@ bukan base64 @@@\r\n")
    messages = [
        with_attachment(),
        message(subject="Lampiran besar", attachments=[("scan.pdf", big_pdf)]),
        malformed,
        message(subject=indonesian),
        message(subject="Hanya HTML", text=None,
                html="<p>Kepala desa <b>menolak</b> melayani.</p><script>alert('xss')</script>"),
    ]
    for raw in messages:
        imap.deliver(raw)
    assert len(messages[1]) > 10 * 1024 * 1024

    result = fetch_mailbox(organisation_code="bsn")

    assert (result.stored, result.duplicates) == (5, 0)
    stored = _stored()
    assert [mail.raw for mail in stored] == messages  # byte for byte, in delivery order
    by_sha = {event.data_after["sha256"]: event for event in _received_events()}
    assert set(by_sha) == {hashlib.sha256(raw).hexdigest() for raw in messages}
    assert all(event.case_id is None and event.hash for event in by_sha.values())
    assert imap.flags() == [{"\\Seen"}] * 5

    attached, big, broken, encoded, html_only = stored
    [attachment] = parsed_mail(attached).attachments
    assert (attachment.filename, attachment.content) == ("kuitansi.pdf", PDF)
    assert parsed_mail(big).attachments[0].content == big_pdf
    # Kept, and readable to the officer as it stands.
    assert (broken.status, broken.raw, broken.subject) == ("draft", malformed, "rusak")
    assert "@@@ bukan base64 @@@" in parsed_mail(broken).body and parsed_mail(broken).defects
    assert encoded.subject == indonesian and b"=?utf-8?" in encoded.raw
    body = parsed_mail(html_only).body
    assert "Kepala desa menolak melayani." in body
    assert "alert" not in body and "<" not in body
    assert {mail.sender for mail in (attached, big, encoded, html_only)} == {CITIZEN}


def test_the_same_message_id_delivered_twice_is_stored_once(imap, runner):
    raw = with_attachment()
    imap.deliver(raw)
    imap.deliver(raw)
    result = fetch_mailbox(organisation_code="bsn")
    assert (result.stored, result.duplicates) == (1, 1)
    outcome = runner.invoke(args=["mail", "receive", "--org", "bsn"], input=raw)
    assert outcome.exit_code == 0 and "sudah ada" in outcome.output
    assert len(_stored()) == 1 and len(_received_events()) == 1
    assert imap.flags() == [{"\\Seen"}, {"\\Seen"}]


def test_mailbox_down_then_back_loses_nothing_and_stores_nothing_twice(imap):
    first, second = with_attachment(), message(subject="Kedua")
    imap.deliver(first)
    imap.deliver(second)
    imap.stop()
    with pytest.raises(MailboxUnavailable):
        fetch_mailbox(organisation_code="bsn")
    assert fetch_all_mailboxes().stored == 0  # the round logs it and goes on
    assert _stored() == []

    imap.start()
    assert fetch_all_mailboxes().stored == 2
    # A fetch cut off after storing but before \Seen leaves the messages unseen: the next
    # round fetches them again and recognises them.
    connection = imap.connect()
    connection.select("INBOX")
    connection.store("1:*", "-FLAGS", "(\\Seen)")
    connection.logout()
    result = fetch_all_mailboxes()
    assert (result.stored, result.duplicates) == (0, 2)
    assert [mail.raw for mail in _stored()] == [first, second]


@pytest.mark.committed
def test_the_embedded_thread_fetches_on_its_schedule(app, imap):
    imap.deliver(with_attachment())
    stop = start_mail_thread(app, interval=0.2)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _stored():
            db.session.remove()
            time.sleep(0.2)
    finally:
        stop()
    assert len(_stored()) == 1
    assert app.config["CELERY"]["beat_schedule"]["fetch-mail"]["task"] == "app.tasks.mail.fetch_mail"


def test_an_mta_pipes_a_message_in(app_context, runner):
    ensure_known_organisations()
    raw = message(subject="Lewat MTA")
    outcome = runner.invoke(args=["mail", "receive", "--org", "bsn"], input=raw)
    assert outcome.exit_code == 0, outcome.output
    [mail] = _stored()
    assert (mail.source, mail.raw, mail.subject, mail.status) == ("pipe", raw, "Lewat MTA", "draft")
    unknown = runner.invoke(args=["mail", "receive", "--org", "tidak-ada"], input=raw)
    assert unknown.exit_code == 67 and "Instansi tidak dikenal: tidak-ada" in unknown.output
    empty = runner.invoke(args=["mail", "receive", "--org", "bsn"], input=b"  \n")
    assert empty.exit_code == 65 and "Pesan kosong." in empty.output
    assert len(_stored()) == 1


def test_the_mailbox_is_set_from_the_command_line(app_context, runner):
    ensure_known_organisations()
    outcome = runner.invoke(args=["mail", "mailbox", "--org", "bsn", "--address", "pengaduan@bsn.example",
                                  "--host", "imap.bsn.example", "--port", "993", "--user", "pengaduan", "--ssl",
                                  "--auto-reply", "--deny", "@Spam.Example"])
    assert outcome.exit_code == 0, outcome.output
    assert "pengaduan@imap.bsn.example:993 SSL Ya, balasan otomatis Ya" in outcome.output
    stored = db.session.get(Organisation, "bsn").mail_settings
    assert stored["deny"] == ["@spam.example"] and "password" not in str(stored)
    unknown = runner.invoke(args=["mail", "mailbox", "--org", "tidak-ada", "--host", "x"])
    assert unknown.exit_code == 1 and "Instansi tidak dikenal: tidak-ada" in unknown.output


def test_refused_mail_is_kept_with_its_reason(app_context):
    ensure_known_organisations()
    update_mail_settings(organisation_code="bsn", changes={"deny": ["@spam.example"], "allow": ["humas@mitra.example"]})
    links = " ".join(f"https://promo{n}.example" for n in range(5))
    spam, _ = receive_mail(organisation_code="bsn", raw=message(text=f"Diskon besar {links}"), source="pipe")
    denied, _ = receive_mail(organisation_code="bsn", raw=message(sender="iklan@spam.example"), source="pipe")
    allowed, _ = receive_mail(organisation_code="bsn", raw=message(sender="humas@mitra.example",
                                                                   text=f"Tautan rapat {links}"), source="pipe")
    unreadable, _ = receive_mail(organisation_code="bsn", raw=b"\x00\x01 bukan surat", source="pipe")
    assert (spam.status, spam.refusal_reason) == ("refused", "Laporan ditolak: terlalu banyak tautan (paling banyak 3).")
    assert (denied.status, denied.refusal_reason) == ("refused", "Pengirim ada dalam daftar tolak instansi.")
    assert allowed.status == "draft"
    assert unreadable.status == "refused" and unreadable.raw == b"\x00\x01 bukan surat"
    refused = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "mail.refused")).all()
    assert {event.data_after["inbound_mail"] for event in refused} == {spam.id, denied.id, unreadable.id}



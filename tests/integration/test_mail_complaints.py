"""A mailed complaint on the receiving lane's offline-entry page: an officer opens it,
completes the identity and files it as a case (channel email); refused mail stays
listed with its reason; the receipt goes out only if the organisation says so."""
import re

import pytest

from app.extensions import db
from app.models import AuditEvent, Case, Complaint, Document, InboundMail, Notification
from app.services.mail.mail_intake import receive_mail
from app.services.mail.mail_settings import update_mail_settings
from tests.helpers.complaints import PDF
from tests.helpers.mail_helpers import CITIZEN, message

OFFICER = "admin"  # Admin Inspektorat, bsn's receiving lane
FOREIGN_OFFICER = "dpmdppkb.pejabat-pengelola-pengaduan"
IDENTITY = {"nama_lengkap": "Siti Rahayu", "alamat": "Jl. Melati 3, Jakarta", "kerahasiaan": "biasa",
            "jenis": "pengaduan", "email": CITIZEN}


def _mailed(**kwargs) -> InboundMail:
    raw = message(subject="Pungutan liar di loket pelayanan",
                  text="Petugas loket meminta uang tambahan tanpa kuitansi.",
                  attachments=[("kuitansi.pdf", PDF), ("program.pdf", b"MZ\x90\x00 bukan pdf")], **kwargs)
    mail, _ = receive_mail(organisation_code="bsn", raw=raw, source="pipe")
    return mail


def _form(client, mail_id: int) -> dict:
    """What the page prefilled, as the officer's browser would send it back."""
    html = client.get(f"/pengaduan-luring/email/{mail_id}").get_data(as_text=True)
    judul = re.search(r'name="judul"[^>]*value="([^"]*)"', html).group(1)
    uraian = re.search(r'name="uraian"[^>]*>([^<]*)</textarea>', html).group(1).strip()
    return {**IDENTITY, "judul": judul, "uraian": uraian}


def test_an_officer_files_a_mailed_complaint_with_its_checked_attachments(client, auth, every_staff):
    mail = _mailed()
    auth.login(OFFICER)
    page = client.get("/pengaduan-luring").get_data(as_text=True)
    assert "Pengaduan lewat email" in page and "Pungutan liar di loket pelayanan" in page and CITIZEN in page
    draft = client.get(f"/pengaduan-luring/email/{mail.id}").get_data(as_text=True)
    assert "Petugas loket meminta uang tambahan tanpa kuitansi." in draft
    assert "dilampirkan pada kasus" in draft and "tidak dilampirkan" in draft

    missing = client.post(f"/pengaduan-luring/email/{mail.id}", data={**_form(client, mail.id), "nama_lengkap": ""})
    assert missing.status_code == 422 and "Wajib diisi" in missing.get_data(as_text=True)

    response = client.post(f"/pengaduan-luring/email/{mail.id}", data=_form(client, mail.id))
    assert response.status_code == 303, response.get_data(as_text=True)
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    tracking_number = re.search(r'id="nomor-pelacakan">([^<]+)<', receipt).group(1)
    case = db.session.scalars(db.select(Case).where(Case.tracking_number == tracking_number)).one()
    complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).one()
    assert (complaint.channel, complaint.judul, complaint.email) == ("email", "Pungutan liar di loket pelayanan", CITIZEN)
    assert complaint.uraian == "Petugas loket meminta uang tambahan tanpa kuitansi."
    documents = db.session.scalars(db.select(Document).where(Document.case_id == case.id)).all()
    assert [d.filename for d in documents] == ["kuitansi.pdf"]
    db.session.refresh(mail)
    assert (mail.status, mail.case_id, mail.handled_by) == ("filed", case.id, OFFICER)
    [filed] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "mail.filed")).all()
    assert filed.case_id == case.id and filed.data_after["sha256"] == mail.sha256

    shown = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Pesan email asli" in shown and "Email" in shown and "kuitansi.pdf" in shown
    original = client.get(f"/kasus/{case.id}/email-asli")
    assert original.status_code == 200 and original.data == mail.raw
    assert "attachment" in original.headers["Content-Disposition"]
    # Filed once: the message left the list and cannot be filed again.
    assert "Pungutan liar di loket pelayanan" not in client.get("/pengaduan-luring").get_data(as_text=True)
    again = client.post(f"/pengaduan-luring/email/{mail.id}", data={**IDENTITY, "judul": "x", "uraian": "y"})
    assert again.status_code == 303 and db.session.scalar(db.select(db.func.count(Case.id))) == 1


@pytest.mark.parametrize("auto_reply", [False, True])
def test_the_receipt_is_mailed_only_when_the_organisation_says_so(client, auth, every_staff, auto_reply):
    update_mail_settings(organisation_code="bsn", changes={"auto_reply": auto_reply})
    mail = _mailed()
    auth.login(OFFICER)
    response = client.post(f"/pengaduan-luring/email/{mail.id}", data=_form(client, mail.id))
    access_code = re.search(r'id="kode-akses">([^<]+)<',
                            client.get(response.headers["Location"]).get_data(as_text=True)).group(1)
    messages = db.session.scalars(db.select(Notification)).all()
    if not auto_reply:
        assert messages == []
        return
    [receipt] = messages
    assert receipt.recipient == CITIZEN and receipt.kind == "received"
    case = db.session.get(Case, receipt.case_id)
    assert case.tracking_number in receipt.subject and case.tracking_number in receipt.body
    assert access_code not in receipt.body and access_code not in receipt.subject


def test_refused_mail_stays_listed_with_its_reason_and_an_officer_can_refuse(client, auth, every_staff):
    links = " ".join(f"https://promo{n}.example" for n in range(5))
    spam, _ = receive_mail(organisation_code="bsn", raw=message(subject="Promo", text=f"Diskon {links}"),
                           source="pipe")
    mail = _mailed()
    auth.login(OFFICER)
    page = client.get("/pengaduan-luring").get_data(as_text=True)
    assert "Promo" in page and "Ditolak" in page and "terlalu banyak tautan" in page
    assert client.post(f"/pengaduan-luring/email/{mail.id}/tolak", data={"alasan": ""}).status_code == 303
    db.session.refresh(mail)
    assert mail.status == "draft"
    client.post(f"/pengaduan-luring/email/{mail.id}/tolak", data={"alasan": "Bukan kewenangan BSN"})
    db.session.refresh(mail)
    assert (mail.status, mail.refusal_reason) == ("refused", "Bukan kewenangan BSN")
    assert "Bukan kewenangan BSN" in client.get("/pengaduan-luring").get_data(as_text=True)
    assert spam.raw and mail.raw  # both kept


def test_another_organisations_officer_gets_404(client, auth, every_staff):
    mail = _mailed()
    auth.login(FOREIGN_OFFICER)
    assert "Pungutan liar di loket pelayanan" not in client.get("/pengaduan-luring").get_data(as_text=True)
    assert client.get(f"/pengaduan-luring/email/{mail.id}").status_code == 404
    assert client.get(f"/pengaduan-luring/email/{mail.id}/asli").status_code == 404
    assert client.post(f"/pengaduan-luring/email/{mail.id}", data={**IDENTITY, "judul": "x", "uraian": "y"}
                       ).status_code == 404
    db.session.refresh(mail)
    assert mail.status == "draft"


def test_a_malformed_message_is_shown_as_it_stands(client, auth, every_staff):
    raw = (b"From: warga@example.id\r\nSubject: Surat rusak\r\nMessage-ID: <rusak-2@example.id>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"tidak-ada\"\r\n\r\n"
           b"--batas-lain\r\nContent-Type: text/plain\r\n\r\nJembatan desa ambruk.\r\n")
    mail, _ = receive_mail(organisation_code="bsn", raw=raw, source="pipe")
    auth.login(OFFICER)
    page = client.get(f"/pengaduan-luring/email/{mail.id}").get_data(as_text=True)
    assert "Struktur pesan ini rusak" in page and "Jembatan desa ambruk." in page

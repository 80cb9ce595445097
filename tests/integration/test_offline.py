"""Complaints received offline (SOP 002 step n): the officer of the receiving lane enters a
letter, call, visit or complaint-box slip; it becomes a case on the same path as a web
complaint, with a tracking number and access code for the complainant."""
import io
import re

import pytest

from app import create_app
from app.extensions import db
from app.models import AuditEvent, Case, Complaint, Document
from app.services.intake.complaints import find_complaint
from tests.helpers.complaints import PDF
from tests.helpers.identity_helpers import IDENTITY, REPORT

OFFICER = "dpmdppkb.pejabat-pengelola-pengaduan"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _letter_form(**overrides) -> dict:
    return {**REPORT, "nama_lengkap": IDENTITY["nama_lengkap"], "alamat": IDENTITY["alamat"],
            "kanal": "surat", "kerahasiaan": "biasa", "tanggal_diterima": "2026-01-05",
            "surat": (io.BytesIO(PDF), "surat-pengaduan.pdf"), **overrides}


def _cases() -> int:
    return db.session.scalar(db.select(db.func.count(Case.id)))


def test_an_officer_enters_a_letter_and_hands_over_number_and_code(client, auth, every_staff):
    auth.login(OFFICER)
    assert "Pengaduan luring" in client.get("/tugas").get_data(as_text=True)
    response = client.post("/pengaduan-luring", data=_letter_form(), content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    tracking_number = re.search(r'id="nomor-pelacakan">([^<]+)<', receipt).group(1)
    access_code = re.search(r'id="kode-akses">([^<]+)<', receipt).group(1)
    # Shown once only.
    assert access_code not in client.get(response.headers["Location"]).get_data(as_text=True)

    case = db.session.scalars(db.select(Case).where(Case.tracking_number == tracking_number)).one()
    complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).one()
    assert (case.organisation_code, case.process_version.definition.key) == ("dpmdppkb", "sop_002")
    assert (complaint.channel, complaint.nama_lengkap, complaint.nik) == ("surat", IDENTITY["nama_lengkap"], "")
    [letter] = db.session.scalars(db.select(Document).where(Document.case_id == case.id)).all()
    assert (letter.kind, letter.filename, letter.uploaded_by) == ("surat_pengaduan", "surat-pengaduan.pdf", OFFICER)
    [entered] = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "complaint.entered_offline")).all()
    assert (entered.actor, entered.data_after) == (
        OFFICER, {"channel": "surat", "confidentiality": "biasa", "received_on": "2026-01-05"})
    # From here it runs like a web complaint: the same first task, and the complainant
    # tracks it with the number and code the officer handed over.
    [task] = case.tasks
    assert (task.element_id, case.status) == ("tugas_terima_catat", "diterima")
    assert find_complaint(tracking_number=tracking_number, access_code=access_code).id == complaint.id
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Surat pengaduan" in page and "surat-pengaduan.pdf" in page and "Pengaduan luring dicatat" in page
    auth.logout()
    tracked = client.post("/lacak", data={"tracking_number": tracking_number, "access_code": access_code})
    assert tracked.status_code == 200


def test_a_letter_without_its_scan_is_refused_and_nothing_stored(client, auth, every_staff):
    auth.login(OFFICER)
    before = _cases()
    response = client.post("/pengaduan-luring", data=_letter_form(surat=(io.BytesIO(b""), "")),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Unggah pindaian surat pengaduan (PDF, JPG atau PNG)." in response.get_data(as_text=True)
    response = client.post("/pengaduan-luring", data=_letter_form(surat=(io.BytesIO(b"MZ\x90\x00"), "surat.exe")),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "surat.exe: hanya PDF, JPG atau PNG yang diterima." in response.get_data(as_text=True)
    assert _cases() == before


def test_a_named_complaint_needs_a_way_to_reach_the_complainant(client, auth, every_staff):
    auth.login(OFFICER)
    response = client.post("/pengaduan-luring", data=_letter_form(kanal="telepon", alamat="", surat=None),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Isi paling sedikit satu cara menghubungi pengadu" in response.get_data(as_text=True)
    response = client.post("/pengaduan-luring", data=_letter_form(kanal="telepon", alamat="", surat=None,
                                                                   no_hp="0813 7777 8888"),
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert db.session.scalars(db.select(Complaint)).one().no_hp == "081377778888"


def test_an_anonymous_call_needs_no_identity(client, auth, every_staff):
    auth.login(OFFICER)
    response = client.post("/pengaduan-luring", data={**REPORT, "kanal": "telepon", "kerahasiaan": "anonim",
                                                      "nama_lengkap": "Wulan"})
    assert response.status_code == 303
    complaint = db.session.scalars(db.select(Complaint)).one()
    assert (complaint.channel, complaint.confidentiality, complaint.nama_lengkap) == ("telepon", "anonim", "")


def test_an_unknown_channel_or_future_date_is_refused(client, auth, every_staff):
    auth.login(OFFICER)
    response = client.post("/pengaduan-luring", data=_letter_form(kanal="merpati", tanggal_diterima="2999-01-01"),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Pilih kanal penerimaan" in page and "Tanggal diterima tidak valid atau di masa depan." in page
    assert _cases() == 0


@pytest.mark.parametrize("username", ["kepala", "dpmdppkb.pejabat-penghubung", "unit.dpspk"])
def test_staff_who_do_not_receive_complaints_get_404(client, auth, every_staff, username):
    auth.login(username)
    assert client.get("/pengaduan-luring").status_code == 404
    assert client.post("/pengaduan-luring", data=_letter_form(), content_type="multipart/form-data").status_code == 404
    assert "Pengaduan luring" not in client.get("/tugas").get_data(as_text=True)
    assert _cases() == 0


def test_an_officer_enters_only_for_their_own_organisation(client, auth, every_staff):
    auth.login("admin")  # Admin Inspektorat of BSN
    page = client.get("/pengaduan-luring").get_data(as_text=True)
    assert 'name="instansi"' not in page  # one agency: no choice to make
    response = client.post("/pengaduan-luring", data=_letter_form(instansi="dpmdppkb"),
                           content_type="multipart/form-data")
    assert response.status_code == 404 and _cases() == 0
    response = client.post("/pengaduan-luring", data=_letter_form(), content_type="multipart/form-data")
    assert response.status_code == 303
    assert db.session.scalars(db.select(Case)).one().organisation_code == "bsn"


def test_anonymous_visitors_are_sent_to_log_in(client, sop_models):
    response = client.get("/pengaduan-luring")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_the_page_refuses_a_post_without_the_csrf_token(app, auth, every_staff):
    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True}).test_client()
    page = protected.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    protected.post("/masuk", data={"username": OFFICER, "password": "dumas-demo", "csrf_token": token})
    assert protected.get("/pengaduan-luring").status_code == 200
    response = protected.post("/pengaduan-luring", data=_letter_form(), content_type="multipart/form-data")
    assert response.status_code == 400 and _cases() == 0

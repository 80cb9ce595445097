"""The printed case file: rendered for real by WeasyPrint, its text read back with pypdf,
checked for what must be on it and for identities that must not."""
import os
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.models import AuditEvent, Case, Document, User
from app.services.casefile.case_pdf import case_file, render_case_pdf
from app.services.casework.events import move_deadline
from tests.helpers.audit_case import EXTENSION_REASON, build_case
from tests.helpers.complaints import COMPLAINANT
from tests.helpers.pdf import pdf_text


def _user(username: str) -> User:
    return db.session.scalars(db.select(User).where(User.username == username)).one()


def _render(case_id: int, username: str) -> str:
    content = render_case_pdf(case=db.session.get(Case, case_id), viewer=_user(username))
    if os.environ.get("DUMAS_KEEP_PDF"):
        with open(os.environ["DUMAS_KEEP_PDF"], "wb") as out:
            out.write(content)
    return pdf_text(content)


@pytest.mark.pdf
def test_the_case_file_shows_the_whole_history(staff):
    case_id = build_case()
    case = db.session.get(Case, case_id)
    text = _render(case_id, "admin")
    squashed = text.replace("\n", " ")
    assert case.tracking_number in text
    assert "Inspektorat" in text and "SOP" in text  # agency and SOP header
    for step in ("2. Mencatat dan verifikasi laporan", "6. Menindaklanjuti di unit kerja",
                 "Eskalasi: 6. Menindaklanjuti di unit kerja lewat batas waktu", "7. Sampaikan hasil dan tutup"):
        assert step in squashed, step
    assert "14 hari kerja" in text  # the SOP's standard time from the diagram
    assert "terpenuhi" in text  # the unit's deadline, escalated, then extended and met
    assert "unit.dpspk" in text and "Pelaksana telah diberi pembinaan." in squashed  # actor and form data
    # The decision with its inputs and output, by the labels of the form and the table.
    assert "Berkadar pengawasan?: Tidak" in squashed and "Rute: Unit kerja" in squashed
    [document] = db.session.scalars(db.select(Document).where(Document.case_id == case_id)).all()
    assert document.sha256 in text.replace(" ", "").replace("\n", "")
    assert EXTENSION_REASON in squashed
    # The chain's head and its verification.
    head = db.session.scalars(db.select(AuditEvent.hash).where(AuditEvent.case_id == case_id)
                              .order_by(AuditEvent.seq.desc())).first()
    assert head in text
    assert "UTUH" in text and "RUSAK" not in text
    assert "Halaman 1 dari" in text and "Dicetak" in text
    # The identity of an ordinary complaint is there for staff who see the case.
    assert COMPLAINANT["nama_lengkap"] in text and COMPLAINANT["nik"] in text


@pytest.mark.pdf
@pytest.mark.parametrize("confidentiality", ["rahasia", "anonim"])
def test_a_hidden_identity_stays_off_the_page(staff, confidentiality):
    case_id = build_case(confidentiality=confidentiality, close=False)
    # Admin Inspektorat receives complaints (sees a confidential identity); Kepala does not.
    readers = {"admin": True, "kepala": False} if confidentiality == "rahasia" else {"admin": False}
    for reader, may_see in readers.items():
        text = _render(case_id, reader)
        for field in ("nama_lengkap", "nik", "email", "no_hp", "alamat"):
            assert (COMPLAINANT[field] in text) is may_see, (reader, field)
        if not may_see:
            assert ("Anonim" if confidentiality == "anonim" else "Identitas dirahasiakan") in text


@pytest.mark.pdf
def test_a_confidential_name_quoted_in_a_staff_note_is_blanked_for_other_readers(staff):
    case_id = build_case(confidentiality="rahasia", close=False)
    move_deadline(case_id=case_id, element_id="tenggat_tugas_tindak_lanjut_unit",
                  due_at=datetime.now(timezone.utc) + timedelta(days=30),
                  reason=f"Menunggu keterangan {COMPLAINANT['nama_lengkap']}", actor="kepala")
    assert COMPLAINANT["nama_lengkap"] in _render(case_id, "admin").replace("\n", " ")
    assert COMPLAINANT["nama_lengkap"] not in _render(case_id, "kepala").replace("\n", " ")


@pytest.mark.pdf
def test_a_tampered_trail_shows_as_broken_on_the_page(staff):
    case_id = build_case(close=False)
    _tamper(case_id)
    text = _render(case_id, "admin")
    assert "RUSAK" in text and "UTUH" not in text


def _tamper(case_id: int) -> None:
    """Rewrite one event's detail behind the application's back (a raw UPDATE; on
    PostgreSQL the append-only trigger has to be switched off first)."""
    from sqlalchemy import text

    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    try:
        db.session.execute(text("UPDATE audit_events SET detail = 'dipalsukan' WHERE id = "
                                "(SELECT min(id) FROM audit_events WHERE case_id = :case AND action = 'task.completed')"),
                           {"case": case_id})
    finally:
        if postgres:
            db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        db.session.commit()


@pytest.mark.pdf
def test_the_pdf_is_served_to_those_who_see_the_case_only(client, staff, auth):
    case_id = build_case(close=False)
    tracking = db.session.get(Case, case_id).tracking_number
    auth.login("admin")
    page = client.get(f"/kasus/{case_id}").get_data(as_text=True)
    assert f'href="/kasus/{case_id}/pdf"' in page and "Cetak PDF" in page
    response = client.get(f"/kasus/{case_id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert tracking in pdf_text(response.data)
    auth.logout()
    auth.login("unit.akreditasi")  # another unit: the case is not theirs
    assert client.get(f"/kasus/{case_id}/pdf").status_code == 404
    auth.logout()
    assert client.get(f"/kasus/{case_id}/pdf").status_code in (302, 401)


@pytest.mark.pdf
def test_the_api_serves_the_pdf_per_object_and_in_english_on_request(client, staff):
    from tests.helpers.api import API, bearer

    case_id = build_case(close=False)
    tracking = db.session.get(Case, case_id).tracking_number
    response = client.get(f"{API}/cases/{case_id}/pdf?lang=en", headers=bearer(client, "admin"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert tracking in text and "Case file" in text and "INTACT" in text
    assert client.get(f"{API}/cases/{case_id}/pdf", headers=bearer(client, "unit.akreditasi")).status_code == 404
    assert client.get(f"{API}/cases/{case_id}/pdf").status_code == 401


def test_a_stored_diagram_declaring_an_entity_is_not_drawn_on_the_case_file(staff):
    case_id = build_case()
    case = db.session.get(Case, case_id)
    version = case.process_version
    version.bpmn_xml = version.bpmn_xml.replace(
        "?>", '?><!DOCTYPE definitions [<!ENTITY secret SYSTEM "file:///etc/passwd">]>', 1).replace(
        'name="2. Mencatat dan verifikasi laporan"', 'name="&secret;"')
    db.session.commit()
    data = case_file(case=db.session.get(Case, case_id), viewer=_user("admin"))
    assert data["diagram_pages"] == [] and data["element_names"] == {}
    text = _render(case_id, "admin")
    assert case.tracking_number in text and "root:" not in text  # the rest of the file is printed

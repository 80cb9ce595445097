"""Internal notes and documents added on the case page: staff read them on the case
page, its timeline, the API and the printed file; the complainant never does, and a
reader who may not see a confidential reporter reads the note with their identity
blanked."""
import io

from app.extensions import db
from app.models import AuditEvent, Document
from tests.helpers.complaints import PDF
from tests.helpers.identity_helpers import IDENTITY, file_by_api, leaks, public_views, staff_views

NOTE = "Telepon dengan kepala loket: pungutan diakui, akan dikembalikan"


def _add_note(client, case_id, text, files=()):
    data = {"catatan": text, "lampiran": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/kasus/{case_id}/catatan", data=data, content_type="multipart/form-data")


def test_a_note_with_a_document_shows_to_staff_and_never_to_the_complainant(client, auth, staff):
    case, code = file_by_api(client, kerahasiaan="biasa")
    auth.login("admin")
    response = _add_note(client, case.id, NOTE, files=[("notulen-telepon.pdf", PDF)])
    assert response.status_code == 303
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Catatan internal" in page and NOTE in page and "notulen-telepon.pdf" in page
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "case.note_added")).one()
    assert event.actor == "admin" and event.data_after == {"text": NOTE, "documents": ["notulen-telepon.pdf"]}
    document = db.session.scalars(db.select(Document).where(Document.kind == "catatan")).one()
    assert document.uploaded_by == "admin"
    auth.logout()

    for where, text in public_views(client, case, code).items():
        assert NOTE not in text and "notulen-telepon" not in text, where
    staff = staff_views(client, auth, "kepala", case)
    assert NOTE in staff[f"/api/v1/cases/{case.id}/events"]
    assert "Catatan internal: " + NOTE in staff[f"/api/v1/cases/{case.id}/pdf"]


def test_identity_in_a_note_is_blanked_for_a_reader_who_may_not_see_it(client, auth, staff):
    case, _ = file_by_api(client, kerahasiaan="rahasia")
    auth.login("admin")  # the admin may see the confidential reporter, and quotes them
    quoted = f"Pelapor {IDENTITY['nama_lengkap']} (NIK {IDENTITY['nik']}) menelepon lagi"
    assert _add_note(client, case.id, quoted).status_code == 303
    assert IDENTITY["nama_lengkap"] in client.get(f"/kasus/{case.id}").get_data(as_text=True)
    auth.logout()

    views = staff_views(client, auth, "kepala", case)
    assert {where: found for where, text in views.items() if (found := leaks(text))} == {}
    assert "Pelapor [Identitas dirahasiakan] (NIK [Identitas dirahasiakan]) menelepon lagi" in views[f"/kasus/{case.id}"]
    assert "menelepon lagi" in views[f"/api/v1/cases/{case.id}/events"]
    assert "menelepon lagi" in views[f"/api/v1/cases/{case.id}/pdf"]


def test_an_empty_note_or_a_file_of_another_type_is_refused_with_its_reason(client, auth, staff):
    case, _ = file_by_api(client, kerahasiaan="biasa")
    auth.login("admin")
    page = client.post(f"/kasus/{case.id}/catatan", data={"catatan": "  "}, follow_redirects=True)
    assert "Tulis catatan atau lampirkan dokumen." in page.get_data(as_text=True)
    page = _add_note(client, case.id, "Lihat lampiran", files=[("program.exe", b"MZ\x90\x00 not a document")])
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "program.exe: hanya PDF, JPG atau PNG yang diterima." in page
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "case.note_added")) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Document).where(Document.kind == "catatan")) == 0


def test_staff_who_may_not_see_the_case_cannot_add_a_note(client, auth, every_staff):
    case, _ = file_by_api(client, kerahasiaan="biasa")
    auth.login("katingan.inspektur")  # another organisation's staff
    assert _add_note(client, case.id, NOTE).status_code == 404
    auth.logout()
    auth.login("unit.dpspk")  # a unit the case has not been routed to
    assert _add_note(client, case.id, NOTE).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "case.note_added")) == 0


def test_the_api_adds_a_note_with_a_document_and_names_what_is_wrong(client, staff):
    from tests.helpers.identity_helpers import bearer

    case, code = file_by_api(client, kerahasiaan="biasa")
    headers = bearer(client, "admin")
    response = client.post(f"/api/v1/cases/{case.id}/notes", headers=headers, content_type="multipart/form-data",
                           data={"text": NOTE, "lampiran": [(io.BytesIO(PDF), "memo.pdf")]})
    assert response.status_code == 201, response.json
    assert response.json["action"] == "case.note_added" and response.json["text"].startswith("Catatan internal: ")
    assert response.json["data_after"]["documents"] == ["memo.pdf"]
    refused = client.post(f"/api/v1/cases/{case.id}/notes", headers=headers, json={"text": "   "})
    assert refused.status_code == 422 and refused.json["errors"] == {"text": "Tulis catatan atau lampirkan dokumen."}
    too_long = client.post(f"/api/v1/cases/{case.id}/notes", headers=headers, json={"text": "x" * 4001})
    assert too_long.status_code == 422 and too_long.json["errors"] == {"text": "Catatan paling panjang 4000 karakter."}
    assert client.post(f"/api/v1/cases/{case.id}/notes", headers=bearer(client, "unit.dpspk"),
                       json={"text": NOTE}).status_code == 404
    for where, text in public_views(client, case, code).items():
        assert NOTE not in text and "memo.pdf" not in text, where

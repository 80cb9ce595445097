"""The complainant's choice at filing: normal, confidential or anonymous, on the web form
and through the API. An anonymous report needs (and keeps) no identity, and is tracked
with its number and access code like any other."""
import re

from app.extensions import db
from app.models import Case, Complaint
from app.services.intake.complaints import find_complaint
from tests.helpers.api import in_english
from tests.helpers.identity_helpers import API, IDENTITY, REPORT, complaint_of


def _filed_cases() -> int:
    return db.session.scalar(db.select(db.func.count(Case.id)))


def test_the_web_form_offers_the_three_levels(client, sop_models):
    page = client.get("/lapor").get_data(as_text=True)
    for level in ("biasa", "rahasia", "anonim"):
        assert f'name="kerahasiaan" type="radio" value="{level}"' in page
    assert re.search(r'<input checked[^>]*value="biasa"', page)  # normal unless chosen otherwise


def test_an_anonymous_web_complaint_needs_no_identity_and_is_tracked_by_its_code(client, sop_models):
    response = client.post("/lapor", data={**REPORT, "kerahasiaan": "anonim"})
    assert response.status_code == 302, response.get_data(as_text=True)
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    complaint = db.session.scalars(db.select(Complaint)).one()
    assert complaint.confidentiality == "anonim" and complaint.nama_lengkap == "" and complaint.nik == ""
    tracking_number = complaint.case.tracking_number
    assert tracking_number in receipt
    code = receipt.split('id="kode-akses">')[1].split("<")[0]
    assert find_complaint(tracking_number=tracking_number, access_code=code).id == complaint.id
    tracked = client.post("/lacak", data={"tracking_number": tracking_number, "access_code": code})
    assert tracked.status_code == 200 and tracking_number in tracked.get_data(as_text=True)


def test_identity_typed_into_an_anonymous_report_is_dropped(client, sop_models):
    response = client.post("/lapor", data={**IDENTITY, **REPORT, "kerahasiaan": "anonim", "nik": "bukan-nik"})
    assert response.status_code == 302  # not validated either: it is not kept
    complaint = db.session.scalars(db.select(Complaint)).one()
    assert [getattr(complaint, field) for field in IDENTITY] == [""] * len(IDENTITY)


def test_a_named_or_confidential_web_complaint_still_needs_the_full_identity(client, sop_models):
    for level in ("biasa", "rahasia"):
        response = client.post("/lapor", data={**REPORT, "kerahasiaan": level, "nama_lengkap": "Wulan"})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "NIK (Nomor Induk Kependudukan)</a>: Wajib diisi." in page
    assert _filed_cases() == 0


def test_an_unknown_level_is_refused_with_its_own_message(client, sop_models):
    response = client.post(f"{API}/complaints", json={**IDENTITY, **REPORT, "kerahasiaan": "publik"})
    assert response.status_code == 422
    assert response.json["errors"] == {"kerahasiaan": "Pilih laporan biasa, rahasia atau anonim."}
    english = in_english(client.post, f"{API}/complaints", headers={},
                         json={**IDENTITY, **REPORT, "kerahasiaan": "publik"})
    assert english.json["errors"]["kerahasiaan"] == "Choose a normal, confidential or anonymous report."
    assert _filed_cases() == 0


def test_the_api_files_anonymous_and_confidential_reports(client, sop_models):
    anonymous = client.post(f"{API}/complaints", json={**REPORT, "kerahasiaan": "anonim"})
    assert anonymous.status_code == 201, anonymous.json
    status = client.get(f"{API}/complaints/{anonymous.json['tracking_number']}",
                        headers={"X-Access-Code": anonymous.json["access_code"]})
    assert status.status_code == 200
    confidential = client.post(f"{API}/complaints", json={**IDENTITY, **REPORT, "kerahasiaan": "rahasia"})
    assert confidential.status_code == 201
    case = db.session.scalars(db.select(Case).where(Case.tracking_number == confidential.json["tracking_number"])).one()
    assert complaint_of(case).confidentiality == "rahasia" and complaint_of(case).nik == IDENTITY["nik"]
    # Without a choice a report is normal, as before.
    normal = client.post(f"{API}/complaints", json={**IDENTITY, **REPORT})
    case = db.session.scalars(db.select(Case).where(Case.tracking_number == normal.json["tracking_number"])).one()
    assert complaint_of(case).confidentiality == "biasa"


def test_the_openapi_document_says_identity_is_required_unless_anonymous(client):
    schema = client.get(f"{API}/openapi.json").json["components"]["schemas"]["ComplaintInput"]
    assert schema["properties"]["kerahasiaan"]["enum"] == ["biasa", "rahasia", "anonim"]
    assert "nik" not in schema["required"] and "nik" in schema["else"]["required"]
    assert schema["if"]["properties"]["kerahasiaan"] == {"const": "anonim"}

"""Bad input answers a clear 4xx, never a 500, on both databases: ids past the database's
integer range, odd page and year numbers, NUL characters and lone surrogates in any text
field, very long and non-Latin attachment names, an unknown `lang`, and a body too large
for the modeler (JSON to a JSON client)."""
import io
from urllib.parse import quote

import pytest

from app.extensions import db
from app.models import Document
from app.services.administration.demo import DEMO_PASSWORD, ORGANISATION
from app.services.organisation.accounts import PROCESS_OWNER_ROLE, SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles
from tests.helpers.api import API, bearer, in_english
from tests.helpers.complaints import COMPLAINANT, PDF, file_complaint

TOO_BIG = 2**31  # one past PostgreSQL's INTEGER


@pytest.fixture
def sysadmin(staff):
    ensure_system_roles()
    return create_user(username="sysadmin", password=DEMO_PASSWORD,
                       roles=[SYSTEM_ADMIN_ROLE, PROCESS_OWNER_ROLE, "Admin Inspektorat"],
                       organisation_code=ORGANISATION)


@pytest.mark.parametrize("path", [
    f"/kasus/{TOO_BIG}", f"/kasus/{TOO_BIG}/pdf", f"/kasus/{{case_id}}/dokumen/{TOO_BIG}", f"/laporan/{TOO_BIG}.pdf",
    "/kasus/5018431020527306932224",
])
def test_a_page_for_an_id_past_the_database_range_is_not_found(client, auth, sysadmin, path):
    case = file_complaint()  # an existing case, so that only the document id is out of range
    auth.login("sysadmin")
    response = client.get(path.format(case_id=case.id))
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [f"/admin/kalender/{TOO_BIG}/hapus", f"/admin/kotak-keluar/{TOO_BIG}/kirim-ulang",
                                  f"/kasus/{TOO_BIG}/tenggat"])
def test_an_action_on_an_id_past_the_database_range_is_not_found(client, auth, sysadmin, path):
    auth.login("sysadmin")
    assert client.post(path).status_code == 404


@pytest.mark.parametrize("path", ["/cases/5018431020527306932224/events", f"/cases/{TOO_BIG}", f"/cases/{TOO_BIG}/pdf"])
def test_the_api_answers_404_json_for_an_id_past_the_database_range(client, staff, path):
    response = client.get(f"{API}{path}", headers=bearer(client, "admin"))
    assert response.status_code == 404 and response.json["message"] == "Alamat tidak ditemukan."


@pytest.mark.parametrize("cursor", ["²", "-1", "abc", "W251bGwsIjIwMjYtMDEtMDEiLDFd", "x" * 400])
def test_a_page_cursor_the_inbox_did_not_make_is_refused(client, staff, cursor):
    response = client.get(f"{API}/tasks?cursor={quote(cursor)}&lang=en", headers=bearer(client, "admin"))
    assert response.status_code == 400
    assert response.json["message"] == "Invalid page marker; start again from the first page."


def test_the_calendar_for_year_zero_says_the_year_is_invalid(client, auth, sysadmin):
    auth.login("sysadmin")
    response = client.get("/admin/kalender?tahun=0")
    assert response.status_code == 200
    assert "Tahun harus antara 2000 dan 2100." in response.get_data(as_text=True)


@pytest.mark.parametrize("bad", ["Pungutan\x00liar", "Pungutan \ud800 liar"])
def test_a_complaint_with_a_nul_or_lone_surrogate_is_refused_naming_the_field(client, sop_models, bad):
    response = client.post(f"{API}/complaints", json={**COMPLAINANT, "judul": bad})
    assert response.status_code == 400
    assert response.json["errors"] == {"judul": response.json["message"]}
    assert "Isian 'judul' berisi karakter yang tidak dapat disimpan" in response.json["message"]
    english = in_english(client.post, f"{API}/complaints", headers={}, json={**COMPLAINANT, "uraian": bad})
    assert english.status_code == 400
    assert english.json["message"].startswith("The field 'uraian' contains a character that cannot be stored")


def test_a_nul_in_a_web_form_or_a_tracking_number_is_refused(client, sop_models):
    response = client.post("/lapor", data={**COMPLAINANT, "judul": "a\x00b"})
    assert response.status_code == 400
    assert "Isian &#39;judul&#39; berisi karakter yang tidak dapat disimpan" in response.get_data(as_text=True)
    tracking = client.get(f"{API}/complaints/DMS%00X", headers={"X-Access-Code": "ABC"})
    assert tracking.status_code == 400 and "tracking_number" in tracking.json["errors"]


def test_a_token_request_with_a_nul_in_the_username_is_refused(client, staff):
    response = client.post(f"{API}/auth/token", json={"username": "admin\x00", "password": DEMO_PASSWORD})
    assert response.status_code == 400 and "username" in response.json["errors"]


def _file_with_attachment(client, filename: str) -> Document:
    response = client.post(f"{API}/complaints", data={**COMPLAINANT, "lampiran": [(io.BytesIO(PDF), filename)]},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return db.session.scalars(db.select(Document)).one()


def test_a_ten_thousand_character_attachment_name_is_kept_short_with_its_extension(client, sop_models):
    document = _file_with_attachment(client, "bukti-" + "x" * 10_000 + ".pdf")
    assert document.filename.startswith("bukti-xxx") and document.filename.endswith(".pdf")
    assert len(document.filename) <= 255


def test_a_cyrillic_attachment_name_keeps_its_letters_and_downloads_under_it(client, auth, sop_models, staff):
    document = _file_with_attachment(client, "док.pdf")
    assert document.filename == "док.pdf"
    auth.login("admin")
    response = client.get(f"/kasus/{document.case_id}/dokumen/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    assert "filename*=UTF-8''%D0%B4%D0%BE%D0%BA.pdf" in response.headers["Content-Disposition"]


def test_an_unknown_lang_is_refused_as_the_document_says(client, staff):
    document = client.get(f"{API}/openapi.json").json
    assert document["paths"]["/tasks"]["get"]["parameters"][-1]["schema"]["enum"] == ["id", "en"]
    response = client.get(f"{API}/tasks?lang=fr", headers=bearer(client, "admin"))
    assert response.status_code == 400 and response.json["message"] == "Parameter 'lang' harus id atau en."


def test_the_reply_endpoints_document_their_400_and_the_required_fields_their_min_length(client, staff):
    document = client.get(f"{API}/openapi.json").json
    for action in ("missing-data", "rating", "objection"):
        responses = document["paths"][f"/complaints/{{tracking_number}}/{action}"]["post"]["responses"]
        assert {"400", "429"} <= set(responses)
    schemas = document["components"]["schemas"]
    assert schemas["ReplyInput"]["properties"]["text"]["minLength"] == 1
    assert all(schemas["ComplaintInput"]["properties"][name]["minLength"] == 1 for name in ("judul", "uraian"))
    assert schemas["TokenRequest"]["properties"]["username"]["minLength"] == 1


def test_a_model_too_large_for_the_modeler_answers_json(app, client, auth, sysadmin):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    auth.login("sysadmin")
    response = client.post("/admin/model/proses/sop_000/terapkan", json={"bpmn_xml": "x" * 20_000},
                           headers={"Accept": "application/json"})
    assert response.status_code == 413 and response.mimetype == "application/json"
    assert response.json["message"].startswith("Berkas yang dikirim terlalu besar.")


def test_a_multipart_part_without_a_name_is_no_server_error(client, sop_models):
    """Found by schemathesis: werkzeug reads a part with no name as a field named None."""
    body = b'--B\r\nContent-Disposition: form-data\r\n\r\nisi\r\n--B--\r\n'
    response = client.post(f"{API}/complaints", data=body, headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert response.status_code == 422 and response.json["errors"]  # the missing fields, named

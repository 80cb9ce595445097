"""What a person sees when something goes wrong, and the API's JSON counterpart."""
from app.extensions import db
from app.models import Case


def test_an_oversized_upload_is_refused_with_a_clear_page_and_nothing_stored(client, sop_models):
    big = b"%PDF-1.4\n" + b"0" * (31 * 1024 * 1024)
    from io import BytesIO

    response = client.post("/lapor", data={"judul": "x", "lampiran": (BytesIO(big), "besar.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "paling besar 5 MB" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_the_api_answers_an_oversized_request_in_json(client, sop_models):
    from io import BytesIO

    big = b"%PDF-1.4\n" + b"0" * (31 * 1024 * 1024)
    response = client.post("/api/v1/complaints", data={"lampiran": (BytesIO(big), "besar.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.get_json() == {"message": "Permintaan terlalu besar."}


def test_an_unknown_page_says_so_in_indonesian(client, app):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    # Werkzeug's Headers match names case-insensitively (iterating them gives pairs).
    assert "Set-Cookie" not in client.get("/api/v1/tidak-ada?lang=en").headers


def test_pages_speak_english_on_request(client, app):
    html = client.get("/tidak-ada?lang=en").get_data(as_text=True)
    assert "Page not found, or you are not allowed to open it." in html
    assert 'lang="en"' in html


def test_home_page_lists_the_deployed_procedures_and_health_answers(client, sop_models):
    html = client.get("/").get_data(as_text=True)
    assert "SOP 000 Pengaduan Masyarakat Inspektorat BSN" in html and 'href="/lapor"' in html
    assert client.get("/health").get_json() == {"status": "ok"}

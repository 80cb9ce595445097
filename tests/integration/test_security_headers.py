"""Security headers on public, staff and API answers, and download names that cannot
blow up a header (issue 12.7)."""
import re
from urllib.parse import unquote

from app.extensions import db
from app.models import Document
from app.services.administration.demo import DEMO_PASSWORD
from app.services.intake.complaints import Upload, submit_complaint
from tests.helpers.complaints import COMPLAINANT, PDF


def _nonce(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'", policy).group(1)


def test_public_pages_carry_the_policy_and_are_never_framed(client):
    first, second = client.get("/"), client.get("/lacak")
    policy = first.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and first.headers["X-Frame-Options"] == "DENY"
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert _nonce(first) != _nonce(second)  # a new nonce for every page
    assert first.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in first.headers  # plain http: no HSTS


def test_hsts_only_when_the_deployment_says_it_is_https(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = client.get("/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_staff_pages_are_not_stored_by_any_cache(client, staff, auth):
    auth.login("admin")
    for path in ("/tugas", "/masuk"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Content-Security-Policy" in response.headers
    stylesheet = client.get("/static/dumas.css")
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_api_answers_are_not_cached_and_not_sniffed(client, staff):
    token = client.post("/api/v1/auth/token", json={"username": "admin", "password": DEMO_PASSWORD}).get_json()["token"]
    response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert client.get("/api/v1/openapi.json").headers["Cache-Control"] == "no-store"


def test_a_ten_thousand_character_file_name_gives_a_short_download_header(app, client, staff, auth):
    long_name = "laporan-" + "a" * 9992 + ".pdf"  # 10,004 characters
    case, _ = submit_complaint(raw=dict(COMPLAINANT), uploads=[Upload(long_name, PDF)])
    document_id = db.session.scalar(db.select(Document.id).where(Document.case_id == case.id))
    auth.login("admin")
    response = client.get(f"/kasus/{case.id}/dokumen/{document_id}")
    assert response.status_code == 200 and response.data == PDF
    header = response.headers["Content-Disposition"]
    assert len(header) < 200
    name = re.search(r'filename="([^"]+)"', header).group(1)
    assert name.startswith("laporan-aaa") and name.endswith(".pdf") and len(name) <= 80


def test_quotes_and_non_latin_names_stay_inside_the_header(app, client, staff, auth):
    case, _ = submit_complaint(raw=dict(COMPLAINANT), uploads=[Upload("bukti.pdf", PDF)])
    document = db.session.scalars(db.select(Document).where(Document.case_id == case.id)).one()
    document.filename = 'surat"; filename=x.html; ' + "ผลการตรวจ" * 20 + ".pdf"  # as an older row may hold
    db.session.commit()
    auth.login("admin")
    header = client.get(f"/kasus/{case.id}/dokumen/{document.id}").headers["Content-Disposition"]
    assert len(header) < 1024
    assert header.count('"') == 2  # the quote in the name cannot end the filename early
    assert "x.html;" not in header
    full = unquote(header.split("filename*=UTF-8''")[1])
    assert full.endswith(".pdf") and "ผลการตรวจ" in full

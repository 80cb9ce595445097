"""Abuse resistance on the public pages and API: every refusal says why and stores
nothing (no case, complaint, document or message)."""
import io
import os
import re
import time

import flask_babel
import pytest

from app import create_app
from app.extensions import db
from app.models import Case, Complaint, Document, Notification
from app.services.intake.spam_checks import started_token
from tests.helpers.complaints import COMPLAINANT, PDF

API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def _counts() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(m)) for m in (Case, Complaint, Document, Notification))


def _in_english(send, *args, **kwargs):
    """The test holds one app context that its requests share, and Flask-Babel caches
    the locale on it: forget it around a request in English, as a fresh request would."""
    flask_babel.refresh()
    try:
        return send(*args, **kwargs)
    finally:
        flask_babel.refresh()


def _form(**changes) -> dict:
    return {**COMPLAINANT, "instansi": "bsn", **changes}


def test_filing_is_limited_per_address_and_the_refusal_stores_nothing(app, client, staff):
    app.config["DUMAS_RATE_LIMITS"] = "complaint=2/3600"
    assert client.post("/lapor", data=_form()).status_code == 302
    assert client.post("/lapor", data=_form()).status_code == 302
    stored = _counts()
    response = client.post("/lapor", data=_form(judul="Yang ketiga"))
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 3600  # the rest of the hour's window
    minutes = -(-retry_after // 60)
    assert f"Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam {minutes} menit." in response.get_data(as_text=True)
    assert _counts() == stored
    # The API shares the scope: the same address is refused there too, in JSON.
    refused = client.post(f"{API}/complaints", json=COMPLAINANT)
    assert refused.status_code == 429 and refused.json["message"].startswith("Terlalu banyak permintaan")
    english = _in_english(client.post, "/lapor?lang=en", data=_form()).get_data(as_text=True)
    assert re.search(r"Too many requests from your address\. Please try again in \d+ minute\(s\)\.", english)
    assert client.get("/lapor").status_code == 200  # reading the form is not limited
    assert _counts() == stored


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(app, client, staff):
    app.config["DUMAS_RATE_LIMITS"] = "track=1/600"
    lookup = {"tracking_number": "DUMAS-2026-000001", "access_code": "ABCDEFGHJK"}
    assert client.post("/lacak", data=lookup).status_code == 401
    response = client.post("/lacak", data=lookup, headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_count(app, client, staff):
    app.config.update(DUMAS_RATE_LIMITS="track=1/600", DUMAS_TRUSTED_PROXIES=1)
    lookup = {"tracking_number": "DUMAS-2026-000001", "access_code": "ABCDEFGHJK"}

    def from_client(address):
        # The client may put anything left of what our proxy appended.
        return client.post("/lacak", data=lookup, headers={"X-Forwarded-For": f"10.9.9.9, {address}"}).status_code

    assert from_client("198.51.100.1") == 401
    assert from_client("198.51.100.2") == 401
    assert from_client("198.51.100.1") == 429
    assert from_client("2001:db8:1:2::1") == 401
    assert from_client("2001:db8:1:2::ffff") == 429  # the same /64


def test_guessing_access_codes_over_the_api_is_limited(app, client, staff):
    app.config["DUMAS_RATE_LIMITS"] = "track=3/600"
    created = client.post(f"{API}/complaints", json=COMPLAINANT).json
    number = created["tracking_number"]
    for _ in range(2):
        assert client.get(f"{API}/complaints/{number}", headers={"X-Access-Code": "WRONGCODE2"}).status_code == 404
    assert client.get(f"{API}/complaints/{number}", headers={"X-Access-Code": created["access_code"]}).status_code == 200
    refused = client.get(f"{API}/complaints/{number}", headers={"X-Access-Code": created["access_code"]})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert re.fullmatch(r"Terlalu banyak permintaan dari alamat Anda\. Coba lagi dalam \d+ menit\.", refused.json["message"])


def test_gunicorn_workers_share_the_count_through_the_database(app, database_url, staff):
    """Two application instances (two workers) on one database count together."""
    app.config["DUMAS_RATE_LIMITS"] = "track=2/600"
    other = create_app({**app.config, "DUMAS_RATE_LIMITS": "track=2/600"})
    lookup = {"tracking_number": "DUMAS-2026-000001", "access_code": "ABCDEFGHJK"}
    assert app.test_client().post("/lacak", data=lookup).status_code == 401
    assert other.test_client().post("/lacak", data=lookup).status_code == 401
    assert app.test_client().post("/lacak", data=lookup).status_code == 429
    with other.app_context():
        db.engine.dispose()


def test_with_redis_the_count_lives_in_redis(app, staff):
    import redis

    url = os.environ.get("DUMAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    app.config.update(REDIS_URL=url, DUMAS_RATE_LIMITS="track=1/600")
    client = redis.Redis.from_url(url)
    try:
        lookup = {"tracking_number": "DUMAS-2026-000001", "access_code": "ABCDEFGHJK"}
        assert app.test_client().post("/lacak", data=lookup).status_code == 401
        assert app.test_client().post("/lacak", data=lookup).status_code == 429
        keys = client.keys("dumas:rl:*:track:127.0.0.1:*")
        assert len(keys) == 1 and int(client.get(keys[0])) == 2
        assert db.session.scalar(db.text("SELECT count(*) FROM rate_limit_counters")) == 0
    finally:
        for key in client.keys("dumas:rl:*:track:127.0.0.1:*"):
            client.delete(key)


def test_the_honeypot_field_refuses_a_bot(client, staff):
    response = client.post("/lapor", data=_form(situs_web="http://spam.example"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Laporan ditolak karena terdeteksi sebagai kiriman otomatis." in html
    assert "Laporan Anda belum terkirim." in html
    assert _counts() == (0, 0, 0, 0)


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused(app, client, staff):
    app.config["DUMAS_MIN_FILL_SECONDS"] = 3
    page = client.get("/lapor").get_data(as_text=True)
    assert 'name="situs_web"' in page
    token = re.search(r'name="formulir_dibuka" value="([^"]+)"', page).group(1)
    too_fast = client.post("/lapor", data=_form(formulir_dibuka=token))
    assert too_fast.status_code == 400 and "Formulir dikirim terlalu cepat" in too_fast.get_data(as_text=True)
    assert client.post("/lapor", data=_form()).status_code == 400  # no opening time at all
    forged = started_token(secret_key="not-ours", now=time.time() - 60)
    assert client.post("/lapor", data=_form(formulir_dibuka=forged)).status_code == 400
    kept_for_days = started_token(secret_key=app.config["SECRET_KEY"], now=time.time() - 3 * 86400)
    assert client.post("/lapor", data=_form(formulir_dibuka=kept_for_days)).status_code == 400
    assert _counts() == (0, 0, 0, 0)
    opened_a_minute_ago = started_token(secret_key=app.config["SECRET_KEY"], now=time.time() - 60)
    assert client.post("/lapor", data=_form(formulir_dibuka=opened_a_minute_ago)).status_code == 302
    assert _counts()[:2] == (1, 1)


@pytest.mark.parametrize("uraian, reason", [
    (" ".join(f"https://obat{i}.example" for i in range(4)), "terlalu banyak tautan (paling banyak 3)"),
    ("Beli murah [url=http://x.example]di sini[/url]", "kode tautan ([url] atau &lt;a href&gt;) tidak diterima"),
    ("Tolong!!!" + "!" * 40, "satu karakter diulang terlalu panjang"),
    (" ".join(["promo"] * 30) + " hari ini", "satu kata diulang-ulang"),
])
def test_spam_like_content_is_refused_with_its_reason(client, staff, uraian, reason):
    response = client.post("/lapor", data=_form(uraian=uraian))
    assert response.status_code == 400
    assert f"Laporan ditolak: {reason}" in response.get_data(as_text=True)
    api = _in_english(client.post, f"{API}/complaints?lang=en", json={**COMPLAINANT, "uraian": uraian})
    assert api.status_code == 400 and api.json["message"].startswith("Refused:")
    assert _counts() == (0, 0, 0, 0)


def test_a_real_complaint_with_a_link_and_numbers_goes_through(client, staff):
    uraian = ("Pada 3 Maret pukul 10.15 petugas loket 2 meminta Rp 150.000 tanpa kuitansi. Bukti rekaman ada di "
              "https://drive.example/rekaman; nomor antrean saya A-017, A-018 dan A-019 untuk tiga berkas.\n"
              + "=" * 40 + "\nKutipan pesan petugas:" + " " * 40 + "\"bayar dulu baru diproses\"")
    assert client.post("/lapor", data=_form(uraian=uraian)).status_code == 302
    assert _counts()[:2] == (1, 1)


def test_an_upload_whose_name_does_not_match_its_content_is_refused(client, staff):
    data = _form(lampiran=[(io.BytesIO(PDF), "bukti.pdf"), (io.BytesIO(PDF), "faktur.exe")])
    response = client.post("/lapor", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "faktur.exe: nama berkas harus sesuai isinya (.pdf)." in response.get_data(as_text=True)
    api = client.post(f"{API}/complaints", data={**COMPLAINANT, "lampiran": (io.BytesIO(PDF), "laporan.html")},
                      content_type="multipart/form-data")
    assert api.status_code == 400 and api.json["message"].startswith("laporan.html: nama berkas harus sesuai isinya")
    assert _counts() == (0, 0, 0, 0)
    # Content checked by its first bytes: a renamed executable is refused by type.
    fake = client.post(f"{API}/complaints", data={**COMPLAINANT, "lampiran": (io.BytesIO(b"MZ\x90\x00"), "bukti.pdf")},
                       content_type="multipart/form-data")
    assert fake.status_code == 422 and _counts() == (0, 0, 0, 0)
    pdf_as_picture = client.post("/lapor", data=_form(lampiran=[(io.BytesIO(PDF), "foto.png")]),
                                 content_type="multipart/form-data")
    assert "foto.png: nama berkas harus sesuai isinya (.pdf)." in pdf_as_picture.get_data(as_text=True)
    assert _counts() == (0, 0, 0, 0)
    # A picture named as another kind of picture (a renamed screenshot) is let through.
    ok = client.post("/lapor", data=_form(lampiran=[(io.BytesIO(PDF), "BUKTI.PDF"), (io.BytesIO(PNG), "layar.jpg")]),
                     content_type="multipart/form-data")
    assert ok.status_code == 302 and _counts()[:3] == (1, 1, 2)
    assert {d.content_type for d in db.session.scalars(db.select(Document))} == {"application/pdf", "image/png"}

"""Bounded work for unauthenticated requests (issue 12.1) and limits that fit shared
mobile addresses, with a refused citizen keeping what they typed (issue 11.4)."""
import html
import io
import json
import re
import time

import flask_babel
import pytest

from app import clock, create_app
from app.extensions import db
from app.models import Case, Complaint, RateLimitCounter
from app.services.intake.spam_checks import started_token
from tests.helpers.complaints import COMPLAINANT, PDF

API = "/api/v1"
ONE_MB = 1024 * 1024


def _form(**changes) -> dict:
    return {**COMPLAINANT, "instansi": "bsn", **changes}


def _citizen(n: int) -> dict:
    """A different person each time: NIK, email and phone of their own."""
    return _form(nik=f"32730112048500{n:02d}", email=f"warga{n}@example.id", no_hp=f"+62813111122{n:02d}",
                 judul=f"Laporan warga {n}")


def _cases() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(Case))


def _value(page: str, name: str) -> str | None:
    """What a re-shown form holds in field `name` (input value or textarea text)."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>\s*(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1)) if found else None


# --- Issue 12.1: bounded work ------------------------------------------------------------

def test_a_one_megabyte_body_is_refused_by_its_size_before_anything_is_read(client, staff):
    text = " ".join(f"kata{i}" for i in range(150_000))[:ONE_MB]
    for path in (f"{API}/complaints/DUMAS-2026-999999/objection", f"{API}/complaints",
                 f"{API}/complaints/DUMAS-2026-999999/rating"):
        response = client.post(path, data=json.dumps({"text": text, "uraian": text}), content_type="application/json")
        assert response.status_code == 413, path
        assert response.json["message"] == ("Kiriman terlalu besar (paling besar 256 KB). "
                                             "Persingkat isian atau kurangi lampiran.")
    web = client.post("/lacak", data={"tracking_number": "X", "access_code": text})
    assert web.status_code == 413 and "Kiriman terlalu besar (paling besar 256 KB)" in web.get_data(as_text=True)
    flask_babel.refresh()  # the test's app context caches the locale; a new request would not
    english = client.post(f"{API}/complaints?lang=en", data=json.dumps({"uraian": text}), content_type="application/json")
    flask_babel.refresh()
    assert english.json["message"] == ("The submission is too large (at most 256 KB). "
                                       "Shorten the text or send fewer files.")
    assert _cases() == 0


def test_the_size_is_refused_before_the_csrf_check_reads_the_body(app, staff):
    guarded = create_app({**app.config, "WTF_CSRF_ENABLED": True})
    body = {"tracking_number": "X", "access_code": "A" * ONE_MB}
    for path in ("/lacak", "/lapor"):
        response = guarded.test_client().post(path, data=body)
        assert response.status_code == 413, path
        assert "Kiriman terlalu besar (paling besar 256 KB)" in response.get_data(as_text=True)
    with guarded.app_context():
        db.engine.dispose()


def test_routes_that_take_files_keep_their_upload_limit(client, staff):
    """A 1 MB attachment is an ordinary photo: a filing with it still goes through."""
    photo = PDF + b"0" * ONE_MB
    response = client.post("/lapor", data=_form(lampiran=[(io.BytesIO(photo), "bukti.pdf")]),
                           content_type="multipart/form-data")
    assert response.status_code == 302 and _cases() == 1
    api = client.post(f"{API}/complaints", data={**COMPLAINANT, "lampiran": (io.BytesIO(photo), "bukti.pdf")},
                      content_type="multipart/form-data")
    assert api.status_code == 201 and _cases() == 2


def test_an_unknown_case_is_answered_before_the_content_is_checked(client, staff):
    spam = " ".join(f"https://obat{i}.example" for i in range(10))
    response = client.post(f"{API}/complaints/DUMAS-2026-999999/objection", json={"text": spam},
                           headers={"X-Access-Code": "ABCDEFGHJK"})
    assert response.status_code == 404
    assert response.json["message"] == "Nomor pelacakan atau kode akses tidak cocok."


def test_text_past_its_documented_length_is_not_examined_but_refused_beside_its_field(client, staff):
    """The spam check reads the first 10,000 characters of the account (its documented
    length); the rest is never examined: the filing is refused for its length."""
    uraian = "Petugas loket meminta uang tambahan tanpa kuitansi. " * 190 + "promo " * 30_000
    response = client.post("/lapor", data=_form(uraian=uraian))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Terlalu panjang (maksimal 10000 karakter)." in page
    assert "satu kata diulang-ulang" not in page
    api = client.post(f"{API}/complaints", json={**COMPLAINANT, "uraian": uraian})
    assert api.status_code == 422 and api.json["errors"]["uraian"] == "Terlalu panjang (maksimal 10000 karakter)."
    assert _cases() == 0


# --- Issue 11.4: a citizen never loses what they typed ---------------------------------------

def test_a_rate_limited_citizen_gets_the_form_back_with_everything_typed(app, client, staff):
    app.config["DUMAS_RATE_LIMITS"] = "complaint.device=1/3600"
    client.get("/lapor")  # the device cookie
    assert client.post("/lapor", data=_citizen(1)).status_code == 302
    typed = _citizen(2) | {"uraian": "Di kantor kelurahan <b>antrean</b> dijual Rp 50.000 per nomor.",
                           "kerahasiaan": "rahasia", "tanggal_kejadian": "2026-03-02"}
    response = client.post("/lapor", data=typed)
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 3600
    page = response.get_data(as_text=True)
    assert "Laporan Anda belum terkirim." in page
    assert re.search(r"Terlalu banyak kiriman dari perangkat ini\. Coba lagi dalam \d+ menit\.", page)
    assert "Isian Anda tetap ada di formulir ini." in page
    for name in ("nama_lengkap", "nik", "email", "no_hp", "alamat", "judul", "uraian", "lokasi_kejadian",
                 "terlapor", "tanggal_kejadian"):
        assert _value(page, name) == typed[name], name
    assert re.search(r'value="rahasia"[^>]*checked|checked[^>]*value="rahasia"', page)
    assert _cases() == 1


def test_the_re_shown_form_keeps_its_opening_time_so_a_quick_correction_is_not_too_fast(app, client, staff):
    app.config["DUMAS_MIN_FILL_SECONDS"] = 3
    opened = started_token(secret_key=app.config["SECRET_KEY"], now=time.time() - 60)
    first = client.post("/lapor", data=_form(nik="12345", formulir_dibuka=opened))
    assert first.status_code == 400 and "NIK harus 16 digit angka." in first.get_data(as_text=True)
    kept = _value(first.get_data(as_text=True), "formulir_dibuka")
    assert kept == opened
    # Corrected at once (well under 3 s after the error): a person, not a bot.
    corrected = client.post("/lapor", data=_form(formulir_dibuka=kept))
    assert corrected.status_code == 302 and _cases() == 1


def test_a_form_sent_too_fast_comes_back_filled_in_and_goes_through_when_sent_again(app, client, staff, monkeypatch):
    app.config["DUMAS_MIN_FILL_SECONDS"] = 5
    moment = [time.time()]  # the clock is the one thing faked: a loaded machine cannot make the post slow
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    token = re.search(r'name="formulir_dibuka" value="([^"]+)"', client.get("/lapor").get_data(as_text=True)).group(1)
    too_fast = client.post("/lapor", data=_form(formulir_dibuka=token, judul="Jalan rusak di RT 04"))
    page = too_fast.get_data(as_text=True)
    assert too_fast.status_code == 400
    assert "Formulir dikirim terlalu cepat. Isian Anda masih ada di formulir ini: periksa, lalu kirim sekali lagi." in page
    assert _value(page, "judul") == "Jalan rusak di RT 04" and _value(page, "formulir_dibuka") == token
    moment[0] += 6
    assert client.post("/lapor", data=_form(formulir_dibuka=token)).status_code == 302


def test_many_citizens_behind_one_address_each_file_their_complaint(app, staff):
    """Carrier-grade NAT: fifteen phones on one address (more than the old 10/hour)."""
    for n in range(15):
        phone = app.test_client()
        phone.get("/lapor")
        assert phone.post("/lapor", data=_citizen(n)).status_code == 302, n
    assert _cases() == 15


def test_one_device_is_limited_strictly_and_another_on_the_same_address_is_not(app, staff):
    app.config["DUMAS_RATE_LIMITS"] = "complaint.device=2/3600"
    kiosk, neighbour = app.test_client(), app.test_client()
    kiosk.get("/lapor")
    neighbour.get("/lapor")
    assert [kiosk.post("/lapor", data=_citizen(n)).status_code for n in range(3)] == [302, 302, 429]
    assert neighbour.post("/lapor", data=_citizen(7)).status_code == 302


def test_one_identity_is_limited_across_devices_and_stored_only_hashed(app, staff):
    app.config["DUMAS_RATE_LIMITS"] = "complaint.identity=2/86400"
    same_person = _citizen(1)
    for _ in range(2):
        device = app.test_client()
        assert device.post("/lapor", data=same_person).status_code == 302
    # Another device, the NIK typed with spaces: the same person.
    refused = app.test_client().post("/lapor", data=same_person | {"nik": "3273 0112 0485 0001"})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    # The day's window ends at midnight UTC: in its last 90 minutes the wait is said in minutes.
    assert re.search(r"Terlalu banyak laporan dengan NIK, email atau nomor HP ini\. Coba lagi dalam \d+ (jam|menit)\.", page)
    api = app.test_client().post(f"{API}/complaints", json={**COMPLAINANT, "email": same_person["email"]})
    assert api.status_code == 429
    assert app.test_client().post("/lapor", data=_citizen(2)).status_code == 302  # someone else
    keys = " ".join(db.session.scalars(db.select(RateLimitCounter.key)))
    assert ".identity:" in keys
    for plain in (same_person["nik"], same_person["email"], "6281311112201", same_person["no_hp"]):
        assert plain not in keys
    assert db.session.scalar(db.select(db.func.count()).select_from(Complaint)) == 3


@pytest.mark.parametrize("limits, expected", [
    ("complaint=5/3600", r"Banyak laporan baru saja dikirim dari jaringan internet Anda: masih dapat dikirim 2 laporan"
                         r" dalam \d+ menit ke depan\."),
    ("complaint=3/3600", r"Pengiriman laporan dari jaringan internet Anda sedang dibatasi selama \d+ menit lagi"),
    ("complaint.device=4/3600", r"Dari perangkat ini masih dapat dikirim 1 laporan dalam \d+ menit ke depan\."),
])
def test_the_form_says_before_typing_that_a_limit_is_near(app, client, staff, limits, expected):
    assert "batas-" not in client.get("/lapor").get_data(as_text=True)
    app.config["DUMAS_RATE_LIMITS"] = limits
    for n in range(3):
        assert client.post("/lapor", data=_citizen(n)).status_code == 302
    page = client.get("/lapor").get_data(as_text=True)
    assert re.search(expected, page), page[:3000]
    assert "Jika laporan Anda ditolak karena batas ini, isian Anda tetap ada di formulir." in page


def test_a_refused_objection_comes_back_in_its_form_on_the_tracking_page(app, client, sop_models):
    from tests.helpers.tracking import _answered, _file, _page

    number, code = _file(client)
    _answered(number)
    _page(client, number, code)
    app.config["DUMAS_RATE_LIMITS"] = "public=0/600"
    reason = "Uang pungutan belum dikembalikan sampai hari ini."
    response = client.post("/lacak/pengaduan/keberatan", data={"alasan": reason})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert re.search(r"Terlalu banyak permintaan dari alamat Anda\. Coba lagi dalam \d+ menit\.", page)
    assert _value(page, "alasan") == reason and number in page

"""The citizen's side, through the web pages: file a complaint, get the receipt once,
track the case without seeing anything internal."""
import hashlib
import io
import re
import struct
import zlib

import pytest

from app.extensions import db
from app.models import Case, Complaint, Document
from app.services.casework.cases import complete_task
from app.services.intake.complaints import MAX_FILE_BYTES, MAX_FILES
from app.services.intake.tracking import public_status, public_timeline

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1 pixel, 8-bit greyscale
    pixels = zlib.compress(b"\x00\x7f")  # filter byte "none", one grey pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = _png_1x1()
FORM = {
    "nama_lengkap": "Siti Rahmawati",
    "nik": "3372014506880002",
    "email": "siti.rahma@contoh.id",
    "no_hp": "0812 3456 7890",
    "pekerjaan": "Pedagang",
    "alamat": "Jl. Slamet Riyadi 12, Surakarta",
    "jenis": "aspirasi",
    "judul": "Biaya sertifikasi tidak resmi",
    "uraian": "Saya diminta membayar biaya tambahan tanpa kuitansi di loket.",
    "lokasi_kejadian": "Loket pelayanan lantai 2",
    "tanggal_kejadian": "2024-11-05",
    "terlapor": "Petugas loket pagi",
}
VERIFIED = {"lengkap": True, "lokasi_kasus": "Kabupaten Sukoharjo"}


def _file(name: str, content: bytes, mimetype: str = "application/octet-stream"):
    return (io.BytesIO(content), name, mimetype)


def _submit(client, files=(), url="/lapor", **changes):
    data = {**FORM, **changes, "lampiran": [_file(*f) for f in files]}
    return client.post(url, data=data, content_type="multipart/form-data")


def _counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(m)) for m in (Case, Complaint, Document))


def _receipt(html: str) -> tuple[str, str]:
    number = re.search(r'id="nomor-pelacakan">([^<]+)<', html).group(1)
    code = re.search(r'id="kode-akses">([^<]+)<', html).group(1)
    return number, code


def _input_value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return value.group(1) if value else None


def _file_complaint(client) -> tuple[str, str]:
    response = _submit(client, files=[("bukti.pdf", PDF, "application/pdf"), ("foto.png", PNG, "image/png")])
    assert response.status_code == 302
    return _receipt(client.get(response.headers["Location"]).get_data(as_text=True))


def test_a_valid_complaint_becomes_a_case_and_its_receipt_is_shown_once(client, sop_models):
    response = _submit(client, files=[("bukti.pdf", PDF, "application/pdf"), ("foto.png", PNG, "image/png")])
    assert response.status_code == 302

    receipt = client.get(response.headers["Location"])
    html = receipt.get_data(as_text=True)
    assert receipt.headers["Cache-Control"] == "no-store"
    number, code = _receipt(html)
    assert re.fullmatch(r"DUMAS-\d{4}-\d{6}", number)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{10}", code)
    assert f'href="/lacak?nomor={number}"' in html

    case = db.session.scalars(db.select(Case).where(Case.tracking_number == number)).one()
    assert [task.element_id for task in case.tasks] == ["tugas_verifikasi"]
    complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).one()
    assert (complaint.nik, complaint.no_hp, complaint.judul) == (FORM["nik"], "081234567890", FORM["judul"])
    assert code not in complaint.access_code_hash
    documents = db.session.scalars(db.select(Document).where(Document.case_id == case.id)).all()
    assert {(d.filename, d.content_type, d.sha256) for d in documents} == {
        ("bukti.pdf", "application/pdf", hashlib.sha256(PDF).hexdigest()),
        ("foto.png", "image/png", hashlib.sha256(PNG).hexdigest()),
    }

    again = client.get("/lapor/terkirim").get_data(as_text=True)
    assert code not in again and number not in again
    assert "hanya ditampilkan satu kali" in again


BAD_SUBMISSIONS = {
    "nik_15_digits": ({"nik": "337201450688000"}, [], "nik", "NIK harus 16 digit angka."),
    "bad_phone": ({"no_hp": "12-34"}, [], "no_hp", "Nomor HP tidak valid"),
    "bad_email": ({"email": "siti.rahma@"}, [], "email", "Alamat email tidak valid."),
    "empty_title": ({"judul": "  "}, [], "judul", "Wajib diisi."),
    "text_posing_as_pdf": ({}, [("bukti.pdf", b"just some text, not a PDF", "application/pdf")], "lampiran",
                           "bukti.pdf: hanya PDF, JPG atau PNG yang diterima."),
    "too_many_files": ({}, [(f"foto{i}.png", PNG, "image/png") for i in range(MAX_FILES + 1)], "lampiran",
                       f"Maksimal {MAX_FILES} berkas."),
    "oversize_file": ({}, [("besar.pdf", b"%PDF-1.4\n" + b"0" * MAX_FILE_BYTES, "application/pdf")], "lampiran",
                      "besar.pdf: ukuran maksimal 5 MB."),
}


@pytest.mark.parametrize("changes, files, field, message", BAD_SUBMISSIONS.values(), ids=BAD_SUBMISSIONS.keys())
def test_a_bad_field_is_named_beside_it_and_nothing_is_stored(client, sop_models, changes, files, field, message):
    response = _submit(client, files=files, **changes)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'<span class="error" id="{field}-error">{re.escape(message)}', html)
    assert html.count('<span class="error"') == 1, "only the bad field has a message"
    typed = {**FORM, **changes}
    for name in ("nama_lengkap", "nik", "email", "no_hp", "pekerjaan", "judul", "lokasi_kejadian", "tanggal_kejadian", "terlapor"):
        assert _input_value(html, name) == typed[name], name
    assert FORM["uraian"] in html and FORM["alamat"] in html
    assert '<input checked id="jenis-1" name="jenis" type="radio" value="aspirasi">' in html
    assert "pilih kembali berkas Anda" in html
    assert _counts() == (0, 0, 0)


def test_messages_follow_the_language_chosen_with_lang_en(client, sop_models):
    assert client.get("/lapor?lang=en").status_code == 200

    html = _submit(client, nik="12345", email="not-an-email").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<span class="error" id="nik-error">The NIK must be 16 digits.</span>' in html
    assert '<span class="error" id="email-error">Not a valid email address.</span>' in html
    assert "NIK harus 16 digit" not in html
    assert _counts() == (0, 0, 0)


def test_tracking_shows_status_and_timeline_but_nothing_internal(client, sop_models):
    number, code = _file_complaint(client)

    first = client.post("/lacak", data={"tracking_number": number, "access_code": code})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert '<p class="status-now">Verifikasi kelengkapan</p>' in html

    case = db.session.scalars(db.select(Case).where(Case.tracking_number == number)).one()
    complete_task(task_id=case.tasks[0].engine_task_id, data=VERIFIED, actor="admin")

    # Typed the way people do: lower case, stray spaces.
    html = client.post("/lacak", data={"tracking_number": f" {number.lower()} ", "access_code": code.lower()}).get_data(as_text=True)
    assert '<p class="status-now">Penelaahan</p>' in html
    labels = re.findall(r"</time> ([^<]+)</li>", html)
    assert labels == ["Pengaduan diterima", "Verifikasi kelengkapan", "Lampiran diterima: 2 berkas", "Penelaahan"]
    for private in (FORM["nama_lengkap"], FORM["nik"], FORM["email"], "081234567890", FORM["alamat"],
                    FORM["uraian"], FORM["terlapor"], VERIFIED["lokasi_kasus"], "bukti.pdf", "tugas_verifikasi"):
        assert private not in html, private
    assert "admin" not in html.lower()


@pytest.mark.parametrize("which", ["wrong_code", "unknown_number"])
def test_a_wrong_number_or_code_gets_one_generic_message(client, sop_models, which):
    number, code = _file_complaint(client)
    attempt = {"wrong_code": (number, "ABCDEFGHJK"), "unknown_number": ("DUMAS-2020-999999", code)}[which]

    response = client.post("/lacak", data={"tracking_number": attempt[0], "access_code": attempt[1]})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Nomor pelacakan atau kode akses salah." in html
    assert "status-now" not in html and "Verifikasi kelengkapan" not in html
    assert _input_value(html, "access_code") == "", "a wrong code is not echoed back"


def test_the_tracking_form_is_prefilled_from_the_receipt_link(client):
    html = client.get("/lacak?nomor=DUMAS-2025-000042").get_data(as_text=True)
    assert 'value="DUMAS-2025-000042"' in html
    assert "salah" not in html


def test_service_view_of_status_and_timeline_for_the_api(client, sop_models):
    number, _ = _file_complaint(client)
    case = db.session.scalars(db.select(Case).where(Case.tracking_number == number)).one()

    assert public_status(case=case, lang="en") == {
        "tracking_number": number, "status": "verifikasi", "status_label": "Checking completeness", "closed": False,
    }
    timeline = public_timeline(case=case, lang="en")
    assert [(e["event"], e["label"]) for e in timeline] == [
        ("received", "Complaint received"),
        ("status:verifikasi", "Checking completeness"),
        ("attachments_received", "Attachments received: 2 file(s)"),
    ]
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*\+00:00$", e["at"]) for e in timeline)


def test_an_expired_form_token_gives_the_form_back_as_typed(app, client, sop_models):
    app.config["WTF_CSRF_ENABLED"] = True

    response = _submit(client, files=[("bukti.pdf", PDF, "application/pdf")])
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in html
    assert f'value="{FORM["nama_lengkap"]}"' in html and FORM["uraian"] in html
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]+"', html)
    assert _counts() == (0, 0, 0)


def test_without_a_deployed_sop_the_form_says_so_and_keeps_the_text(app, client):
    response = _submit(client)

    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "belum dapat menerima laporan" in html
    assert _input_value(html, "judul") == FORM["judul"]
    with app.app_context():
        assert _counts() == (0, 0, 0)

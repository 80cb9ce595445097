"""A citizen over the device's filing limit is told before typing, and a refused filing
comes back in the browser with everything they typed (issue 11.4)."""
import pytest

from tests.helpers.complaints import COMPLAINANT

SECOND = {**COMPLAINANT, "nik": "3273011204850077", "email": "sari@example.id", "no_hp": "+6281399990000",
          "nama_lengkap": "Sari Wulandari", "judul": "Jembatan desa rusak",
          "uraian": "Jembatan di Dusun II patah sejak banjir bulan lalu; anak-anak menyeberang sungai untuk sekolah."}


@pytest.fixture
def limited_server(app, request):
    app.config["DUMAS_RATE_LIMITS"] = "complaint.device=1/3600"
    return request.getfixturevalue("live_server")  # created from the config above


def _fill(page, data):
    for name in ("nama_lengkap", "nik", "email", "no_hp", "pekerjaan", "judul", "lokasi_kejadian", "terlapor"):
        page.fill(f"[name={name}]", data[name])
    page.fill("[name=alamat]", data["alamat"])
    page.fill("[name=uraian]", data["uraian"])


def test_a_rate_limited_citizen_gets_their_typed_complaint_back(limited_server, page, staff, screenshot):
    base = limited_server
    page.goto(f"{base}/lapor")
    _fill(page, COMPLAINANT)
    page.click("button[type=submit]")
    assert "DUMAS-" in page.inner_text("main")  # the first one is filed

    page.goto(f"{base}/lapor")
    notice = page.inner_text("#batas-device")
    assert "Pengiriman laporan dari perangkat ini sedang dibatasi selama" in notice
    assert "isian Anda tetap ada di formulir" in notice
    _fill(page, SECOND)
    page.check("[name=kerahasiaan][value=rahasia]")
    screenshot("typed-while-limited")
    page.click("button[type=submit]")

    summary = page.inner_text("#ringkasan-kesalahan")
    assert "Laporan Anda belum terkirim." in summary
    assert "Terlalu banyak kiriman dari perangkat ini. Coba lagi dalam" in summary
    assert "Isian Anda tetap ada di formulir ini." in summary
    for name in ("nama_lengkap", "nik", "email", "no_hp", "judul", "uraian", "alamat", "lokasi_kejadian"):
        assert page.input_value(f"[name={name}]") == SECOND[name], name
    assert page.is_checked("[name=kerahasiaan][value=rahasia]")
    screenshot("refused-with-text-kept")

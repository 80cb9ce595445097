"""An officer of DPMDPPKB enters a complaint that came by letter (SOP 002 step n) in a real
browser, hands the tracking number and access code to the complainant, who tracks it."""
import re

from tests.helpers.complaints import PDF
from tests.helpers.identity_helpers import IDENTITY, REPORT

OFFICER = "dpmdppkb.pejabat-pengelola-pengaduan"


def test_an_officer_enters_a_letter_complaint(page, live_server, every_staff, screenshot):
    base = live_server
    page.goto(f"{base}/masuk")
    page.fill("input[name=username]", OFFICER)
    page.fill("input[name=password]", "dumas-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/tugas")
    page.click("header a:has-text('Pengaduan luring')")
    page.wait_for_url(f"{base}/pengaduan-luring")

    # Choosing "anonim" hides the identity fields; back to "biasa" shows them again.
    page.check("[name=kerahasiaan][value=anonim]")
    assert not page.is_visible("[name=nama_lengkap]")
    page.check("[name=kerahasiaan][value=biasa]")
    assert page.is_visible("[name=nama_lengkap]")

    page.check("[name=kanal][value=surat]")
    page.set_input_files("input[name=surat]",
                         files=[{"name": "surat-pengaduan.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.fill("[name=nama_lengkap]", IDENTITY["nama_lengkap"])
    page.fill("[name=alamat]", IDENTITY["alamat"])
    page.check("[name=jenis][value=pengaduan]")
    page.fill("[name=judul]", REPORT["judul"])
    page.fill("[name=uraian]", REPORT["uraian"])
    screenshot("letter-filled")
    page.click("button:has-text('Catat pengaduan')")
    page.wait_for_url(f"{base}/pengaduan-luring/tercatat")
    tracking_number = page.inner_text("#nomor-pelacakan").strip()
    access_code = page.inner_text("#kode-akses").strip()
    assert re.fullmatch(r"DUMAS-\d{4}-\d{6}", tracking_number)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", access_code)
    screenshot("receipt")

    page.click("a:has-text('Halaman kasus')")
    main = page.inner_text("main")
    assert tracking_number in main and "surat-pengaduan.pdf" in main and "Surat pengaduan" in main
    assert IDENTITY["nama_lengkap"] in main
    screenshot("case-page")
    page.click("header button:has-text('Keluar')")

    # The complainant, with what the officer handed over.
    page.goto(f"{base}/lacak")
    page.fill("[name=tracking_number]", tracking_number)
    page.fill("[name=access_code]", access_code)
    page.click("button[type=submit]")
    assert tracking_number in page.inner_text("main")
    assert IDENTITY["nama_lengkap"] not in page.inner_text("main")
    screenshot("tracked")

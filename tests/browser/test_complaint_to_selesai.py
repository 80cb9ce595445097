"""A citizen files a complaint with an attachment in a real browser; staff log in and
carry it through SOP 000 to selesai; the citizen tracks it. Screenshots at each step."""
import re

from tests.helpers.complaints import COMPLAINANT, PDF


def _log_in(page, base, username):
    page.goto(f"{base}/masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "dumas-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/tugas")


def _log_out(page):
    page.click("header button:has-text('Keluar')")


def _open_only_task(page, base):
    page.goto(f"{base}/tugas")
    links = page.locator("table a[href^='/tugas/']")
    assert links.count() == 1
    links.first.click()


def _finish(page, base):
    page.click("button:has-text('Selesaikan tugas')")
    page.wait_for_url(f"{base}/tugas")
    assert "selesai." in page.inner_text(".flash")


def test_citizen_files_and_staff_carry_it_to_selesai(page, live_server, staff, screenshot):
    base = live_server

    page.goto(f"{base}/lapor")
    assert page.input_value("select[name=instansi]") == "bsn"  # several agencies take complaints here
    for name in ("nama_lengkap", "nik", "email", "no_hp", "pekerjaan", "judul", "lokasi_kejadian", "terlapor"):
        page.fill(f"[name={name}]", COMPLAINANT[name])
    page.fill("[name=alamat]", COMPLAINANT["alamat"])
    page.fill("[name=uraian]", COMPLAINANT["uraian"])
    jenis = page.locator("[name=jenis]")
    if jenis.first.evaluate("e => e.tagName") == "SELECT":
        jenis.select_option("pengaduan")
    else:
        page.check("[name=jenis][value=pengaduan]")
    page.set_input_files("input[type=file]", files=[{"name": "bukti.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    screenshot("form-filled")
    page.click("button[type=submit]")
    text = page.inner_text("main")
    tracking_number = re.search(r"DUMAS-\d{4}-\d{6}", text).group(0)
    access_code = re.search(r"\b[2-9A-HJ-NP-Z]{10}\b", text).group(0)
    screenshot("received")

    _log_in(page, base, "admin")
    screenshot("admin-inbox")
    _open_only_task(page, base)
    assert tracking_number in page.inner_text("main") and "bukti.pdf" in page.inner_text("main")
    page.check("input[name=lengkap][value=ya]")
    page.fill("[name=lokasi_kasus]", "Jakarta")
    screenshot("verification")
    _finish(page, base)
    _log_out(page)

    _log_in(page, base, "kepala")
    _open_only_task(page, base)
    page.fill("[name=inti_masalah]", "Pungutan di luar tarif resmi.")
    page.fill("[name=peraturan_terkait]", "PP 94/2021 tentang Disiplin PNS.")
    page.check("input[name=logis][value=ya]")
    page.check("input[name=berkadar_pengawasan][value=tidak]")
    page.check("input[name=kewenangan][value=ya]")
    page.select_option("select[name=unit_tujuan]", "bsn-dpspk")
    page.fill("[name=memo]", "Disalurkan ke unit kerja terkait.")
    screenshot("review")
    _finish(page, base)
    _log_out(page)

    _log_in(page, base, "unit.dpspk")
    _open_only_task(page, base)
    page.fill("[name=laporan_tindak_lanjut]", "Petugas loket telah dibina dan uang dikembalikan.")
    _finish(page, base)
    _log_out(page)

    _log_in(page, base, "admin")
    _open_only_task(page, base)
    page.fill("[name=ringkasan_untuk_pengadu]", "Pengaduan Anda telah ditindaklanjuti oleh unit kerja.")
    _finish(page, base)
    page.goto(f"{base}/kasus/1")
    assert "Hasil disampaikan" in page.inner_text("main")  # the objection period runs
    _log_out(page)

    page.goto(f"{base}/lacak")
    page.fill("[name=tracking_number]", tracking_number)
    page.fill("[name=access_code]", access_code)
    page.click("main button[type=submit]")
    tracked = page.inner_text("main")
    assert "Hasil disampaikan" in tracked and "Pengaduan Anda telah ditindaklanjuti oleh unit kerja." in tracked
    assert COMPLAINANT["nik"] not in tracked and "unit.dpspk" not in tracked
    assert "Petugas loket telah dibina" not in tracked  # the unit's own report stays internal
    screenshot("tracking-outcome")
    page.check("input[name=nilai][value='4']")
    page.fill("[name=komentar]", "Cepat ditangani.")
    page.click("button:has-text('Kirim penilaian')")
    assert "Penilaian Anda: 4 dari 5." in page.inner_text("main")
    page.fill("[name=alasan]", "Uang saya belum dikembalikan seluruhnya.")
    page.click("button:has-text('Kirim keberatan')")
    assert "Keberatan sedang ditangani" in page.inner_text("main")
    screenshot("tracking-objected")

    _log_in(page, base, "kepala")
    _open_only_task(page, base)
    objection = page.locator("details.record", has_text="Keberatan pengadu")
    objection.locator("summary").click()
    assert "Uang saya belum dikembalikan seluruhnya." in objection.inner_text()
    page.check("input[name=keberatan_diterima][value=ya]")
    page.fill("[name=tanggapan_keberatan]", "Sisa uang dikembalikan minggu ini.")
    page.fill("[name=catatan_internal_keberatan]", "Tegur kepala loket.")
    _finish(page, base)
    page.goto(f"{base}/kasus/1")
    assert "Selesai: Selesai" in page.inner_text("main")
    screenshot("case-closed")
    _log_out(page)

    page.goto(f"{base}/lacak/pengaduan")
    tracked = page.inner_text("main")
    assert "Selesai" in tracked and "Sisa uang dikembalikan minggu ini." in tracked
    assert "Tegur kepala loket." not in tracked
    screenshot("tracking")


def test_the_complaint_form_works_on_a_phone(browser, live_server, staff, screenshot, request):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{live_server}/lapor")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form scrolls sideways on a phone ({width}px)"
    phone.click("button[type=submit]")  # empty: every required field says so
    assert phone.locator(".error").count() >= 5
    screenshot("phone-errors", target=phone)
    context.close()

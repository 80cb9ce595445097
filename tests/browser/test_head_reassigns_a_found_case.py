"""Issue 13's day in the office, in a real browser: a head of inspectorate finds a case by
a word of its description in the register, hands its task to a colleague on the Tim tab,
the colleague finds it under "Untuk saya" and completes it, and the printed case file
names both the head who assigned it and the colleague who did the step."""
import io

from pypdf import PdfReader

from app.extensions import db
from app.models import User
from app.services.administration.demo import DEMO_PASSWORD
from app.services.casefile.case_pdf import render_case_pdf
from app.services.organisation.accounts import create_user
from tests.helpers.browser import _log_in
from tests.helpers.complaints import file_complaint


def test_a_head_finds_a_case_by_a_word_reassigns_it_and_the_case_file_names_both(page, live_server, staff,
                                                                                   screenshot):
    create_user(username="sari", password=DEMO_PASSWORD, roles=["Admin Inspektorat"], full_name="Sari Dewi",
                organisation_code="bsn")
    file_complaint(judul="Antrean layanan sertifikasi", uraian="Petugas loket meminta uang pelicin.")
    case = file_complaint(judul="Biaya tambahan di laboratorium",
                          uraian="Ada pungutan tanpa kuitansi saat pengujian sampel.")
    base = live_server

    _log_in(page, base, "kepala")
    page.goto(f"{base}/kasus")
    page.fill("input[name=q]", "kuitansi")
    page.click("form button:has-text('Terapkan')")
    rows = page.locator("table.register tbody tr")
    assert rows.count() == 1 and case.tracking_number in rows.first.inner_text()
    screenshot("register-found")

    page.goto(f"{base}/tugas?tab=tim")
    row = page.locator("tr", has_text=case.tracking_number)
    row.locator("input[name=tugas]").check()
    page.select_option("select[name=penerima]", "sari")
    page.fill("input[name=alasan]", "Budi sedang cuti")
    screenshot("team-assign")
    page.click("button:has-text('Tugaskan')")
    assert "1 tugas ditugaskan kepada sari." in page.inner_text(".flash")
    page.click("header button:has-text('Keluar')")

    _log_in(page, base, "sari")
    page.goto(f"{base}/tugas?tab=saya")
    links = page.locator("table a[href^='/tugas/']")
    assert links.count() == 1
    links.first.click()
    page.check("input[name=lengkap][value=ya]")
    page.fill("[name=lokasi_kasus]", "Serpong")
    page.click("button:has-text('Selesaikan tugas')")
    page.wait_for_url(f"{base}/tugas")
    assert "selesai." in page.inner_text(".flash")
    page.goto(f"{base}/kasus/{case.id}")
    timeline = page.inner_text("ol.timeline")
    assert "kepada Sari Dewi" in timeline and "oleh kepala" in timeline and "Budi sedang cuti" in timeline
    screenshot("case-timeline")

    db.session.expire_all()
    admin = db.session.scalars(db.select(User).where(User.username == "admin")).one()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_case_pdf(case=case, viewer=admin))).pages)
    # The trail: the head's assignment, then the colleague named as who completed the step.
    assert "kepala Ditugaskan: 2. Mencatat dan verifikasi laporan kepada Sari Dewi" in text
    assert "oleh kepala · alasan: Budi sedang cuti" in text
    assert "sari Diselesaikan: 2. Mencatat dan verifikasi laporan" in text

"""A complaint that came by email, fetched from a real IMAP mailbox (Dovecot): the
officer of bsn's receiving lane opens it in Chromium, completes the identity and files
it; the case page shows the original message and its attachment."""
import re
from pathlib import Path

import pytest

from app.services.mail.imap_fetch import fetch_mailbox
from tests.helpers.complaints import PDF
from tests.helpers.mail_helpers import CITIZEN, message, running_mailbox

OFFICER = "admin"


@pytest.fixture
def imap(app_context):
    yield from running_mailbox(app_context)


def test_an_officer_files_a_mailed_complaint(page, live_server, every_staff, imap, screenshot):
    imap.deliver(message(subject="Pungutan liar di loket pelayanan",
                         text="Petugas loket meminta uang tambahan tanpa kuitansi.",
                         attachments=[("kuitansi.pdf", PDF)]))
    assert fetch_mailbox(organisation_code="bsn").stored == 1
    base = live_server
    page.goto(f"{base}/masuk")
    page.fill("input[name=username]", OFFICER)
    page.fill("input[name=password]", "dumas-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/tugas")
    page.click("header a:has-text('Pengaduan luring')")
    page.wait_for_url(f"{base}/pengaduan-luring")
    assert "Menunggu dicatat" in page.inner_text("#pengaduan-email")
    screenshot("mail-list")

    page.click("#pengaduan-email a:has-text('Pungutan liar di loket pelayanan')")
    assert page.inner_text("#pengirim").strip() == CITIZEN
    assert page.input_value("[name=judul]") == "Pungutan liar di loket pelayanan"
    assert page.input_value("[name=email]") == CITIZEN
    assert "tanpa kuitansi" in page.input_value("[name=uraian]")
    page.fill("[name=nama_lengkap]", "Siti Rahayu")
    page.fill("[name=alamat]", "Jl. Melati 3, Jakarta")
    screenshot("draft-completed")
    page.click("button:has-text('Catat sebagai pengaduan')")
    page.wait_for_url(f"{base}/pengaduan-luring/tercatat")
    tracking_number = page.inner_text("#nomor-pelacakan").strip()
    assert re.fullmatch(r"DUMAS-\d{4}-\d{6}", tracking_number)

    page.click("a:has-text('Halaman kasus')")
    main = page.inner_text("main")
    assert tracking_number in main and "Siti Rahayu" in main and "Email" in main
    original = page.inner_text("#pesan-asli")
    assert CITIZEN in original and "Petugas loket meminta uang tambahan tanpa kuitansi." in original
    assert "kuitansi.pdf" in original
    with page.expect_download() as download:
        page.click("#pesan-asli a:has-text('Unduh pesan asli')")
    assert download.value.suggested_filename.endswith(".eml")
    with page.expect_download() as attachment:
        page.click("main a:has-text('kuitansi.pdf')")
    assert Path(attachment.value.path()).read_bytes() == PDF
    screenshot("case-page")

"""In a real browser (CSRF on): the system administrator adds a colleague without a
password, hands over the one-time link shown once, and the colleague sets a password
through it and signs in; the link then no longer works."""
from app.services.administration.demo import DEMO_PASSWORD
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles


def _sign_in(page, base, username, password):
    page.goto(f"{base}/masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_a_new_colleague_gets_an_account_and_sets_a_password_through_the_link(page, live_server, staff, screenshot,
                                                                             browser):
    ensure_system_roles()
    create_user(username="sysadmin", password=DEMO_PASSWORD, roles=[SYSTEM_ADMIN_ROLE])
    base = live_server
    _sign_in(page, base, "sysadmin", DEMO_PASSWORD)
    page.click("nav >> text=Akun petugas")
    page.click("text=Tambah akun")
    page.fill("input[name=username]", "sari")
    page.fill("input[name=nama]", "Sari Wulandari")
    page.check("input[name=peran][value='Admin Inspektorat']")
    page.select_option("select[name=instansi]", "bsn")
    page.select_option("select[name=unit]", label="Deputi Bidang Akreditasi")
    screenshot("new-account")
    page.click("button:has-text('Simpan')")
    assert "Akun sari dibuat." in page.inner_text("main")
    page.click("button:has-text('Buat tautan sekali pakai')")
    link = page.inner_text("#reset-link")
    assert link.startswith(f"{base}/akun/atur-sandi/")
    screenshot("link-shown-once")

    colleague = browser.new_context(locale="id-ID").new_page()
    colleague.goto(link)
    colleague.fill("input[name=new]", "milik-sari-456")
    colleague.fill("input[name=confirm]", "milik-sari-456")
    colleague.click("button[type=submit]")
    assert "Kata sandi disimpan. Silakan masuk." in colleague.inner_text("main")
    _sign_in(colleague, base, "sari", "milik-sari-456")
    colleague.wait_for_url(f"{base}/tugas")
    colleague.goto(f"{base}/akun")
    assert "Deputi Bidang Akreditasi" in colleague.inner_text("main")
    screenshot("profile", colleague)
    colleague.goto(link)
    assert "sudah dipakai" in colleague.inner_text("main")
    colleague.context.close()

    page.goto(f"{base}/admin/akun?q=sari")
    assert "Sari Wulandari" in page.inner_text("main")
    screenshot("account-list")

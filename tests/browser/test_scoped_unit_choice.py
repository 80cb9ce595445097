"""In a real browser, the Kepala Inspektorat reviewing a BSN complaint (SOP 000's review form)
is offered BSN's Eselon II units only: no other organisation's unit is in the list, and
picking one of BSN's routes the case there, shown by the unit's name."""
from app.services.administration.demo import OTHER_UNITS, UNITS
from app.services.casework.cases import complete_task
from tests.helpers.complaints import current_task_id, file_complaint


def test_the_review_form_offers_only_bsn_units(page, live_server, staff, screenshot):
    case = file_complaint()
    complete_task(task_id=current_task_id(case.id), data={"lengkap": True, "lokasi_kasus": "Jakarta"}, actor="admin")
    base = live_server
    page.goto(f"{base}/masuk")
    page.fill("input[name=username]", "kepala")
    page.fill("input[name=password]", "dumas-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/tugas")
    page.goto(f"{base}/tugas/{current_task_id(case.id)}")

    options = page.locator("select[name=unit_tujuan] option")
    offered = {options.nth(i).get_attribute("value"): options.nth(i).inner_text() for i in range(options.count())}
    assert offered == {"": "—", **dict(UNITS)}
    assert not {code for code, _, _ in OTHER_UNITS} & set(offered)  # DPMDPPKB, Katingan, BPS Kaltim
    screenshot("review-units")

    for name in ("inti_masalah", "peraturan_terkait", "memo"):
        page.fill(f"[name={name}]", "Isi telaah.")
    page.check("[name=logis][value=ya]")
    page.check("[name=kewenangan][value=ya]")
    page.check("[name=berkadar_pengawasan][value=tidak]")
    page.select_option("select[name=unit_tujuan]", label="Deputi Bidang Akreditasi")
    page.click("button:has-text('Selesaikan tugas')")
    page.wait_for_url(f"{base}/tugas")
    page.goto(f"{base}/kasus/{case.id}")
    assert "Unit Eselon II, Deputi Bidang Akreditasi" in page.inner_text("main")
    screenshot("case-routed")

"""A process owner compares two versions of SOP 000 in a real browser: both diagrams are
drawn by bpmn-js and the renamed task is highlighted on each; untouched tasks are not."""
from tests.helpers.versions_helpers import OWNER, PASSWORD, make_owner, redeploy

OLD_NAME = "3. Menelaah pengaduan (inti masalah, dokumen, peraturan)"
NEW_NAME = "3. Menelaah pengaduan"
CHANGED_STROKE = "rgb(178, 106, 0)"  # app/static/versions/diff.css, .diff-changed


def _marker_classes(page, side: str, element_id: str) -> list[str]:
    element = page.locator(f'#diagram-{side} g.djs-element[data-element-id="{element_id}"]')
    return [c for c in element.get_attribute("class").split() if c.startswith("diff-")]


def test_the_diff_page_highlights_the_renamed_task_on_both_diagrams(page, live_server, sop_models, screenshot):
    make_owner()
    redeploy(sop_models["sop_000"], replace={f'name="{OLD_NAME}"': f'name="{NEW_NAME}"'})

    page.goto(f"{live_server}/masuk")
    page.fill("input[name=username]", OWNER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.click("header a:has-text('Model proses')")
    page.click("#proses-sop_000 a:has-text('Riwayat dan perbandingan')")
    page.click("button:has-text('Bandingkan')")
    page.wait_for_selector("#diagram-old[data-ready=true]")
    page.wait_for_selector("#diagram-new[data-ready=true]")
    assert page.url.endswith("/admin/model/proses/sop_000/beda?dari=1&ke=2")

    assert _marker_classes(page, "old", "tugas_telaah") == ["diff-changed"]
    assert _marker_classes(page, "new", "tugas_telaah") == ["diff-changed"]
    assert _marker_classes(page, "new", "tugas_verifikasi") == []
    label = page.locator('#diagram-new g[data-element-id="tugas_telaah"]').text_content()
    assert label.replace(" ", "") == NEW_NAME.replace(" ", "")  # bpmn-js wraps the label in lines
    outline = page.locator('#diagram-new g[data-element-id="tugas_telaah"] .djs-visual > :first-child')
    assert outline.evaluate("e => getComputedStyle(e).stroke") == CHANGED_STROKE
    changes = page.locator("ul.changes > li")
    assert changes.count() == 1
    assert f"nama: {OLD_NAME} → {NEW_NAME}" in changes.first.inner_text()
    screenshot("diff")

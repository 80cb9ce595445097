"""The process owners' editors work under the Content-Security-Policy (issue 12.7): the
BPMN modeler with its properties panel and form preview, the DMN editor, and the version
diff page load, draw and respond, and Chromium reports no policy violation."""
from app.services.administration.demo import DEMO_PASSWORD
from app.services.organisation.accounts import PROCESS_OWNER_ROLE, create_user, ensure_system_roles
from tests.helpers.browser import _log_in
from tests.helpers.versions_helpers import redeploy

# Every violation the page sees, as the securitypolicyviolation event reports it.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def _violations(page, console: list[str]) -> list[str]:
    return page.evaluate("window.__cspViolations") + [m for m in console if "Content Security Policy" in m]


def test_modeler_dmn_editor_and_diff_work_under_the_policy(page, live_server, sop_models, screenshot):
    ensure_system_roles()
    create_user(username="pemilik", password=DEMO_PASSWORD, roles=[PROCESS_OWNER_ROLE])
    redeploy(sop_models["sop_000"], replace={'name="3. Menelaah pengaduan (inti masalah, dokumen, peraturan)"':
                                             'name="3. Menelaah pengaduan"'})
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)
    _log_in(page, live_server, "pemilik")

    response = page.goto(f"{live_server}/admin/model/proses/sop_000/ubah")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    page.wait_for_selector("#modeler-page[data-loaded=true]")
    page.click('#canvas g.djs-element[data-element-id="tugas_telaah"]')
    page.wait_for_selector("#properties .bio-properties-panel-header")  # the panel follows the selection
    page.select_option("#form-key", "telaah_000")
    page.wait_for_selector("#form-preview .preview form")  # rendered by the server, put in by script
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename.endswith(".bpmn")
    screenshot("modeler")
    assert _violations(page, console) == []

    page.goto(f"{live_server}/admin/model/keputusan/rute_000/ubah")
    page.wait_for_selector("#modeler-page[data-loaded=true]")
    cell = page.locator('td[data-element-id="aturan_8_rute"]')
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"pengawasan"')
    assert cell.inner_text().strip() == '"pengawasan"'
    screenshot("dmn")
    assert _violations(page, console) == []

    page.goto(f"{live_server}/admin/model/proses/sop_000/beda?dari=1&ke=2")
    page.wait_for_selector("#diagram-old[data-ready=true]")
    page.wait_for_selector("#diagram-new[data-ready=true]")
    assert page.locator('#diagram-new g.djs-element[data-element-id="tugas_telaah"].diff-changed').count() == 1
    screenshot("diff")
    assert _violations(page, console) == []

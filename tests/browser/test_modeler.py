"""A process owner changes SOP 000 in the browser: a routing rule in the decision table,
a task's name, and a reminder timer on that task; each is deployed through the gate as a
new version. A case filed afterwards follows the new version; one filed before stays on
its own. Screenshots in test-artifacts/."""
from pathlib import Path

from app.extensions import db
from app.models import Case, TimerIndexEntry
from app.services.administration.demo import DEMO_PASSWORD
from app.services.casework.cases import complete_task
from app.services.organisation.accounts import PROCESS_OWNER_ROLE, create_user, ensure_system_roles
from tests.helpers.browser import _log_in
from tests.helpers.complaints import current_task_id, file_complaint

OLD_NAME = "2. Mencatat dan verifikasi laporan"
NEW_NAME = "2. Mencatat dan memeriksa kelengkapan"
# Verified, then reviewed as logical, not a supervision matter, within BSN's authority: SOP 000
# sends it to an Eselon II unit ("unit_kerja"); the owner changes that rule to "pengawasan".
VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}
REVIEWED = {"inti_masalah": "Layanan lambat.", "peraturan_terkait": "PP 94/2021.", "logis": True,
            "berkadar_pengawasan": False, "kewenangan": True, "unit_tujuan": "bsn-dpspk", "memo": "Disalurkan."}


def _log_out(page):
    page.click("header button:has-text('Keluar')")


def _deploy(page):
    page.click("#deploy")
    page.wait_for_selector("#gate-result.ok, #gate-result.refused")
    result = page.inner_text("#gate-result")
    assert "gate-result ok" in page.get_attribute("#gate-result", "class"), result
    return result


def _center_on(page, element_id):
    """Bring an element to the middle at 100 %, clear of the palette, as a person would scroll."""
    page.evaluate("""(id) => {
      const canvas = dumasModeler.get('canvas'), el = dumasModeler.get('elementRegistry').get(id);
      const outer = canvas.viewbox().outer;
      canvas.viewbox({ x: el.x + el.width / 2 - outer.width / 2, y: el.y + el.height / 2 - outer.height / 2,
                       width: outer.width, height: outer.height });
    }""", element_id)


def _change_rule(page, base, screenshot):
    page.goto(f"{base}/admin/model/keputusan/rute_000/ubah")
    page.wait_for_selector("#modeler-page[data-loaded=true]")
    cell = page.locator('td[data-element-id="aturan_8_rute"]')
    assert cell.inner_text().strip() == '"unit_kerja"'
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"pengawasan"')
    page.click("h1")  # leave the cell
    assert cell.inner_text().strip() == '"pengawasan"'
    screenshot("rule-changed")
    assert "sop_000 v2" in _deploy(page)


def _rename_task_and_add_step_time(page, base, screenshot):
    page.goto(f"{base}/admin/model/proses/sop_000/ubah")
    page.wait_for_selector("#modeler-page[data-loaded=true]")
    screenshot("editor-opened")
    # Rename on the canvas, as on the desktop: double-click the task and type.
    _center_on(page, "tugas_verifikasi")
    page.dblclick('g.djs-element[data-element-id="tugas_verifikasi"]')
    editor = page.locator(".djs-direct-editing-parent")
    editor.wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW_NAME)
    page.click("h1")
    assert page.evaluate("dumasModeler.get('elementRegistry').get('tugas_verifikasi').businessObject.name") == NEW_NAME
    # A step's time (bpmn/README.md, "Deadlines in the diagrams"): one non-interrupting
    # boundary timer labelled with the SOP's words, its properties read by the deadline
    # policy (deadline, step, extend_role, remind_before), ending in "Lewat batas". The
    # shapes are placed through the modeler's own commands (what the palette and context
    # pad call: dragging from the palette is not what this test is about); the timer's
    # time is set in the properties panel.
    page.evaluate("""() => {
      const m = dumasModeler, registry = m.get('elementRegistry'), modeling = m.get('modeling'), moddle = m.get('moddle');
      const task = registry.get('tugas_verifikasi');
      const timer = modeling.createShape(
        { type: 'bpmn:BoundaryEvent', eventDefinitionType: 'bpmn:TimerEventDefinition' },
        { x: task.x + 100, y: task.y + task.height }, task, { attach: true });
      modeling.updateProperties(timer, { id: 'tenggat_tugas_verifikasi', name: '3 hari kerja', cancelActivity: false });
      const property = (name, value) => moddle.create('camunda:Property', { name, value });
      const properties = moddle.create('camunda:Properties', { values: [
        property('deadline', 'true'), property('step', '2'), property('extend_role', 'Kepala Inspektorat'),
        property('remind_before', '1')] });
      modeling.updateProperties(timer, { extensionElements: moddle.create('bpmn:ExtensionElements', { values: [properties] }) });
      const end = modeling.appendShape(timer, { type: 'bpmn:EndEvent' }, { x: timer.x + 18, y: timer.y + 80 });
      modeling.updateProperties(end, { id: 'ev_tenggat_tugas_verifikasi_lewat', name: 'Lewat batas' });
      m.get('selection').select(timer);
    }""")
    page.click(".bio-properties-panel-group-header:has-text('Timer')")
    page.select_option("#bio-properties-panel-timerEventDefinitionType", "timeDate")
    page.fill("#bio-properties-panel-timerEventDefinitionValue", "tambah_hari_kerja(3)")
    page.keyboard.press("Tab")
    assert page.evaluate("""dumasModeler.get('elementRegistry').get('tenggat_tugas_verifikasi')
                           .businessObject.eventDefinitions[0].timeDate.body""") == "tambah_hari_kerja(3)"
    screenshot("step-time-added")
    # Export for the desktop Camunda Modeler: the file holds what is on the canvas.
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "sop_000.bpmn"
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert NEW_NAME in exported and "tambah_hari_kerja(3)" in exported
    assert "sebagai versi 3" in _deploy(page)
    screenshot("deployed")


def test_owner_changes_rule_name_and_timer_new_cases_follow(page, live_server, staff, screenshot):
    base = live_server
    ensure_system_roles()
    create_user(username="pemilik", password=DEMO_PASSWORD, roles=[PROCESS_OWNER_ROLE])
    before = file_complaint(judul="Diajukan sebelum perubahan")

    _log_in(page, base, "pemilik")
    _change_rule(page, base, screenshot)
    _rename_task_and_add_step_time(page, base, screenshot)
    _log_out(page)

    after = file_complaint(judul="Diajukan sesudah perubahan")
    _log_in(page, base, "admin")
    old_row = page.locator("main tbody tr", has_text="sebelum perubahan").inner_text()
    new_row = page.locator("main tbody tr", has_text="sesudah perubahan").inner_text()
    assert OLD_NAME in old_row and NEW_NAME in new_row
    screenshot("inbox-both-versions")
    _log_out(page)

    db.session.expire_all()
    versions = {case.id: db.session.get(Case, case.id).process_version.number for case in (before, after)}
    assert versions == {before.id: 1, after.id: 3}
    # The new step time, and the policy's reminder one working day before it, wait on
    # the new case's verification only.
    timers = {entry.case_id: entry.element_id for entry in db.session.scalars(db.select(TimerIndexEntry))}
    assert timers == {after.id: "pengingat:tugas_verifikasi"}
    assert db.session.get(Case, after.id).tasks[0].deadline_element == "tenggat_tugas_verifikasi"
    for case in (before, after):
        complete_task(task_id=current_task_id(case.id), data=VERIFIED, actor="admin")
        complete_task(task_id=current_task_id(case.id), data=REVIEWED, actor="kepala")

    _log_in(page, base, "tatausaha")  # the changed rule: "pengawasan" goes to the Tata Usaha
    assert "sesudah perubahan" in page.inner_text("main") and "sebelum perubahan" not in page.inner_text("main")
    _log_out(page)
    _log_in(page, base, "unit.dpspk")  # the old version still sends it to the unit
    assert "sebelum perubahan" in page.inner_text("main") and "sesudah perubahan" not in page.inner_text("main")

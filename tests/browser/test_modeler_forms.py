"""A process owner opens a file saved by the desktop Camunda Modeler whose task uses a
form that does not exist yet, in a lane that is no role yet: the gate refuses and names
both; the owner writes the form beside the diagram, sees it as staff will, has the role
created, and deploys it all as one version."""
import json
from pathlib import Path

from app.extensions import db
from app.models import ProcessVersion, Role
from app.services.administration.demo import DEMO_PASSWORD
from app.services.definitions.processes import latest_version
from app.services.organisation.accounts import PROCESS_OWNER_ROLE, create_user, ensure_system_roles
from tests.helpers.browser import _log_in

SOP_000 = (Path(__file__).resolve().parents[2] / "bpmn" / "sop_000.bpmn").read_text(encoding="utf-8")
FORM = {"key": "telaah_baru_000", "title": {"id": "Penelaahan singkat", "en": "Short review"},
        "fields": [{"name": "catatan_penelaahan", "type": "textarea", "required": True,
                    "label": {"id": "Catatan penelaahan", "en": "Review notes"}}]}


def test_desktop_file_with_a_new_form(page, live_server, staff, screenshot):
    base = live_server
    ensure_system_roles()
    create_user(username="pemilik", password=DEMO_PASSWORD, roles=[PROCESS_OWNER_ROLE])
    desktop_file = (SOP_000.replace('camunda:formKey="telaah_000"', 'camunda:formKey="telaah_baru_000"')
                    .replace('name="Kepala BSN"', 'name="Sekretaris Utama"'))

    _log_in(page, base, "pemilik")
    page.goto(f"{base}/admin/model/proses/sop_000/ubah")
    page.wait_for_selector("#modeler-page[data-loaded=true]")
    page.set_input_files("#open-file", files=[{"name": "sop_000.bpmn", "mimeType": "application/xml",
                                               "buffer": desktop_file.encode("utf-8")}])
    page.wait_for_selector("#gate-result.ok:has-text('Berkas dibuka')")

    page.click("#deploy")
    refusal = page.wait_for_selector("#gate-result.refused")
    assert "Tidak ada versi baru yang dibuat" in refusal.inner_text()
    problem = page.locator("#gate-result a[data-element=tugas_telaah]")
    assert "memakai formulir \u201ctelaah_baru_000\u201d yang belum ada" in problem.inner_text()
    assert "Jalur \u201cSekretaris Utama\u201d belum menjadi peran petugas" in refusal.inner_text()
    screenshot("refused")
    problem.click()  # selects the task in the diagram, and its form beside it
    assert page.evaluate("dumasModeler.get('selection').get().map(e => e.id)") == ["tugas_telaah"]
    assert page.input_value("#form-key") == "telaah_baru_000"

    page.fill("#form-json", json.dumps(FORM, indent=2))
    page.wait_for_selector("#form-preview label:has-text('Catatan penelaahan')")
    assert page.locator("#form-preview textarea[name=catatan_penelaahan]").count() == 1
    page.fill("#form-json", "{ tidak json")
    page.wait_for_selector("#form-json-error:has-text('JSON formulir tidak valid')")
    page.fill("#form-json", json.dumps(FORM, indent=2))
    page.wait_for_selector("#form-json-error:text-is('')", state="attached")
    screenshot("form-previewed")

    page.click("#deploy")
    page.wait_for_selector("#gate-result.refused .missing-roles:has-text('Sekretaris Utama')")
    assert "formulir" not in page.inner_text("#gate-result")  # the form is there now
    page.click("#create-roles-and-deploy")
    page.wait_for_selector("#gate-result.ok:has-text('versi 2')")
    screenshot("deployed")
    db.session.expire_all()
    newest = latest_version(process_key="sop_000")
    assert newest.number == 2 and newest.forms["telaah_baru_000"] == FORM
    assert "Sekretaris Utama" in newest.lanes and db.session.get(Role, "Sekretaris Utama") is not None
    # The five SOPs at version 1 and SOP 000's version 2: nothing was deployed by the refusal.
    assert db.session.scalar(db.select(db.func.count(ProcessVersion.id))) == 6

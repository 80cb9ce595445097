"""Saving a decision table deploys new versions of the processes that use it, through the
same gate; and the form preview renders a form as the task page does."""
from app.extensions import db
from app.models import AuditEvent, ProcessVersion
from app.services.definitions.processes import latest_version
from tests.helpers import modeler_helpers
from tests.helpers.modeler_helpers import RUTE_000, messages, version_numbers

# Fixtures live in modeler_helpers; pytest finds them by the names they are bound to here.
sop_000_fixture, owner_fixture = modeler_helpers.sop_000_fixture, modeler_helpers.owner_fixture

RULE_8 = '<outputEntry id="aturan_8_rute">\n          <text>"unit_kerja"</text>'


def deploy_dmn(client, xml: str):
    return client.post("/admin/model/keputusan/rute_000/terapkan", json={"dmn_xml": xml})


def test_decision_editor_serves_the_table(client, owner):
    page = client.get("/admin/model/keputusan/rute_000/ubah")
    assert page.status_code == 200 and "dmn-modeler.production.min.js" in page.text
    assert "SOP 000 Pengaduan Masyarakat Inspektorat BSN" in page.text  # the process that uses it
    assert client.get("/admin/model/keputusan/rute_000/dmn").text == RUTE_000
    assert client.get("/admin/model/keputusan/tidak_ada/ubah").status_code == 404


def test_changed_rule_deploys_a_new_version_of_the_process(client, owner):
    assert RULE_8 in RUTE_000
    changed = RUTE_000.replace(RULE_8, RULE_8.replace('"unit_kerja"', '"pengawasan"'))
    response = deploy_dmn(client, changed)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["versions"] == [{"process": "sop_000", "version": 2}]
    assert version_numbers() == [1, 2]
    newest = latest_version(process_key="sop_000")
    assert newest.decision_files == {"rute_000.dmn": changed}
    assert newest.bpmn_xml == db.session.scalars(db.select(ProcessVersion.bpmn_xml).where(ProcessVersion.number == 1)).one()
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "process.deployed",
                                                          AuditEvent.actor == "pemilik")).one()
    assert event.data_after["version"] == 2 and "rute_000" in event.detail


def test_feel_literal_in_a_rule_is_refused(client, owner):
    response = deploy_dmn(client, RUTE_000.replace("<text>True</text>", "<text>true</text>", 1))
    assert response.status_code == 422
    assert "tulis True/False/None (huruf besar), bukan true" in messages(response)[0]
    assert version_numbers() == [1]


def test_unquoted_output_is_refused(client, owner):
    response = deploy_dmn(client, RUTE_000.replace('<text>"unit_kerja"</text>', "<text>unit kerja</text>"))
    assert response.status_code == 422
    assert "keluaran unit kerja tidak dapat dibaca" in messages(response)[0]
    assert version_numbers() == [1]


def test_renamed_decision_is_refused(client, owner):
    response = deploy_dmn(client, RUTE_000.replace('<decision id="rute_000"', '<decision id="rute_baru"'))
    assert response.status_code == 422
    assert "harus memuat tepat satu keputusan dengan id rute_000 (ditemukan: rute_baru)" in messages(response)[0]
    assert version_numbers() == [1]


def test_entity_in_a_table_is_refused(client, owner):
    xml = RUTE_000.replace('<?xml version="1.0" encoding="UTF-8"?>',
                           '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]>')
    response = deploy_dmn(client, xml)
    assert response.status_code == 422 and "DOCTYPE/ENTITY" in messages(response)[0]
    assert version_numbers() == [1]


def test_form_preview_renders_fields_like_the_task_page(client, owner):
    form = {"key": "uji", "title": {"id": "Judul uji", "en": "Test title"},
            "fields": [{"name": "lengkap", "type": "boolean", "label": {"id": "Berkas lengkap?", "en": "Complete?"},
                        "required": True},
                       {"name": "unit_tujuan", "type": "unit", "label": {"id": "Unit tujuan", "en": "Unit"}}]}
    response = client.post("/admin/model/formulir/pratinjau", json={"form": form})
    assert response.status_code == 200
    assert "Judul uji" in response.text and "Berkas lengkap?" in response.text
    assert 'name="lengkap"' in response.text and "Unit tujuan (opsional)" in response.text
    assert "Deputi Bidang Akreditasi" in response.text  # unit choices come from the database
    bad = client.post("/admin/model/formulir/pratinjau", json={"form": {"key": "uji", "fields": [{"name": "a"}]}})
    assert bad.status_code == 422 and "bertipe None, yang tidak dikenal" in bad.text

"""Saving a diagram deploys a new version only through the gate; each refusal says what
is wrong in a process owner's words and creates no version."""
import re

import pytest

from app.extensions import db
from app.models import AuditEvent, ProcessVersion, Role
from tests.helpers import modeler_helpers
from tests.helpers.modeler_helpers import SOP_000, deploy_bpmn, messages, version_numbers

# Fixtures live in modeler_helpers; pytest finds them by the names they are bound to here.
sop_000_fixture, owner_fixture = modeler_helpers.sop_000_fixture, modeler_helpers.owner_fixture

TELAAH = 'name="3. Menelaah pengaduan (inti masalah, dokumen, peraturan)"'


def test_only_a_process_owner_opens_the_editor(client, auth, sop_000, staff):
    auth.login("kepala")
    assert client.get("/admin/model/proses/sop_000/ubah").status_code == 404
    assert deploy_bpmn(client, SOP_000).status_code == 404


def test_editor_page_serves_the_version_and_its_xml(client, owner):
    page = client.get("/admin/model/proses/sop_000/ubah")
    assert page.status_code == 200
    assert "camunda-platform-modeler.production.min.js" in page.text
    assert 'href="/admin/model/keputusan/rute_000/ubah"' in page.text  # the table it uses
    download = client.get("/admin/model/proses/sop_000/bpmn?versi=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="sop_000.bpmn"'
    assert download.text == SOP_000
    assert client.get("/admin/model/proses/sop_999/ubah").status_code == 404


def test_unchanged_diagram_makes_no_version(client, owner):
    response = deploy_bpmn(client, SOP_000)
    assert response.status_code == 200 and response.get_json()["changed"] is False
    assert "Tidak ada perubahan" in response.get_json()["message"]
    assert version_numbers() == [1]
    deployed = db.session.scalars(db.select(AuditEvent.actor).where(AuditEvent.action == "process.deployed")).all()
    assert deployed == ["test"]  # only the first deployment


def test_renamed_task_deploys_version_2_and_is_audited(client, owner):
    edited = SOP_000.replace(TELAAH, 'name="3. Menelaah dan menilai pengaduan"')
    response = deploy_bpmn(client, edited)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 2 and "versi 2" in response.get_json()["message"]
    assert version_numbers() == [1, 2]
    newest = db.session.scalars(db.select(ProcessVersion).where(ProcessVersion.number == 2)).one()
    assert newest.deployed_by == "pemilik" and "3. Menelaah dan menilai pengaduan" in newest.bpmn_xml
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "process.deployed",
                                                          AuditEvent.actor == "pemilik")).one()
    assert event.actor == "pemilik"
    assert event.data_after == {"process": "sop_000", "version": 2, "content_hash": newest.content_hash}
    assert event.data_before == {"version": 1}
    first = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "process.deployed",
                                                          AuditEvent.actor == "test")).one()
    assert first.data_after["version"] == 1  # deploying from the directory (CLI, demo) is recorded too


def test_bad_xml_is_refused(client, owner):
    response = deploy_bpmn(client, SOP_000[:-40])
    assert response.status_code == 422
    assert "sop_000.bpmn bukan XML yang sah" in messages(response)[0]
    assert "Tidak ada versi baru yang dibuat" in response.get_json()["message"]
    assert version_numbers() == [1]


XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE definitions [<!ENTITY rahasia SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="sop_000" name="&rahasia;" isExecutable="true"/>
</bpmn:definitions>"""
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
                    for i in range(1, 10))
          + ']>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol9;</bpmn:definitions>')


def test_external_entity_upload_is_refused_before_parsing(client, owner):
    from io import BytesIO

    response = client.post("/admin/model/proses/sop_000/terapkan",
                           data={"berkas": (BytesIO(XXE.encode()), "sop_000.bpmn")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    [message] = messages(response)
    assert "ditolak: memuat deklarasi DOCTYPE/ENTITY" in message and "root:" not in response.text
    assert version_numbers() == [1]


def test_billion_laughs_is_refused(client, owner):
    response = deploy_bpmn(client, LAUGHS)
    assert response.status_code == 422
    assert "DOCTYPE/ENTITY" in messages(response)[0] and "lollol" not in response.text
    assert version_numbers() == [1]


def test_missing_form_names_the_task(client, owner):
    edited = SOP_000.replace('camunda:formKey="telaah_000"', 'camunda:formKey="telaah_baru_000"')
    response = deploy_bpmn(client, edited)
    assert response.status_code == 422
    assert ('Tugas \u201c3. Menelaah pengaduan (inti masalah, dokumen, peraturan)\u201d (tugas_telaah) memakai '
            'formulir \u201ctelaah_baru_000\u201d yang belum ada.') in messages(response)[0]
    assert response.get_json()["problems"][0]["element_id"] == "tugas_telaah"
    assert version_numbers() == [1]


def test_new_form_saved_with_the_diagram(client, owner):
    edited = SOP_000.replace('camunda:formKey="telaah_000"', 'camunda:formKey="telaah_baru_000"')
    form = {"key": "telaah_baru_000", "title": {"id": "Telaah", "en": "Review"},
            "fields": [{"name": "catatan_telaah", "type": "textarea", "label": {"id": "Catatan", "en": "Notes"}}]}
    response = deploy_bpmn(client, edited, forms={"telaah_baru_000": form})
    assert response.status_code == 200, response.get_json()
    newest = db.session.scalars(db.select(ProcessVersion).where(ProcessVersion.number == 2)).one()
    assert newest.forms["telaah_baru_000"] == form and "telaah_000" not in newest.forms


def test_broken_form_is_refused(client, owner):
    form = {"key": "telaah_000", "fields": [{"name": "x", "type": "warna"}]}
    response = deploy_bpmn(client, SOP_000, forms={"telaah_000": form})
    assert response.status_code == 422
    assert "Formulir telaah_000 tidak dapat dipakai" in messages(response)[0] and "'warna'" in messages(response)[0]
    assert version_numbers() == [1]


def test_missing_decision_names_the_task(client, owner):
    edited = SOP_000.replace('camunda:decisionRef="rute_000"', 'camunda:decisionRef="rute_lama"')
    response = deploy_bpmn(client, edited)
    assert response.status_code == 422
    assert ('Tugas \u201c3. Menentukan penyaluran\u201d (tugas_tentukan_rute) memakai tabel keputusan '
            '\u201crute_lama\u201d yang belum ada.') in messages(response)[0]
    assert version_numbers() == [1]


def test_unknown_lane_role_is_offered_and_created_on_request(client, owner):
    edited = SOP_000.replace('name="Kepala BSN"', 'name="Sekretaris Utama"')
    response = deploy_bpmn(client, edited)
    assert response.status_code == 422
    assert response.get_json()["missing_roles"] == ["Sekretaris Utama"]
    assert "Jalur \u201cSekretaris Utama\u201d belum menjadi peran petugas" in messages(response)[0]
    assert version_numbers() == [1] and db.session.get(Role, "Sekretaris Utama") is None

    response = deploy_bpmn(client, edited, create_missing_roles=True)
    assert response.status_code == 200, response.get_json()
    assert version_numbers() == [1, 2] and db.session.get(Role, "Sekretaris Utama") is not None
    created = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "role.created")).one()
    assert created.detail == "Sekretaris Utama" and created.actor == "pemilik"


def test_bad_timer_expressions_are_refused(client, owner):
    edited = (SOP_000.replace(">tambah_hari_kerja(14)<", ">tambah_hari_kerjaa(14)<")
              .replace(">tambah_hari_kerja(10)<", '>"besok pagi"<', 1))
    response = deploy_bpmn(client, edited)
    assert response.status_code == 422
    found = messages(response)
    assert any("nama \u201ctambah_hari_kerjaa\u201d tidak dikenal" in m for m in found), found
    assert any("menghasilkan 'besok pagi', bukan tanggal dan jam ISO" in m for m in found), found
    assert version_numbers() == [1]


def test_the_deadline_timers_properties_are_checked(client, owner):
    """What the deadline policy reads from a step's timer: lanes that exist, a reminder
    lead it can count, one time per step."""
    unit_timer = SOP_000[SOP_000.index('<bpmn:boundaryEvent id="tenggat_tugas_tindak_lanjut_unit"'):]
    unit_timer = unit_timer[:unit_timer.index("</bpmn:boundaryEvent>")]
    edited = SOP_000.replace(unit_timer, unit_timer
                             .replace('name="extend_role" value="Kepala Inspektorat"', 'name="extend_role" value="Kepala"')
                             .replace('name="remind_before" value="2"', 'name="remind_before" value="dua hari"'))
    response = deploy_bpmn(client, edited)
    assert response.status_code == 422
    found = messages(response)
    assert any("extend_role \u201cKepala\u201d bukan nama jalur (lane)" in m for m in found), found
    assert any("remind_before \u201cdua hari\u201d harus jumlah hari kerja" in m for m in found), found
    assert version_numbers() == [1]


def test_bpmnlint_error_is_explained(client, owner):
    [shape] = re.findall(r'<bpmndi:BPMNShape id="tugas_telaah_di" bpmnElement="tugas_telaah">.*?</bpmndi:BPMNShape>',
                         SOP_000, re.S)
    response = deploy_bpmn(client, SOP_000.replace(shape, ""))
    assert response.status_code == 422
    assert ("\u201c3. Menelaah pengaduan (inti masalah, dokumen, peraturan)\u201d (tugas_telaah): elemen ini ada "
            "di berkas tetapi tidak tergambar di diagram.") in messages(response)
    assert version_numbers() == [1]


def test_wrong_process_id_is_refused(client, owner):
    response = deploy_bpmn(client, SOP_000.replace('<bpmn:process id="sop_000"', '<bpmn:process id="sop_999"'))
    assert response.status_code == 422
    assert "memuat proses sop_999, bukan sop_000" in messages(response)[0]


def test_messages_follow_the_language(client, owner):
    client.get("/?lang=en")
    response = deploy_bpmn(client, SOP_000.replace('camunda:decisionRef="rute_000"', 'camunda:decisionRef="rute_lama"'))
    assert "uses the decision table \u201crute_lama\u201d, which does not exist" in messages(response)[0]


def test_an_older_version_opens_in_the_editor(client, owner):
    deploy_bpmn(client, SOP_000.replace(TELAAH, 'name="3. Menelaah"'))
    page = client.get("/admin/model/proses/sop_000/ubah?versi=1")
    assert "Dibuka dari versi 1" in page.text and "Versi terbaru adalah 2" in page.text
    assert TELAAH in client.get("/admin/model/proses/sop_000/bpmn?versi=1").text
    assert 'name="3. Menelaah"' in client.get("/admin/model/proses/sop_000/bpmn").text


def test_a_desktop_file_upload_deploys(client, owner):
    from io import BytesIO

    edited = SOP_000.replace(TELAAH, 'name="3. Menelaah"').encode("utf-8")
    response = client.post("/admin/model/proses/sop_000/terapkan", data={"berkas": (BytesIO(edited), "sop_000.bpmn")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and response.get_json()["version"] == 2
    latin = client.post("/admin/model/proses/sop_000/terapkan",
                        data={"berkas": (BytesIO("Pengaduan \u00e9".encode("utf-16")), "x.bpmn")},
                        content_type="multipart/form-data")
    assert latin.status_code == 422 and "x.bpmn bukan teks UTF-8" in messages(latin)[0]


def test_deploy_refuses_a_post_without_the_csrf_token(app, sop_000):
    from app import create_app

    csrf_app = create_app({**app.config, "WTF_CSRF_ENABLED": True})
    client = csrf_app.test_client()
    response = client.post("/admin/model/proses/sop_000/terapkan", json={"bpmn_xml": SOP_000})
    assert response.status_code == 400
    assert version_numbers() == [1]


def test_every_shipped_sop_passes_the_gate(app, sop_models):
    from app.services.modelling.deploy_gate import GateRefused
    from app.services.modelling.model_editor import save_diagram

    with app.test_request_context():
        for key, version in sop_models.items():
            try:
                deployment = save_diagram(process_key=key, bpmn_xml=version.bpmn_xml, edited_forms=None, actor="uji")
            except GateRefused as exc:
                pytest.fail(f"{key}: {[str(p.message) for p in exc.report.problems]}")
            assert deployment.changed is False and deployment.version.id == version.id


def test_a_deploy_made_since_the_editor_opened_is_not_overwritten(client, owner):
    assert deploy_bpmn(client, SOP_000.replace(TELAAH, 'name="3. Menelaah"'), expected_newest=1).status_code == 200
    stale = deploy_bpmn(client, SOP_000.replace(TELAAH, 'name="3. Telaah"'), expected_newest=1)
    assert stale.status_code == 422
    assert "Versi 2 diterapkan oleh pemilik setelah editor ini dibuka" in messages(stale)[0]
    assert version_numbers() == [1, 2]

"""What used to be Python is data edited in the browser: case statuses and their words
(/admin/model/status, process owner), and an agency's identity and intake lanes
(/admin/instansi/<code>, system administrator). The deploy gate holds the diagrams to them."""
from app.extensions import db
from app.models import AuditEvent, Organisation
from app.services.administration.demo import DEMO_PASSWORD
from app.services.definitions.statuses import status_description, status_label
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles
from tests.helpers import modeler_helpers
from tests.helpers.modeler_helpers import SOP_000, deploy_bpmn, messages, version_numbers

sop_000_fixture, owner_fixture = modeler_helpers.sop_000_fixture, modeler_helpers.owner_fixture
NEW_STATUS = {"kode": "menunggu_klarifikasi", "label_id": "Menunggu klarifikasi", "label_en": "Awaiting clarification",
              "penjelasan_id": "Petugas menunggu klarifikasi dari pihak terlapor.",
              "penjelasan_en": "The officer is waiting for the reported party's clarification."}
# SOP 000 with its review step setting a status nobody has put into words yet.
EDITED = SOP_000.replace('<camunda:property name="status" value="penelaahan" />',
                         '<camunda:property name="status" value="menunggu_klarifikasi" />', 1)


def test_a_status_the_diagram_sets_must_exist_first_then_the_same_diagram_deploys(client, owner):
    assert EDITED != SOP_000
    refused = deploy_bpmn(client, EDITED)
    assert refused.status_code == 422
    [message] = [m for m in messages(refused) if "menunggu_klarifikasi" in m]
    assert "Status \u201cmenunggu_klarifikasi\u201d" in message and "/admin/model/status" in message
    assert version_numbers() == [1]

    page = client.get("/admin/model/status")
    assert page.status_code == 200 and "Menunggu kelengkapan data dari Anda" in page.text
    assert client.post("/admin/model/status", data=NEW_STATUS).status_code == 303
    assert deploy_bpmn(client, EDITED).status_code == 200
    assert version_numbers() == [1, 2]
    db.session.expire_all()
    assert status_label("menunggu_klarifikasi", lang="en") == "Awaiting clarification"
    assert status_description("menunggu_klarifikasi", lang="id").startswith("Petugas menunggu")
    created = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "status.created")).one()
    assert (created.actor, created.detail) == ("pemilik", "menunggu_klarifikasi")


def test_a_status_is_reworded_audited_and_a_bad_one_refused(client, owner):
    data = {"kode": "selesai", "label_id": "Tuntas", "label_en": "Done"}
    assert client.post("/admin/model/status", data=data).status_code == 303
    db.session.expire_all()
    assert status_label("selesai", lang="id") == "Tuntas"
    assert status_description("selesai", lang="en") == "Your complaint is being processed."  # none given: generic
    updated = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "status.updated")).one()
    assert updated.data_before["label_id"] == "Selesai" and updated.data_after["label_id"] == "Tuntas"
    bad = client.post("/admin/model/status", data={**data, "kode": "Sudah Selesai"}, follow_redirects=True)
    assert "huruf kecil" in bad.text
    half = client.post("/admin/model/status", data={**NEW_STATUS, "penjelasan_en": ""}, follow_redirects=True)
    assert "kedua bahasa" in half.text
    assert client.get("/admin/model/status?lang=en").status_code == 200


def test_only_a_process_owner_edits_statuses(client, auth, sop_000, staff):
    auth.login("kepala")
    assert client.get("/admin/model/status").status_code == 404
    assert client.post("/admin/model/status", data=NEW_STATUS).status_code == 404


def test_an_agencys_lanes_are_lanes_of_its_sop(client, auth, sop_000):
    ensure_system_roles()
    create_user(username="sysadmin", password=DEMO_PASSWORD, roles=[SYSTEM_ADMIN_ROLE])
    auth.login("sysadmin")
    page = client.get("/admin/instansi/bsn").text
    assert 'name="jalur_identitas" value="Admin Inspektorat" checked' in page
    wrong = client.post("/admin/instansi/bsn/sop", data={"proses": "sop_000", "jalur_identitas": ["Admin Nasional"]},
                        follow_redirects=True)
    assert "Admin Nasional bukan jalur SOP instansi ini" in wrong.text
    db.session.expire_all()
    assert db.session.get(Organisation, "bsn").identity_lanes == ["Admin Inspektorat"]
    assert client.post("/admin/instansi/bsn/sop", data={
        "proses": "sop_000", "jalur_identitas": ["Admin Inspektorat", "Kepala Inspektorat"],
        "jalur_luring": ["Admin Inspektorat"], "penerima_laporan": "Kepala BSN"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Organisation, "bsn").identity_lanes == ["Admin Inspektorat", "Kepala Inspektorat"]
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "organisation.updated")).one()
    assert event.data_after["jalur_identitas"] == ["Admin Inspektorat", "Kepala Inspektorat"]


def test_a_diagram_without_a_report_lane_deploys_with_a_warning(client, owner):
    edited = SOP_000.replace('name="Kepala BSN"', 'name="Sekretaris Utama"')
    response = deploy_bpmn(client, edited, create_missing_roles=True)
    assert response.status_code == 200, response.get_json()
    [warning] = [w["message"] for w in response.get_json()["warnings"] if "laporan semesteran" in w["message"]]
    assert "\u201cKepala BSN\u201d" in warning and "/admin/instansi/bsn" in warning

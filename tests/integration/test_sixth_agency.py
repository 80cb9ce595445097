"""A sixth agency without Python (issue 14 item 4; the steps are in bpmn/README.md): a
district inspectorate runs a copy of SOP 003 (SP4N-LAPOR!) under its own process id and
name, with its own disposition table and a lane of its own. Everything about it is done
through the browser (process owner, system administrator) and the CLI (accounts), a
citizen files on /lapor, and its staff walk the complaint to `selesai` through the task
pages. No file under app/ is touched."""
import hashlib
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from app.extensions import db
from app.models import Case, Organisation, ProcessVersion
from app.services.definitions.processes import version_forms
from tests.helpers.complaints import COMPLAINANT, let_objection_period_pass

ROOT = Path(__file__).resolve().parents[2]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CODE, KEY = "inspektorat-kutim", "sop_inspektorat_kutim"
NAME = "Inspektorat Kabupaten Kutai Timur"
ADMIN_LANE = "Admin Inspektorat Daerah"  # the copy's own lane, in place of "Admin BPS Provinsi"
PASSWORD = "kutim-rahasia-2026"
# The inspectorate's units, in place of BPS Kaltim's in its own disposition table.
UNITS = {"kutim-umum": "Inspektur Pembantu Wilayah I", "kutim-ipds": "Inspektur Pembantu Wilayah II",
         "kutim-statistik-sosial": "Inspektur Pembantu Wilayah III", "kutim-statistik-produksi": "Irban IV",
         "kutim-distribusi": "Sekretariat Inspektorat", "kutim-neraca": "Subbagian Perencanaan"}
# The answers that decide the path (as for BPS Kaltim in test_sop_web_paths.py).
ANSWERS = {"lengkap": True, "kewenangan": True, "kategori": "administrasi_umum"}


def _app_files() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((ROOT / "app").rglob("*")) if p.is_file() and "__pycache__" not in p.parts
            and p.suffix != ".mo"}


def _copied_sop(*, status_typo: bool = False) -> bytes:
    """What the process owner does in the desktop Camunda Modeler: SOP 003 saved under a
    new process id and name, its admin lane renamed, its table reference to its own."""
    root = etree.fromstring((ROOT / "bpmn" / "sop_003.bpmn").read_bytes())
    for element in root.iter():
        for attribute in ("id", "processRef", "bpmnElement", "camunda:decisionRef"):
            name = attribute.replace("camunda:", "{http://camunda.org/schema/1.0/bpmn}")
            if element.get(name) == "sop_003":
                element.set(name, KEY)
            elif element.get(name) == "disposisi_003":
                element.set(name, "disposisi_kutim")
    process = root.find(f"{BPMN}process")
    process.set("name", f"SOP Pengelolaan Pengaduan SP4N-LAPOR! {NAME}")
    [lane] = [lane for lane in root.iter(f"{BPMN}lane") if lane.get("name") == "Admin BPS Provinsi"]
    lane.set("name", ADMIN_LANE)
    # The timers naming the lane (who may extend, whom to escalate to) follow it: the
    # owner renames those properties in the modeler's panel, or the gate refuses the copy.
    for prop in root.iter("{http://camunda.org/schema/1.0/bpmn}property"):
        if prop.get("name") in ("extend_role", "escalate_to") and prop.get("value") == "Admin BPS Provinsi":
            prop.set("value", ADMIN_LANE)
    if status_typo:
        prop = next(p for p in root.iter("{http://camunda.org/schema/1.0/bpmn}property") if p.get("name") == "status")
        prop.set("value", "verifkasi_daerah")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _copied_table() -> bytes:
    text = (ROOT / "dmn" / "disposisi_003.dmn").read_text(encoding="utf-8")
    return text.replace("disposisi_003", "disposisi_kutim").replace('"bps-kaltim-', '"kutim-').encode("utf-8")


def _upload(client, bpmn: bytes):
    return client.post("/admin/model/proses/baru", content_type="multipart/form-data", data={
        "berkas": (BytesIO(bpmn), f"{KEY}.bpmn"), "tabel": [(BytesIO(_copied_table()), "disposisi_kutim.dmn")],
        "create_missing_roles": "ya"})


def _value(field: dict):
    name, kind = field["name"], field["type"]
    value = ANSWERS.get(name)
    if value is None:
        value = {"boolean": True, "date": date.today().isoformat(), "integer": 1, "unit": "kutim-umum",
                 "organisation": "ombudsman"}.get(kind)
    if value is None and kind in ("choice", "multichoice"):
        value = field["options"][0]["value"]
    if value is None:
        value = f"Isian {name} (uji instansi keenam)"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return [value] if kind == "multichoice" else value


def _cli(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def administrators(sop_models, runner):
    """The deployment as shipped, and its administrator and process owner (CLI)."""
    _cli(runner, "organisations", "seed")  # the system roles, as the production migrate step does
    _cli(runner, "users", "create", "--username", "sysadmin", "--password", PASSWORD, "--role", "Administrator Sistem")
    _cli(runner, "users", "create", "--username", "pemilik", "--password", PASSWORD, "--role", "Pemilik Proses")


def test_a_district_inspectorate_is_added_without_code_and_handles_a_complaint_to_selesai(
        administrators, client, auth, runner):
    app_before = _app_files()

    # 1. Models (process owner, browser): the gate names what is wrong, then deploys.
    assert auth.login("pemilik", PASSWORD).status_code == 302
    refused = _upload(client, _copied_sop(status_typo=True))
    assert refused.status_code == 422
    assert "Status \u201cverifkasi_daerah\u201d" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ProcessVersion.id)).where(
        ProcessVersion.bpmn_xml.contains(KEY))) == 0
    deployed = _upload(client, _copied_sop())
    assert deployed.status_code == 303, deployed.get_data(as_text=True)[-3000:]
    statuses = client.get("/admin/model/status").get_data(as_text=True)
    assert "menunggu_kelengkapan" in statuses and "Waiting for your missing data" in statuses
    auth.logout()

    # 2. The agency and its units (system administrator, browser).
    assert auth.login("sysadmin", PASSWORD).status_code == 302
    assert client.post("/admin/instansi", data={"kode": CODE, "nama": NAME, "zona_waktu": "Asia/Makassar",
                                                "menerima_pengaduan": "ya"}).status_code == 303
    assert client.post(f"/admin/instansi/{CODE}/sop", data={"proses": KEY}).status_code == 303
    page = client.get(f"/admin/instansi/{CODE}").get_data(as_text=True)
    assert ADMIN_LANE in page and "Jalur yang melihat identitas pelapor rahasia" in page
    assert client.post(f"/admin/instansi/{CODE}/sop", data={
        "proses": KEY, "jalur_identitas": [ADMIN_LANE, "Admin Nasional"], "jalur_luring": [ADMIN_LANE],
        "jalur_laporan": [ADMIN_LANE], "penerima_laporan": "Bupati Kutai Timur"}).status_code == 303
    assert client.post("/admin/kalender/hari-kerja", data={"instansi": CODE, "hari": ["0", "1", "2", "3", "4"]}
                       ).status_code == 303
    for code, name in UNITS.items():
        assert client.post("/admin/unit", data={"kode": code, "nama": name, "instansi": CODE}).status_code == 303
    auth.logout()
    db.session.expire_all()
    agency = db.session.get(Organisation, CODE)
    assert (agency.process_key, agency.timezone, agency.accepts_complaints) == (KEY, "Asia/Makassar", True)
    assert (sorted(agency.identity_lanes), agency.intake_lanes, agency.report_lanes, agency.report_recipient) == (
        ["Admin Inspektorat Daerah", "Admin Nasional"], [ADMIN_LANE], [ADMIN_LANE], "Bupati Kutai Timur")

    # 3. Accounts (CLI): one per staff lane; the unit lane's member in the unit the table picks.
    version = db.session.scalars(db.select(ProcessVersion).where(ProcessVersion.bpmn_xml.contains(KEY))).one()
    accounts = {}
    for lane in version.lanes:
        username = "kutim." + re.sub(r"[^a-z0-9]+", "-", lane.lower()).strip("-")
        unit = ["--unit", "kutim-umum"] if lane in version.unit_scoped_lanes else []
        _cli(runner, "users", "create", "--username", username, "--password", PASSWORD, "--role", lane,
             "--organisation", CODE, *unit)
        accounts[lane] = username

    # 4. A citizen files on /lapor, choosing the new agency, as a confidential report.
    form = client.get("/lapor").get_data(as_text=True)
    assert NAME in form
    filed = client.post("/lapor", data={**COMPLAINANT, "instansi": CODE, "kerahasiaan": "rahasia"})
    assert filed.status_code == 302, filed.get_data(as_text=True)[-2000:]
    with client.session_transaction() as session:
        receipt = session["complaint_receipt"]
    case = db.session.scalars(db.select(Case).where(Case.organisation_code == CODE)).one()
    assert case.process_version.definition.key == KEY

    # 5. Its staff walk it, task by task, through the task pages.
    saw_identity = {}
    for _ in range(20):
        db.session.expire_all()
        case = db.session.get(Case, case.id)
        if case.completed:
            break
        if not case.tasks and case.timer is not None and case.timer.element_id == "ev_batas_keberatan":
            let_objection_period_pass(case.id)  # the complainant does not object
            continue
        [task] = case.tasks
        assert auth.login(accounts[task.lane], PASSWORD).status_code == 302, task.lane
        page = client.get(f"/kasus/{case.id}")
        assert page.status_code == 200, (task.lane, page.status_code)
        saw_identity[task.lane] = COMPLAINANT["nama_lengkap"] in page.get_data(as_text=True)
        definition = version_forms(case.process_version)[task.form_key]
        done = client.post(f"/tugas/{task.engine_task_id}", data={f["name"]: _value(f) for f in definition["fields"]})
        assert done.status_code == 303, (task.element_id, done.get_data(as_text=True)[-2000:])
        auth.logout()
    assert (case.completed, case.status) == (True, "selesai")
    # The lanes the agency named see the confidential reporter; the others do not.
    assert saw_identity[ADMIN_LANE] and saw_identity["Admin Nasional"]
    assert not saw_identity.get("Pejabat Penghubung", False) and not saw_identity.get("Unit Kerja", False)

    # 6. The complainant reads the outcome in plain words; app/ is as it was.
    tracked = client.post("/lacak", data={"tracking_number": receipt["tracking_number"],
                                          "access_code": receipt["access_code"]}).get_data(as_text=True)
    assert "Selesai" in tracked, tracked
    # Its admin lane reads the agency's half-yearly report, addressed as the agency said.
    assert auth.login(accounts[ADMIN_LANE], PASSWORD).status_code == 302
    reports = client.get("/laporan")
    assert reports.status_code == 200 and NAME in reports.get_data(as_text=True)
    auth.logout()
    assert _app_files() == app_before


def test_the_gate_refuses_a_diagram_that_drops_a_lane_the_agency_relies_on(administrators, client, auth):
    """bps-kaltim lets "Admin BPS Provinsi" see confidential identities: a new version of
    SOP 003 without that lane is refused, naming the lane and where to change it."""
    assert auth.login("pemilik", PASSWORD).status_code == 302
    xml = (ROOT / "bpmn" / "sop_003.bpmn").read_text(encoding="utf-8").replace(
        'name="Admin BPS Provinsi"', 'name="Admin Provinsi"')
    response = client.post("/admin/model/proses/sop_003/terapkan", json={"bpmn_xml": xml, "create_missing_roles": True})
    assert response.status_code == 422
    messages = " ".join(p["message"] for p in response.json["problems"])
    assert "\u201cAdmin BPS Provinsi\u201d melihat identitas pelapor rahasia" in messages
    assert "/admin/instansi/bps-kaltim" in messages

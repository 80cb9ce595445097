"""Round trip with the desktop Camunda Modeler (Platform 7): every diagram and table read
and written back by bpmn-moddle / dmn-moddle with camunda-bpmn-moddle (what the Modeler
does on open and save, scripts/round-trip.mjs) deploys to the same executable spec and
walks a case through the same tasks; and what the export endpoint hands out survives
the same trip."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.engine import ProcessEngine, decision_ids, decision_refs
from app.extensions import db
from app.models import Case
from app.services.administration.demo import seed_reference_data
from app.services.casework.cases import complete_task, start_case
from app.services.definitions.processes import deploy_directory
from tests.helpers.complaints import let_objection_period_pass
from tests.helpers.versions_helpers import OWNER, PASSWORD, make_owner

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "bpmn").glob("*.bpmn"))
TABLES = sorted((ROOT / "dmn").glob("*.dmn"))


def _round_trip(out: Path, models: Path = ROOT) -> subprocess.CompletedProcess:
    if not (ROOT / "node_modules" / "bpmn-moddle").exists():
        pytest.fail("node_modules is missing: run `npm ci` (scripts/test.sh does)")
    return subprocess.run(["node", "scripts/round-trip.mjs", str(out), str(models)], cwd=ROOT,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """bpmn/ and dmn/ as the Modeler writes them, beside the project's forms/."""
    out = tmp_path_factory.mktemp("round-trip")
    result = _round_trip(out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": written") == len(DIAGRAMS) + len(TABLES)
    shutil.copytree(ROOT / "forms", out / "forms")
    return out


def _tables(models: Path) -> dict[str, tuple[str, str]]:
    tables = {}
    for path in sorted((models / "dmn").glob("*.dmn")):
        xml = path.read_text(encoding="utf-8")
        for decision in decision_ids(xml, filename=path.name):
            tables[decision] = (path.name, xml)
    return tables


def _parse(models: Path, key: str):
    xml = (models / "bpmn" / f"{key}.bpmn").read_text(encoding="utf-8")
    tables = _tables(models)
    return ProcessEngine().parse(process_id=key, bpmn_xml=xml,
                                 decision_files=dict(tables[ref] for ref in decision_refs(xml)))


def _behaviour(spec: dict) -> dict:
    """What a reader checks first: each task's type, name, lane, form, timer and
    decision, and where it leads."""
    facts = {}
    for name, task in spec["spec"]["task_specs"].items():
        facts[name] = {key: task.get(key) for key in ("typename", "bpmn_name", "lane", "outputs", "extensions")}
        facts[name]["form"] = (task.get("form") or {}).get("key")
        facts[name]["timer"] = (task.get("event_definition") or {}).get("expression")
        facts[name]["decision"] = [d.get("id") for d in (task.get("decision_table") and [task["decision_table"]] or [])]
    return facts


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=lambda p: p.name)
def test_the_written_diagram_parses_to_the_same_spec(written, diagram):
    original, rewritten = _parse(ROOT, diagram.stem), _parse(written, diagram.stem)
    before, after = json.loads(original.spec_json), json.loads(rewritten.spec_json)
    assert _behaviour(after) == _behaviour(before)
    assert after == before
    assert (rewritten.process_name, rewritten.lanes, rewritten.unit_scoped_lanes, rewritten.start_lanes,
            rewritten.form_keys) == (original.process_name, original.lanes, original.unit_scoped_lanes,
                                     original.start_lanes, original.form_keys)


# SOP 000's supervisory path (tests/processes/test_sop_000.py): verification, review,
# the routing table, tata usaha, the head's answer, the closing step.
SOP_000_WALK = {
    "tugas_verifikasi": {"lengkap": True, "lokasi_kasus": "Jakarta"},
    "tugas_telaah": {"inti_masalah": "Dugaan pungutan liar.", "peraturan_terkait": "PP 94/2021.", "memo": "Memo.",
                     "logis": True, "berkadar_pengawasan": True, "kewenangan": True},
    "tugas_tindak_lanjut_pengawasan": {"kegiatan": ["klarifikasi"], "hasil_tindak_lanjut": "Terbukti sebagian."},
    "tugas_tanggapan_kepala": {"bentuk_tindak_lanjut": "audit_investigasi", "laporan_tindak_lanjut": "Audit."},
    "tugas_penyelesaian": {"ringkasan_untuk_pengadu": "Sanksi dijatuhkan."},
}


def _walk(case: Case) -> list[tuple]:
    """Complete each task the case waits at with SOP_000_WALK's data until it ends."""
    seen = []
    for _ in range(len(SOP_000_WALK) + 2):
        db.session.expire_all()
        case = db.session.get(Case, case.id)
        if case.completed:
            return seen + [("selesai", case.status)]
        if not case.tasks:  # the answer is out; nobody objects within the objection period
            seen.append(("masa_keberatan", case.status))
            let_objection_period_pass(case.id)
            continue
        [task] = case.tasks
        seen.append((task.element_id, task.lane, task.title, task.form_key, case.status))
        complete_task(task_id=task.engine_task_id, data=SOP_000_WALK[task.element_id], actor="petugas")
    raise AssertionError(f"the case did not end: {seen}")


def test_the_written_models_deploy_and_a_case_walks_the_same_tasks(app_context, written):
    seed_reference_data()
    [original] = [v for v in deploy_directory(ROOT, deployed_by="test") if v.definition.key == "sop_000"]
    on_original = start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title="Asli", actor="pengadu")

    [rewritten] = [v for v in deploy_directory(written, deployed_by="modeler") if v.definition.key == "sop_000"]
    assert rewritten.bpmn_xml == (written / "bpmn" / "sop_000.bpmn").read_text(encoding="utf-8")
    assert rewritten.decision_files == {"rute_000.dmn": (written / "dmn" / "rute_000.dmn").read_text(encoding="utf-8")}
    assert (rewritten.lanes, rewritten.unit_scoped_lanes, rewritten.start_lanes, rewritten.forms) == (
        original.lanes, original.unit_scoped_lanes, original.start_lanes, original.forms)
    on_rewritten = start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title="Modeler", actor="pengadu")
    assert on_rewritten.process_version_id == rewritten.id

    walked = _walk(on_original)
    # SOP 000 has no objection period by default (the owner's setting): the answer closes it.
    assert walked[-1] == ("selesai", "selesai") and len(walked) == len(SOP_000_WALK) + 1
    assert _walk(on_rewritten) == walked


def test_an_exported_version_opens_in_the_modeler_and_deploys_the_same(app, client, auth, tmp_path):
    with app.app_context():
        seed_reference_data()
        [deployed] = [v for v in deploy_directory(ROOT, deployed_by="test") if v.definition.key == "sop_002"]
        tables, spec = sorted(deployed.decision_files), json.loads(deployed.spec_json)
        make_owner()
    auth.login(OWNER, PASSWORD)
    (tmp_path / "in" / "bpmn").mkdir(parents=True)
    (tmp_path / "in" / "dmn").mkdir()
    response = client.get("/admin/model/proses/sop_002/versi/1/ekspor")
    assert (response.status_code, response.mimetype) == (200, "application/xml")
    assert response.headers["Content-Disposition"] == 'attachment; filename="sop_002.bpmn"'
    (tmp_path / "in" / "bpmn" / "sop_002.bpmn").write_bytes(response.data)
    assert tables, "SOP 002 uses decision tables"
    for filename in tables:
        table = client.get(f"/admin/model/proses/sop_002/versi/1/tabel/{filename}")
        assert table.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
        (tmp_path / "in" / "dmn" / filename).write_bytes(table.data)

    result = _round_trip(tmp_path / "out", tmp_path / "in")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(_parse(tmp_path / "out", "sop_002").spec_json) == spec

"""The server-side diff of two versions (app/services/modelling/version_diff.py), on the real SOP
models with the kinds of edits a process owner makes."""
import json
from pathlib import Path

from app.services.modelling.version_diff import FieldChange, diff_bpmn, diff_decision_files, diff_forms

ROOT = Path(__file__).resolve().parents[2]
SOP_000 = (ROOT / "bpmn" / "sop_000.bpmn").read_text(encoding="utf-8")
RUTE_000 = (ROOT / "dmn" / "rute_000.dmn").read_text(encoding="utf-8")


def _by_id(changes):
    return {c.element_id: c for c in changes}


def test_identical_diagrams_and_a_moved_shape_differ_in_nothing():
    assert diff_bpmn(SOP_000, SOP_000) == []
    moved = SOP_000.replace('<dc:Bounds x="', '<dc:Bounds x="1', 1)
    assert moved != SOP_000 and diff_bpmn(SOP_000, moved) == []


def test_renamed_task_changed_property_and_timer_are_changes_of_their_elements():
    new = (SOP_000.replace('name="3. Menelaah pengaduan (inti masalah, dokumen, peraturan)"', 'name="3. Menelaah"')
           .replace('<camunda:property name="status" value="penelaahan" />', '<camunda:property name="status" value="telaah" />')
           .replace(">tambah_hari_kerja(14)</bpmn:timeDate>", ">tambah_hari_kerja(12)</bpmn:timeDate>", 1))
    changes = _by_id(diff_bpmn(SOP_000, new))
    assert set(changes) == {"tugas_telaah", "tenggat_tugas_tindak_lanjut_unit"}
    telaah = changes["tugas_telaah"]
    assert (telaah.kind, telaah.type, telaah.name) == ("changed", "userTask", "3. Menelaah")
    assert telaah.changes == [
        FieldChange("nama", "3. Menelaah pengaduan (inti masalah, dokumen, peraturan)", "3. Menelaah"),
        FieldChange("properti status", "penelaahan", "telaah"),
    ]
    timer = changes["tenggat_tugas_tindak_lanjut_unit"]
    assert (timer.kind, timer.type) == ("changed", "boundaryEvent")
    assert timer.changes == [FieldChange("timerEventDefinition/timeDate", "tambah_hari_kerja(14)", "tambah_hari_kerja(12)")]


def test_an_added_task_is_added_and_rewires_its_neighbours():
    new = SOP_000.replace(
        '<bpmn:sequenceFlow id="alur_lengkap" name="Lengkap" sourceRef="gw_lengkap" targetRef="tugas_telaah"',
        '<bpmn:userTask id="tugas_cek" name="Cek ulang" />'
        '<bpmn:sequenceFlow id="alur_cek" sourceRef="tugas_cek" targetRef="tugas_telaah" />'
        '<bpmn:sequenceFlow id="alur_lengkap" name="Lengkap" sourceRef="gw_lengkap" targetRef="tugas_cek"',
    )
    assert new != SOP_000
    changes = _by_id(diff_bpmn(SOP_000, new))
    assert changes["tugas_cek"].kind == "added" and changes["alur_cek"].kind == "added"
    assert FieldChange("atribut targetRef", "tugas_telaah", "tugas_cek") in changes["alur_lengkap"].changes
    assert FieldChange("alur masuk", "alur_lengkap", "alur_cek") in changes["tugas_telaah"].changes
    removed = _by_id(diff_bpmn(new, SOP_000))
    assert removed["tugas_cek"].kind == "removed"


def test_a_changed_rule_is_named_with_its_columns():
    start = RUTE_000.index('<rule id="aturan_2">')
    entry = RUTE_000.index("<text>True</text>", start)
    new = RUTE_000[:entry] + "<text>False</text>" + RUTE_000[entry + len("<text>True</text>"):]
    [table] = diff_decision_files({"rute_000.dmn": RUTE_000}, {"rute_000.dmn": new})
    assert (table.key, table.kind) == ("rute_000.dmn", "changed")
    [rule] = table.items
    assert (rule.element_id, rule.kind, rule.type) == ("aturan_2", "changed", "rule")
    assert rule.changes == [FieldChange("masukan Berkadar pengawasan?", "True", "False")]
    assert [c.kind for c in diff_decision_files({"rute_000.dmn": RUTE_000}, {})] == ["removed"]


def test_a_changed_form_field_and_a_new_form():
    form = json.loads((ROOT / "forms" / "telaah_000.json").read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(form))
    changed["fields"][0]["required"] = False
    [result] = diff_forms({"telaah_000": form}, {"telaah_000": changed})
    [field] = result.items
    assert (field.element_id, field.kind) == ("inti_masalah", "changed")
    assert field.changes == [FieldChange("required", "true", "false")]
    assert [(c.key, c.kind) for c in diff_forms({}, {"telaah_000": form})] == [("telaah_000", "added")]

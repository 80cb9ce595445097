"""A model that reaches past its data fails its step at run time, even when it was loaded
without the deploy gate: the step is discarded, the case stays where it was, and the error
names what was refused. (The gate's own refusals: tests/integration/test_deploy_gate_sandbox.py.)"""
from pathlib import Path

import pytest

from app.extensions import db
from app.models import AuditEvent, Case
from app.services.casework.case_errors import WorkflowFailed
from app.services.casework.cases import complete_task, start_case
from app.services.casework.workflow_state import load_instance
from app.services.definitions.processes import deploy_process

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "models"
MINI = (FIXTURES / "bpmn" / "uji_mini.bpmn").read_text(encoding="utf-8")
SCRIPT = "<bpmn:script>hasil = 100 / pembagi</bpmn:script>"
TIMER = "<bpmn:timeDate>tambah_hari(3)</bpmn:timeDate>"

# (script text, words the recorded error must contain). Each one is refused before it runs.
ESCAPES = [
    ("hasil = __import__('os').system('touch {marker}')", "__import__"),
    ("hasil = ().__class__.__bases__[0].__subclasses__()", "__class__"),
    ("hasil = getattr(pembagi, '__globals__')", "getattr"),
    ("hasil = '{{0.__class__}}'.format(pembagi)", ".format"),
    ("hasil = '{{x.__class__}}'.format_map({{'x': pembagi}})", ".format_map"),
    ("hasil = f'{{pembagi.__class__.__mro__}}'", "__class__"),
    ("hasil = f'{{pembagi:>999999999}}'", "terlalu lebar"),
    ("hasil = 9**9**9", "terlalu besar"),
    ("hasil = 'a' * 10**10", "terlalu besar"),
    ("while True:\n    pass", "while"),
    ("hasil = (lambda: __builtins__)()", "lambda"),
    ("g = (x for x in [1])\nhasil = g.gi_frame.f_back.f_globals", "gi_frame"),
    ("hasil = open('/etc/passwd').read()", "open"),
    ("import os\nhasil = os.getcwd()", "import"),
    ("hasil = [c for c in ().__class__.__base__.__subclasses__()]", "__class__"),
    ("hasil = eval('1 + 1')", "eval"),
    ("hasil = type(pembagi)", "type"),
    ("hasil = globals()", "globals"),
    ("baca = '{{0}}'.split\nhasil = baca()", ".split"),
]
# Allowed constructs that only grow too large, or take too long, once a case runs them.
LIMITS = [
    ("n = pembagi * 2\nhasil = 'a' * n ** 10", "1.000.000"),
    ("n = pembagi * 3\nhasil = n ** n ** n", "bit"),
    ("s = 'ab'\nfor i in range(40):\n    s = s + s\nhasil = len(s)", "1.000.000"),
    ("hasil = 0\nfor a in range(10000):\n    for b in range(10000):\n        hasil = hasil + 1", "putaran"),
    ("hasil = len(list(range(pembagi * 10**8)))", "range"),
    # Calls from inside max() (C code, where no loop guard runs) still watch the clock.
    ("hasil = 0\nfor a in range(2000):\n    hasil = max(range(10000), key=tambah_hari)", "batas waktu"),
    ("hasil = tambah_hari_kerja(pembagi * 10**6)", "tambah_hari_kerja"),
]


def _deploy_mini(bpmn_xml: str, test_models):
    """A new version of uji_mini straight into the database, as `processes deploy` does:
    the editor's gate never sees it."""
    version = test_models["uji_mini"]
    return deploy_process(process_key="uji_mini", bpmn_xml=bpmn_xml, decision_files={}, forms=version.forms,
                          deployed_by="test")


def _run_until_refused(bpmn_xml: str, test_models) -> Case:
    _deploy_mini(bpmn_xml, test_models)
    case = start_case(process_key="uji_mini", data={"jenis": "pengaduan"}, title="Uji", actor="pengadu")
    task_id = case.tasks[0].engine_task_id
    state_before = case.workflow_state
    with pytest.raises(WorkflowFailed):
        complete_task(task_id=task_id, data={"pembagi": 2, "unit_tujuan": "Unit A"}, actor="ani")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.workflow_state == state_before  # the step was discarded
    assert [t.engine_task_id for t in case.tasks] == [task_id] and case.status == "pengisian"
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case.id))]
    assert "engine.failed" in actions and "task.completed" not in actions
    return case


@pytest.mark.parametrize(("script", "words"), ESCAPES, ids=[e[1] for e in ESCAPES])
def test_a_script_reaching_past_its_data_fails_its_step(test_models, tmp_path, script, words):
    marker = tmp_path / "dijalankan"
    case = _run_until_refused(MINI.replace(SCRIPT, f"<bpmn:script>{script.format(marker=marker)}</bpmn:script>"),
                              test_models)
    assert "Ekspresi ditolak" in case.last_error and words in case.last_error, case.last_error
    assert not marker.exists()


@pytest.mark.parametrize(("script", "words"), LIMITS, ids=[e[1] for e in LIMITS])
def test_a_script_that_grows_or_runs_without_bound_is_stopped(test_models, script, words):
    case = _run_until_refused(MINI.replace(SCRIPT, f"<bpmn:script>{script}</bpmn:script>"), test_models)
    assert words in case.last_error, case.last_error


def test_a_timer_expression_reaching_past_its_data_fails_its_step(test_models, tmp_path):
    marker = tmp_path / "dijalankan"
    timer = f"<bpmn:timeDate>__import__('os').system('touch {marker}') or tambah_hari(3)</bpmn:timeDate>"
    case = _run_until_refused(MINI.replace(TIMER, timer), test_models)
    assert "__import__" in case.last_error and not marker.exists()


def test_plain_data_scripts_still_run(test_models):
    script = ("angka = [i * pembagi for i in range(3) if i != 1]\n"
              "ringkas = {\"jumlah\": sum(angka), \"teks\": f\"{len(angka)} angka, unit {unit_tujuan.lower()}\"}\n"
              "hasil = ringkas.get(\"jumlah\", 0) + max(angka) % 3\n"
              "hasil += 1")
    _deploy_mini(MINI.replace(SCRIPT, f"<bpmn:script>{script}</bpmn:script>"), test_models)
    case = start_case(process_key="uji_mini", data={"jenis": "pengaduan"}, title="Uji", actor="pengadu")
    complete_task(task_id=case.tasks[0].engine_task_id, data={"pembagi": 4, "unit_tujuan": "Unit A"}, actor="ani")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.last_error is None and case.status == "pemeriksaan"
    [ready] = load_instance(case).ready_tasks()
    assert ready.data["hasil"] == 8 + 8 % 3 + 1
    assert ready.data["ringkas"] == {"jumlah": 8, "teks": "2 angka, unit unit a"}


@pytest.mark.parametrize("entry", ["inputEntry", "outputEntry"])
def test_a_decision_entry_reaching_past_its_data_fails_its_step(test_models, tmp_path, entry):
    marker = tmp_path / "dijalankan"
    table = (FIXTURES / "dmn" / "uji_tabel.dmn").read_text(encoding="utf-8")
    original = '<inputEntry id="r1i"><text>"a"</text>' if entry == "inputEntry" else '<outputEntry id="r1o"><text>"cepat"</text>'
    assert original in table
    table = table.replace(original, original.replace(
        '"a"' if entry == "inputEntry" else '"cepat"', f"__import__('os').system('touch {marker}') or \"a\""))
    deploy_process(process_key="uji_awal", bpmn_xml=(FIXTURES / "bpmn" / "uji_awal.bpmn").read_text(encoding="utf-8"),
                   decision_files={"uji_tabel.dmn": table}, forms=test_models["uji_awal"].forms, deployed_by="test")
    case = start_case(process_key="uji_awal", data={"kategori": "a", "pembagi": 1}, title="Uji", actor="pengadu")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.tasks == [] and case.status == "diterima"  # kept at its start, no step taken
    assert "__import__" in case.last_error and not marker.exists()

"""Every model as a process owner's tools and the engine will read it: bpmnlint's
recommended rules, bpmn-moddle/dmn-moddle loading (what bpmn-js and dmn-js do), and the
engine's own parser. The npm tools come from package.json (scripts/test.sh runs npm ci)."""
import subprocess
from pathlib import Path

import pytest

from app.engine import ProcessEngine, decision_ids, decision_refs

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "bpmn").glob("*.bpmn"))
TABLES = sorted((ROOT / "dmn").glob("*.dmn"))
BPMNLINT = ROOT / "node_modules" / ".bin" / "bpmnlint"


def _node_tools_installed():
    if not BPMNLINT.exists():
        pytest.fail("node_modules is missing: run `npm ci` (scripts/test.sh does)")


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=lambda p: p.name)
def test_bpmnlint_recommended_finds_nothing(diagram):
    _node_tools_installed()
    result = subprocess.run([str(BPMNLINT), str(diagram.relative_to(ROOT))], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_every_model_loads_in_moddle_without_warnings():
    _node_tools_installed()
    result = subprocess.run(["node", "scripts/check-models.mjs"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok") == len(DIAGRAMS) + len(TABLES)


def _tables_by_decision() -> dict[str, tuple[str, str]]:
    tables = {}
    for path in TABLES:
        xml = path.read_text(encoding="utf-8")
        for decision in decision_ids(xml, filename=path.name):
            tables[decision] = (path.name, xml)
    return tables


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=lambda p: p.name)
def test_the_engine_parses_every_diagram_with_its_tables(diagram):
    xml = diagram.read_text(encoding="utf-8")
    tables = _tables_by_decision()
    parsed = ProcessEngine().parse(
        process_id=diagram.stem, bpmn_xml=xml, decision_files=dict(tables[ref] for ref in decision_refs(xml))
    )
    assert parsed.lanes, f"{diagram.name} has no lanes: lanes name the roles that work on it"


def test_every_table_is_used_by_a_diagram():
    used = set().union(*(decision_refs(p.read_text(encoding="utf-8")) for p in DIAGRAMS))
    assert set(_tables_by_decision()) <= used

"""docs/sop-conformance.md names, for every SOP step, the element and the test that walks
it: every element id and test it names must exist, so the document cannot drift."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "sop-conformance.md").read_text(encoding="utf-8")


def test_every_test_the_document_names_exists():
    defined = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        defined |= set(re.findall(r"^def (test_[a-z0-9_]+)", path.read_text(encoding="utf-8"), re.M))
        defined.add(path.stem)
    named = set(re.findall(r"\b(test_[a-z0-9_]+)\b", DOC))
    assert sorted(n for n in named if n not in defined and not n.endswith("_")) == []


def test_every_element_id_the_document_names_is_in_a_diagram():
    ids = set()
    for diagram in (ROOT / "bpmn").glob("*.bpmn"):
        ids |= set(re.findall(r'\bid="([^"]+)"', diagram.read_text(encoding="utf-8")))
    named = set(re.findall(r"`((?:tugas|gw|ev)_[a-z0-9_]+)`", DOC))
    assert named and sorted(named - ids) == []


def test_every_sop_has_its_section():
    for number in ("000", "001", "002", "003", "004"):
        assert re.search(rf"^## SOP {number} ", DOC, re.M), number

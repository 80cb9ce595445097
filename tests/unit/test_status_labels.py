"""Every status a shipped diagram can set has a public label and explanation, in both
languages, in the seed data (seed/statuses.json), so the tracking page never falls back
to "in progress" for a known step of the shipped SOPs."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# SOP 004 is internal monitoring: its statuses never reach a complainant.
INTERNAL_ONLY = {"perencanaan", "pembahasan", "persetujuan", "persiapan", "koordinasi", "pelaksanaan",
                 "pelaporan", "penyampaian_laporan"}


def test_every_status_in_the_diagrams_has_a_label_and_an_explanation():
    seeded = {entry["code"]: entry for entry in json.loads((ROOT / "seed" / "statuses.json").read_text("utf-8"))}
    statuses = set()
    for diagram in ROOT.glob("bpmn/*.bpmn"):
        statuses |= set(re.findall(r'name="status" value="([a-z_]+)"', diagram.read_text(encoding="utf-8")))
    assert statuses - set(seeded) == set()
    assert statuses - INTERNAL_ONLY - {code for code, entry in seeded.items() if entry.get("description")} == set()
    for entry in seeded.values():
        assert entry["label"]["id"] and entry["label"]["en"]
        if "description" in entry:
            assert entry["description"]["id"] and entry["description"]["en"]

"""Every status a deployed diagram can set has a public label and explanation, in both
languages, so the tracking page never falls back to "in progress" for a known step."""
import re
from pathlib import Path

from app.services.tracking import STATUS_DESCRIPTIONS, STATUS_LABELS

ROOT = Path(__file__).resolve().parents[2]
# SOP 004 is internal monitoring: its statuses never reach a complainant.
INTERNAL_ONLY = {"perencanaan", "pembahasan", "persetujuan", "persiapan", "koordinasi", "pelaksanaan",
                 "pelaporan", "penyampaian_laporan"}


def test_every_status_in_the_diagrams_has_a_label_and_an_explanation():
    statuses = set()
    for diagram in ROOT.glob("bpmn/*.bpmn"):
        statuses |= set(re.findall(r'name="status" value="([a-z_]+)"', diagram.read_text(encoding="utf-8")))
    assert statuses - set(STATUS_LABELS) == set()
    assert statuses - INTERNAL_ONLY - set(STATUS_DESCRIPTIONS) == set()
    for indonesian, english in STATUS_LABELS.values():
        assert indonesian and english

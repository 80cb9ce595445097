"""`default_from` on a task form field: what it may name, and what it yields."""
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.services.definitions.forms import FormDefinitionError, check_definition, default_values, load_form_directory

FORMS = load_form_directory(Path(__file__).resolve().parents[2] / "forms")


def test_the_receiving_form_of_sop_002_starts_with_the_complaints_channel():
    form = FORMS["penerimaan_002"]
    assert default_values(form, complaint=SimpleNamespace(channel="kotak_pengaduan")) == {"kanal": "kotak_pengaduan"}
    assert default_values(form, complaint=None) == {}  # a case started by staff has no complaint


def test_a_channel_the_form_does_not_offer_is_not_preselected():
    form = {"key": "x", "fields": [{"name": "kanal", "type": "choice", "default_from": "complaint.channel",
                                    "options": [{"value": "surat"}]}]}
    assert default_values(form, complaint=SimpleNamespace(channel="merpati")) == {}


def test_an_unknown_source_is_refused_when_the_form_is_loaded():
    form = {"key": "x", "fields": [{"name": "nama", "type": "text", "default_from": "complaint.nik"}]}
    with pytest.raises(FormDefinitionError, match="default_from"):
        check_definition(form, source="x.json")

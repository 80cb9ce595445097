"""Task forms as JSON Schema (app/services/casefile/api_views.py): each field type, and the limits
the schema announces are the ones validate_submission enforces. No database needed."""
import json
from pathlib import Path

import pytest

from app.services.casefile.api_views import DEFAULT_MAX_LENGTH, form_json_schema
from app.services.definitions.forms import FIELD_TYPES, FormValidationError, validate_submission

ROOT = Path(__file__).resolve().parents[2]
CHOICES = {
    "unit": [("bsn-dpspk", "Deputi PSPK"), ("bsn-akreditasi", "Deputi Akreditasi")],
    "organisation": [("ombudsman", "Ombudsman RI"), ("katingan", "Inspektorat Kabupaten Katingan")],
    "forwarded_cases": [("3", "DUMAS-2026-000003"), ("7", "DUMAS-2026-000007")],
}
OPTIONS = [{"value": "a", "label": {"id": "Satu", "en": "One"}}, {"value": "b", "label": {"id": "Dua", "en": "Two"}}]
FORM = {
    "key": "contoh",
    "title": {"id": "Contoh", "en": "Example"},
    "fields": [
        {"name": "judul", "type": "text", "label": {"id": "Judul", "en": "Title"}, "required": True},
        {"name": "uraian", "type": "textarea", "label": {"id": "Uraian", "en": "Description"}, "max_length": 50},
        {"name": "setuju", "type": "boolean", "label": {"id": "Setuju?", "en": "Agreed?"}, "required": True},
        {"name": "pilihan", "type": "choice", "label": {"id": "Pilihan", "en": "Choice"}, "options": OPTIONS},
        {"name": "banyak", "type": "multichoice", "label": {"id": "Banyak", "en": "Many"}, "options": OPTIONS,
         "required": True},
        {"name": "tanggal", "type": "date", "label": {"id": "Tanggal", "en": "Date"}},
        {"name": "jumlah", "type": "integer", "label": {"id": "Jumlah", "en": "Count"}},
        {"name": "unit", "type": "unit", "label": {"id": "Unit", "en": "Unit"},
         "help": {"id": "Bila tidak setuju.", "en": "When not agreed."}, "required_when": {"setuju": False}},
        {"name": "instansi", "type": "organisation", "label": {"id": "Instansi", "en": "Agency"}},
        {"name": "kasus", "type": "forwarded_cases", "label": {"id": "Kasus", "en": "Cases"}},
    ],
}


def test_every_field_type_maps_to_its_json_schema_type():
    assert {f["type"] for f in FORM["fields"]} == FIELD_TYPES  # the example covers them all
    schema = form_json_schema(FORM, lang="en", choices=CHOICES)
    props = schema["properties"]
    assert schema["title"] == "Example" and schema["required"] == ["judul", "setuju", "banyak"]
    assert props["judul"] == {"title": "Title", "x-field-type": "text", "type": "string",
                              "maxLength": DEFAULT_MAX_LENGTH["text"], "minLength": 1}
    assert (props["uraian"]["type"], props["uraian"]["maxLength"]) == ("string", 50)
    assert props["setuju"]["type"] == "boolean"
    assert (props["pilihan"]["type"], props["pilihan"]["enum"]) == ("string", ["a", "b"])
    assert props["pilihan"]["x-enum-labels"] == {"a": "One", "b": "Two"}
    assert props["banyak"]["type"] == "array" and props["banyak"]["items"] == {"type": "string", "enum": ["a", "b"]}
    assert props["tanggal"] == {"title": "Date", "x-field-type": "date", "type": "string", "format": "date"}
    assert props["jumlah"]["type"] == "integer"
    assert props["unit"]["enum"] == ["bsn-dpspk", "bsn-akreditasi"]
    assert props["unit"]["x-required-when"] == {"setuju": False}
    assert props["instansi"]["enum"] == ["ombudsman", "katingan"]
    assert props["kasus"]["type"] == "array" and props["kasus"]["items"] == {"type": "integer", "enum": [3, 7]}
    assert props["unit"]["description"] == "When not agreed."
    assert form_json_schema(FORM, lang="id", choices=CHOICES)["properties"]["judul"]["title"] == "Judul"


@pytest.mark.parametrize("kind", ["text", "textarea"])
def test_the_announced_default_max_length_is_the_one_enforced(kind):
    form = {"key": "f", "fields": [{"name": "isi", "type": kind, "label": {"id": "Isi"}}]}
    limit = form_json_schema(form, lang="id", choices={})["properties"]["isi"]["maxLength"]
    assert validate_submission(form, {"isi": "x" * limit}) == {"isi": "x" * limit}
    with pytest.raises(FormValidationError) as refused:
        validate_submission(form, {"isi": "x" * (limit + 1)})
    assert "isi" in refused.value.errors


def test_every_deployed_form_becomes_a_schema_whose_required_fields_are_enforced():
    for path in sorted((ROOT / "forms").glob("*.json")):
        form = json.loads(path.read_text(encoding="utf-8"))
        schema = form_json_schema(form, lang="id", choices=CHOICES)
        assert set(schema["properties"]) == {f["name"] for f in form["fields"]}, path.name
        with pytest.raises(FormValidationError) as refused:
            validate_submission(form, {})
        assert set(refused.value.errors) == set(schema["required"]), path.name

"""Forms as data: every form file satisfies the JSON Schema of form definitions (checked
with `jsonschema`, as the deploy gate does), a wrong definition is refused with the field
and the key named, and each field type's three faces agree: what it accepts when a task
is submitted is valid against the JSON Schema it announces, and it renders as a widget."""
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, validate

from app.services.definitions.field_types import FIELD_TYPES
from app.services.definitions.forms import FormDefinitionError, check_definition, definition_schema, validate_submission

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = [{"value": "a", "label": {"id": "Satu", "en": "One"}}, {"value": "b", "label": "Dua"}]
# A definition and a submitted raw value of every field type, with what the API would send.
SAMPLES = {
    "text": ({}, " Catatan ", "Catatan"),
    "textarea": ({"max_length": 20}, "Uraian singkat", "Uraian singkat"),
    "boolean": ({}, "ya", True),
    "choice": ({"options": OPTIONS}, "b", "b"),
    "multichoice": ({"options": OPTIONS}, ["a", "b"], ["a", "b"]),
    "date": ({}, "2026-12-04", "2026-12-04"),
    "integer": ({}, " 7 ", 7),
    "unit": ({}, "bsn-dpspk", "bsn-dpspk"),
    "organisation": ({}, "ombudsman", "ombudsman"),
    "forwarded_cases": ({}, ["7", "3"], [3, 7]),
}
CHOICES = {"unit": [("bsn-dpspk", "Deputi PSPK")], "organisation": [("ombudsman", "Ombudsman RI")],
           "forwarded_cases": [("3", "DUMAS-2026-000003"), ("7", "DUMAS-2026-000007")]}
REFERENCES = {"unit": {"bsn-dpspk"}, "organisation": {"ombudsman"}, "forwarded_cases": {3, 7}}


def test_the_samples_cover_every_field_type():
    assert set(SAMPLES) == set(FIELD_TYPES)


@pytest.mark.parametrize("path", sorted((ROOT / "forms").glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_form_satisfies_the_definition_schema(path):
    Draft202012Validator.check_schema(definition_schema())
    validate(json.loads(path.read_text(encoding="utf-8")), definition_schema())


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_what_a_field_type_accepts_is_valid_against_the_schema_it_announces(kind, app_context):
    extra, raw, expected = SAMPLES[kind]
    field = {"name": "isian", "type": kind, "label": {"id": "Isian", "en": "Field"}, "required": True, **extra}
    form = check_definition({"key": "contoh", "fields": [field]}, source="contoh.json")
    cleaned = validate_submission(form, {"isian": raw}, references=REFERENCES)["isian"]
    assert cleaned == expected
    field_type = FIELD_TYPES[kind]
    validate(cleaned, field_type.json_schema(field, lang="en", choices=CHOICES))
    assert field_type.widget(field, "Isian", lang="id", choices=CHOICES) is not None
    assert field_type.display(field, cleaned, lang="id")


@pytest.mark.parametrize(("field", "words"), [
    ({"name": "a", "type": "warna", "label": "A"}, ["'a' bertipe 'warna', yang tidak dikenal", "forwarded_cases"]),
    ({"name": "a", "type": "text", "label": "A", "requried": True}, ["isian 'a'", "'requried' tidak berlaku"]),
    ({"name": "a", "type": "choice", "label": "A"}, ["isian 'a'", "tidak punya 'options'"]),
    ({"name": "a", "type": "boolean", "label": "A", "max_length": 5}, ["'max_length' tidak berlaku", "'boolean'"]),
    ({"name": "a b", "type": "text", "label": "A"}, ["'a b' hanya boleh huruf"]),
    ({"name": "a", "type": "text"}, ["isian 'a': 'label' wajib ada"]),
    ({"name": "a", "type": "choice", "label": "A", "options": [{"value": "x"}]}, ["isian 'a' (options.0): 'label'"]),
])
def test_a_wrong_definition_is_refused_naming_the_field_and_the_key(field, words):
    with pytest.raises(FormDefinitionError) as refused:
        check_definition({"key": "contoh", "fields": [field]}, source="contoh.json")
    message = str(refused.value)
    assert message.startswith("contoh.json: ")
    for word in words:
        assert word in message, message


def test_what_the_schema_cannot_say_is_checked_after_it():
    field = {"name": "a", "type": "text", "label": "A"}
    with pytest.raises(FormDefinitionError, match="'a' tertulis dua kali"):
        check_definition({"key": "k", "fields": [field, field]}, source="k.json")
    with pytest.raises(FormDefinitionError, match="'public_fields' menyebut 'b'"):
        check_definition({"key": "k", "fields": [field], "public_fields": ["b"]}, source="k.json")
    with pytest.raises(FormDefinitionError, match="'required_when' menyebut 'c'"):
        check_definition({"key": "k", "fields": [{**field, "required_when": {"c": True}}]}, source="k.json")

"""Declarative task forms (forms/<key>.json): checking definitions, validating submissions.

A form lists fields with a type, bilingual labels and rules. Each field type is one class
(app/services/definitions/field_types.py) that renders, validates and describes itself as JSON
Schema, so the task page, the API's schema and this validation cannot disagree. A form
definition itself is checked against a JSON Schema (`definition_schema`, with the
`jsonschema` library) built from those classes, here and at the deploy gate. Values reach
the workflow as JSON-safe types (dates as ISO strings).
"""
import json
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from jsonschema import Draft202012Validator

from app.i18n import in_callers_language
from app.services.definitions.field_types import BILINGUAL
from app.services.definitions.field_types import FIELD_TYPES as FIELD_CLASSES

FIELD_TYPES = frozenset(FIELD_CLASSES)
# Values from the database: an organisation unit code, an organisation code, and ids of
# cases forwarded to other agencies (SOP 004's monitoring plan).
REFERENCE_TYPES = tuple(name for name, kind in FIELD_CLASSES.items() if kind.reference)
# What a field's `default_from` may name: facts of the case the form is filled for, so the
# officer confirms them instead of typing them again (SOP 002's receiving step asks for the
# channel the complaint came through, which the complaint already records).
DEFAULT_SOURCES = {"complaint.channel": lambda complaint: complaint.channel}

# Form and field names become workflow variables: identifiers.
_NAME = "^[A-Za-z_][A-Za-z0-9_]*$"


class FormDefinitionError(ValueError):
    """A form file that cannot be used; named so a process owner can fix it."""


@dataclass
class FormValidationError(Exception):
    """Field name -> message, in the requested language."""

    errors: dict[str, str]


def definition_schema() -> dict:
    """The JSON Schema (2020-12) of a form file: the common keys of every field, and per
    field type what its class says its definition holds (a choice's `options`, a text's
    `max_length`, a Yes/No field's `sets_confidentiality`); any other key is refused, so a
    misspelt `requried` does not pass silently."""
    per_type = [
        {"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
         "then": {"properties": kind.definition_properties, "required": list(kind.definition_required)}}
        for name, kind in FIELD_CLASSES.items()
    ]
    field = {
        "type": "object",
        "required": ["name", "type", "label"],
        "properties": {
            "name": {"type": "string", "pattern": _NAME},
            "type": {"enum": sorted(FIELD_CLASSES)},
            "label": BILINGUAL,
            "help": BILINGUAL,
            "required": {"type": "boolean"},
            "required_when": {"type": "object", "minProperties": 1},
            "default_from": {"enum": sorted(DEFAULT_SOURCES)},
        },
        "allOf": per_type,
        "unevaluatedProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Dumas task form (forms/<key>.json)",
        "type": "object",
        "required": ["key", "fields"],
        "properties": {
            "key": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
            "title": BILINGUAL, "description": BILINGUAL, "output": BILINGUAL,
            "public_fields": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "public_kind": {"enum": ["request"]},
            "fields": {"type": "array", "items": field},
        },
        "additionalProperties": False,
    }


_VALIDATOR = Draft202012Validator(definition_schema())


def _where(form: dict, path) -> str:
    path = list(path)
    if len(path) >= 2 and path[0] == "fields" and isinstance(path[1], int):
        field = form["fields"][path[1]]
        name = field.get("name") if isinstance(field, dict) else None
        rest = ".".join(str(p) for p in path[2:])
        return f"isian {name!r}" + (f" ({rest})" if rest else "")
    return ".".join(str(p) for p in path) or "formulir"


def _schema_message(form: dict, error) -> str | None:
    """A schema error in a process owner's words (Indonesian, as the gate's other messages)."""
    where = _where(form, error.absolute_path)
    instance = error.instance
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if missing == "type" and where.startswith("isian"):
            return f"{where} bertipe None, yang tidak dikenal; tipe yang dikenal: {', '.join(sorted(FIELD_CLASSES))}."
        if missing == "options":
            return f"{where}: isian pilihan tidak punya 'options'."
        return f"{where}: '{missing}' wajib ada."
    if error.validator == "enum" and list(error.absolute_path)[-1:] == ["type"]:
        return (f"{where.split(' (')[0]} bertipe {instance!r}, yang tidak dikenal; tipe yang dikenal: "
                f"{', '.join(sorted(FIELD_CLASSES))}.")
    if error.validator == "enum":
        return f"{where}: nilai {instance!r} harus salah satu dari {', '.join(map(str, error.validator_value))}."
    if error.validator in ("unevaluatedProperties", "additionalProperties"):
        kind = instance.get("type") if isinstance(instance, dict) else None
        # A key of the type's own is "unevaluated" too when its value is wrong: that error
        # is reported on its own, so only keys no schema knows are named here.
        known = set(error.schema.get("properties", {})) | set(
            FIELD_CLASSES[kind].definition_properties if kind in FIELD_CLASSES else {})
        extra = sorted(k for k in instance if k not in known) if isinstance(instance, dict) else []
        if not extra:
            return None
        return (f"{where}: {', '.join(repr(k) for k in extra)} tidak berlaku"
                + (f" untuk isian bertipe {kind!r}." if kind else "."))
    if error.validator == "pattern":
        return f"{where}: {instance!r} hanya boleh huruf, angka dan garis bawah."
    if error.validator == "minItems":
        return f"{where}: daftar ini tidak boleh kosong."
    if error.validator in ("type", "oneOf"):
        return f"{where}: bentuknya salah ({error.message})."
    return f"{where}: {error.message}"


def check_definition(form: dict, *, source: str) -> dict:
    """Refuse a form definition the application could not render or validate: first the
    JSON Schema of form files (every problem at once), then what a schema cannot say
    (names used twice, `public_fields` and `required_when` naming fields of the form)."""
    if not isinstance(form, dict):
        raise FormDefinitionError(f"{source}: formulir harus berupa objek JSON.")
    errors = sorted(_VALIDATOR.iter_errors(form), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        # An `if` branch failing reports on the field as a whole; one line per problem.
        messages = [m for m in dict.fromkeys(_schema_message(form, e) for e in errors) if m]
        raise FormDefinitionError(f"{source}: " + " ".join(messages))
    names = [field["name"] for field in form["fields"]]
    for name in names:
        if names.count(name) > 1:
            raise FormDefinitionError(f"{source}: isian {name!r} tertulis dua kali.")
    for name in form.get("public_fields", []):
        if name not in names:
            raise FormDefinitionError(f"{source}: 'public_fields' menyebut {name!r}, yang bukan isian formulir ini.")
    for field in form["fields"]:
        for other in field.get("required_when", {}):
            if other not in names:
                raise FormDefinitionError(f"{source}: isian {field['name']!r}: 'required_when' menyebut {other!r}, "
                                          "yang bukan isian formulir ini.")
    return form


def load_form_directory(directory: Path) -> dict[str, dict]:
    forms = {}
    for path in sorted(directory.glob("*.json")):
        form = check_definition(json.loads(path.read_text(encoding="utf-8")), source=path.name)
        if form["key"] != path.stem:
            raise FormDefinitionError(f"{path.name}: 'key' harus sama dengan nama berkas ({path.stem}).")
        forms[form["key"]] = form
    return forms


def _is_required(field: dict, values: dict) -> bool:
    """`required`, or `required_when`: {other field: value} all equal in this submission."""
    if field.get("required"):
        return True
    condition = field.get("required_when") or {}
    return bool(condition) and all(values.get(k) == v for k, v in condition.items())


def _clean(field: dict, raw, *, lang: str, references: dict[str, set]):
    return FIELD_CLASSES[field["type"]].clean(field, raw, lang=lang, allowed=references.get(field["type"]))


def _is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, (str, list)) and not (raw.strip() if isinstance(raw, str) else raw))


def default_values(form: dict, *, complaint) -> dict:
    """The values a task form starts with, from its fields' `default_from`; a value that is
    not one of a choice field's options is left out rather than shown as a wrong choice."""
    values = {}
    for field in form["fields"]:
        source = DEFAULT_SOURCES.get(field.get("default_from"))
        if source is None or complaint is None:
            continue
        value = source(complaint)
        if FIELD_CLASSES[field["type"]].accepts_default(field, value):
            values[field["name"]] = value
    return values


def reference_types(form: dict, *, submitted: dict | None = None) -> set[str]:
    """The database-backed field types a form uses, so callers load only those; with
    `submitted`, only the types of fields given a value there: validate_submission never
    checks an empty field, so loading the allowed values of one is a wasted query."""
    return {f["type"] for f in form["fields"] if f["type"] in REFERENCE_TYPES
            and (submitted is None or not _is_empty(submitted.get(f["name"])))}


@in_callers_language
def validate_submission(form: dict, raw: dict, *, lang: str = "id", references: dict[str, set] | None = None) -> dict:
    """Return the cleaned values of a submission or raise FormValidationError.

    `references` maps a database-backed field type ("unit", "organisation",
    "forwarded_cases") to its allowed values; a type left out is not checked.
    Fields left empty and not required are left out, so they never overwrite what the
    workflow already holds."""
    references = references or {}
    errors: dict[str, str] = {}
    cleaned: dict = {}
    known = {f["name"] for f in form["fields"]}
    for name in raw:
        if name not in known:
            errors[name] = _("Isian ini tidak ada pada formulir.")
    for field in form["fields"]:
        value = raw.get(field["name"])
        if _is_empty(value):
            continue
        try:
            cleaned[field["name"]] = _clean(field, value, lang=lang, references=references)
        except ValueError as exc:
            errors[field["name"]] = str(exc)
    for field in form["fields"]:
        if field["name"] not in cleaned and field["name"] not in errors and _is_required(field, cleaned):
            errors[field["name"]] = _("Wajib diisi.")
    if errors:
        raise FormValidationError(errors)
    return cleaned


def display_value(field: dict, value, *, lang: str = "id") -> str:
    """A submitted value as a person reads it in a record: option labels, Ya/Tidak."""
    if value is None:
        return ""
    return FIELD_CLASSES[field["type"]].display(field, value, lang=lang)

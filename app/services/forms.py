"""Declarative task forms (forms/<key>.json): loading and validating submissions.

A form lists fields with a type, bilingual labels and rules. The same definition
drives the HTML form, the API's JSON schema and this validation, so a rule is written
once. Values reach the workflow as JSON-safe types (dates as ISO strings).
"""
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

FIELD_TYPES = {
    "text", "textarea", "boolean", "choice", "multichoice", "date", "integer",
    # Values from the database: an organisation unit code, an organisation code, and
    # ids of cases forwarded to other agencies (SOP 004's monitoring plan).
    "unit", "organisation", "forwarded_cases",
}
REFERENCE_TYPES = ("unit", "organisation", "forwarded_cases")
# What a field's `default_from` may name: facts of the case the form is filled for, so the
# officer confirms them instead of typing them again (SOP 002's receiving step asks for the
# channel the complaint came through, which the complaint already records).
DEFAULT_SOURCES = {"complaint.channel": lambda complaint: complaint.channel}
_TRUE = {True, "true", "True", "1", "ya", "on", "yes"}
_FALSE = {False, "false", "False", "0", "tidak", "no", "off"}

_MESSAGES = {
    "required": {"id": "Wajib diisi.", "en": "This field is required."},
    "boolean": {"id": "Pilih Ya atau Tidak.", "en": "Choose Yes or No."},
    "choice": {"id": "Pilih salah satu pilihan yang tersedia.", "en": "Choose one of the options."},
    "date": {"id": "Tanggal tidak valid (format TTTT-BB-HH).", "en": "Not a valid date (YYYY-MM-DD)."},
    "integer": {"id": "Harus berupa bilangan bulat.", "en": "Must be a whole number."},
    "too_long": {"id": "Terlalu panjang (maksimal {n} karakter).", "en": "Too long (at most {n} characters)."},
    # Database-backed values are scoped to the case's organisation (app/services/references.py),
    # so the message says which ones are accepted rather than only "unknown".
    "unit": {
        "id": "Unit kerja ini bukan unit instansi kasus ini.",
        "en": "This unit is not a unit of this case's agency.",
    },
    "organisation": {
        "id": "Instansi ini tidak dikenal atau merupakan instansi kasus ini sendiri.",
        "en": "This agency is unknown or is this case's own agency.",
    },
    "forwarded_cases": {
        "id": "Pilih hanya kasus instansi ini yang telah diteruskan ke instansi lain.",
        "en": "Choose only cases of this agency that were forwarded to another agency.",
    },
    "unknown": {"id": "Isian ini tidak ada pada formulir.", "en": "This field is not on the form."},
}


class FormDefinitionError(ValueError):
    """A form file that cannot be used; named so a process owner can fix it."""


@dataclass
class FormValidationError(Exception):
    """Field name -> message, in the requested language."""

    errors: dict[str, str]


def _message(code: str, lang: str, **params) -> str:
    text = _MESSAGES[code].get(lang) or _MESSAGES[code]["id"]
    return text.format(**params)


def check_definition(form: dict, *, source: str) -> dict:
    """Refuse a form definition the application could not render or validate."""
    if not isinstance(form.get("key"), str) or not isinstance(form.get("fields"), list):
        raise FormDefinitionError(f"{source}: formulir harus punya 'key' dan daftar 'fields'.")
    seen = set()
    for field in form["fields"]:
        name, kind = field.get("name"), field.get("type")
        if not name or kind not in FIELD_TYPES:
            raise FormDefinitionError(f"{source}: isian {name!r} bertipe {kind!r}, yang tidak dikenal.")
        if name in seen:
            raise FormDefinitionError(f"{source}: isian {name!r} tertulis dua kali.")
        seen.add(name)
        if kind in {"choice", "multichoice"} and not field.get("options"):
            raise FormDefinitionError(f"{source}: isian pilihan {name!r} tidak punya 'options'.")
        if "default_from" in field and field["default_from"] not in DEFAULT_SOURCES:
            raise FormDefinitionError(f"{source}: isian {name!r}: 'default_from' harus salah satu dari "
                                      f"{', '.join(sorted(DEFAULT_SOURCES))}.")
        if "sets_confidentiality" in field and (kind != "boolean" or field["sets_confidentiality"] not in ("rahasia", "anonim")):
            raise FormDefinitionError(f"{source}: isian {name!r}: 'sets_confidentiality' hanya untuk isian Ya/Tidak, "
                                      "bernilai 'rahasia' atau 'anonim'.")
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
    condition = field.get("required_when")
    return bool(condition) and all(values.get(k) == v for k, v in condition.items())


def _clean(field: dict, raw, *, lang: str, references: dict[str, set]):
    kind = field["type"]
    allowed = references.get(kind)
    if kind == "boolean":
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise ValueError(_message("boolean", lang))
    if kind == "choice":
        allowed = {o["value"] for o in field["options"]}
        if raw not in allowed:
            raise ValueError(_message("choice", lang))
        return raw
    if kind == "multichoice":
        allowed = {o["value"] for o in field["options"]}
        values = raw if isinstance(raw, list) else [raw]
        if not all(v in allowed for v in values):
            raise ValueError(_message("choice", lang))
        return values
    if kind == "date":
        try:
            return date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise ValueError(_message("date", lang)) from None
    if kind == "integer":
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError(_message("integer", lang)) from None
    if kind == "forwarded_cases":
        values = raw if isinstance(raw, list) else [raw]
        try:
            ids = sorted({int(str(v).strip()) for v in values})
        except ValueError:
            raise ValueError(_message("forwarded_cases", lang)) from None
        if allowed is not None and not set(ids) <= allowed:
            raise ValueError(_message("forwarded_cases", lang))
        return ids
    text = str(raw).strip()
    if kind in ("unit", "organisation") and allowed is not None and text not in allowed:
        raise ValueError(_message(kind, lang))
    limit = field.get("max_length", 10000 if kind == "textarea" else 500)
    if len(text) > limit:
        raise ValueError(_message("too_long", lang, n=limit))
    return text


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
        if field["type"] == "choice" and value not in {o["value"] for o in field["options"]}:
            continue
        if value not in (None, ""):
            values[field["name"]] = value
    return values


def reference_types(form: dict) -> set[str]:
    """The database-backed field types a form uses, so callers load only those."""
    return {f["type"] for f in form["fields"] if f["type"] in REFERENCE_TYPES}


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
            errors[name] = _message("unknown", lang)
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
            errors[field["name"]] = _message("required", lang)
    if errors:
        raise FormValidationError(errors)
    return cleaned


def display_value(field: dict, value, *, lang: str = "id") -> str:
    """A submitted value as a person reads it in a record: option labels, Ya/Tidak."""
    def label(option_value):
        for option in field.get("options", []):
            if option["value"] == option_value:
                text = option.get("label")
                return (text.get(lang) or text.get("id")) if isinstance(text, dict) else str(text)
        return str(option_value)

    if value is None:
        return ""
    if field["type"] == "boolean":
        return ({"id": "Ya", "en": "Yes"} if value else {"id": "Tidak", "en": "No"})[lang if lang == "en" else "id"]
    if field["type"] == "choice":
        return label(value)
    if isinstance(value, list):
        return ", ".join(label(v) for v in value)
    return str(value)

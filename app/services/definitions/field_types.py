"""The field types of the declarative task forms (forms/<key>.json), each in one class that
renders itself (a WTForms field for the task page and the modeler's preview), validates a
submitted value, describes itself as JSON Schema (the API's task form), reads itself back
as a person reads it (a record), and says what its definition must hold (the JSON Schema
the deploy gate checks form files with, app/services/definitions/forms.py).

A new field type is one class here, added to FIELD_TYPES; nothing else changes.
Messages are lazy Flask-Babel strings (Indonesian source, English in app/translations):
validate_submission turns them into text in the caller's `lang`; WTForms labels are
translated where the page is rendered. `lang` still picks a form file's own bilingual
labels ({"id": ..., "en": ...}).
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice

from app.i18n import in_language

_TRUE = {True, "true", "True", "1", "ya", "on", "yes"}
_FALSE = {False, "false", "False", "0", "tidak", "no", "off"}
BILINGUAL = {"oneOf": [{"type": "string"}, {
    "type": "object", "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
    "required": ["id"], "additionalProperties": False}]}
OPTIONS = {"type": "array", "minItems": 1, "items": {
    "type": "object", "properties": {"value": {"type": "string", "minLength": 1}, "label": BILINGUAL},
    "required": ["value", "label"], "additionalProperties": False}}


def text_in(value, lang: str) -> str:
    """A bilingual {"id": ..., "en": ...} text in the asked language, else Indonesian."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("id") or ""
    return str(value or "")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class FieldType:
    """One kind of form field. `field` is the field's definition (a dict from the form file)."""

    name = ""
    multiple = False  # submitted as a list (checkboxes)
    reference = False  # its values come from the database, scoped to the case's organisation
    # What a definition of this type may (or must) hold beyond the common keys.
    definition_properties: dict = {}
    definition_required: tuple[str, ...] = ()
    # The text types' length when a definition names no max_length.
    default_limit: int

    def clean(self, field: dict, raw, *, lang: str, allowed: set | None):
        """The value as the workflow stores it (JSON types); ValueError with the message."""
        raise NotImplementedError

    def json_schema(self, field: dict, *, lang: str, choices: dict) -> dict:
        raise NotImplementedError

    def widget(self, field: dict, label, *, lang: str, choices: dict):
        raise NotImplementedError

    def display(self, field: dict, value, *, lang: str) -> str:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def accepts_default(self, field: dict, value) -> bool:
        return value not in (None, "")


class TextField(FieldType):
    name = "text"
    default_limit = 500
    definition_properties = {"max_length": {"type": "integer", "minimum": 1}}

    def limit(self, field: dict) -> int:
        return field.get("max_length", self.default_limit)

    def clean(self, field, raw, *, lang, allowed):
        text = str(raw).strip()
        if len(text) > self.limit(field):
            raise ValueError(_l("Terlalu panjang (maksimal %(n)s karakter).", n=self.limit(field)))
        return text

    def json_schema(self, field, *, lang, choices):
        schema = {"type": "string", "maxLength": self.limit(field)}
        if field.get("required"):
            schema["minLength"] = 1
        return schema

    def widget(self, field, label, *, lang, choices):
        return StringField(label)


class TextareaField(TextField):
    name = "textarea"
    default_limit = 10000

    def widget(self, field, label, *, lang, choices):
        return TextAreaField(label)


class BooleanField(FieldType):
    name = "boolean"
    definition_properties = {"sets_confidentiality": {"enum": ["rahasia", "anonim"]}}

    def clean(self, field, raw, *, lang, allowed):
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise ValueError(_l("Pilih Ya atau Tidak."))

    def json_schema(self, field, *, lang, choices):
        return {"type": "boolean"}

    def widget(self, field, label, *, lang, choices):
        return RadioField(label, choices=[SelectChoice("ya", _l("Ya")), SelectChoice("tidak", _l("Tidak"))],
                          validate_choice=False)

    def display(self, field, value, *, lang):
        return in_language(_l("Ya") if value else _l("Tidak"), lang)


class ChoiceField(FieldType):
    name = "choice"
    definition_properties = {"options": OPTIONS}
    definition_required = ("options",)

    def values(self, field: dict) -> list[str]:
        return [option["value"] for option in field["options"]]

    def labels(self, field: dict, lang: str) -> dict[str, str]:
        return {option["value"]: text_in(option.get("label"), lang) for option in field["options"]}

    def clean(self, field, raw, *, lang, allowed):
        if raw not in self.values(field):
            raise ValueError(_l("Pilih salah satu pilihan yang tersedia."))
        return raw

    def json_schema(self, field, *, lang, choices):
        return {"type": "string", "enum": self.values(field), "x-enum-labels": self.labels(field, lang)}

    def widget(self, field, label, *, lang, choices):
        return RadioField(label, choices=[SelectChoice(v, text) for v, text in self.labels(field, lang).items()],
                          validate_choice=False)

    def display(self, field, value, *, lang):
        return self.labels(field, lang).get(value, str(value))

    def accepts_default(self, field, value) -> bool:
        return value in self.values(field)


class MultichoiceField(ChoiceField):
    name = "multichoice"
    multiple = True

    def clean(self, field, raw, *, lang, allowed):
        values = raw if isinstance(raw, list) else [raw]
        if not all(v in self.values(field) for v in values):
            raise ValueError(_l("Pilih salah satu pilihan yang tersedia."))
        return values

    def json_schema(self, field, *, lang, choices):
        schema = {"type": "array", "items": {"type": "string", "enum": self.values(field)},
                  "x-enum-labels": self.labels(field, lang)}
        if field.get("required"):
            schema["minItems"] = 1
        return schema

    def widget(self, field, label, *, lang, choices):
        return MultiCheckboxField(label, choices=[SelectChoice(v, t) for v, t in self.labels(field, lang).items()],
                                  validate_choice=False)

    def display(self, field, value, *, lang):
        labels = self.labels(field, lang)
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in values)

    def accepts_default(self, field, value) -> bool:
        return FieldType.accepts_default(self, field, value)


class DateValueField(FieldType):
    name = "date"

    def clean(self, field, raw, *, lang, allowed):
        try:
            return date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise ValueError(_l("Tanggal tidak valid (format TTTT-BB-HH).")) from None

    def json_schema(self, field, *, lang, choices):
        return {"type": "string", "format": "date"}

    def widget(self, field, label, *, lang, choices):
        return DateField(label)


class IntegerValueField(FieldType):
    name = "integer"

    def clean(self, field, raw, *, lang, allowed):
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError(_l("Harus berupa bilangan bulat.")) from None

    def json_schema(self, field, *, lang, choices):
        return {"type": "integer"}

    def widget(self, field, label, *, lang, choices):
        return IntegerField(label)


class CodeReferenceField(FieldType):
    """A code from the database: one unit of the case's organisation, or an agency other
    than the case's own (app/services/definitions/references.py gives the allowed values)."""

    reference = True
    refused = _l("Nilai ini tidak diterima.")

    def clean(self, field, raw, *, lang, allowed):
        text = str(raw).strip()
        if allowed is not None and text not in allowed:
            raise ValueError(self.refused)
        if len(text) > 500:
            raise ValueError(_l("Terlalu panjang (maksimal %(n)s karakter).", n=500))
        return text

    def json_schema(self, field, *, lang, choices):
        schema = {"type": "string"}
        # A type present in `choices` always gets its enum, even an empty one: a case whose
        # organisation has no units accepts none, and the schema says so.
        if self.name in choices:
            schema["enum"] = [code for code, _ in choices[self.name]]
            schema["x-enum-labels"] = dict(choices[self.name])
        return schema

    def widget(self, field, label, *, lang, choices):
        options = [SelectChoice(code, name) for code, name in choices.get(self.name, [])]
        return SelectField(label, choices=[SelectChoice("", "—"), *options], validate_choice=False)


class UnitField(CodeReferenceField):
    name = "unit"
    refused = _l("Unit kerja ini bukan unit instansi kasus ini.")


class OrganisationField(CodeReferenceField):
    name = "organisation"
    refused = _l("Instansi ini tidak dikenal atau merupakan instansi kasus ini sendiri.")


class ForwardedCasesField(FieldType):
    """Ids of cases of the case's organisation that were forwarded to another agency (SOP
    004's monitoring plan)."""

    name = "forwarded_cases"
    multiple = True
    reference = True
    refused = _l("Pilih hanya kasus instansi ini yang telah diteruskan ke instansi lain.")

    def clean(self, field, raw, *, lang, allowed):
        values = raw if isinstance(raw, list) else [raw]
        try:
            ids = sorted({int(str(v).strip()) for v in values})
        except ValueError:
            raise ValueError(self.refused) from None
        if allowed is not None and not set(ids) <= allowed:
            raise ValueError(self.refused)
        return ids

    def json_schema(self, field, *, lang, choices):
        items = {"type": "integer"}
        schema = {"type": "array", "items": items}
        if self.name in choices:
            items["enum"] = [int(value) for value, _ in choices[self.name]]
            schema["x-enum-labels"] = dict(choices[self.name])
        if field.get("required"):
            schema["minItems"] = 1
        return schema

    def widget(self, field, label, *, lang, choices):
        return MultiCheckboxField(label, choices=[SelectChoice(v, t) for v, t in choices.get(self.name, [])],
                                  validate_choice=False)


FIELD_TYPES: dict[str, FieldType] = {kind.name: kind() for kind in (
    TextField, TextareaField, BooleanField, ChoiceField, MultichoiceField, DateValueField, IntegerValueField,
    UnitField, OrganisationField, ForwardedCasesField)}

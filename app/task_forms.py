"""WTForms built from the declarative task forms in forms/.

Each field type renders itself (app/services/definitions/field_types.py); its rules are checked once,
by app.services.definitions.forms. These forms only render the fields and keep what was typed when the
service refuses it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from app.services.definitions.field_types import FIELD_TYPES, text_in


def build_task_form(definition: dict, *, lang: str, choices: dict[str, list[tuple[str, str]]], formdata=None,
                    defaults: dict | None = None) -> FlaskForm:
    """A FlaskForm instance for one task form definition; `choices` holds the options of
    the database-backed field types (unit, organisation, forwarded_cases); `defaults` the
    values it starts with (ignored once something was submitted)."""

    class TaskForm(FlaskForm):
        pass

    for spec in definition["fields"]:
        label = text_in(spec.get("label"), lang)
        if not spec.get("required"):
            # One message with a parameter: pybabel does not read calls inside an f-string.
            label = str(_l("%(label)s (opsional)", label=label))
        setattr(TaskForm, spec["name"], FIELD_TYPES[spec["type"]].widget(spec, label, lang=lang, choices=choices))
    return TaskForm(formdata=formdata, data=None if formdata is not None else defaults)


def help_texts(definition: dict, *, lang: str) -> dict[str, str]:
    return {spec["name"]: text_in(spec.get("help"), lang) for spec in definition["fields"] if spec.get("help")}


def submitted_values(definition: dict, formdata) -> dict:
    """The raw values of a POST, as the service validates them (lists for the types
    submitted as several values)."""
    return {spec["name"]: formdata.getlist(spec["name"]) if FIELD_TYPES[spec["type"]].multiple
            else formdata.get(spec["name"]) for spec in definition["fields"]}

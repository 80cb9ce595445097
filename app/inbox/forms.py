"""WTForms built from the declarative task forms in forms/.

The form definition's rules are checked once, by app.services.forms; these classes
only render the fields and keep what was typed when the service refuses it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _text(value, lang: str) -> str:
    if isinstance(value, dict):
        return value.get(lang) or value.get("id") or ""
    return value or ""


def build_task_form(definition: dict, *, lang: str, choices: dict[str, list[tuple[str, str]]], formdata=None,
                    defaults: dict | None = None) -> FlaskForm:
    """A FlaskForm instance for one task form definition; `choices` holds the options of
    the database-backed field types (unit, organisation, forwarded_cases); `defaults` the
    values it starts with (ignored once something was submitted)."""

    class TaskForm(FlaskForm):
        pass

    for spec in definition["fields"]:
        label = _text(spec.get("label"), lang) + ("" if spec.get("required") else f" ({_l('opsional')})")
        kind = spec["type"]
        options = [SelectChoice(o["value"], _text(o.get("label"), lang)) for o in spec.get("options", [])]
        if kind == "boolean":
            field = RadioField(label, choices=[SelectChoice("ya", _l("Ya")), SelectChoice("tidak", _l("Tidak"))], validate_choice=False)
        elif kind == "choice":
            field = RadioField(label, choices=options, validate_choice=False)
        elif kind == "multichoice":
            field = MultiCheckboxField(label, choices=options, validate_choice=False)
        elif kind == "date":
            field = DateField(label)
        elif kind == "integer":
            field = IntegerField(label)
        elif kind in ("unit", "organisation"):
            options = [SelectChoice(code, name) for code, name in choices.get(kind, [])]
            field = SelectField(label, choices=[SelectChoice("", "—"), *options], validate_choice=False)
        elif kind == "forwarded_cases":
            options = [SelectChoice(value, text) for value, text in choices.get(kind, [])]
            field = MultiCheckboxField(label, choices=options, validate_choice=False)
        elif kind == "textarea":
            field = TextAreaField(label)
        else:
            field = StringField(label)
        setattr(TaskForm, spec["name"], field)
    return TaskForm(formdata=formdata, data=None if formdata is not None else defaults)


def help_texts(definition: dict, *, lang: str) -> dict[str, str]:
    return {spec["name"]: _text(spec.get("help"), lang) for spec in definition["fields"] if spec.get("help")}


def submitted_values(definition: dict, formdata) -> dict:
    """The raw values of a POST, as the service validates them (lists for multichoice)."""
    values = {}
    for spec in definition["fields"]:
        name = spec["name"]
        if spec["type"] in ("multichoice", "forwarded_cases"):
            values[name] = formdata.getlist(name)
        else:
            values[name] = formdata.get(name)
    return values

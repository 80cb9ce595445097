"""The on-demand report form: which organisation and which semester."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange


class ReportForm(FlaskForm):
    organisation = SelectField(_l("Instansi"), validators=[InputRequired(message=_l("Pilih instansi."))])
    year = IntegerField(_l("Tahun"), validators=[
        InputRequired(message=_l("Tahun wajib diisi.")),
        NumberRange(min=2000, max=2100, message=_l("Tahun harus antara 2000 dan 2100."))])
    semester = SelectField(_l("Semester"), choices=[SelectChoice("1", _l("I (Januari–Juni)")), SelectChoice("2", _l("II (Juli–Desember)"))],
                           validators=[InputRequired(message=_l("Pilih semester."))])
